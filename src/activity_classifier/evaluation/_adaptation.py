"""Bringing your own coded reports: training with the bundled corpus, the own rows' weight, the adaptation curve.

A research team with a few hundred coded activities of its own trains on them *plus* the bundled corpus
(:class:`~activity_classifier.evaluation.AddedCorpus`), the own rows weighted (:func:`fit_with_corpus`,
:func:`choose_own_weight`). :func:`adaptation_curve` answers "how good on our reports, and how many more
must we code": grouped cross-validation on the team's rows only, each fold's model trained on 0, 25, 50,
100, 200, ... of the fold's own training rows, with and without the added corpus, and a forecast one
doubling beyond the data.

Examples
--------
>>> from activity_classifier import ActivityClassifier
>>> corpus = AddedCorpus(("Webinar over feedback gevolgd", "Twee dagen op het onderwijscongres"),
...                      ("pd_programme", "conference"), own_weight=2)
>>> clf = fit_with_corpus(ActivityClassifier(calibration=None), ["Workshop formatief toetsen gevolgd",
...                       "Keynotes en parallelsessies bijgewoond"], ["pd_programme", "conference"], corpus)
>>> clf.n_train_
4
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import clone

from .._progress import Progress
from ..analysis import Analysis
from ..estimator import ActivityClassifier
from ..taxonomy import get_taxonomy
from ._evaluate import AddedCorpus, cross_validate, fold_indices
from ._metrics import classification_metrics

__all__ = [
    "ADAPTATION_SIZES",
    "OWN_WEIGHT_GRID",
    "AdaptationCurve",
    "AdaptationPoint",
    "Forecast",
    "WeightChoice",
    "adaptation_curve",
    "choose_own_weight",
    "fit_with_corpus",
]

logger = logging.getLogger(__name__)

#: The own rows' weights ``--own-weight auto`` chooses from.
OWN_WEIGHT_GRID: tuple[float, ...] = (1.0, 2.0, 4.0, 8.0)
#: Numbers of own rows on the adaptation curve (those below a fold's training size; then all of them).
ADAPTATION_SIZES: tuple[int, ...] = (0, 25, 50, 100, 200, 400, 800, 1600, 3200)


def fit_with_corpus(
    estimator: ActivityClassifier,
    texts: Sequence[str],
    labels: Sequence[str],
    corpus: AddedCorpus,
    *,
    analysis: Sequence[Analysis] | None = None,
) -> ActivityClassifier:
    """Fit ``estimator`` on own rows plus an added corpus, each own row weighted ``corpus.own_weight``.

    Parameters
    ----------
    estimator : ActivityClassifier
        Fitted in place and returned.
    texts, labels : sequence of str
        The research team's own coded rows.
    corpus : AddedCorpus
        The rows to add, e.g. ``AddedCorpus.bundled(own_weight=2)``.
    analysis : sequence of Analysis, optional
        ``texts`` already analysed with ``estimator.build_analyzer()``.

    Returns
    -------
    ActivityClassifier
        The fitted estimator.
    """
    corpus = corpus.analysed(estimator)
    docs = estimator.build_analyzer().analyse(list(texts)) if analysis is None else list(analysis)
    raw, y, weights, both = corpus.training_set(texts, labels, docs)
    return estimator.fit(raw, y, analysis=both, sample_weight=weights)


def _t95(n: int) -> float:
    from scipy.stats import t

    return float(t.ppf(0.975, n - 1)) if n > 1 else float("nan")


def _mean_ci(values: Sequence[float]) -> tuple[float, list[float] | None]:
    """Mean and a 95% t-interval over folds (None for a single fold)."""
    arr = np.asarray(values, dtype=float)
    mean = float(arr.mean())
    if len(arr) < 2:
        return mean, None
    half = _t95(len(arr)) * float(arr.std(ddof=1)) / math.sqrt(len(arr))
    return mean, [mean - half, mean + half]


@dataclass
class WeightChoice:
    """The own rows' weight chosen by grouped cross-validation on the own rows.

    Attributes
    ----------
    weight : float
        The weight with the highest mean hybrid macro-F1 (the smaller one on a tie).
    grid : list of float
        The weights tried.
    macro_f1, cohen_kappa : list of float
        Hybrid out-of-fold macro-F1 and kappa per weight, in ``grid`` order.
    cv_folds : int
    """

    weight: float
    grid: list[float]
    macro_f1: list[float]
    cohen_kappa: list[float]
    cv_folds: int

    def to_dict(self) -> dict[str, Any]:
        """Return the choice as recorded in model metadata."""
        return {
            "weight": self.weight,
            "grid": self.grid,
            "macro_f1": self.macro_f1,
            "cohen_kappa": self.cohen_kappa,
            "cv_folds": self.cv_folds,
        }


def choose_own_weight(
    estimator: ActivityClassifier,
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str] | None,
    corpus: AddedCorpus,
    *,
    grid: Sequence[float] = OWN_WEIGHT_GRID,
    n_splits: int = 5,
    random_state: int = 0,
    analysis: Sequence[Analysis] | None = None,
    progress: Progress | None = None,
) -> WeightChoice:
    """Choose the own rows' weight by grouped cross-validation on the own rows (the corpus trains only).

    Parameters
    ----------
    estimator : ActivityClassifier
        Settings (cloned per fold).
    texts, labels : sequence of str
        The own coded rows; only they are split into folds and scored.
    groups : sequence of str, optional
        Teacher ids for grouped folds.
    corpus : AddedCorpus
        Joins every training fold; its ``own_weight`` is ignored.
    grid : sequence of float, default=OWN_WEIGHT_GRID
    n_splits, random_state
        Of the cross-validation (the same folds for every weight).
    analysis : sequence of Analysis, optional
        ``texts`` already analysed with ``estimator.build_analyzer()``.
    progress : callable, optional
        ``progress("own weight", done, total)`` after each weight.

    Returns
    -------
    WeightChoice
    """
    if not grid:
        raise ValueError("grid must hold at least one weight")
    corpus = corpus.analysed(estimator)
    docs = estimator.build_analyzer().analyse(list(texts)) if analysis is None else list(analysis)
    f1s, kappas = [], []
    for k, weight in enumerate(grid, start=1):
        result = cross_validate(
            estimator,
            texts,
            labels,
            groups,
            n_splits=n_splits,
            methods=("hybrid",),
            random_state=random_state,
            analysis=docs,
            added=corpus.with_weight(weight),
        )
        scores = classification_metrics(result.labels, result.predicted("hybrid"))
        f1s.append(float(scores["macro_f1"]))
        kappas.append(float(scores["cohen_kappa"]))
        logger.info("own weight %g: hybrid macro-F1 %.3f", weight, f1s[-1])
        if progress is not None:
            progress("own weight", k, len(grid))
    best = max(range(len(grid)), key=lambda i: (round(f1s[i], 6), -grid[i]))
    return WeightChoice(float(grid[best]), [float(w) for w in grid], f1s, kappas, n_splits)


@dataclass
class AdaptationPoint:
    """One point of the adaptation curve: a number of own rows, with or without the added corpus.

    Attributes
    ----------
    size : int or "all"
        Own training rows asked for (``"all"``: each fold's whole training part).
    rows : float
        Own training rows, mean over folds.
    with_corpus : bool
        Whether the added corpus joined the training rows.
    folds : int
        Folds that gave a score (a fold needs two types to train on without the corpus).
    macro_f1, cohen_kappa : float
        Hybrid macro-F1 and Cohen's kappa on the fold's test part, mean over folds.
    macro_f1_ci95, cohen_kappa_ci95 : list of float or None
        95% t-interval of that mean over folds (folds are not independent: a rough guide).
    """

    size: int | str
    rows: float
    with_corpus: bool
    folds: int
    macro_f1: float
    cohen_kappa: float
    macro_f1_ci95: list[float] | None = None
    cohen_kappa_ci95: list[float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the point as it appears in ``metrics.json``."""
        return {
            "size": self.size,
            "rows": self.rows,
            "with_corpus": self.with_corpus,
            "folds": self.folds,
            "macro_f1": self.macro_f1,
            "macro_f1_ci95": self.macro_f1_ci95,
            "cohen_kappa": self.cohen_kappa,
            "cohen_kappa_ci95": self.cohen_kappa_ci95,
        }


@dataclass
class Forecast:
    """Kappa expected one doubling beyond the curve, from a straight line in log(rows).

    Attributes
    ----------
    rows_now : int
        The own coded rows today.
    rows_more : int
        More rows to code (rounded to 5) to reach twice the largest number of rows on the curve.
    kappa : float
        The fitted line at that size.
    kappa_ci95 : list of float
        95% prediction interval of the line there (t with ``points - 2`` degrees of freedom).
    points : int
        Curve points the line was fitted to (rows > 0).
    slope : float
        Kappa gained per doubling of the own rows.
    with_corpus : bool
        Which curve was extrapolated.
    """

    rows_now: int
    rows_more: int
    kappa: float
    kappa_ci95: list[float]
    points: int
    slope: float
    with_corpus: bool

    def sentence(self) -> str:
        """Return the forecast as one plain sentence."""
        low, high = self.kappa_ci95
        return (
            f"With about {self.rows_more} more coded activities ({self.rows_now + self.rows_more} in all) expect "
            f"kappa around {self.kappa:.2f} (95% interval {low:.2f} to {high:.2f}; a straight line in log(rows) "
            f"through {self.points} points of the curve{' with the added corpus' if self.with_corpus else ''}, "
            f"{self.slope:+.3f} kappa per doubling, extrapolated one doubling beyond the data)."
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the forecast as it appears in ``metrics.json``."""
        return {
            "rows_now": self.rows_now,
            "rows_more": self.rows_more,
            "kappa": self.kappa,
            "kappa_ci95": self.kappa_ci95,
            "points": self.points,
            "slope_per_doubling": self.slope,
            "with_corpus": self.with_corpus,
            "sentence": self.sentence(),
        }


def _forecast(points: Sequence[AdaptationPoint], rows_now: int, with_corpus: bool) -> Forecast | None:
    pts = [p for p in points if p.with_corpus == with_corpus and p.rows > 0 and math.isfinite(p.cohen_kappa)]
    if len({round(p.rows) for p in pts}) < 3:
        return None
    x = np.log2([p.rows for p in pts])
    y = np.asarray([p.cohen_kappa for p in pts])
    slope, intercept = np.polyfit(x, y, 1)
    target = 2 * max(p.rows for p in pts)
    x0 = math.log2(target)
    m = len(pts)
    resid = y - (intercept + slope * x)
    s = math.sqrt(float(resid @ resid) / (m - 2)) if m > 2 else float("nan")
    sxx = float(((x - x.mean()) ** 2).sum())
    se = s * math.sqrt(1 + 1 / m + (x0 - x.mean()) ** 2 / sxx)
    half = _t95(m - 1) * se  # t with m - 2 degrees of freedom
    kappa = float(intercept + slope * x0)
    more = max(5, int(5 * round((target - rows_now) / 5)))
    return Forecast(
        rows_now=rows_now,
        rows_more=more,
        kappa=min(1.0, kappa),
        kappa_ci95=[max(-1.0, kappa - half), min(1.0, kappa + half)],
        points=m,
        slope=float(slope),
        with_corpus=with_corpus,
    )


@dataclass
class AdaptationCurve:
    """Macro-F1 and kappa against the number of own coded rows, and the forecast.

    Attributes
    ----------
    points : list of AdaptationPoint
        Without the corpus first (sizes > 0), then with it (size 0 is the corpus alone).
    forecast : Forecast or None
        None when fewer than three sizes > 0 were scored: then nothing is extrapolated.
    settings : dict
        ``cv_folds``, ``grouped``, ``random_state``, ``rows`` (own rows) and ``added_corpus``.
    """

    points: list[AdaptationPoint]
    forecast: Forecast | None
    settings: dict[str, Any] = field(default_factory=dict)

    def sentence(self) -> str:
        """Return the forecast sentence, or say why there is none."""
        if self.forecast is None:
            return "Too few points on the curve to extrapolate: no forecast."
        return self.forecast.sentence()

    def to_dict(self) -> dict[str, Any]:
        """Return the block ``adaptation_curve`` of ``metrics.json``."""
        return {
            "settings": self.settings,
            "points": [p.to_dict() for p in self.points],
            "forecast": None if self.forecast is None else self.forecast.to_dict(),
            "sentence": self.sentence(),
        }


def adaptation_curve(
    estimator: ActivityClassifier,
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str] | None,
    *,
    corpus: AddedCorpus | None = None,
    sizes: Sequence[int] = ADAPTATION_SIZES,
    n_splits: int = 5,
    random_state: int = 0,
    analysis: Sequence[Analysis] | None = None,
    progress: Progress | None = None,
) -> AdaptationCurve:
    """Hybrid macro-F1 and kappa against the number of own coded rows, with and without ``corpus``.

    The own rows are split into grouped folds; each fold's model is trained on the first ``n`` of the
    fold's training rows in a fixed random order (so the sets are nested), plus the corpus when given,
    and scored on the fold's whole test part. Sizes at or above a fold's training size are replaced by
    ``"all"``. The corpus never enters a test part.

    Parameters
    ----------
    estimator : ActivityClassifier
        Settings (cloned per fit).
    texts, labels : sequence of str
        The own coded rows.
    groups : sequence of str, optional
        Teacher ids for grouped folds.
    corpus : AddedCorpus, optional
        Rows added to every training set (with ``corpus.own_weight`` on the own rows); without it only
        the own-rows curve is computed.
    sizes : sequence of int, default=ADAPTATION_SIZES
    n_splits, random_state
        Of the cross-validation and of the order of the training rows.
    analysis : sequence of Analysis, optional
        ``texts`` already analysed with ``estimator.build_analyzer()``.
    progress : callable, optional
        ``progress("adaptation curve", done, total)`` after each fit.

    Returns
    -------
    AdaptationCurve
    """
    tax = get_taxonomy()
    y = [tax.validate_label(lab) for lab in labels]
    docs = estimator.build_analyzer().analyse(list(texts)) if analysis is None else list(analysis)
    if corpus is not None:
        corpus = corpus.analysed(estimator)
    raw = np.asarray([str(t) for t in texts], dtype=object)
    folds = fold_indices(y, groups, n_splits, random_state)
    smallest = min(len(train) for train, _ in folds)
    steps: list[int | str] = [n for n in sorted(set(sizes)) if n < smallest]
    steps.append("all")
    variants = [False] + ([True] if corpus is not None else [])
    scores: dict[tuple[bool, int | str], list[tuple[int, float, float]]] = {}
    total = len(folds) * sum(len(steps) - (0 if v else int(0 in steps)) for v in variants)
    done = 0
    for k, (train, test) in enumerate(folds):
        order = np.random.default_rng(random_state + k).permutation(train)
        test_docs = [docs[i] for i in test]
        truth = [y[i] for i in test]
        for with_corpus in variants:
            for step in steps:
                if step == 0 and not with_corpus:
                    continue
                sub = order if step == "all" else order[: int(step)]
                own_x, own_y, own_docs = raw[sub], [y[i] for i in sub], [docs[i] for i in sub]
                model = clone(estimator)
                if with_corpus and corpus is not None:
                    fit_with_corpus(model, own_x, own_y, corpus, analysis=own_docs)
                elif len(set(own_y)) >= 2:
                    model.fit(own_x, own_y, analysis=own_docs)
                else:
                    model = None
                if model is not None:
                    pred = [p.label for p in model.explain(raw[test], method="hybrid", analysis=test_docs)]
                    m = classification_metrics(truth, pred)
                    scores.setdefault((with_corpus, step), []).append(
                        (len(sub), float(m["macro_f1"]), float(m["cohen_kappa"]))
                    )
                done += 1
                if progress is not None:
                    progress("adaptation curve", done, total)
    points = []
    for with_corpus in variants:
        for step in steps:
            got = scores.get((with_corpus, step))
            if not got:
                continue
            f1, f1_ci = _mean_ci([g[1] for g in got])
            kappa, kappa_ci = _mean_ci([g[2] for g in got])
            rows = float(np.mean([g[0] for g in got]))
            points.append(AdaptationPoint(step, rows, with_corpus, len(got), f1, kappa, f1_ci, kappa_ci))
    forecast = _forecast(points, len(y), corpus is not None)
    settings: dict[str, Any] = {
        "cv_folds": n_splits,
        "grouped": groups is not None,
        "random_state": random_state,
        "rows": len(y),
        "added_corpus": None if corpus is None else corpus.describe(),
    }
    return AdaptationCurve(points, forecast, settings)
