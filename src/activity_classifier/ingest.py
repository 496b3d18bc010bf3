"""Reading learner reports as annotators receive them, and splitting them into activities.

Accepted inputs
---------------
Tables (``.csv``, ``.tsv``, ``.xlsx``; read by :func:`activity_classifier.tables.read_table`)
    *Long*: one activity a row, in a text column. *Wide*: one report a row, with numbered activity
    columns such as ``activiteit_1`` .. ``activiteit_5``. The caller may name the columns; otherwise
    they are detected (see :func:`detect_layout`) and the detection is reported.
Free text (``.docx``, ``.txt``)
    One report a file, split into activities by :func:`split_report`.
Folders
    Every supported file in the folder and its sub-folders, in name order (hidden files and Word's
    ``~$`` lock files are skipped).

Every :class:`Activity` keeps its source: the file, a report id, its number within the report and where
it was found (a spreadsheet row and column, or the paragraphs or lines of a document), so that nothing
is detached from where it came from. Nothing is dropped either: an empty item becomes an activity with an
empty text, which the classifier flags ``empty_text``.

Examples
--------
>>> blocks = split_report(["Leerverslag 2", "", "1. Webinar over feedback gevolgd", "2.", "3. Boek gelezen"])
>>> [(b.text, b.start) for b in blocks]
[('Webinar over feedback gevolgd', 3), ('', 4), ('Boek gelezen', 5)]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .exceptions import EmptyInputError, InputDataError
from .tables import CSV_SUFFIXES, EXCEL_SUFFIXES, find_column, read_table, sheet_row

if TYPE_CHECKING:
    import pandas as pd
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

__all__ = [
    "DOCUMENT_SUFFIXES",
    "SUPPORTED_SUFFIXES",
    "Activity",
    "Block",
    "Ingested",
    "Layout",
    "Line",
    "TableLayout",
    "detect_layout",
    "expand_inputs",
    "read_activities",
    "read_docx_lines",
    "read_txt_lines",
    "split_report",
]

logger = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = (".docx", ".txt")
SUPPORTED_SUFFIXES = CSV_SUFFIXES + EXCEL_SUFFIXES + DOCUMENT_SUFFIXES

Layout = Literal["auto", "long", "wide"]

# Column names recognised when the user names none (compared case-insensitively, ignoring "_", "-", " ").
_TEXT_NAMES = ("text", "tekst", "activiteit", "activity", "beschrijving", "omschrijving", "description")
_REPORT_NAMES = ("report_id", "report", "verslag", "verslag_id", "leerverslag", "rapport", "report_no")
_TEACHER_NAMES = ("teacher_id", "teacher", "docent", "docent_id", "docentnummer", "medewerker")
_ACTIVITY_NO_NAMES = ("activity_no", "activiteit_nr", "activiteitnummer", "nr", "volgnummer")
# Wide layout: a stem followed by a number, e.g. "activiteit_1", "Activiteit 2", "activity3".
_WIDE_COLUMN = re.compile(r"^(?:activiteit(?:en)?|activity|activities|act)[\s_.-]*(\d{1,2})$", re.IGNORECASE)

# Free text: typed list markers and headings.
_SUBNUMBERED = re.compile(r"^(\s*)\d{1,2}(?:\.\d{1,2})+\.?(?:\s+|$)")
_NUMBERED = re.compile(r"^(\s*)\(?\d{1,2}[.)](?:\s+|$)")
_LETTERED = re.compile(r"^(\s*)\(?[a-z][.)](?:\s+|$)")
_BULLET = re.compile(r"^(\s*)[-*•·–—▪►➢✓o](?:\s+|$)")
_MARKERS = ((_SUBNUMBERED, "subnumber"), (_NUMBERED, "number"), (_LETTERED, "letter"), (_BULLET, "bullet"))
# "Activiteit 1", "Activiteit 2: Webinar over feedback", "## Activity 3." (a separator or nothing after the number).
_ACTIVITY_HEADING = re.compile(
    r"^\s*(?:#+\s*)?(?:activiteit|activity)\s*(\d{1,2})\s*(?:[:.)-]\s*(.*)|$)", re.IGNORECASE | re.DOTALL
)
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+(.*)$")


def _key(name: object) -> str:
    return re.sub(r"[\s_-]+", "", str(name).casefold())


@dataclass(frozen=True)
class Activity:
    """One activity description with its source.

    Attributes
    ----------
    text : str
        The description as written (list markers removed); may be empty.
    source_file : str
        The file it came from, as given or found in a folder.
    report_id : str
        The report it belongs to: a report column's value, the file name of a document, or the file name
        and row of a wide table.
    activity_no : int
        Its number within the report, from 1.
    location : str
        Where in the file: ``row 5``, ``row 3, column 'activiteit_2'``, ``paragraphs 4-6`` or ``line 7``.
    teacher_id : str
        The teacher, from a teacher column; empty when unknown.
    """

    text: str
    source_file: str
    report_id: str
    activity_no: int
    location: str
    teacher_id: str = ""


@dataclass(frozen=True)
class TableLayout:
    """The columns used to read a table (detected or given).

    Attributes
    ----------
    layout : {"long", "wide"}
        One activity a row, or one report a row.
    text_columns : tuple of str
        The text column (long) or the activity columns in order (wide).
    report_column, teacher_column, activity_no_column : str or None
        Optional id columns.
    """

    layout: Literal["long", "wide"]
    text_columns: tuple[str, ...]
    report_column: str | None = None
    teacher_column: str | None = None
    activity_no_column: str | None = None

    def describe(self) -> str:
        """One line saying which columns are used."""
        if self.layout == "long":
            parts = [f"long layout, text column {self.text_columns[0]!r}"]
        else:
            cols = ", ".join(repr(c) for c in self.text_columns)
            parts = [f"wide layout, {len(self.text_columns)} activity columns {cols}"]
        for what, col in (
            ("report", self.report_column),
            ("teacher", self.teacher_column),
            ("activity number", self.activity_no_column),
        ):
            if col:
                parts.append(f"{what} column {col!r}")
        return "; ".join(parts)


@dataclass
class Ingested:
    """The activities read from all inputs, and what was noticed on the way.

    Attributes
    ----------
    activities : list of Activity
        In input order.
    files : list of Path
        The files read.
    notes : list of str
        One line per file saying how it was read (layout detected, columns used, split mode).
    """

    activities: list[Activity] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- inputs -------------------------------------------------------------------------------------------
def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Turn files and folders into the list of files to read.

    Raises
    ------
    InputDataError
        If a path does not exist, or a file named explicitly has an unsupported type.
    EmptyInputError
        If a folder holds no supported file.
    """
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
                and not f.name.startswith("~$")
            )
            if not found:
                raise EmptyInputError(f"folder holds no supported file ({', '.join(SUPPORTED_SUFFIXES)})", path=str(p))
            files.extend(found)
        elif p.is_file():
            if p.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise InputDataError(
                    f"unsupported file type {p.suffix or '(none)'!r}; use {', '.join(SUPPORTED_SUFFIXES)}",
                    path=str(p),
                )
            files.append(p)
        else:
            raise InputDataError("file or folder not found", path=str(p))
    if not files:
        raise EmptyInputError("no input files given")
    return files


