"""Bringing annotators' corrections back into a labelled training file.

Reviewed files
--------------
``.xlsx`` / ``.csv`` written by ``prelabel``
    The label is read from ``label_reviewed`` (never from the predicted ``label``): the drop-down item
    (``F4 - conferentie``), a slug or an id, in any case (see
    :func:`~activity_classifier.annotate.review_label`); rows left empty were not reviewed and are
    skipped. ``needs_review`` (``ja``/``nee``) is read back into :attr:`ReviewedItem.needs_review`.
Label Studio export (``.json``, the "JSON" export)
    The label is the choice of the task's annotations (cancelled ones ignored); the model's
    ``predictions`` are never used. Tasks without annotations (also ``"annotations": null``) are
    skipped; tasks whose annotators disagree are skipped too, and :func:`disagreements` lists them with
    every annotator's choice for adjudication (``import-reviewed --disagreements FILE``). The
    "JSON-MIN" export (``{"text": ..., "label": ...}``) is read as well.
REFI-QDA project (``.qdpx``) written by ``export-qda`` and changed in a QDA program
    Each text source is an activity; see :mod:`activity_classifier.qda._read` for which codings count.

Merging
-------
Activities are matched on their text (white space collapsed, case ignored). For each reviewed activity:

``added``
    Its text is not in the labelled file: a row is appended with ``source=reviewed``.
``changed``
    Its text is in the labelled file with another label: the reviewed label wins; the row gets
    ``source=reviewed``.
``skipped``
    With the reason: not reviewed, empty text, unknown label, a duplicate of an earlier row of the
    reviewed file, conflicting labels for the same text in the reviewed file, or already in the labelled
    file with the same label.

Labels are validated against the taxonomy (slugs, ids such as ``F4``, or the Dutch drop-down items). The
merged file is written atomically; the reviewed file is never modified.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .._output import shorten
from ..exceptions import EmptyInputError, InputDataError, UnknownLabelError
from ..tables import find_column, read_table, sheet_row
from ..taxonomy import get_taxonomy
from ..text import clean_text
from ._choices import parse_needs_review, review_label

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CORPUS_COLUMNS",
    "MergeReport",
    "ReviewedItem",
    "disagreements",
    "merge_reviewed",
    "read_reviewed",
    "text_key",
]

logger = logging.getLogger(__name__)

#: Columns of a new labelled file (those of the bundled corpus).
CORPUS_COLUMNS = (
    "id",
    "teacher_id",
    "report_no",
    "activity_no",
    "text",
    "label",
    "group",
    "sector",
    "source",
    "border_case",
)
REVIEWED_SOURCE = "reviewed"
#: The skip reason of a Label Studio task whose annotators chose different types.
DISAGREE = "annotators disagree"


def text_key(text: object) -> str:
    """Return the key two texts are matched on: cleaned, white space collapsed, case ignored.

    Examples
    --------
    >>> text_key("  Webinar   gevolgd ") == text_key("webinar gevolgd")
    True
    """
    return clean_text(text).casefold()


@dataclass(frozen=True)
class ReviewedItem:
    """One row or task of a reviewed file.

    Attributes
    ----------
    where : str
        Its place in the reviewed file (``row 5``, ``task 12``), for the report.
    text : str
        The activity text.
    label : str
        The reviewed label as written (validated later); empty when not reviewed.
    skip_reason : str
        Why it cannot be used even before merging (e.g. annotators disagree); empty otherwise.
    meta : dict
        ``report_id``, ``activity_no``, ``teacher_id``, ``source_file`` when known.
    votes : tuple of (str, str)
        Label Studio: ``(annotator, label)`` for each annotation that was not cancelled.
    needs_review : bool or None
        A reviewed table's ``needs_review`` (``ja``/``nee``) when it has the column and the cell is readable.
    """

    where: str
    text: str
    label: str
    skip_reason: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    votes: tuple[tuple[str, str], ...] = ()
    needs_review: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a dict (votes as lists)."""
        return {
            "where": self.where,
            "text": self.text,
            "label": self.label,
            "skip_reason": self.skip_reason,
            "meta": dict(self.meta),
            "votes": [list(v) for v in self.votes],
            "needs_review": self.needs_review,
        }


@dataclass(frozen=True)
class MergeAction:
    """What happened to one reviewed item.

    Attributes
    ----------
    where : str
        Its place in the reviewed file.
    action : {"added", "changed", "skipped"}
    reason : str
        For ``skipped``: why; for ``changed``: the old label(s).
    label : str
        The reviewed label (a slug when valid).
    text : str
        The activity text (shortened in reports).
    """

    where: str
    action: Literal["added", "changed", "skipped"]
    reason: str
    label: str
    text: str


