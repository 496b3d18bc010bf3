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
from collections.abc import Sequence

import pandas as pd

from ._output import PREDICTION_COLUMNS
from .estimator import ActivityClassifier
from .exceptions import InputDataError
from .persistence import load_model
from .policy import Method, Prediction
from .tables import find_column

__all__ = ["PREDICTION_COLUMNS", "classify", "predictions_frame"]

logger = logging.getLogger(__name__)


def _alternatives(p: Prediction) -> str:
    return "; ".join(f"{lab} {prob:.2f}" for lab, prob in p.alternatives)


def _evidence(p: Prediction) -> str:
    parts = []
    if p.keywords:
        parts.append("keywords: " + ", ".join(p.keywords))
    if p.top_terms:
        parts.append("terms: " + ", ".join(p.top_terms))
    return " | ".join(parts)


def predictions_frame(predictions: Sequence[Prediction]) -> pd.DataFrame:
    """Turn predictions into a DataFrame with :data:`PREDICTION_COLUMNS`."""
    rows = [
        {
            "label": p.label,
            "label_nl": p.label_nl,
            "group": p.group,
            "confidence": round(p.confidence, 4),
            "source": p.source,
            "needs_review": p.needs_review,
            "review_reason": p.review_reason,
            "alternatives": _alternatives(p),
            "evidence": _evidence(p),
        }
        for p in predictions
    ]
    return pd.DataFrame(rows, columns=list(PREDICTION_COLUMNS))


def classify(
    data: Sequence[str] | pd.DataFrame | pd.Series,
    *,
    text_column: str = "text",
    model: ActivityClassifier | None = None,
    method: Method = "hybrid",
    n_jobs: int | None = 1,
) -> pd.DataFrame:
    """Classify texts and return every input row with the prediction columns added.

    Parameters
    ----------
    data : list of str, pandas Series or DataFrame
        The texts, or a table with a text column. No row is dropped: empty texts are flagged.
    text_column : str, default="text"
        The text column of a DataFrame (matched ignoring case).
    model : ActivityClassifier, optional
        A fitted classifier; the shipped default model when omitted.
    method : {"hybrid", "model", "rules"}, default="hybrid"
        Prediction policy.
    n_jobs : int or None, default=1
        Processes to use (None or 1: this one; -1: all cores); the rows stay in order and the result does
        not depend on it.

    Returns
    -------
    pandas.DataFrame
        The input columns (for a list: one ``text`` column) followed by :data:`PREDICTION_COLUMNS`.
        An input column that has the name of a prediction column is kept as ``input_<name>``.
    """
    if isinstance(data, pd.DataFrame):
        frame = data.reset_index(drop=True).copy()
        texts = frame[find_column(frame, text_column)].tolist()
    elif isinstance(data, str):
        raise InputDataError("expected a list of texts or a DataFrame, got a single string; wrap it in a list")
    else:
        texts = list(data)
        frame = pd.DataFrame({"text": texts})
    clf = model if model is not None else load_model()
    preds = clf.explain(texts, method=method, n_jobs=n_jobs)
    out = predictions_frame(preds)
    clashes = [c for c in frame.columns if c in PREDICTION_COLUMNS]
    if clashes:
        logger.warning("input columns %s kept as %s", clashes, [f"input_{c}" for c in clashes])
        frame = frame.rename(columns={c: f"input_{c}" for c in clashes})
    return pd.concat([frame, out], axis=1)
