"""Agreement and quality metrics: the figures a researcher reports, treating the model as a second coder.

scikit-learn provides accuracy, F1, Cohen's kappa and the confusion matrix; Krippendorff's alpha comes
from the ``krippendorff`` package. What neither has (bootstrap intervals, calibration error, the coverage
curve, likely label errors, keyword-rule analysis) is implemented here.

Abstentions (no label, e.g. the rules matched nothing) count as wrong answers everywhere.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import krippendorff
import numpy as np
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)

from ..taxonomy import get_taxonomy

__all__ = [
    "NO_LABEL",
    "bootstrap_ci",
    "classification_metrics",
    "coverage_curve",
    "expected_calibration_error",
    "krippendorff_alpha",
    "likely_label_errors",
    "multiclass_brier",
    "per_type_ci",
    "reliability_table",
    "risk_coverage_summary",
]

#: How a missing label (an abstention) is written in metrics and confusion matrices.
NO_LABEL = "(none)"


def _as_labels(values: Sequence[Any]) -> list[str]:
    return [str(v) if v not in (None, "") and v == v else NO_LABEL for v in values]


def krippendorff_alpha(coder_a: Sequence[Any], coder_b: Sequence[Any]) -> float:
    """Krippendorff's alpha (nominal) of two coders over the same units.

    Missing values (None, empty) are treated as missing, not as a category.

    Examples
    --------
    >>> round(krippendorff_alpha(["a", "a", "b", "b"], ["a", "a", "b", "a"]), 3)
    0.533
    """
    values = sorted({str(v) for v in (*coder_a, *coder_b) if v not in (None, "")})
    if len(values) < 2:
        return 1.0 if values else float("nan")
    index = {v: i for i, v in enumerate(values)}
    data = np.array(
        [[index[str(v)] if v not in (None, "") else np.nan for v in coder] for coder in (coder_a, coder_b)],
        dtype=float,
    )
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def classification_metrics(y_true: Sequence[str], y_pred: Sequence[Any]) -> dict[str, Any]:
    """Accuracy, macro/weighted F1, Cohen's kappa, Krippendorff's alpha, per-type figures and confusion.

    Parameters
    ----------
    y_true : sequence of str
        Gold labels (slugs).
    y_pred : sequence of str or None
        Predicted labels; None or ``"(none)"`` is an abstention and counts as wrong.

    Returns
    -------
    dict
        ``n``, ``accuracy``, ``macro_f1``, ``weighted_f1``, ``cohen_kappa``, ``krippendorff_alpha``,
        ``abstained``, ``per_type`` (slug -> precision, recall, f1, support), ``group_level`` (the same
        agreement figures for informal/formal), ``confusion`` (``labels`` and ``matrix``, rows = gold).
    """
    tax = get_taxonomy()
    true = [str(t) for t in y_true]
    pred = _as_labels(y_pred)
    labels = [s for s in tax.slugs if s in set(true) | set(pred)]
    p, r, f, s = precision_recall_fscore_support(true, pred, labels=labels, zero_division=0)
    per_type = {
        lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, lab in enumerate(labels)
    }
    group_of = {t.slug: t.group for t in tax}
    gtrue = [group_of.get(t, NO_LABEL) for t in true]
    gpred = [group_of.get(x, NO_LABEL) for x in pred]
    cm_labels = labels + ([NO_LABEL] if NO_LABEL in pred else [])
    return {
        "n": len(true),
        "accuracy": float(accuracy_score(true, pred)),
        "macro_f1": float(f1_score(true, pred, labels=labels, average="macro", zero_division=0)),
        "weighted_f1": float(f1_score(true, pred, labels=labels, average="weighted", zero_division=0)),
        "cohen_kappa": float(cohen_kappa_score(true, pred)),
        # An abstention is a wrong answer here (a category of its own), as in the other figures.
        "krippendorff_alpha": krippendorff_alpha(true, pred),
        "abstained": sum(x == NO_LABEL for x in pred),
        "per_type": per_type,
        "group_level": {
            "accuracy": float(accuracy_score(gtrue, gpred)),
            "cohen_kappa": float(cohen_kappa_score(gtrue, gpred)),
            "krippendorff_alpha": krippendorff_alpha(gtrue, gpred),
        },
        "confusion": {
            "labels": cm_labels,
            "matrix": confusion_matrix(true, pred, labels=cm_labels).tolist(),
        },
    }


def _confusion_figures(cm: np.ndarray, label_mask: np.ndarray) -> tuple[float, float, float]:
    """Accuracy, macro-F1 (over ``label_mask`` classes present in gold or prediction) and kappa of a matrix."""
    n = cm.sum()
    diag = np.diag(cm).astype(float)
    rows, cols = cm.sum(axis=1).astype(float), cm.sum(axis=0).astype(float)
    accuracy = diag.sum() / n
    present = label_mask & ((rows > 0) | (cols > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(rows + cols > 0, 2 * diag / (rows + cols), 0.0)
    macro_f1 = float(f1[present].mean()) if present.any() else 0.0
    expected = (rows * cols).sum() / n**2
    kappa = (accuracy - expected) / (1 - expected) if expected < 1 else 0.0
    return float(accuracy), macro_f1, float(kappa)


def bootstrap_ci(
    y_true: Sequence[str],
    y_pred: Sequence[Any],
    groups: Sequence[str] | None = None,
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
) -> dict[str, list[float]]:
    """Percentile bootstrap intervals of accuracy, macro-F1 and Cohen's kappa.

    When ``groups`` (teachers) are given, whole groups are resampled (a cluster bootstrap), because
    descriptions by the same teacher are not independent. Each resample's figures are computed from its
    confusion matrix (the same definitions as :func:`classification_metrics`; a test checks they agree).

    Returns
    -------
    dict
        Metric name -> ``[low, high]``.
    """
    classes, cms = _resampled_confusions(y_true, y_pred, groups, n_resamples, random_state)
    label_mask = np.array([c != NO_LABEL for c in classes])
    samples = np.array([_confusion_figures(cm, label_mask) for cm in cms]).reshape(n_resamples, 3)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(samples, alpha, axis=0), np.quantile(samples, 1 - alpha, axis=0)
    return {name: [float(lo[j]), float(hi[j])] for j, name in enumerate(("accuracy", "macro_f1", "cohen_kappa"))}


def _resampled_confusions(
    y_true: Sequence[str], y_pred: Sequence[Any], groups: Sequence[str] | None, n_resamples: int, random_state: int
) -> tuple[list[str], np.ndarray]:
    """Confusion matrices of bootstrap resamples (whole groups when given): ``(classes, array (r, k, k))``."""
    true = [str(t) for t in y_true]
    pred = _as_labels(y_pred)
    classes = sorted(set(true) | set(pred))
    code = {c: i for i, c in enumerate(classes)}
    k = len(classes)
    pairs = np.array([code[t] * k + code[p] for t, p in zip(true, pred, strict=True)], dtype=np.int64)
    rng = np.random.default_rng(random_state)
    if groups is not None:
        g = np.asarray(groups)
        units = [np.flatnonzero(g == u) for u in np.unique(g)]
    else:
        units = [np.array([i]) for i in range(len(true))]
    cms = np.empty((n_resamples, k, k), dtype=np.int64)
    for r in range(n_resamples):
        pick = rng.integers(0, len(units), len(units))
        idx = np.concatenate([units[i] for i in pick])
        cms[r] = np.bincount(pairs[idx], minlength=k * k).reshape(k, k)
    return classes, cms


def per_type_ci(
    y_true: Sequence[str],
    y_pred: Sequence[Any],
    groups: Sequence[str] | None = None,
    *,
    n_resamples: int = 1000,
    level: float = 0.95,
    random_state: int = 0,
) -> dict[str, dict[str, list[float] | None]]:
    """Percentile bootstrap intervals of each gold type's precision, recall and F1.

    Resampled as :func:`bootstrap_ci` (whole groups when given). A resample in which a figure is undefined
    (the type neither occurs nor is predicted) is left out of that figure's interval; None when none is left.

    Examples
    --------
    >>> ci = per_type_ci(["a", "a", "b", "b"] * 10, ["a", "b", "b", "b"] * 10, n_resamples=200)
    >>> low, high = ci["a"]["recall"]
    >>> bool(0.2 < low <= 0.5 <= high < 0.8)
    True
    """
    classes, cms = _resampled_confusions(y_true, y_pred, groups, n_resamples, random_state)
    alpha = (1 - level) / 2
    out: dict[str, dict[str, list[float] | None]] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        tp = cms[:, np.arange(len(classes)), np.arange(len(classes))].astype(float)
        predicted, actual = cms.sum(axis=1).astype(float), cms.sum(axis=2).astype(float)
        figures = {"precision": tp / predicted, "recall": tp / actual, "f1": 2 * tp / (predicted + actual)}
    for j, slug in enumerate(classes):
        if slug == NO_LABEL or slug not in {str(t) for t in y_true}:
            continue
        block: dict[str, list[float] | None] = {}
        for name, values in figures.items():
            v = values[:, j]
            v = v[np.isfinite(v)]
            block[name] = [float(np.quantile(v, alpha)), float(np.quantile(v, 1 - alpha))] if v.size else None
        out[slug] = block
    return out


def multiclass_brier(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> float:
    """Return the mean squared distance between probability vectors and the one-hot truth (0 is perfect)."""
    onehot = np.array([[1.0 if c == t else 0.0 for c in classes] for t in y_true])
    return float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))


def reliability_table(
    y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str], n_bins: int = 10
) -> list[dict[str, float]]:
    """Top-label confidence against accuracy in equal-width bins (the data of a reliability diagram)."""
    conf = proba.max(axis=1)
    pred = np.asarray(classes)[proba.argmax(axis=1)]
    correct = pred == np.asarray(y_true)
    rows = []
    for lo, hi in itertools.pairwise(np.linspace(0.0, 1.0, n_bins + 1)):
        in_bin = (conf > lo) & (conf <= hi)
        if in_bin.any():
            rows.append(
                {
                    "low": float(lo),
                    "high": float(hi),
                    "count": int(in_bin.sum()),
                    "confidence": float(conf[in_bin].mean()),
                    "accuracy": float(correct[in_bin].mean()),
                }
            )
    return rows


def expected_calibration_error(
    y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str], n_bins: int = 10
) -> float:
    """Return the expected calibration error of the top-label confidence (equal-width bins)."""
    n = len(y_true)
    table = reliability_table(y_true, proba, classes, n_bins)
    return float(sum(r["count"] / n * abs(r["accuracy"] - r["confidence"]) for r in table)) if n else 0.0


def coverage_curve(
    y_true: Sequence[str], y_pred: Sequence[Any], confidence: Sequence[float], target: float = 0.95
) -> dict[str, Any]:
    """How much can be auto-accepted, and how accurate is it, at each confidence threshold.

    Returns
    -------
    dict
        ``curve``: ``[{"threshold", "accepted", "accuracy"}]`` (share of items with confidence at least the
        threshold, and the accuracy among them); ``target``; ``review_share_for_target``: the smallest
        share a person must review (the least confident items) so that the accepted rest reaches
        ``target`` accuracy (1.0 if it is never reached).
    """
    true = np.asarray([str(t) for t in y_true], dtype=object)
    pred = np.asarray(_as_labels(y_pred), dtype=object)
    conf = np.asarray(confidence, dtype=float)
    correct = true == pred
    curve = []
    for t in np.round(np.arange(0.0, 1.0001, 0.05), 2):
        accepted = conf >= t
        curve.append(
            {
                "threshold": float(t),
                "accepted": float(accepted.mean()) if len(conf) else 0.0,
                "accuracy": float(correct[accepted].mean()) if accepted.any() else float("nan"),
            }
        )
    order = np.argsort(-conf, kind="stable")
    cum_acc = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    ok = np.flatnonzero(cum_acc >= target)
    review = 1.0 - (ok.max() + 1) / len(order) if len(ok) else 1.0
    return {"curve": curve, "target": target, "review_share_for_target": float(review)}


def risk_coverage_summary(y_true: Sequence[str], y_pred: Sequence[Any], confidence: Sequence[float]) -> dict[str, Any]:
    """Risk-coverage curve of a method, its area (AURC) and the accuracy of the accepted at 90/80/60% coverage.

    Items are accepted from the most confident down; AURC is the mean error rate of the accepted over all
    coverages (lower is better; 0 when every item is right).

    Examples
    --------
    >>> out = risk_coverage_summary(["a", "a", "b"], ["a", "a", "a"], [0.9, 0.8, 0.3])
    >>> round(out["aurc"], 3), out["accuracy_at_coverage"]["0.6"]
    (0.111, 1.0)
    """
    from ..reliability import aurc, risk_coverage

    true = np.asarray([str(t) for t in y_true], dtype=object)
    correct = true == np.asarray(_as_labels(y_pred), dtype=object)
    conf = np.asarray(confidence, dtype=float)
    order = np.argsort(-conf, kind="stable")
    at = {}
    for cov in (0.9, 0.8, 0.6):
        k = max(1, round(cov * len(conf)))
        at[str(cov)] = float(correct[order[:k]].mean()) if len(conf) else float("nan")
    return {"aurc": aurc(conf, correct), "accuracy_at_coverage": at, "curve": risk_coverage(conf, correct, points=20)}


def likely_label_errors(
    y_true: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    *,
    min_confidence: float = 0.8,
    max_gold_probability: float = 0.05,
) -> list[dict[str, Any]]:
    """Rows whose out-of-fold prediction disagrees with the gold label at high confidence.

    A row is listed when the model gives another type at least ``min_confidence`` and the gold type at
    most ``max_gold_probability`` (in the spirit of confident learning). Most confident first.

    Returns
    -------
    list of dict
        ``{"index", "gold", "predicted", "p_predicted", "p_gold"}``.
    """
    cls = list(classes)
    out = []
    for i, (gold, p) in enumerate(zip(y_true, proba, strict=True)):
        k = int(p.argmax())
        p_gold = float(p[cls.index(gold)]) if gold in cls else 0.0
        if cls[k] != gold and p[k] >= min_confidence and p_gold <= max_gold_probability:
            out.append({"index": i, "gold": gold, "predicted": cls[k], "p_predicted": float(p[k]), "p_gold": p_gold})
    return sorted(out, key=lambda r: -r["p_predicted"])