@dataclass
class MergeReport:
    """The outcome of :func:`merge_reviewed`.

    Attributes
    ----------
    merged : pandas.DataFrame
        The labelled table after merging.
    actions : list of MergeAction
        One per reviewed item, in the reviewed file's order.
    """

    merged: pd.DataFrame
    actions: list[MergeAction]

    def count(self, action: str) -> int:
        """Return how many items got ``action``."""
        return sum(a.action == action for a in self.actions)

    def skip_reasons(self) -> Counter[str]:
        """Count skipped items per reason (details such as row numbers left out)."""
        return Counter(a.reason.split(" (")[0] for a in self.actions if a.action == "skipped")

    def summary(self) -> str:
        """One line: ``added 3, changed 1, skipped 2 (not reviewed: 2)``."""
        reasons = ", ".join(f"{r}: {n}" for r, n in self.skip_reasons().most_common())
        line = f"added {self.count('added')}, changed {self.count('changed')}, skipped {self.count('skipped')}"
        return f"{line} ({reasons})" if reasons else line

    def frame(self) -> pd.DataFrame:
        """Return the actions as a table (``where, action, reason, label, text``)."""
        import pandas as pd

        return pd.DataFrame(
            [(a.where, a.action, a.reason, a.label, a.text) for a in self.actions],
            columns=["where", "action", "reason", "label", "text"],
        )


# -- reading ------------------------------------------------------------------------------------------
def read_reviewed(
    path: str | Path, *, text_column: str = "text", label_column: str = "label_reviewed"
) -> list[ReviewedItem]:
    """Read a reviewed ``.xlsx``/``.csv`` table, a Label Studio ``.json`` export or a REFI-QDA ``.qdpx``.

    Parameters
    ----------
    path : str or Path
        The reviewed file.
    text_column, label_column : str
        Columns of a table (matched ignoring case); ignored for Label Studio exports.

    Returns
    -------
    list of ReviewedItem
        One per row or task, in file order.

    Raises
    ------
    InputDataError
        If the file cannot be read, or a column or the Label Studio structure is missing.
    """
    p = Path(path)
    if p.suffix.lower() == ".json":
        return _read_labelstudio(p)
    if p.suffix.lower() == ".qdpx":  # a REFI-QDA project from ATLAS.ti, MAXQDA, NVivo, QualCoder
        from ..qda import read_qdpx

        return read_qdpx(p)
    frame = read_table(p)
    tcol = find_column(frame, text_column, p)
    lcol = find_column(frame, label_column, p)
    meta_cols = {
        name: col
        for name in ("report_id", "activity_no", "teacher_id", "source_file")
        if (col := next((c for c in frame.columns if str(c).casefold() == name), None))
    }
    flag_col = next((c for c in frame.columns if str(c).casefold() == "needs_review"), None)
    items = []
    for i, row in enumerate(frame.to_dict("records")):
        meta = {name: str(row[col]).strip() for name, col in meta_cols.items()}
        flag = parse_needs_review(row[flag_col]) if flag_col is not None else None
        items.append(
            ReviewedItem(f"row {sheet_row(i)}", str(row[tcol]), str(row[lcol]).strip(), "", meta, needs_review=flag)
        )
    return items


def _choices(result: Any) -> list[str]:
    out: list[str] = []
    for r in result if isinstance(result, list) else []:
        value = r.get("value") if isinstance(r, dict) and r.get("type") == "choices" else None
        choices = value.get("choices") if isinstance(value, dict) else None
        if isinstance(choices, list):
            out.extend(str(c) for c in choices)
    return out


