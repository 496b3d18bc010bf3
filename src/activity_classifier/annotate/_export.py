"""Writing the review table for annotators: Excel, CSV, Label Studio and doccano.

``xlsx``
    Sheet ``Review``: one row per activity in review order, a frozen header with filters, readable
    column widths, wrapped texts with row heights set from the number of wrapped lines (Excel does not
    fit them on opening), ``needs_review`` as ``ja``/``nee``, and an empty ``label_reviewed`` column right
    after the text with a drop-down of the eleven types as Dutch items (``F4 - conferentie``, Excel data
    validation; import also accepts slugs and ids). Sheet ``Codebook``: the eleven types with their
    names, definitions, the drop-down item, and the Dutch definition and border rules.
``csv``
    The same columns, UTF-8 with a byte-order mark (so Excel shows accented letters), comma-separated,
    CRLF; ``csv_dialect=CSV_DIALECTS["excel-nl"]`` (``--csv-dialect excel-nl``) separates with semicolons
    as Excel with Dutch regional settings expects.

Texts that Excel would run as formulas (``=HYPERLINK(...)``, ``- Webinar ...``, ``+31 6 ...``) are
stored as string cells in ``xlsx`` and get one leading apostrophe in ``csv``, which ``import-reviewed``
takes away again (see :mod:`activity_classifier.tables`).
``labelstudio``
    A JSON list of Label Studio tasks, ``{"data": {...}, "predictions": [{"model_version", "score",
    "result": [...]}]}``, plus the matching labeling configuration (``<stem>_config.xml``): a ``Text``
    tag ``text`` and a single-choice ``Choices`` tag ``label`` whose values are the eleven slugs, shown
    to the annotator as Dutch items. The ``score`` lets Label Studio sort tasks by the model's
    confidence. The two files are written together: both are replaced, or neither.
``doccano``
    JSON lines for doccano's text classification projects: ``{"text": ..., "label": [slug], ...}``; other
    keys become the example's metadata. doccano rejects empty texts, so an empty activity gets the text
    ``[lege activiteit]``.

All writers are atomic (:func:`activity_classifier.tables.atomic_write`) and refuse to overwrite an input.
"""

from __future__ import annotations

import html
import json
import logging
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from xml.sax.saxutils import quoteattr

from ..exceptions import InputDataError
from ..tables import CSV_DIALECTS, CsvDialect, atomic_write, string_cells, write_table
from ..taxonomy import get_taxonomy
from ._choices import needs_review_text, review_choices

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EMPTY_TEXT",
    "FORMATS",
    "FORMAT_SUFFIXES",
    "LABELSTUDIO_FROM_NAME",
    "LABELSTUDIO_TO_NAME",
    "OutputFormat",
    "doccano_records",
    "format_for",
    "labelstudio_config",
    "labelstudio_config_path",
    "labelstudio_tasks",
    "wrapped_lines",
    "write_output",
]

logger = logging.getLogger(__name__)

OutputFormat = Literal["xlsx", "csv", "labelstudio", "doccano"]
FORMATS: tuple[OutputFormat, ...] = ("xlsx", "csv", "labelstudio", "doccano")
#: The file suffix each format is written with.
FORMAT_SUFFIXES: dict[str, str] = {"xlsx": ".xlsx", "csv": ".csv", "labelstudio": ".json", "doccano": ".jsonl"}
#: The text doccano gets for an empty activity (it rejects empty texts).
EMPTY_TEXT = "[lege activiteit]"
#: Names of the Label Studio control and object tags; import-reviewed looks for these.
LABELSTUDIO_FROM_NAME = "label"
LABELSTUDIO_TO_NAME = "text"

