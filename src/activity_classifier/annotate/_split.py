"""Splitting a free-text learner report into activities (see :func:`split_report`).

Examples
--------
>>> blocks = split_report(["Leerverslag 2", "", "1. Webinar over feedback gevolgd", "2.", "3. Boek gelezen"])
>>> [(b.text, b.start) for b in blocks]
[('Webinar over feedback gevolgd', 3), ('', 4), ('Boek gelezen', 5)]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..tables import decode_text

__all__ = ["Block", "Line", "read_txt_lines", "split_report"]

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
    text = decode_text(path.read_bytes(), path, save_as="UTF-8 text")
    return [Line(t, i + 1) for i, t in enumerate(text.splitlines())]
