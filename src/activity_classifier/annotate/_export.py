"""Writing the review table for annotators: Excel, CSV, Label Studio and doccano.

``xlsx``
    Sheet ``Review``: one row per activity in review order, a frozen header with filters, readable
    column widths, wrapped texts, and an empty ``label_reviewed`` column with a drop-down list of the
    eleven slugs (Excel data validation). Sheet ``Codebook``: the eleven types with their Dutch and
    English names and definitions.
``csv``
    The same columns, UTF-8 with a byte-order mark (so Excel shows accented letters), comma-separated.

Texts that Excel would run as formulas (``=HYPERLINK(...)``, ``- Webinar ...``, ``+31 6 ...``) are
stored as string cells in ``xlsx`` and get one leading apostrophe in ``csv``, which ``import-reviewed``
takes away again (see :mod:`activity_classifier.tables`).
``labelstudio``
    A JSON list of Label Studio tasks, ``{"data": {...}, "predictions": [{"model_version", "score",
    "result": [...]}]}``, plus the matching labeling configuration (``<stem>_config.xml``): a ``Text``
    tag ``text`` and a single-choice ``Choices`` tag ``label`` with the eleven slugs. The ``score`` lets
    Label Studio sort tasks by the model's confidence.
``doccano``
    JSON lines for doccano's text classification projects: ``{"text": ..., "label": [slug], ...}``; other
    keys become the example's metadata. doccano rejects empty texts, so an empty activity gets the text
    ``[lege activiteit]``.

All writers are atomic (:func:`activity_classifier.tables.atomic_write`) and refuse to overwrite an input.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from xml.sax.saxutils import quoteattr

from ..exceptions import InputDataError
from ..tables import atomic_write, string_cells, write_table
from ..taxonomy import get_taxonomy

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
_WIDTHS = {"text": 80, "alternatives": 40, "evidence": 40, "review_comment": 30, "label_nl": 36, "location": 24}
_MAX_WIDTH = 30


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
def _write_xlsx(frame: pd.DataFrame, tmp: Path, info: Mapping[str, Any] | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    tax = get_taxonomy()
    wb = Workbook()
    ws = wb.active
    ws.title = "Review"
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
    n = len(frame)
    for j, name in enumerate(columns, start=1):
        letter = get_column_letter(j)
        longest = max([len(name), *(len(str(v)) for v in frame[name].head(200))])
        ws.column_dimensions[letter].width = _WIDTHS.get(name, min(_MAX_WIDTH, longest + 2))
        # Styling every cell is what makes large files slow: only the long-text columns wrap.
        if name in _WIDTHS or name == "confidence":
            for (cell,) in ws.iter_rows(min_row=2, max_row=n + 1, min_col=j, max_col=j):
                if name == "confidence":
                    cell.number_format = "0.00"
                else:
                    cell.alignment = wrap
    reviewed = get_column_letter(columns.index("label_reviewed") + 1)
    review_fill = PatternFill("solid", fgColor="FFF2CC")
    ws[f"{reviewed}1"].fill = review_fill
    slugs = ",".join(tax.slugs)
    # An inline list is limited to 255 characters; the codebook sheet's slug column is the fallback.
    formula = f'"{slugs}"' if len(slugs) <= 255 else f"Codebook!$B$2:$B${len(tax) + 1}"
    dv = DataValidation(
        type="list",
        formula1=formula,
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

    cb = wb.create_sheet("Codebook")
    cb.append(string_cells(cb, ["id", "slug", "group", "name_nl", "name_en", "definition"]))
    for t in tax:
        cb.append(string_cells(cb, [t.id, t.slug, t.group, t.name_nl, t.name_en, t.definition]))
    for cell in cb[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
    cb.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (6, 26, 10, 60, 45, 90), strict=True):
        cb.column_dimensions[letter].width = width
    for row in cb.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
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
    """Return the Label Studio labeling configuration: the text and a single choice of the eleven slugs.

    Each choice shows the slug and, as a hint, the type's Dutch name.
    """
    tax = get_taxonomy()
    choices = "\n".join(f"    <Choice value={quoteattr(t.slug)} hint={quoteattr(f'{t.id} {t.name_nl}')}/>" for t in tax)
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
    info : mapping, optional
        Written to an ``Info`` sheet of an ``.xlsx`` workbook, one row per key (the prelabel command
        passes the batch's shift report, :meth:`~activity_classifier.reliability.BatchReport.to_dict`).

    Returns
    -------
    list of Path
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
        return [write_table(frame, dest, inputs=inputs, bom=True)]
    if fmt == "doccano":
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in doccano_records(frame))
        return [atomic_write(dest, text_writer(lines), inputs=inputs)]
    tasks = json.dumps(labelstudio_tasks(frame, model_version), ensure_ascii=False, indent=1) + "\n"
    written = [atomic_write(dest, text_writer(tasks), inputs=inputs)]
    written.append(atomic_write(labelstudio_config_path(dest), text_writer(labelstudio_config()), inputs=inputs))
    return written