# Columns passed to Label Studio and doccano besides the text, so a task can be traced to its source.
_CONTEXT_COLUMNS = (
    "order",
    "source_file",
    "report_id",
    "activity_no",
    "location",
    "teacher_id",
    "needs_review",
    "review_reason",
    "label_nl",
    "confidence",
    "alternatives",
    "personal_data",
)
_WIDTHS = {
    "text": 80,
    "label_reviewed": 32,
    "review_comment": 30,
    "label_nl": 36,
    "alternatives": 40,
    "evidence": 40,
    "location": 24,
}
_MAX_WIDTH = 30
_CENTRED = frozenset({"needs_review", "confidence", "order", "activity_no"})
#: The Codebook sheet: the taxonomy's columns, then what annotators read (drop-down item, Dutch
#: definition, Dutch border rules). The drop-down lists column G.
_CODEBOOK_COLUMNS = ["id", "slug", "group", "name_nl", "name_en", "definition", "keuze", "definitie", "grensregels"]
_CODEBOOK_WIDTHS = (6, 26, 10, 36, 30, 50, 36, 60, 80)
_CHOICE_COLUMN = "G"


def format_for(path: str | Path, fmt: str | None = None) -> OutputFormat:
    """Return the output format named, or implied by the file suffix.

    Raises
    ------
    InputDataError
        If the format is unknown, cannot be inferred, or does not match the suffix.

    Examples
    --------
    >>> format_for("review.xlsx"), format_for("tasks.json"), format_for("out.jsonl")
    ('xlsx', 'labelstudio', 'doccano')
    """
    suffix = Path(path).suffix.lower()
    by_suffix: dict[str, OutputFormat] = {FORMAT_SUFFIXES[f]: f for f in FORMATS}
    if fmt is None:
        if suffix not in by_suffix:
            raise InputDataError(
                f"cannot tell the output format from {suffix or 'a name without suffix'!r}; use one of "
                f"{', '.join(FORMAT_SUFFIXES.values())} or --format",
                path=str(path),
            )
        return by_suffix[suffix]
    if fmt not in FORMATS:
        raise InputDataError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    if suffix != FORMAT_SUFFIXES[fmt]:
        raise InputDataError(f"--format {fmt} writes a {FORMAT_SUFFIXES[fmt]} file", path=str(path))
    return fmt


def _plain(value: Any) -> Any:
    """Turn numpy scalars into Python values (for JSON and openpyxl)."""
    return value.item() if hasattr(value, "item") else value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


# -- Excel --------------------------------------------------------------------------------------------
#: Points per line of wrapped text (Calibri 11, the workbook's font) and Excel's largest row height.
_LINE_HEIGHT = 15.0
_MAX_ROW_HEIGHT = 409.0
# Characters of ordinary text that fit on one line per unit of column width. A unit is the width of a
# "0"; text is a little narrower, but word wrapping wastes the end of each line and LibreOffice may
# substitute a wider font, so the estimate is kept on the safe (taller) side.
_CHARS_PER_WIDTH = 0.9


def wrapped_lines(text: object, width: float) -> int:
    r"""Return how many lines ``text`` takes in a wrapped cell ``width`` characters wide.

    Excel does not fit row heights to wrapped text when it opens a file, so the workbook sets each
    row's height from this count.

    Examples
    --------
    >>> wrapped_lines("", 10), wrapped_lines("kort", 10), wrapped_lines("een twee drie vier vijf", 10)
    (1, 1, 3)
    >>> wrapped_lines("regel een\nregel twee", 40)
    2
    """
    per_line = max(1, int(width * _CHARS_PER_WIDTH))
    lines = 0
    for paragraph in str(text or "").split("\n"):
        n, used = 1, 0
        for word in paragraph.split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need <= per_line:
                used = need
                continue
            if used:  # the word starts a new line
                n += 1
            n += (len(word) - 1) // per_line  # a word longer than a line is broken
            used = len(word) - (len(word) - 1) // per_line * per_line
        lines += n
    return max(1, lines)


def _row_height(lines: int) -> float:
    return min(_MAX_ROW_HEIGHT, lines * _LINE_HEIGHT + 2)