def _read_labelstudio(p: Path) -> list[ReviewedItem]:
    if not p.is_file():
        raise InputDataError("file not found", path=str(p))
    try:
        tasks = json.loads(p.read_text("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputDataError(f"not a readable JSON file ({exc.__class__.__name__}: {exc})", path=str(p)) from exc
    if not isinstance(tasks, list):
        raise InputDataError("expected a Label Studio export: a JSON list of tasks", path=str(p))
    if not tasks:
        raise EmptyInputError("the export holds no tasks", path=str(p))
    items = []
    for k, task in enumerate(tasks):
        where = f"task {task.get('id', k + 1)}" if isinstance(task, dict) else f"task {k + 1}"
        if not isinstance(task, dict):
            raise InputDataError(f"{where} is not a JSON object", path=str(p))
        raw_annotations = task.get("annotations") if "data" in task else None
        if raw_annotations is None:  # absent, or null as some exports and API clients write it
            raw_annotations = []
        if not isinstance(raw_annotations, list):
            raise InputDataError(f"{where}: 'annotations' is not a list", path=str(p))
        votes: tuple[tuple[str, str], ...] = ()
        if "data" in task:  # the full JSON export
            data = task["data"] if isinstance(task["data"], dict) else {}
            annotations = [a for a in raw_annotations if isinstance(a, dict) and not a.get("was_cancelled")]
            per_annotation = [[_as_slug(c) for c in _choices(a.get("result"))] for a in annotations]
            labels = [c for choice in per_annotation for c in choice[:1]]
            votes = _votes(annotations, per_annotation)
        else:  # JSON-MIN: the data fields and one key per control tag
            data = task
            value = task.get("label")
            labels = [str(value)] if isinstance(value, str) else _choices([{"type": "choices", "value": value}])
            labels = [_as_slug(c) for c in labels]
            per_annotation = [labels] if labels else []
        if "text" not in data:
            raise InputDataError(f"{where} has no 'text' in its data", path=str(p))
        reason = ""
        distinct = sorted(set(labels))
        if not per_annotation and any(isinstance(a, dict) and a.get("was_cancelled") for a in raw_annotations):
            reason = "skipped by the annotator in Label Studio"
        elif any(len(c) > 1 for c in per_annotation):
            reason = "more than one choice in an annotation"
        elif len(distinct) > 1:
            reason = f"{DISAGREE} ({' vs '.join(distinct)})"
        meta = {n: str(data[n]) for n in ("report_id", "activity_no", "teacher_id", "source_file") if n in data}
        label = distinct[0] if len(distinct) == 1 else ""
        items.append(ReviewedItem(where, str(data["text"]), label, reason, meta, votes))
    return items


def _as_slug(choice: str) -> str:
    """Return a choice as its slug when it names a type (a config may use the Dutch items as values)."""
    try:
        return review_label(choice)
    except UnknownLabelError:
        return choice


def _votes(annotations: list[dict[str, Any]], choices: list[list[str]]) -> tuple[tuple[str, str], ...]:
    """Return ``(annotator, label)`` for each annotation with a choice.

    Label Studio's ``completed_by`` names the annotator (a user id or object); the annotation's id tells
    one annotator's two annotations apart.
    """
    names = []
    for n, a in enumerate(annotations, 1):
        who = a.get("completed_by")
        if isinstance(who, dict):
            who = who.get("email") or who.get("id")
        names.append(f"annotator {who}" if who not in (None, "") else f"annotation {a.get('id', n)}")
    out = []
    for n, (a, name, c) in enumerate(zip(annotations, names, choices, strict=True), 1):
        if not c:
            continue
        if names.count(name) > 1 and not name.startswith("annotation "):
            name = f"{name} (annotation {a.get('id', n)})"
        out.append((name, ", ".join(c)))
    return tuple(out)


def disagreements(items: Sequence[ReviewedItem]) -> pd.DataFrame:
    """Return the tasks whose annotators disagree, for adjudication.

    One row per task: ``where``, ``text``, ``label_reviewed`` (empty: the adjudicator's decision),
    ``review_comment``, ``annotations`` (every annotator's choice), ``labels`` (the distinct choices) and
    the task's ``report_id``, ``activity_no``, ``teacher_id``, ``source_file``. Written as a review
    workbook (``import-reviewed --disagreements FILE``), it has the same drop-down, and the filled-in
    file can be imported with ``import-reviewed`` like any review.

    Examples
    --------
    >>> item = ReviewedItem("task 8", "Congres", "", "annotators disagree (conference vs pd_programme)",
    ...                     votes=(("annotator 1", "conference"), ("annotator 2", "pd_programme")))
    >>> disagreements([item])[["where", "annotations", "label_reviewed"]].values.tolist()
    [['task 8', 'annotator 1: conference; annotator 2: pd_programme', '']]
    """
    import pandas as pd

    meta = ("report_id", "activity_no", "teacher_id", "source_file")
    rows = [
        {
            "where": i.where,
            "text": i.text,
            "label_reviewed": "",
            "review_comment": "",
            "annotations": "; ".join(f"{who}: {label}" for who, label in i.votes),
            "labels": " vs ".join(sorted({label for _, label in i.votes})),
            **{m: i.meta.get(m, "") for m in meta},
        }
        for i in items
        if i.skip_reason.startswith(DISAGREE)
    ]
    columns = ["where", "text", "label_reviewed", "review_comment", "annotations", "labels", *meta]
    return pd.DataFrame(rows, columns=columns)


# -- merging ------------------------------------------------------------------------------------------
def _short(text: str) -> str:
    return shorten(text, 60)


def _new_id(key: str) -> str:
    return "R" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def merge_reviewed(
    items: Sequence[ReviewedItem],
    labelled: pd.DataFrame | None,
    *,
    text_column: str = "text",
    label_column: str = "label",
    path: str | Path | None = None,
) -> MergeReport:
    """Merge reviewed labels into a labelled table (see the module docstring for the rules).

    Parameters
    ----------
    items : sequence of ReviewedItem
        From :func:`read_reviewed`.
    labelled : pandas.DataFrame or None
        The labelled table (all cells strings), or None to start a new one with :data:`CORPUS_COLUMNS`.
    text_column, label_column : str
        Its text and label columns.
    path : str or Path, optional
        The labelled file, for messages.

    Returns
    -------
    MergeReport

    Examples
    --------
    >>> items = [ReviewedItem("row 2", "Congres bezocht", "conference"), ReviewedItem("row 3", "Boek", "")]
    >>> report = merge_reviewed(items, None)
    >>> report.summary()
    'added 1, changed 0, skipped 1 (not reviewed: 1)'
    >>> report.merged[["text", "label", "source"]].values.tolist()
    [['Congres bezocht', 'conference', 'reviewed']]
    """
    import pandas as pd

    tax = get_taxonomy()
    frame = pd.DataFrame(columns=list(CORPUS_COLUMNS)) if labelled is None else labelled.copy()
    tcol = find_column(frame, text_column, path)
    lcol = find_column(frame, label_column, path)
    if "source" not in frame.columns:
        frame["source"] = ""
    existing: dict[str, list[int]] = {}
    for i, text in enumerate(frame[tcol]):
        existing.setdefault(text_key(text), []).append(i)

    # Labels per text within the reviewed file, to find duplicates and conflicts first.
    valid: dict[int, str] = {}
    actions: list[MergeAction | None] = [None] * len(items)
    seen: dict[str, list[int]] = {}
    for k, item in enumerate(items):
        label = item.label.strip()

        def skip(reason: str, item: ReviewedItem = item, label: str = label) -> MergeAction:
            return MergeAction(item.where, "skipped", reason, label, _short(item.text))

        if item.skip_reason:
            actions[k] = skip(item.skip_reason)
        elif not label:
            actions[k] = skip("not reviewed")
        elif not clean_text(item.text):
            actions[k] = skip("empty text")
        else:
            try:
                valid[k] = review_label(label)
            except UnknownLabelError:
                actions[k] = skip(f"unknown label ({label!r} is not one of the eleven slugs)")
                continue
            seen.setdefault(text_key(item.text), []).append(k)

    new_rows: list[dict[str, Any]] = []
    for key, ks in seen.items():
        labels = sorted({valid[k] for k in ks})
        if len(labels) > 1:
            where = ", ".join(items[k].where for k in ks)
            for k in ks:
                actions[k] = MergeAction(
                    items[k].where,
                    "skipped",
                    f"conflicting labels for the same text ({where}: {' vs '.join(labels)})",
                    valid[k],
                    _short(items[k].text),
                )
            continue
        first, *dups = ks
        for k in dups:
            actions[k] = MergeAction(
                items[k].where,
                "skipped",
                f"duplicate (same text as {items[first].where})",
                valid[k],
                _short(items[k].text),
            )
        item, label = items[first], valid[first]
        rows = existing.get(key, [])
        if rows:
            old = sorted({str(frame.at[i, lcol]).strip() for i in rows})
            if old == [label]:
                where = ", ".join(f"row {sheet_row(i)}" for i in rows)
                actions[first] = MergeAction(
                    item.where, "skipped", f"already labelled the same ({where})", label, _short(item.text)
                )
                continue
            for i in rows:
                frame.at[i, lcol] = label
                frame.at[i, "source"] = REVIEWED_SOURCE
                if "group" in frame.columns:
                    frame.at[i, "group"] = tax[label].group
            actions[first] = MergeAction(item.where, "changed", f"was {' / '.join(old)}", label, _short(item.text))
            continue
        meta = item.meta
        report = meta.get("report_id") or Path(meta.get("source_file", "")).stem
        new_rows.append(
            {
                "id": _new_id(key),
                # Grouped cross-validation needs a group: the teacher when known, else the report.
                "teacher_id": meta.get("teacher_id") or report or "reviewed",
                "report_no": report,
                "activity_no": meta.get("activity_no", ""),
                tcol: " ".join(item.text.split()),
                lcol: label,
                "group": tax[label].group,
                "source": REVIEWED_SOURCE,
            }
        )
        actions[first] = MergeAction(item.where, "added", "", label, _short(item.text))
    if new_rows:
        add = pd.DataFrame(new_rows)
        add = add[[c for c in add.columns if c in frame.columns]]
        frame = pd.concat([frame, add], ignore_index=True).fillna("")
    done = [a for a in actions if a is not None]
    assert len(done) == len(items)
    return MergeReport(frame.astype(str), done)
