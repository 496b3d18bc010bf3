"""What every table of predictions shares: its columns, and how a text is shortened for display.

A light module (no third-party imports), so that the command line's help and the report layout can use it.

Examples
--------
>>> PREDICTION_COLUMNS[:3]
('label', 'label_nl', 'group')
>>> shorten("Met Wim   de nieuwe instroom besproken", 20)
'Met Wim de nieuwe…'
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .policy import Prediction

__all__ = ["DEFAULT_CHUNK_ROWS", "PREDICTION_COLUMNS", "OutputRow", "output_row", "shorten"]

#: Rows ``predict FILE`` reads, classifies and writes at a time (``--chunk-rows``; see ``_stream``).
DEFAULT_CHUNK_ROWS = 20_000

#: Columns added to every table of predictions, in this order.
PREDICTION_COLUMNS = (
    "label",
    "label_nl",
    "group",
    "confidence",
    "source",
    "needs_review",
    "review_reason",
    "alternatives",
    "evidence",
)


#: The values of :data:`PREDICTION_COLUMNS` for one prediction (:func:`output_row`).
OutputRow = tuple[str | None, str | None, str | None, float, str, bool, str, str, str]


def output_row(p: Prediction) -> OutputRow:
    """Return the values of :data:`PREDICTION_COLUMNS` for one prediction, in their order.

    A module-level function of plain values: workers apply it where the predictions are made
    (:meth:`~activity_classifier._runtime.Predictor.run`), and a tuple of strings and floats costs a
    fraction of a Prediction to send back.
    """
    alternatives = "; ".join(f"{lab} {prob:.2f}" for lab, prob in p.alternatives)
    parts = []
    if p.keywords:
        parts.append("keywords: " + ", ".join(p.keywords))
    if p.top_terms:
        parts.append("terms: " + ", ".join(p.top_terms))
    return (
        p.label,
        p.label_nl,
        p.group,
        round(p.confidence, 4),
        p.source,
        p.needs_review,
        p.review_reason,
        alternatives,
        " | ".join(parts),
    )


def shorten(text: str, limit: int) -> str:
    """Collapse white space and cut at a word boundary, marking the cut with an ellipsis.

    A text of at most ``limit`` characters is returned whole; a cut one has at most ``limit`` characters,
    the ellipsis included, and ends at a word boundary unless that would lose more than 40% of it.
    """
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"