def _for_annotators(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the review table as annotators see it in a spreadsheet: ``needs_review`` as ``ja``/``nee``."""
    if "needs_review" not in frame.columns:
        return frame
    out = frame.copy()
    out["needs_review"] = [needs_review_text(v) if isinstance(v, bool) else v for v in map(_plain, out["needs_review"])]
    return out


def _write_xlsx(frame: pd.DataFrame, tmp: Path, info: Mapping[str, Any] | None = None) -> None:
    """Write the review workbook (sheet Review and sheet Codebook); see the module docstring."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    choices = review_choices()
    wb = Workbook()
    ws = wb.active
    ws.title = "Review"
    frame = _for_annotators(frame)
    columns = list(frame.columns)
    ws.append(string_cells(ws, columns))
    for row in frame.itertuples(index=False, name=None):
        ws.append(string_cells(ws, row))
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    centre = Alignment(vertical="top", horizontal="center")
    n = len(frame)
    lines = [1] * n
    for j, name in enumerate(columns, start=1):
        letter = get_column_letter(j)
        longest = max([len(name), *(len(str(v)) for v in frame[name].head(200))])
        width = _WIDTHS.get(name, min(_MAX_WIDTH, longest + 2))
        ws.column_dimensions[letter].width = width
        # Every data cell is aligned to the top, so a row reads as one line even when its text wraps;
        # only the long-text columns wrap, and only they decide the row heights.
        wrapped = name in _WIDTHS and name != "label_reviewed"
        align = wrap if wrapped else centre if name in _CENTRED else top
        for i, (cell,) in enumerate(ws.iter_rows(min_row=2, max_row=n + 1, min_col=j, max_col=j)):
            cell.alignment = align
            if wrapped:
                lines[i] = max(lines[i], wrapped_lines(cell.value, width))
            elif name == "confidence":
                cell.number_format = "0.00"
    for i, count in enumerate(lines, start=2):
        if count > 1:
            ws.row_dimensions[i].height = _row_height(count)
    if "label_reviewed" in columns:
        reviewed = get_column_letter(columns.index("label_reviewed") + 1)
        review_fill = PatternFill("solid", fgColor="FFF2CC")
        ws[f"{reviewed}1"].fill = review_fill
        dv = DataValidation(
            type="list",
            # The items hold commas and are longer than an inline list's 255 characters together: the
            # list is the Codebook sheet's column of drop-down items.
            formula1=f"Codebook!${_CHOICE_COLUMN}$2:${_CHOICE_COLUMN}${len(choices) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Onbekend type",
            error="Kies een van de elf typen uit de lijst (zie het tabblad Codebook).",
            showInputMessage=True,
            promptTitle="label_reviewed",
            prompt="Kies het juiste type; laat leeg als je deze activiteit niet beoordeeld hebt.",
        )
        dv.add(f"{reviewed}2:{reviewed}{max(n, 1) + 1}")
        ws.add_data_validation(dv)

    tax = get_taxonomy()
    cb = wb.create_sheet("Codebook")
    cb.append(string_cells(cb, _CODEBOOK_COLUMNS))
    for t, c in zip(tax, choices, strict=True):
        rules = "\n".join(f"- {r}" for r in c.border_rules_nl)
        cb.append(
            string_cells(
                cb, [t.id, t.slug, t.group, t.name_nl, t.name_en, t.definition, c.item, c.definition_nl, rules]
            )
        )
    for cell in cb[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    cb.freeze_panes = "A2"
    widths = dict(zip(_CODEBOOK_COLUMNS, _CODEBOOK_WIDTHS, strict=True))
    for j, width in enumerate(_CODEBOOK_WIDTHS, start=1):
        cb.column_dimensions[get_column_letter(j)].width = width
    for i, row in enumerate(cb.iter_rows(min_row=2), start=2):
        count = 1
        for name, cell in zip(_CODEBOOK_COLUMNS, row, strict=True):
            cell.alignment = wrap
            count = max(count, wrapped_lines(cell.value, widths[name]))
        cb.row_dimensions[i].height = _row_height(count)
    if info:
        # The batch's shift report: how it compares with the training data, what the target accuracy did.
        sheet = wb.create_sheet("Info")
        sheet.append(string_cells(sheet, ["key", "value"]))
        for key, value in info.items():
            shown = "" if value is None else (f"{value:.4f}" if isinstance(value, float) else str(value))
            sheet.append(string_cells(sheet, [key, shown]))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = header_fill
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["B"].width = 100
    wb.save(tmp)


# -- Label Studio -------------------------------------------------------------------------------------
def labelstudio_config() -> str:
    """Return the Label Studio labeling configuration: the text and a single choice of the eleven types.

    Annotators see each choice as its Dutch drop-down item (``F4 - conferentie``, the ``html`` of the
    choice) with the full Dutch name as a hint; the ``value`` Label Studio stores and exports stays the slug.

    Examples
    --------
    >>> line = next(line for line in labelstudio_config().splitlines() if "conference" in line)
    >>> line.split(" hint=")[0].strip()
    '<Choice value="conference" html="F4 - conferentie"'
    """
    choices = "\n".join(
        f"    <Choice value={quoteattr(c.slug)} html={quoteattr(html.escape(c.item, quote=False))} "
        f"hint={quoteattr(f'{c.id} {c.name_nl}')}/>"
        for c in review_choices()
    )
    return (
        "<View>\n"
        '  <Header value="Activiteit $activity_no uit $report_id ($location)"/>\n'
        f'  <Text name="{LABELSTUDIO_TO_NAME}" value="$text"/>\n'
        f'  <Choices name="{LABELSTUDIO_FROM_NAME}" toName="{LABELSTUDIO_TO_NAME}" choice="single" '
        'showInline="false" required="true">\n'
        f"{choices}\n"
        "  </Choices>\n"
        "</View>\n"
    )


def labelstudio_tasks(frame: pd.DataFrame, model_version: str) -> list[dict[str, Any]]:
    """Return Label Studio tasks with the model's prediction for each activity.

    Parameters
    ----------
    frame : pandas.DataFrame
        The review table.
    model_version : str
        Recorded in every prediction, so Label Studio can tell predictions of different models apart.

    Returns
    -------
    list of dict
        ``{"data": {"text": ..., <context columns>}, "predictions": [{"model_version", "score",
        "result"}]}``. An activity without a predicted label (an empty text) gets a prediction with an
        empty ``result`` and score 0, so sorting by score still puts it first.
    """
    tasks = []
    for row in _records(frame):
        data = {"text": row["text"], **{c: row[c] for c in _CONTEXT_COLUMNS if c in row}}
        result = []
        if row.get("label"):
            result.append(
                {
                    "from_name": LABELSTUDIO_FROM_NAME,
                    "to_name": LABELSTUDIO_TO_NAME,
                    "type": "choices",
                    "value": {"choices": [row["label"]]},
                }
            )
        prediction = {"model_version": model_version, "score": float(row["confidence"]), "result": result}
        tasks.append({"data": data, "predictions": [prediction]})
    return tasks


def labelstudio_config_path(path: str | Path) -> Path:
    """Where the labeling configuration is written beside the tasks file: ``<stem>_config.xml``."""
    p = Path(path)
    return p.with_name(f"{p.stem}_config.xml")


# -- doccano ------------------------------------------------------------------------------------------
def doccano_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return doccano text-classification records: ``{"text", "label": [slug] or [], <metadata>}``.

    doccano refuses a line with an empty text, so an empty activity gets the text :data:`EMPTY_TEXT`
    (its ``review_reason`` stays ``empty_text``): every activity still has its line.
    """
    out = []
    for row in _records(frame):
        text = row["text"] if str(row["text"]).strip() else EMPTY_TEXT
        record: dict[str, Any] = {"text": text, "label": [row["label"]] if row.get("label") else []}
        record.update({c: row[c] for c in _CONTEXT_COLUMNS if c in row})
        out.append(record)
    return out


# -- everything ---------------------------------------------------------------------------------------
def write_output(
    frame: pd.DataFrame,
    path: str | Path,
    fmt: OutputFormat | None = None,
    *,
    model_version: str = "",
    inputs: Sequence[str | Path] = (),
    csv_dialect: CsvDialect | None = None,
    info: Mapping[str, Any] | None = None,
) -> list[Path]:
    """Write the review table in one format; return the files written.

    Parameters
    ----------
    frame : pandas.DataFrame
        The review table (see :data:`activity_classifier.annotate.REVIEW_COLUMNS`).
    path : str or Path
        The output file; Label Studio also gets ``<stem>_config.xml`` beside it.
    fmt : {"xlsx", "csv", "labelstudio", "doccano"}, optional
        Inferred from the suffix when omitted.
    model_version : str
        Recorded in Label Studio predictions.
    inputs : sequence of paths
        The input files; overwriting one is refused.
    csv_dialect : CsvDialect, optional
        For ``csv``: delimiter, encoding and line ending; by default comma, UTF-8 with a byte-order mark,
        CRLF (``CSV_DIALECTS["excel"]``); ``CSV_DIALECTS["excel-nl"]`` uses semicolons.
    info : mapping, optional
        Written to an ``Info`` sheet of an ``.xlsx`` workbook, one row per key (the prelabel command
        passes the batch's shift report, :meth:`~activity_classifier.reliability.BatchReport.to_dict`).

    Returns
    -------
    list of Path
        For ``labelstudio`` the tasks and the configuration, written together: both or neither.
    """
    fmt = format_for(path, fmt)
    dest = Path(path)

    def text_writer(content: str) -> Callable[[Path], None]:
        def write(tmp: Path) -> None:
            tmp.write_text(content, encoding="utf-8")

        return write

    def xlsx_writer(tmp: Path) -> None:
        if info:
            _write_xlsx(frame, tmp, info)
        else:
            _write_xlsx(frame, tmp)

    if fmt == "xlsx":
        return [atomic_write(dest, xlsx_writer, inputs=inputs)]
    if fmt == "csv":
        dialect = csv_dialect or CSV_DIALECTS["excel"]
        return [write_table(_for_annotators(frame), dest, inputs=inputs, dialect=dialect)]
    if fmt == "doccano":
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in doccano_records(frame))
        return [atomic_write(dest, text_writer(lines), inputs=inputs)]
    tasks = json.dumps(labelstudio_tasks(frame, model_version), ensure_ascii=False, indent=1) + "\n"
    return _write_together(
        [(dest, text_writer(tasks)), (labelstudio_config_path(dest), text_writer(labelstudio_config()))], inputs
    )


def _write_together(files: Sequence[tuple[Path, Callable[[Path], None]]], inputs: Sequence[str | Path]) -> list[Path]:
    """Write several files atomically as one: all of them in place, or none changed.

    Each file is written with :func:`~activity_classifier.tables.atomic_write`; a file it replaces is kept
    (as a hard link, else a copy) until every file is in place, and put back if a later one fails.
    """
    done: list[tuple[Path, Path | None]] = []
    try:
        for dest, write in files:
            backup = None
            if dest.exists() and not dest.is_dir():
                backup = dest.with_name(f".{dest.name}.{os.getpid()}.bak")
                try:
                    os.link(dest, backup)
                except OSError:
                    shutil.copy2(dest, backup)
            done.append((dest, backup))
            atomic_write(dest, write, inputs=inputs)
    except BaseException:
        for dest, backup in reversed(done):
            if backup is None:
                if not dest.is_dir():
                    dest.unlink(missing_ok=True)
            elif dest.exists() and os.path.samefile(backup, dest):  # not replaced yet (rename would do nothing)
                backup.unlink()
            else:
                os.replace(backup, dest)
        raise
    for _, backup in done:
        if backup is not None:
            backup.unlink(missing_ok=True)
    return [dest for dest, _ in files]