# -- tables -------------------------------------------------------------------------------------------
def _match(columns: Sequence[str], names: Sequence[str]) -> str | None:
    keys = {_key(c): c for c in columns}
    for name in names:
        if _key(name) in keys:
            return keys[_key(name)]
    return None


def detect_layout(
    frame: pd.DataFrame,
    *,
    text_column: str | None = None,
    activity_columns: Sequence[str] | None = None,
    report_column: str | None = None,
    teacher_column: str | None = None,
    layout: Layout = "auto",
    path: str | Path | None = None,
) -> TableLayout:
    """Decide how a table holds its activities.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, as read by :func:`~activity_classifier.tables.read_table`.
    text_column : str, optional
        The text column of a long table.
    activity_columns : sequence of str, optional
        The activity columns of a wide table, in order; a single name ending in ``*`` selects every
        column starting with that prefix, ordered by the number in its name.
    report_column, teacher_column : str, optional
        Id columns; detected by name when omitted (``report_id``, ``verslag``, ``teacher_id``,
        ``docent`` ...).
    layout : {"auto", "long", "wide"}, default="auto"
        Force a layout; ``auto`` chooses wide when at least two numbered activity columns exist
        (``activiteit_1``, ``activiteit_2`` ...), else long.
    path : str or Path, optional
        The file, for error messages.

    Returns
    -------
    TableLayout

    Raises
    ------
    InputDataError
        If a named column is missing, or no text column can be found.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"Verslag": ["V1"], "Activiteit 1": ["a"], "Activiteit 2": ["b"]})
    >>> detect_layout(frame).describe()
    "wide layout, 2 activity columns 'Activiteit 1', 'Activiteit 2'; report column 'Verslag'"
    """
    columns = [str(c) for c in frame.columns]
    where = None if path is None else str(path)
    report = find_column(frame, report_column, path) if report_column else _match(columns, _REPORT_NAMES)
    teacher = find_column(frame, teacher_column, path) if teacher_column else _match(columns, _TEACHER_NAMES)

    wide_cols: list[str] = []
    if activity_columns:
        if len(activity_columns) == 1 and activity_columns[0].endswith("*"):
            prefix = _key(activity_columns[0][:-1])
            wide_cols = [c for c in columns if _key(c).startswith(prefix)]
            if not wide_cols:
                raise InputDataError(f"no column starts with {activity_columns[0][:-1]!r}", path=where)
            wide_cols.sort(key=lambda c: int(m.group()) if (m := re.search(r"\d+", c)) else 0)
        else:
            wide_cols = [find_column(frame, c, path) for c in activity_columns]
    elif layout != "long" and not text_column:
        numbered = [(int(m.group(1)), c) for c in columns if (m := _WIDE_COLUMN.match(c.strip()))]
        wide_cols = [c for _, c in sorted(numbered)] if len(numbered) >= 2 or layout == "wide" else []
    if layout == "wide" and not wide_cols:
        raise InputDataError(
            "no numbered activity columns (such as 'activiteit_1', 'activiteit_2') found; name them with "
            "--activity-columns",
            path=where,
        )
    if wide_cols and layout != "long" and not text_column:
        return TableLayout("wide", tuple(wide_cols), report, teacher)

    text: str | None
    if text_column:
        text = find_column(frame, text_column, path)
    else:
        text = _match(columns, _TEXT_NAMES) or _longest_text_column(frame, exclude={report, teacher})
        if text is None:
            available = ", ".join(repr(c) for c in columns)
            raise InputDataError(
                f"cannot tell which column holds the activity texts; name it with --text-column "
                f"(available columns: {available})",
                path=where,
            )
    number = _match(columns, _ACTIVITY_NO_NAMES)
    return TableLayout("long", (text,), report, teacher, number if number != text else None)


