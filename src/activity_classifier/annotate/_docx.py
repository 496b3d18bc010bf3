"""Reading a Word document's paragraphs, list items, headings and table rows in document order."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exceptions import InputDataError
from ..tables import check_zip

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph

from ._split import Line

__all__ = ["read_docx_lines"]


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

    check_zip(path, ".docx")
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
