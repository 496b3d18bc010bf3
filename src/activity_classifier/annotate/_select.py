"""Choosing what to code next: uncertain, diverse activities, and those of types the model rarely predicts.

Each candidate gets a score from the model's probabilities:

``uncertainty``
    The mean of ``1 - margin`` (top probability minus the second) and the normalised entropy, both in
    [0, 1].
``rarity``
    The probability mass on types the model rarely predicts in the pool: type ``k`` weighs
    ``1 - share_k / max share``, where ``share_k`` is the share of the pool predicted ``k``.

``score = (1 - rarity_weight) * uncertainty + rarity_weight * rarity``. The batch is then built greedily
by maximal marginal relevance on TF-IDF vectors of the texts: the next pick maximises
``diversity_tradeoff * score - (1 - diversity_tradeoff) * max cosine similarity to the picks so far``, so
near-duplicates of a pick drop back. The seed breaks ties (a tiny jitter) and draws the candidates
when the pool is larger than ``max_candidates``; the selection is deterministic given it.

Examples
--------
>>> import numpy as np
>>> proba = np.array([[0.9, 0.1], [0.5, 0.5], [0.55, 0.45], [0.2, 0.8]])
>>> texts = ["Webinar gevolgd", "Congres bezocht", "Congres bezocht met collega", "Boek gelezen"]
>>> select_batch(texts, proba, 2, seed=0).indices
[1, 3]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Selection", "select_batch", "select_for_coding"]


@dataclass
class Selection:
    """A batch of activities to code.

    Attributes
    ----------
    indices : list of int
        Positions in the candidate texts, in the order picked (most useful first).
    score, uncertainty, rarity, redundancy : list of float
        Per pick: its score, the two parts of the score, and its largest cosine similarity to an earlier pick.
    seed : int
    """

    indices: list[int]
    score: list[float]
    uncertainty: list[float]
    rarity: list[float]
    redundancy: list[float]
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """Return the selection as plain lists."""
        return {
            "indices": self.indices,
            "score": self.score,
            "uncertainty": self.uncertainty,
            "rarity": self.rarity,
            "redundancy": self.redundancy,
            "seed": self.seed,
        }


def _uncertainty(proba: np.ndarray) -> np.ndarray:
    k = proba.shape[1]
    top2 = -np.sort(-proba, axis=1)[:, :2] if k > 1 else np.hstack([proba, np.zeros_like(proba)])
    margin = top2[:, 0] - top2[:, 1]
    p = np.clip(proba, 1e-12, 1.0)
    entropy = -(p * np.log(p)).sum(axis=1) / (np.log(k) if k > 1 else 1.0)
    return np.asarray(0.5 * (1 - margin) + 0.5 * entropy)


def _rarity(proba: np.ndarray) -> np.ndarray:
    share = np.bincount(proba.argmax(axis=1), minlength=proba.shape[1]) / len(proba)
    weight = 1 - share / share.max()
    return np.asarray(proba @ weight)


def select_batch(
    texts: Sequence[str],
    proba: np.ndarray,
    n: int,
    *,
    seed: int = 0,
    rarity_weight: float = 0.3,
    diversity_tradeoff: float = 0.7,
    max_candidates: int = 5000,
) -> Selection:
    """Pick ``n`` texts to code from their model probabilities (see the module docstring).

    Parameters
    ----------
    texts : sequence of str
        The candidates (uncoded activities).
    proba : ndarray of shape (len(texts), n_types)
        Model probabilities of each candidate.
    n : int
        Batch size (all candidates when there are fewer).
    seed : int, default=0
    rarity_weight : float, default=0.3
        Share of the score given to rarely predicted types.
    diversity_tradeoff : float, default=0.7
        1 ignores diversity; lower values push near-duplicates further back.
    max_candidates : int, default=5000
        Larger pools are first subsampled at random (the similarity matrix grows with it).

    Returns
    -------
    Selection
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    proba = np.asarray(proba, dtype=float)
    if proba.ndim != 2 or len(proba) != len(texts):
        raise ValueError(f"proba must have one row per text ({len(texts)}), not shape {proba.shape}")
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n}")
    rng = np.random.default_rng(seed)
    pool = np.arange(len(texts))
    if len(pool) > max_candidates:
        pool = np.sort(rng.choice(pool, size=max_candidates, replace=False))
    if len(pool) == 0:
        return Selection([], [], [], [], [], seed)
    p = proba[pool]
    unc, rar = _uncertainty(p), _rarity(p)
    score = (1 - rarity_weight) * unc + rarity_weight * rar + rng.uniform(0, 1e-9, len(pool))
    vectors = TfidfVectorizer(sublinear_tf=True, lowercase=True).fit_transform([str(texts[int(i)]) for i in pool])
    nearest = np.zeros(len(pool))  # largest similarity to a pick so far
    free = np.ones(len(pool), dtype=bool)
    picks: list[int] = []
    out_red: list[float] = []
    for _ in range(min(n, len(pool))):
        gain = np.where(free, diversity_tradeoff * score - (1 - diversity_tradeoff) * nearest, -np.inf)
        j = int(np.argmax(gain))
        picks.append(j)
        out_red.append(float(nearest[j]))
        free[j] = False
        sim = (vectors @ vectors[j].T).toarray().ravel()
        nearest = np.maximum(nearest, sim)
    return Selection(
        indices=[int(pool[j]) for j in picks],
        score=[float(score[j]) for j in picks],
        uncertainty=[float(unc[j]) for j in picks],
        rarity=[float(rar[j]) for j in picks],
        redundancy=out_red,
        seed=seed,
    )


def select_for_coding(
    texts: Sequence[str],
    model: Any,
    n: int,
    *,
    seed: int = 0,
    analysis: Sequence[Any] | None = None,
    rarity_weight: float = 0.3,
    diversity_tradeoff: float = 0.7,
) -> Selection:
    """Pick ``n`` of ``texts`` whose coding should help ``model`` most.

    Parameters
    ----------
    texts : sequence of str
        Uncoded activities (non-empty texts).
    model : ActivityClassifier
        A fitted classifier; its model probabilities (:meth:`~ActivityClassifier.model_proba`) are used.
    n : int
        Batch size.
    seed : int, default=0
    analysis : sequence of Analysis, optional
        ``texts`` already analysed by ``model``.
    rarity_weight, diversity_tradeoff
        See :func:`select_batch`.

    Returns
    -------
    Selection
    """
    proba = model.model_proba(list(texts), analysis=analysis) if len(texts) else np.zeros((0, 1))
    return select_batch(texts, proba, n, seed=seed, rarity_weight=rarity_weight, diversity_tradeoff=diversity_tradeoff)
