"""Pre-labelling: read learner reports, classify every activity and build the table annotators review.

:func:`prelabel` ties the pieces together: :func:`~activity_classifier.annotate.read_activities` reads
and splits the reports, :func:`~activity_classifier.annotate.find_personal_data` finds (and optionally
:func:`~activity_classifier.annotate.redact` redacts) personal data, the model classifies, and the result
is one row per activity, sorted for review. :func:`~activity_classifier.annotate.write_output` writes that
table in the annotators' format of choice; :func:`~activity_classifier.annotate.merge_reviewed` brings
their corrections back.

Examples
--------
>>> from activity_classifier.annotate import prelabel
>>> result = prelabel(["examples/leerverslagen_team_techniek.csv"])  # doctest: +SKIP
>>> result.frame[["order", "label", "confidence", "label_reviewed"]].head(2)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._parallel import resolve_jobs
from .._progress import Progress, progress_bars
from ._activity import Activity, Ingested
from ._inputs import read_activities
from ._privacy import PLACEHOLDERS, find_personal_data, redact
from ._tables import TableOptions

if TYPE_CHECKING:
    import pandas as pd

    from ..estimator import ActivityClassifier
    from ..policy import Method
    from ..reliability import BatchReport

__all__ = ["REVIEW_COLUMNS", "PrelabelResult", "model_version", "prelabel", "review_frame", "sort_for_review"]

logger = logging.getLogger(__name__)

#: Columns of the review table, in this order. ``order`` is the activity's position in the input. The
#: annotator's ``label_reviewed`` comes right after the text, followed by the model's prediction; where
#: the activity comes from is at the end.
REVIEW_COLUMNS = (
    "order",
    "text",
    "label_reviewed",
    "review_comment",
    "label_nl",
    "label",
    "confidence",
    "needs_review",
    "review_reason",
    "alternatives",
    "evidence",
    "group",
    "source",
    "personal_data",
    "source_file",
    "report_id",
    "activity_no",
    "location",
    "teacher_id",
)

#: Texts are classified in batches of this size, so a progress bar can move.
BATCH_SIZE = 500


@dataclass
class PrelabelResult:
    """What :func:`prelabel` produced.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per activity with :data:`REVIEW_COLUMNS`, sorted for review (see :func:`sort_for_review`).
    ingested : Ingested
        The activities as read, with the notes on how each file was read.
    personal_data : collections.Counter
        Findings per kind (``email``, ``phone``, ``student_number``) over all texts.
    model_version : str
        The model that made the predictions (see :func:`model_version`).
    batch_report : BatchReport or None
        The batch's shift report and what the target accuracy did.
    """

    frame: pd.DataFrame
    ingested: Ingested
    personal_data: Counter[str]
    model_version: str
    batch_report: BatchReport | None = None


def model_version(model: ActivityClassifier) -> str:
    """Return a short, stable name of a loaded model: package version, creation date, model hash.

    Examples
    --------
    >>> from activity_classifier import load_model
    >>> model_version(load_model())  # doctest: +SKIP
    'activity-classifier 0.1.0, model 2026-11-29 sha256:1f0c2a9e77b3'
    """
    meta: dict[str, Any] = getattr(model, "metadata_", None) or {}
    version = str(meta.get("package", {}).get("version", "unknown"))
    created = str(meta.get("created", ""))[:10]
    sha = str(meta.get("model_file", {}).get("sha256", ""))[:12]
    if not sha:
        return f"activity-classifier {version}, unsaved model"
    return f"activity-classifier {version}, model {created} sha256:{sha}"


def sort_for_review(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort rows that need review first, then by increasing confidence, then in input order."""
    return frame.sort_values(
        ["needs_review", "confidence", "order"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)


def review_frame(
    activities: Sequence[Activity], predictions: pd.DataFrame, personal_data: Sequence[str]
) -> pd.DataFrame:
    """Build the review table from activities and their predictions (not yet sorted).

    Parameters
    ----------
    activities : sequence of Activity
        In input order.
    predictions : pandas.DataFrame
        One row per activity with :data:`activity_classifier.predictions.PREDICTION_COLUMNS`.
    personal_data : sequence of str
        Per activity, the kinds of personal data found (``"email, phone"``), or ``""``.

    Returns
    -------
    pandas.DataFrame
        :data:`REVIEW_COLUMNS`; ``label_reviewed`` and ``review_comment`` empty.
    """
    import pandas as pd

    if not len(activities) == len(predictions) == len(personal_data):
        raise ValueError("activities, predictions and personal_data must have the same length")
    base = pd.DataFrame(
        {
            "order": range(1, len(activities) + 1),
            "source_file": [a.source_file for a in activities],
            "report_id": [a.report_id for a in activities],
            "activity_no": [a.activity_no for a in activities],
            "location": [a.location for a in activities],
            "teacher_id": [a.teacher_id for a in activities],
            "text": [a.text for a in activities],
        }
    )
    frame = pd.concat([base, predictions.reset_index(drop=True)], axis=1)
    frame["label"] = frame["label"].fillna("")
    frame["label_nl"] = frame["label_nl"].fillna("")
    frame["group"] = frame["group"].fillna("")
    frame["personal_data"] = list(personal_data)
    frame["label_reviewed"] = ""
    frame["review_comment"] = ""
    return frame[list(REVIEW_COLUMNS)]


def prelabel(
    paths: Iterable[str | Path],
    *,
    model: ActivityClassifier | None = None,
    method: Method = "hybrid",
    redact_personal_data: bool = False,
    table: TableOptions | None = None,
    progress: Progress | bool | None = None,
    target_accuracy: float | None = 0.95,  # reliability.DEFAULT_TARGET_ACCURACY, kept light to import
    n_jobs: int | None = 1,
) -> PrelabelResult:
    """Read learner reports, classify every activity and return the review table.

    Parameters
    ----------
    paths : iterable of str or Path
        Files (``.csv``, ``.tsv``, ``.xlsx``, ``.docx``, ``.txt``) and folders.
    model : ActivityClassifier, optional
        A fitted classifier; the shipped default model when omitted.
    method : {"hybrid", "model", "rules"}, default="hybrid"
        Prediction policy.
    redact_personal_data : bool, default=False
        Replace e-mail addresses, phone numbers and student numbers in the texts (before classifying, so
        that no output holds them).
    table : TableOptions, optional
        How to read tables (columns, layout); detected when omitted.
    progress : callable or bool, optional
        ``progress("classifying", done, total)`` after each batch; True or False force a progress bar on
        standard error on or off; by default one is shown only when it is a terminal.
    n_jobs : int or None, default=1
        Processes to classify with (None or 1: this one; -1: all cores); the result does not depend on it.

    Returns
    -------
    PrelabelResult
        ``frame`` has exactly one row per activity read, empty ones included (flagged ``empty_text``).

    Raises
    ------
    InputDataError
        Naming the file (and row or column) that cannot be read.
    """
    from ..persistence import load_model
    from ..predictions import predictions_frame
    from ..reliability import check_target, review_to_target

    ingested = read_activities(paths, table)
    activities = ingested.activities
    findings = [find_personal_data(a.text) for a in activities]
    counts: Counter[str] = Counter(f.kind for fs in findings for f in fs)
    kinds = [", ".join(sorted({f.kind for f in fs})) for fs in findings]
    if redact_personal_data:
        activities = [
            Activity(redact(a.text, fs), a.source_file, a.report_id, a.activity_no, a.location, a.teacher_id)
            if fs
            else a
            for a, fs in zip(activities, findings, strict=True)
        ]
        kinds = [f"{k} (redacted)" if k else "" for k in kinds]
        logger.info("redacted with %s", ", ".join(PLACEHOLDERS.values()))

    if target_accuracy is not None:
        target_accuracy = check_target(target_accuracy)
    clf = model if model is not None else load_model()
    texts = [a.text for a in activities]
    preds = []
    docs = []
    report = progress if callable(progress) else progress_bars(progress)
    # With several processes a batch holds enough rows to keep each of them busy. The analysis runs on
    # n_jobs processes; features, policy and the target accuracy read it in this one.
    batch_size = BATCH_SIZE * max(1, 8 * (resolve_jobs(n_jobs) - 1))
    for start in range(0, len(texts), batch_size):
        batch = texts[start : start + batch_size]
        batch_docs = clf.analyse(batch, n_jobs=n_jobs)
        docs.extend(batch_docs)
        preds.extend(clf.explain(batch, method=method, analysis=batch_docs))
        if report is not None:
            report("classifying", start + len(batch), len(texts))
    preds, batch_report = review_to_target(clf, docs, preds, target_accuracy)
    frame = sort_for_review(review_frame(activities, predictions_frame(preds), kinds))
    return PrelabelResult(
        frame=frame,
        ingested=ingested,
        personal_data=counts,
        model_version=model_version(clf),
        batch_report=batch_report,
    )
