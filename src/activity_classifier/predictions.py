"""High-level convenience: classify a list of texts or a DataFrame column in one call.

Examples
--------
>>> from activity_classifier import classify
>>> out = classify(["Twee dagen naar het jaarcongres van de MBO Raad", ""])  # doctest: +SKIP
>>> list(out.columns)[:3]  # doctest: +SKIP
['text', 'label', 'label_nl']
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._output import PREDICTION_COLUMNS, OutputRow, output_row
from ._progress import Progress
from ._runtime import CHUNK_SIZE, Predictor, as_predictor
from .exceptions import InputDataError
from .persistence import load_predictor
from .policy import Method, Prediction
from .reliability import (
    DEFAULT_TARGET_ACCURACY,
    below_target_reason,
    check_target,
    model_reliability,
    needed_signals,
    row_scores,
    target_flags,
)
from .tables import find_column

if TYPE_CHECKING:
    from .estimator import ActivityClassifier

__all__ = [
    "PREDICTION_COLUMNS",
    "PROGRESS_BATCH",
    "apply_target_flags",
    "classify",
    "classify_chunk",
    "input_names",
    "predictions_frame",
]

#: Texts classified between two progress reports of :func:`classify`.
PROGRESS_BATCH = 500

logger = logging.getLogger(__name__)


#: Prediction columns that are None for an empty text.
_NULLABLE = ("label", "label_nl", "group")


def _is_missing(value: object) -> bool:
    """Tell whether a cell is missing (None, NaN, ``pd.NA``, ``NaT``)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array in a cell is not "missing"
        return False


def predictions_frame(predictions: Sequence[Prediction]) -> pd.DataFrame:
    """Turn predictions into a DataFrame with :data:`PREDICTION_COLUMNS`."""
    return _rows_frame([output_row(p) for p in predictions])


def _rows_frame(rows: Sequence[OutputRow]) -> pd.DataFrame:
    """Return the frame of :data:`PREDICTION_COLUMNS` holding :func:`~activity_classifier._output.output_row` values."""
    frame = pd.DataFrame(list(rows), columns=list(PREDICTION_COLUMNS))
    # An empty text has no label: None in every row, whatever the other rows hold (a frame built from
    # records turns it into NaN when other rows follow).
    for k, col in enumerate(PREDICTION_COLUMNS):
        if col in _NULLABLE:
            frame[col] = pd.Series([row[k] for row in rows], dtype=object)
    return frame


def classify(
    data: Sequence[str] | pd.DataFrame | pd.Series,
    *,
    text_column: str = "text",
    model: ActivityClassifier | Predictor | None = None,
    method: Method = "hybrid",
    progress: Progress | None = None,
    target_accuracy: float | None = DEFAULT_TARGET_ACCURACY,
    n_jobs: int | None = 1,
) -> pd.DataFrame:
    """Classify texts and return every input row with the prediction columns added.

    Parameters
    ----------
    data : list of str, pandas Series or DataFrame
        The texts, or a table with a text column. No row is dropped: empty texts and missing cells
        (None, NaN) get no label and are flagged ``empty_text``.
    text_column : str, default="text"
        The text column of a DataFrame (matched ignoring case).
    model : ActivityClassifier or Predictor, optional
        A fitted classifier, or its runtime (:func:`~activity_classifier.persistence.load_predictor`); the
        shipped default model when omitted.
    method : {"hybrid", "model", "rules"}, default="hybrid"
        Prediction policy.
    progress : callable, optional
        ``progress("classify", done, total)`` after each batch of :data:`PROGRESS_BATCH` texts (the command
        line draws a bar when standard error is a terminal).
    target_accuracy : float or None, default=0.95
        In (0, 1]: flag (``below_target_accuracy``) the fewest rows such that the accepted ones are
        expected to reach this accuracy, from the risk-coverage curve stored with the model (see
        :mod:`activity_classifier.reliability`). None keeps the policy's own flags only. A model without
        a curve (older models, a model fitted in this session) falls back to the policy's flags, with a
        logged warning.
    n_jobs : int or None, default=1
        Processes to use (None or 1: this one; -1: all cores); the rows stay in order and the result does
        not depend on it.

    Returns
    -------
    pandas.DataFrame
        The input columns (for a list: one ``text`` column) followed by :data:`PREDICTION_COLUMNS`.
        An input column that has the name of a prediction column is kept as ``input_<name>`` (or
        ``input_<name>_2``, ``_3``, ... if the input has that name too), so no header is ever doubled.
        For an empty text ``label``, ``label_nl`` and ``group`` are None, in every row.
        ``attrs["batch_report"]`` holds the batch's :class:`~activity_classifier.reliability.BatchReport`
        (as a dict): rows accepted, their expected accuracy, unknown-word share against the training data's.

    Raises
    ------
    InputDataError
        If ``target_accuracy`` lies outside (0, 1].
    """
    if target_accuracy is not None:
        target_accuracy = check_target(target_accuracy)
    if isinstance(data, pd.DataFrame):
        frame = data.reset_index(drop=True).copy()
        texts = frame[find_column(frame, text_column)].tolist()
    elif isinstance(data, str):
        raise InputDataError("expected a list of texts or a DataFrame, got a single string; wrap it in a list")
    else:
        texts = list(data)
        frame = pd.DataFrame({"text": texts})
    predictor = as_predictor(model) if model is not None else load_predictor()
    if target_accuracy is not None and model_reliability(predictor) is None:
        logger.warning("the model stores no risk-coverage curve: no target accuracy applied (retrain it)")
    if frame.columns.duplicated().any():
        dupes = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise InputDataError(f"the input has two columns named {', '.join(map(repr, dupes))}; rename one")
    out, scores = classify_chunk(predictor, texts, method=method, n_jobs=n_jobs, progress=progress)
    rel = model_reliability(predictor)
    flag, report = target_flags(rel, scores, out["needs_review"].to_numpy(dtype=bool), target_accuracy)
    apply_target_flags(out, flag)
    result = pd.concat([frame.rename(columns=input_names(frame.columns)), out], axis=1)
    result.attrs["batch_report"] = report.to_dict()
    return result


