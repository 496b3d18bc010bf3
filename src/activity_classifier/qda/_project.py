"""Coded activities as a REFI-QDA project (``.qdpx``).

A ``.qdpx`` is a zip file with ``project.qde`` (the XML project, validated against ``Project.xsd``) and a
``Sources/`` folder with one UTF-8 text file per activity. In the project:

``Sources``
    One ``TextSource`` per activity, named ``<report> · activiteit <n>``, in report order. Its description
    and its variables (``source_file``, ``report_id``, ``activity_no``, ``location``, ``teacher_id``, the
    model's ``label_model``, ``confidence``, ``needs_review``, ``review_reason``, and ``label_exported`` /
    ``label_origin`` for :func:`~activity_classifier.qda.read_qdpx`) say where it came from. The whole text
    is one ``PlainTextSelection`` coded with the activity's label: the reviewed label where there is one
    (coded by the user ``reviewer (label_reviewed)``), else the model's (user ``activity-classifier
    (model)``). An empty activity gets the text ``[lege activiteit]`` and no coding.
``Notes``
    One note per coding (referenced from the coding, and repeated as the selection's description): where the
    label comes from, the model's confidence and source, why it was flagged for review, a review comment.
``Cases`` and ``Sets``
    One case and one set of sources per report, so programs that group documents by either show the reports;
    one set of codes per group (informal, formal).
``CodeBook``
    The codebook of :func:`~activity_classifier.qda.write_codebook`.

GUIDs are derived from the activity's file, report, location, number and text, so exporting the same
table twice gives the same GUIDs; the dates are the time of export.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..annotate import EMPTY_TEXT
from ..exceptions import EmptyInputError, InputDataError, UnknownLabelError
from ..tables import atomic_write, find_column, read_table, sheet_row
from ..taxonomy import get_taxonomy
from ._codebook import code_elements, code_guid, group_sets, guid, origin
from ._schema import PROJECT_NS, serialize, xml_text

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MODEL_USER",
    "REVIEW_USER",
    "VARIABLES",
    "ProjectSummary",
    "coding_guid",
    "project_xml",
    "write_project",
]

#: The users that codings are attributed to: the model's predictions and the labels from a review table.
MODEL_USER = guid("user:model")
REVIEW_USER = guid("user:review")
_USERS = ((MODEL_USER, "activity-classifier (model)", "model"), (REVIEW_USER, "reviewer (label_reviewed)", "review"))
#: Variables of every source, with their REFI-QDA type.
VARIABLES: dict[str, str] = {
    "source_file": "Text",
    "report_id": "Text",
    "activity_no": "Text",
    "location": "Text",
    "teacher_id": "Text",
    "label_exported": "Text",
    "label_origin": "Text",
    "label_model": "Text",
    "confidence": "Float",
    "needs_review": "Boolean",
    "review_reason": "Text",
}
_OPTIONAL = (
    "order",
    "source_file",
    "report_id",
    "activity_no",
    "location",
    "teacher_id",
    "label",
    "label_reviewed",
    "confidence",
    "source",
    "needs_review",
    "review_reason",
    "review_comment",
)
_NO_REPORT = "(zonder verslag)"


def coding_guid(source_guid: str, slug: str, label_origin: str) -> str:
    """Return the GUID of the coding written for a source, a label and its origin (``model``/``review``)."""
    return guid(f"coding:{source_guid.lower()}:{slug}:{label_origin}")


@dataclass(frozen=True)
class ProjectSummary:
    """What :func:`write_project` wrote.

    Attributes
    ----------
    activities : int
        Sources (one per activity, empty ones included).
    reports : int
        Reports (cases) they belong to.
    reviewed : int
        Activities coded with their reviewed label.
    predicted : int
        Activities coded with the model's label.
    uncoded : int
        Activities without a label (empty texts).
    """

    activities: int
    reports: int
    reviewed: int
    predicted: int
    uncoded: int

    def to_dict(self) -> dict[str, int]:
        """Return the counts as a dict."""
        return asdict(self)


@dataclass(frozen=True)
class _Activity:
    row: int
    order: float
    text: str
    meta: dict[str, str]
    label: str
    label_origin: str
    model_label: str


def _timestamp(when: datetime | None) -> str:
    moment = (when or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _activities(frame: pd.DataFrame, text_column: str, path: str | None) -> list[_Activity]:
    tax = get_taxonomy()
    # A table read from a file is all text already; a DataFrame may hold numbers and missing values.
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    tcol = find_column(frame, text_column, path)
    cols = {
        name: str(col)
        for name in _OPTIONAL
        if (col := next((c for c in frame.columns if str(c).casefold() == name), None))
    }
    if "label" not in cols and "label_reviewed" not in cols:
        raise InputDataError(
            "no label column: expected the review table of prelabel (label, label_reviewed) or a predictions table",
            path=path,
        )
    out = []
    for i, record in enumerate(frame.to_dict("records")):
        cell = {name: str(record[col]).strip() for name, col in cols.items()}
        text = str(record[tcol])
        labels = {}
        for name in ("label_reviewed", "label"):
            value = cell.get(name, "")
            if value:
                try:
                    labels[name] = tax.validate_label(value)
                except UnknownLabelError as exc:
                    raise InputDataError(str(exc), path=path, row=sheet_row(i), column=cols[name]) from None
        if not text.strip():
            label, label_origin = "", ""
        elif "label_reviewed" in labels:
            label, label_origin = labels["label_reviewed"], "review"
        elif "label" in labels:
            label, label_origin = labels["label"], "model"
        else:
            label, label_origin = "", ""
        try:
            order = float(cell.get("order") or i + 1)
        except ValueError:
            order = float(i + 1)
        out.append(_Activity(sheet_row(i), order, text, cell, label, label_origin, labels.get("label", "")))
    if not out:
        raise EmptyInputError("no activities to export", path=path)
    return out


def _report(a: _Activity) -> str:
    return a.meta.get("report_id") or Path(a.meta.get("source_file", "")).name or _NO_REPORT


def _note(a: _Activity) -> str:
    tax = get_taxonomy()
    t = tax[a.label]
    m = a.meta
    lines = [f"Label: {t.slug} ({t.id} {t.name_nl})"]
    if a.label_origin == "review":
        lines.append("From the review (label_reviewed).")
        if a.model_label and a.model_label != a.label:
            lines.append(f"The model predicted {a.model_label}.")
    else:
        lines.append("Predicted by the model; not reviewed yet.")
    details = []
    if m.get("confidence"):
        details.append(f"confidence {m['confidence']}")
    if m.get("source"):
        details.append(f"source {m['source']}")
    if details:
        lines.append("Model: " + ", ".join(details) + ".")
    if m.get("review_reason"):
        lines.append(f"Flagged for review: {m['review_reason']}.")
    if m.get("review_comment"):
        lines.append(f"Review comment: {m['review_comment']}")
    return "\n".join(lines)


def _description(a: _Activity) -> str:
    m = a.meta
    parts = [f"Report {_report(a)}"]
    if m.get("activity_no"):
        parts.append(f"activity {m['activity_no']}")
    where = ", ".join(v for v in (m.get("source_file", ""), m.get("location", "")) if v)
    text = ", ".join(parts) + (f"; {where}" if where else "")
    if m.get("teacher_id"):
        text += f"; teacher {m['teacher_id']}"
    return text + "."


def _variable_value(parent: ET.Element, name: str, value: str) -> None:
    kind = VARIABLES[name]
    if kind == "Float":
        try:
            number = float(value)
        except ValueError:
            return
        if not math.isfinite(number):  # xsd:decimal has no NaN or infinity
            return
        value = f"{number:.4f}"
    elif kind == "Boolean":
        # The review workbook shows needs_review as ja/nee.
        if value.casefold() not in ("true", "false", "1", "0", "ja", "nee"):
            return
        value = "true" if value.casefold() in ("true", "1", "ja") else "false"
    vv = ET.SubElement(parent, "VariableValue")
    ET.SubElement(vv, "VariableRef", {"targetGUID": guid(f"variable:{name}")})
    ET.SubElement(vv, f"{kind}Value").text = xml_text(value)


def project_xml(
    frame: pd.DataFrame,
    *,
    name: str = "activity-classifier",
    text_column: str = "text",
    path: str | None = None,
    created: datetime | None = None,
    flat: bool = False,
) -> tuple[bytes, dict[str, bytes], ProjectSummary]:
    """Build the project from a review or predictions table.

    Parameters
    ----------
    frame : pandas.DataFrame
        One activity a row: a text column, ``label`` (the model's) and/or ``label_reviewed``; the other
        columns of :data:`activity_classifier.prelabel.REVIEW_COLUMNS` are used when present.
    name : str
        The project's name.
    text_column : str, default="text"
        The text column.
    path : str, optional
        The table's file, for messages.
    created : datetime, optional
        The export time recorded in the project; now when omitted.
    flat : bool, default=False
        Codebook without the two group codes (see :func:`~activity_classifier.qda.codebook_xml`).

    Returns
    -------
    project : bytes
        ``project.qde``, validated against ``Project.xsd``.
    sources : dict of str to bytes
        The ``Sources/<guid>.txt`` files.
    summary : ProjectSummary

    Raises
    ------
    InputDataError
        Naming the row and column of an unknown label, or a missing text or label column.
    """
    activities = _activities(frame, text_column, path)
    now = _timestamp(created)
    reports: dict[str, list[_Activity]] = {}
    for a in sorted(activities, key=lambda a: a.order):
        reports.setdefault(_report(a), []).append(a)

    root = ET.Element(
        "Project",
        {
            "xmlns": PROJECT_NS,
            "name": xml_text(name),
            "origin": origin(),
            "creatingUserGUID": MODEL_USER,
            "creationDateTime": now,
            "modifyingUserGUID": MODEL_USER,
            "modifiedDateTime": now,
        },
    )
    users = ET.SubElement(root, "Users")
    for user_guid, user_name, user_id in _USERS:
        ET.SubElement(users, "User", {"guid": user_guid, "name": user_name, "id": user_id})
    ET.SubElement(root, "CodeBook").append(code_elements(flat=flat))
    variables = ET.SubElement(root, "Variables")
    for var, kind in VARIABLES.items():
        ET.SubElement(variables, "Variable", {"guid": guid(f"variable:{var}"), "name": var, "typeOfVariable": kind})
    cases = ET.SubElement(root, "Cases")
    sources_el = ET.SubElement(root, "Sources")
    notes = ET.Element("Notes")
    sets = group_sets(project=True)

    files: dict[str, bytes] = {}
    seen_keys: dict[str, int] = {}
    seen_names: set[str] = set()
    counts = {"review": 0, "model": 0, "": 0}
    for report, members in reports.items():
        case = ET.SubElement(cases, "Case", {"guid": guid(f"case:{report}"), "name": xml_text(report)})
        first = members[0].meta
        facts = (("file", first.get("source_file", "")), ("teacher", first.get("teacher_id", "")))
        about = "; ".join(f"{k} {v}" for k, v in facts if v)
        ET.SubElement(case, "Description").text = xml_text(f"Report {report}" + (f" ({about})" if about else ""))
        report_set = ET.SubElement(sets, "Set", {"guid": guid(f"set:report:{report}"), "name": xml_text(report)})
        for a in members:
            m = a.meta
            key = "|".join([m.get("source_file", ""), report, m.get("activity_no", ""), m.get("location", ""), a.text])
            seen_keys[key] = seen_keys.get(key, 0) + 1
            source_guid = guid(f"source:{key}:{seen_keys[key]}")
            label_no = m.get("activity_no") or f"rij {a.row}"
            source_name = f"{report} · activiteit {label_no}" if m.get("activity_no") else f"{report} · {label_no}"
            while source_name in seen_names:  # programs match sources by name too; keep names unique
                source_name += f" ({a.row})"
            seen_names.add(source_name)
            text = a.text if a.text.strip() else EMPTY_TEXT
            files[f"Sources/{source_guid}.txt"] = text.encode("utf-8")
            source = ET.SubElement(
                sources_el,
                "TextSource",
                {
                    "guid": source_guid,
                    "name": xml_text(source_name),
                    "plainTextPath": f"internal://{source_guid}.txt",
                    "creatingUser": MODEL_USER,
                    "creationDateTime": now,
                    "modifyingUser": MODEL_USER,
                    "modifiedDateTime": now,
                },
            )
            ET.SubElement(source, "Description").text = xml_text(_description(a))
            counts[a.label_origin] += 1
            if a.label:
                user = REVIEW_USER if a.label_origin == "review" else MODEL_USER
                note_text = xml_text(_note(a))
                note_guid = guid(f"note:{source_guid}")
                selection = ET.SubElement(
                    source,
                    "PlainTextSelection",
                    {
                        "guid": guid(f"selection:{source_guid}"),
                        "name": xml_text(source_name),
                        "startPosition": "0",
                        "endPosition": str(len(text)),
                        "creatingUser": user,
                        "creationDateTime": now,
                    },
                )
                ET.SubElement(selection, "Description").text = note_text
                coding = ET.SubElement(
                    selection,
                    "Coding",
                    {
                        "guid": coding_guid(source_guid, a.label, a.label_origin),
                        "creatingUser": user,
                        "creationDateTime": now,
                    },
                )
                ET.SubElement(coding, "CodeRef", {"targetGUID": code_guid(a.label)})
                ET.SubElement(coding, "NoteRef", {"targetGUID": note_guid})
                note = ET.SubElement(
                    notes,
                    "Note",
                    {
                        "guid": note_guid,
                        "name": xml_text(f"{source_name}: {a.label}"),
                        "creatingUser": user,
                        "creationDateTime": now,
                    },
                )
                ET.SubElement(note, "PlainTextContent").text = note_text
            values = {**m, "report_id": m.get("report_id", ""), "label_exported": a.label}
            values.update(label_origin=a.label_origin, label_model=a.model_label)
            for var in VARIABLES:
                if values.get(var):
                    _variable_value(source, var, values[var])
            ET.SubElement(case, "SourceRef", {"targetGUID": source_guid})
            ET.SubElement(report_set, "MemberSource", {"targetGUID": source_guid})
    if len(notes):
        root.append(notes)
    root.append(sets)
    ET.SubElement(root, "Description").text = xml_text(
        f"Activities of {len(reports)} learner reports, exported by {origin()} on {now}. Each source is one "
        "activity, coded with one of the eleven types: the reviewed label where there is one, else the model's."
    )
    summary = ProjectSummary(
        activities=len(activities),
        reports=len(reports),
        reviewed=counts["review"],
        predicted=counts["model"],
        uncoded=counts[""],
    )
    return serialize(root, "project"), files, summary


def write_project(
    table: str | Path | pd.DataFrame,
    path: str | Path,
    *,
    text_column: str = "text",
    created: datetime | None = None,
    flat: bool = False,
    inputs: Sequence[str | Path] = (),
) -> ProjectSummary:
    """Write a review or predictions table as a ``.qdpx`` project, atomically.

    Parameters
    ----------
    table : str, Path or pandas.DataFrame
        The table, or its ``.csv``/``.xlsx`` file (the review table of ``prelabel``, or the output of
        ``predict``).
    path : str or Path
        The ``.qdpx`` file to write.
    text_column : str, default="text"
        The text column.
    created : datetime, optional
        The export time recorded in the project; now when omitted.
    flat : bool, default=False
        Codebook without the two group codes (see :func:`~activity_classifier.qda.codebook_xml`).
    inputs : sequence of paths
        Further input files that must not be overwritten.

    Returns
    -------
    ProjectSummary

    Raises
    ------
    InputDataError
        For an unreadable table, an unknown label (naming its row), or an output that is not ``.qdpx``;
        nothing is written then.
    """
    dest = Path(path)
    if dest.suffix.lower() != ".qdpx":
        raise InputDataError("a REFI-QDA project is written as a .qdpx file", path=str(dest))
    source_path = None
    if isinstance(table, str | Path):
        source_path = str(table)
        frame = read_table(table)
        inputs = [table, *inputs]
        name = Path(table).stem
    else:
        frame = table
        name = dest.stem
    project, files, summary = project_xml(
        frame, name=name, text_column=text_column, path=source_path, created=created, flat=flat
    )

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("project.qde", project)
            for member, data in files.items():
                zf.writestr(member, data)

    atomic_write(dest, write, inputs=inputs)
    return summary