def _longest_text_column(frame: pd.DataFrame, exclude: set[str | None]) -> str | None:
    """Return the column with the longest texts on average, if they look like sentences (20+ characters)."""
    best, best_len = None, 20.0
    for col in frame.columns:
        if col in exclude:
            continue
        mean = float(frame[col].astype(str).str.len().mean())
        if mean > best_len:
            best, best_len = str(col), mean
    return best


def _read_table_activities(path: Path, frame: pd.DataFrame, spec: TableLayout) -> list[Activity]:
    out: list[Activity] = []
    name = str(path)
    stem = path.stem
    counters: dict[str, int] = {}
    for i, row in enumerate(frame.to_dict("records")):
        r = sheet_row(i)
        report = str(row[spec.report_column]).strip() if spec.report_column else ""
        teacher = str(row[spec.teacher_column]).strip() if spec.teacher_column else ""
        if spec.layout == "long":
            report = report or stem
            number = _int_or_none(row[spec.activity_no_column]) if spec.activity_no_column else None
            counters[report] = counters.get(report, 0) + 1
            out.append(
                Activity(
                    text=str(row[spec.text_columns[0]]).strip(),
                    source_file=name,
                    report_id=report,
                    activity_no=number if number is not None else counters[report],
                    location=f"row {r}",
                    teacher_id=teacher,
                )
            )
            continue
        report = report or f"{stem} row {r}"
        cells = [(c, str(row[c]).strip()) for c in spec.text_columns]
        # A form has room for more activities than a teacher writes: empty cells after the last filled one
        # are not activities. An empty cell before it is an empty item and is kept (and flagged later).
        last = max((k for k, (_, v) in enumerate(cells) if v), default=0)
        for k, (col, value) in enumerate(cells[: last + 1]):
            out.append(
                Activity(
                    text=value,
                    source_file=name,
                    report_id=report,
                    activity_no=k + 1,
                    location=f"row {r}, column {col!r}",
                    teacher_id=teacher,
                )
            )
    return out


