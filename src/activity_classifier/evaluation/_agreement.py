"""Agreement between two coders (people, or a person and the model) on the same units."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import (
    cohen_kappa_score,
)

from ._metrics import NO_LABEL, _as_labels, krippendorff_alpha

__all__ = ["agreement"]


def agreement(labels_a: Sequence[Any], labels_b: Sequence[Any], ids: Sequence[Any] | None = None) -> dict[str, Any]:
    """Agreement between two coders (people, or a person and the model) on the same units.

    Returns
    -------
    dict
        ``n``, ``percent_agreement``, ``cohen_kappa``, ``krippendorff_alpha``, ``per_type`` (slug ->
        count by coder A, count by coder B, agreed, specific agreement ``2*agreed/(A+B)``) and
        ``disagreements`` (``[{"id", "a", "b"}]``).
    """
    a, b = _as_labels(labels_a), _as_labels(labels_b)
    keys = list(ids) if ids is not None else list(range(len(a)))
    per_type = {}
    for slug in sorted(set(a) | set(b), key=lambda s: (s == NO_LABEL, s)):
        na, nb = a.count(slug), b.count(slug)
        both = sum(1 for x, y in zip(a, b, strict=True) if x == y == slug)
        per_type[slug] = {"a": na, "b": nb, "agreed": both, "specific_agreement": 2 * both / (na + nb)}
    return {
        "n": len(a),
        "percent_agreement": float(np.mean([x == y for x, y in zip(a, b, strict=True)])) if a else float("nan"),
        "cohen_kappa": float(cohen_kappa_score(a, b)),
        "krippendorff_alpha": krippendorff_alpha(
            [None if x == NO_LABEL else x for x in a], [None if x == NO_LABEL else x for x in b]
        ),
        "per_type": per_type,
        "disagreements": [{"id": k, "a": x, "b": y} for k, x, y in zip(keys, a, b, strict=True) if x != y],
    }