def input_names(columns: Iterable[object]) -> dict[str, str]:
    """Return the new names of input columns named like a prediction column (``input_<name>``, ``_2``, ...).

    An input column that has the name of a prediction column is kept as ``input_<name>`` (or
    ``input_<name>_2``, ``_3``, ... if the input has that name too), so no header is ever doubled. The
    renaming is logged as a warning.

    Examples
    --------
    >>> input_names(["text", "label", "input_label"])
    {'label': 'input_label_2'}
    """
    names = [str(c) for c in columns]
    taken = set(names) | set(PREDICTION_COLUMNS)
    renamed: dict[str, str] = {}
    for c in names:
        if c not in PREDICTION_COLUMNS:
            continue
        new, n = f"input_{c}", 2
        while new in taken:  # the input may hold input_label as well: input_label_2, _3, ...
            new, n = f"input_{c}_{n}", n + 1
        renamed[c] = new
        taken.add(new)
    if renamed:
        logger.warning("input columns %s kept as %s", list(renamed), list(renamed.values()))
    return renamed


def classify_chunk(
    predictor: Predictor,
    texts: Sequence[object],
    *,
    method: Method = "hybrid",
    n_jobs: int | None = 1,
    step: int | None = None,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Classify some rows of a batch: their :data:`PREDICTION_COLUMNS`, before any target accuracy.

    The one call per chunk of the batch (:func:`classify` makes one for the whole batch, streaming
    ``predict`` one per chunk of the file). A missing cell (None, NaN, ``pd.NA``: what pandas reads for an
    empty cell) is an empty text, flagged ``empty_text`` with no label, never the word "nan" classified.
    Each chunk of texts is analysed, featurised, explained and given its reliability signals on one of
    ``n_jobs`` processes; ``step`` caps the texts processed at a time (streaming ``predict`` bounds the
    characters analysed at once with it).

    Returns
    -------
    (pandas.DataFrame, ndarray)
        The prediction columns, and the rows' :func:`~activity_classifier.reliability.row_scores`, which
        :func:`~activity_classifier.reliability.target_flags` reads for the whole batch.
    """
    cleaned = ["" if _is_missing(t) else t for t in texts]
    rel = model_reliability(predictor)
    chunk_size = PROGRESS_BATCH if progress is not None else CHUNK_SIZE
    rows, signals = predictor.run(
        cleaned,
        convert=output_row,
        method=method,
        n_jobs=n_jobs,
        signals=needed_signals(rel),
        progress=None if progress is None else lambda done: progress("classify", done, len(cleaned)),
        chunk_size=chunk_size if step is None else max(1, min(chunk_size, step)),
    )
    assert signals is not None
    return _rows_frame(rows), row_scores(rel, signals)


def apply_target_flags(frame: pd.DataFrame, flag: np.ndarray) -> None:
    """Flag the rows ``flag`` marks ``below_target_accuracy`` in a frame of predictions, in place."""
    if not flag.any():
        return
    rows = np.flatnonzero(flag)
    frame.loc[rows, "needs_review"] = True
    frame.loc[rows, "review_reason"] = [below_target_reason(r) for r in frame["review_reason"].iloc[rows]]