def _int_or_none(value: object) -> int | None:
    try:
        return int(float(str(value).strip()))
    except ValueError:
        return None


# -- free text ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    """One paragraph of a document or line of a text file, as the splitter sees it.

    Attributes
    ----------
    text : str
        Its text, with leading white space kept (indentation marks nesting in a text file).
    number : int
        Its 1-based paragraph or line number in the file.
    list_level : int or None
        Nesting level of a Word list item (0 = top), None when Word does not mark it as a list item.
    list_kind : {"number", "bullet"} or None
        Whether Word numbers the item or gives it a bullet.
    heading : bool
        Whether Word styles it as a heading or title.
    """

    text: str
    number: int
    list_level: int | None = None
    list_kind: str | None = None
    heading: bool = False


@dataclass(frozen=True)
class Block:
    """A stretch of a report that holds one activity.

    Attributes
    ----------
    text : str
        The activity's text; nested items are kept on their own lines, starting with ``- ``.
    start, end : int
        First and last paragraph or line number.
    """

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Item:
    kind: Literal["blank", "heading", "activity_heading", "list", "text"]
    text: str
    number: int
    level: int = 0
    list_kind: str = ""


def _strip_marker(raw: str) -> tuple[int, str, str]:
    """Return (indentation, text without a typed list marker, marker kind or "")."""
    for pattern, kind in _MARKERS:
        m = pattern.match(raw)
        if m:
            return len(m.group(1)), raw[m.end() :], kind
    return len(raw) - len(raw.lstrip()), raw, ""


def _classify(line: Line) -> _Item:
    raw = line.text.replace("\t", "    ")
    stripped = raw.strip()
    if not stripped:
        # An empty Word list item is still an item (an empty activity), not a blank line.
        if line.list_level is not None:
            return _Item("list", "", line.number, line.list_level, line.list_kind or "bullet")
        return _Item("blank", "", line.number)
    m = _ACTIVITY_HEADING.match(stripped)
    if m:
        return _Item("activity_heading", (m.group(2) or "").strip(), line.number)
    if line.heading:
        return _Item("heading", stripped, line.number)
    if line.list_level is not None:
        # Word numbering; a typed marker inside it (a pasted "1.") is removed too.
        return _Item("list", _strip_marker(raw)[1].strip(), line.number, line.list_level, line.list_kind or "bullet")
    if m := _MARKDOWN_HEADING.match(stripped):
        return _Item("heading", m.group(1).strip(), line.number)
    indent, text, kind = _strip_marker(raw)
    if kind:
        return _Item("list", text.strip(), line.number, indent, kind)
    return _Item("text", stripped, line.number, indent)


class _Builder:
    """Collects the parts of one activity: a title line, continuation text and nested items."""

    def __init__(self, number: int, title: str = "", *, title_on_own_line: bool = False) -> None:
        self.start = self.end = number
        self.text = title
        # After a heading's title or a nested item, further text starts on a line of its own.
        self.new_line = title_on_own_line and bool(title)

    def add(self, text: str, number: int, *, nested: bool) -> None:
        self.end = number
        if not text:
            return
        if nested:
            self.text += ("\n" if self.text else "") + "- " + text
        else:
            self.text += ("\n" if self.new_line else " " if self.text else "") + text
        self.new_line = nested

    def block(self) -> Block:
        return Block(self.text.strip(), self.start, self.end)


def split_report(lines: Sequence[str | Line], *, each_paragraph: bool = False) -> list[Block]:
    """Split one free-text report into activities.

    The first structure found decides, in this order:

    1. **Activity headings** (``Activiteit 1``, ``Activiteit 2: Webinar``; typed or as Word headings):
       each starts an activity; a title after the number is kept as the activity's first line. Everything
       up to the next activity heading belongs to it, including nested lists and sub-headings.
    2. **List items** (Word numbering or bullets, or typed ``1.``, ``1)``, ``-``, ``*``, ``•``): each
       top-level item starts an activity. Nested items (deeper indentation or Word list level, ``1.1``
       and lettered items, bullets under numbered items) and plain paragraphs that follow belong to the
       item above them, except a heading or, after a blank line, a paragraph that is not indented under
       the item: that ends the item (it is a section title or a closing remark, left out).
    3. **Headings** (Word heading styles or Markdown ``#``): each heading and the paragraphs under it form
       an activity, the heading being its first line. A heading directly followed by another heading is
       a title and left out.
    4. **Paragraphs**: text separated by blank lines; with ``each_paragraph`` and no blank lines between
       paragraphs (a Word document), each paragraph. A report of one paragraph is one activity.

    Text before the first heading or list item (a title, an introduction) is not an activity and is left
    out; :func:`read_activities` reports which paragraphs that were. An item without text (``3.``, an
    empty bullet, a heading without a body) is kept as an empty activity.

    Parameters
    ----------
    lines : sequence of str or Line
        The report's lines (a text file) or paragraphs (a Word document), in order.
    each_paragraph : bool, default=False
        In paragraph mode, make each paragraph an activity when no blank line separates them.

    Returns
    -------
    list of Block
        One per activity, in order.
    """
    items = [_classify(x if isinstance(x, Line) else Line(x, i + 1)) for i, x in enumerate(lines)]
    if any(it.kind == "activity_heading" for it in items):
        return _split_on_headings(items, "activity_heading")
    list_items = [it for it in items if it.kind == "list"]
    if list_items:
        return _split_list(items, list_items)
    if any(it.kind == "heading" for it in items):
        return _split_on_headings(items, "heading")
    return _split_paragraphs(items, each_paragraph=each_paragraph)


def _split_on_headings(items: list[_Item], start_kind: str) -> list[Block]:
    blocks: list[Block] = []
    current: _Builder | None = None
    for it in items:
        if it.kind == start_kind:
            # A Word or Markdown heading directly followed by another one is a title, not an activity.
            if current is not None and not (start_kind == "heading" and current.end == current.start):
                blocks.append(current.block())
            current = _Builder(it.number, it.text, title_on_own_line=True)
        elif current is not None and it.kind != "blank":
            current.add(it.text, it.number, nested=it.kind == "list")
    if current is not None:
        blocks.append(current.block())
    return blocks


def _split_list(items: list[_Item], list_items: list[_Item]) -> list[Block]:
    top_level = min(it.level for it in list_items)
    kinds_at_top = {it.list_kind for it in list_items if it.level == top_level}
    # Numbered items outrank bullets, bullets outrank 1.1-style and lettered items at the same level.
    top_kind = next(k for k in ("number", "bullet", "subnumber", "letter") if k in kinds_at_top)
    blocks: list[Block] = []
    current: _Builder | None = None
    after_blank = False
    for it in items:
        if it.kind == "list" and it.level == top_level and it.list_kind == top_kind:
            if current is not None:
                blocks.append(current.block())
            current = _Builder(it.number, it.text)
        elif current is None:
            pass  # an introduction before the first item, or text between sections
        elif it.kind in ("heading", "activity_heading") or (
            it.kind == "text" and after_blank and it.level <= top_level
        ):
            # A section title, or text after a blank line that is not indented under the item, ends it.
            blocks.append(current.block())
            current = None
        elif it.kind != "blank":
            current.add(it.text, it.number, nested=it.kind == "list")
        after_blank = it.kind == "blank"
    if current is not None:
        blocks.append(current.block())
    return blocks


def _split_paragraphs(items: list[_Item], *, each_paragraph: bool) -> list[Block]:
    content = [i for i, it in enumerate(items) if it.kind != "blank"]
    if not content:
        return []
    blank_between = any(items[i].kind == "blank" for i in range(content[0], content[-1]))
    blocks: list[Block] = []
    current: _Builder | None = None
    for it in items:
        if it.kind == "blank" or (current is not None and each_paragraph and not blank_between):
            if current is not None:
                blocks.append(current.block())
                current = None
            if it.kind == "blank":
                continue
        if current is None:
            current = _Builder(it.number, it.text)
        else:
            current.add(it.text, it.number, nested=False)
    if current is not None:
        blocks.append(current.block())
    return blocks


def read_txt_lines(path: Path) -> list[Line]:
    """Read a text file (UTF-8 with or without BOM, else Windows-1252) as lines."""
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise InputDataError("file looks binary (or UTF-16); save it as UTF-8 text", path=str(path))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise InputDataError("cannot decode the file as UTF-8 or Windows-1252", path=str(path))
    return [Line(t, i + 1) for i, t in enumerate(text.splitlines())]


def read_docx_lines(path: Path) -> list[Line]:
    """Read a Word document's paragraphs (and table rows) in document order.

    List items are recognised by Word's numbering (per paragraph or through a list style such as
    ``List Number``/``List Bullet 2``); headings by the ``Heading`` and ``Title`` styles. A table row
    becomes one paragraph (its cells joined by `` | ``) followed by a blank one, so every row can be an
    activity of its own.
    """
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except OSError:
        raise  # reported by read_activities with the system's reason
    except Exception as exc:
        # python-docx, zipfile and lxml raise many kinds of errors on a damaged file; to a user they are one.
        raise InputDataError(
            f"not a readable .docx file: not a Word document, or damaged ({exc.__class__.__name__})", path=str(path)
        ) from exc
    formats = _numbering_formats(document)
    lines: list[Line] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if value and (not cells or cells[-1] != value):  # merged cells repeat their text
                        cells.append(value)
                lines.append(Line(" | ".join(cells), len(lines) + 1))
                lines.append(Line("", len(lines) + 1))
            continue
        assert isinstance(block, Paragraph)
        lines.append(_docx_line(block, len(lines) + 1, formats))
    return lines


def _numbering_formats(document: DocxDocument) -> dict[tuple[str, str], str]:
    """Map (numId, ilvl) to the number format ("bullet", "decimal", ...) from the numbering part."""
    from docx.oxml.ns import qn

    formats: dict[tuple[str, str], str] = {}
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return formats
    abstract: dict[str, dict[str, str]] = {}
    for a in numbering.findall(qn("w:abstractNum")):
        levels = {}
        for lvl in a.findall(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            levels[lvl.get(qn("w:ilvl"))] = fmt.get(qn("w:val")) if fmt is not None else "decimal"
        abstract[a.get(qn("w:abstractNumId"))] = levels
    for num in numbering.findall(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        if ref is not None:
            for ilvl, fmt in abstract.get(ref.get(qn("w:val")), {}).items():
                formats[(num.get(qn("w:numId")), ilvl)] = fmt
    return formats


def _docx_line(paragraph: Paragraph, number: int, formats: dict[tuple[str, str], str]) -> Line:
    style = paragraph.style
    style_name = (style.name or "") if style is not None else ""
    heading = style_name.startswith("Heading") or style_name == "Title"
    # Numbering set on the paragraph itself, else inherited from its style or the style's base styles.
    ppr = paragraph._p.pPr
    num_pr: Any = ppr.numPr if ppr is not None else None
    s: Any = style
    while num_pr is None and s is not None:
        s_ppr = s.element.pPr
        num_pr = s_ppr.numPr if s_ppr is not None else None
        s = s.base_style
    level: int | None = None
    kind: str | None = None
    if num_pr is not None and (num_pr.numId is None or num_pr.numId.val != 0):  # numId 0: numbering off
        ilvl = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        num_id = num_pr.numId.val if num_pr.numId is not None else None
        level = int(ilvl)
        kind = "bullet" if formats.get((str(num_id), str(ilvl))) == "bullet" else "number"
    if style_name.startswith(("List Number", "List Bullet")):
        digits = re.findall(r"\d+", style_name)
        if level is None:
            level = int(digits[0]) - 1 if digits else 0
        kind = "number" if style_name.startswith("List Number") else "bullet"
    return Line(paragraph.text, number, level, kind, heading and level is None)


# -- everything ---------------------------------------------------------------------------------------
def _location(suffix: str, block: Block) -> str:
    what = "line" if suffix == ".txt" else "paragraph"
    if block.start == block.end:
        return f"{what} {block.start}"
    return f"{what}s {block.start}-{block.end}"


def read_activities(
    paths: Iterable[str | Path],
    *,
    text_column: str | None = None,
    activity_columns: Sequence[str] | None = None,
    report_column: str | None = None,
    teacher_column: str | None = None,
    layout: Layout = "auto",
) -> Ingested:
    """Read files and folders of learner reports into one list of activities.

    Parameters
    ----------
    paths : iterable of str or Path
        Files (``.csv``, ``.tsv``, ``.xlsx``, ``.docx``, ``.txt``) and folders.
    text_column, activity_columns, report_column, teacher_column, layout
        How to read tables; see :func:`detect_layout`. Ignored for documents.

    Returns
    -------
    Ingested
        The activities in input order, the files read and one note per file.

    Raises
    ------
    InputDataError
        Naming the file (and row or column) that cannot be read.
    EmptyInputError
        If a file holds no activity at all.
    """
    result = Ingested()
    for path in expand_inputs(paths):
        try:
            _read_one(path, result, text_column, activity_columns, report_column, teacher_column, layout)
        except OSError as exc:
            # Permission denied, a file removed while reading, a network drive gone: name the file.
            raise InputDataError(f"cannot read the file ({exc.strerror or exc})", path=str(path)) from exc
    return result


def _read_one(
    path: Path,
    result: Ingested,
    text_column: str | None,
    activity_columns: Sequence[str] | None,
    report_column: str | None,
    teacher_column: str | None,
    layout: Layout,
) -> None:
    suffix = path.suffix.lower()
    result.files.append(path)
    if suffix in DOCUMENT_SUFFIXES:
        lines = read_docx_lines(path) if suffix == ".docx" else read_txt_lines(path)
        blocks = split_report(lines, each_paragraph=suffix == ".docx")
        if not blocks:
            raise EmptyInputError("no text found", path=str(path))
        covered = {n for b in blocks for n in range(b.start, b.end + 1)}
        skipped = [ln.number for ln in lines if ln.text.strip() and ln.number not in covered]
        note = f"{path}: {len(blocks)} activities"
        if skipped:
            what = "lines" if suffix == ".txt" else "paragraphs"
            note += f" (introduction or section titles left out: {what} {_ranges(skipped)})"
        result.notes.append(note)
        for k, block in enumerate(blocks):
            result.activities.append(Activity(block.text, str(path), path.stem, k + 1, _location(suffix, block)))
        return
    frame = read_table(path)
    spec = detect_layout(
        frame,
        text_column=text_column,
        activity_columns=activity_columns,
        report_column=report_column,
        teacher_column=teacher_column,
        layout=layout,
        path=path,
    )
    found = _read_table_activities(path, frame, spec)
    result.notes.append(f"{path}: {spec.describe()}; {len(found)} activities")
    result.activities.extend(found)


def _ranges(numbers: Sequence[int]) -> str:
    """Compress ``[1, 2, 3, 7]`` to ``"1-3, 7"``."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)
