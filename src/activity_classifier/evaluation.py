"""Evaluation: grouped cross-validation, agreement metrics and calibration.

Metrics come from scikit-learn where it has them (accuracy, F1, Cohen's kappa, confusion matrix); the
model is treated as a second coder next to the human gold labels.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.metrics import (
    accuracy_score,
    cohen_kappa_score,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from .features import analyse
from .model import ActivityClassifier
from .policy import METHODS, Method, Prediction
from .rules import RuleResult, RuleSet
from .taxonomy import get_taxonomy

__all__ = [
    "CrossValResult",
    "classification_metrics",
    "cross_validate",
    "expected_calibration_error",
    "fold_indices",
    "multiclass_brier",
    "rule_analysis",
]

NO_LABEL = "(none)"


def fold_indices(
    labels: Sequence[str], groups: Sequence[str] | None, n_splits: int = 5, random_state: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds; grouped (no group in both train and test) when ``groups`` is given."""
    y = np.asarray(labels)
    x = np.zeros(len(y))
    if groups is not None:
        cv: Any = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
        return [(tr, te) for tr, te in cv.split(x, y, np.asarray(groups))]
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    return [(tr, te) for tr, te in cv.split(x, y)]


class CrossValResult:
    """Out-of-fold predictions of every method, and the model's out-of-fold probabilities.

    Attributes
    ----------
    labels : list of str
        Gold labels.
    predictions : dict
        Method -> list of :class:`Prediction`, in input order.
    proba : ndarray of shape (n, n_classes)
        Out-of-fold model probabilities (columns in ``classes`` order).
    classes : list of str
        Column order of ``proba``.
    folds : list of (train, test) index arrays
    """

    def __init__(
        self,
        labels: list[str],
        predictions: dict[str, list[Prediction]],
        proba: np.ndarray,
        classes: list[str],
        folds: list[tuple[np.ndarray, np.ndarray]],
    ) -> None:
        self.labels = labels
        self.predictions = predictions
        self.proba = proba
        self.classes = classes
        self.folds = folds

    def predicted(self, method: str) -> list[str]:
        """Predicted labels of a method, with abstentions as ``"(none)"``."""
        return [p.label or NO_LABEL for p in self.predictions[method]]


def cross_validate(
    estimator: ActivityClassifier,
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str] | None = None,
    *,
    n_splits: int = 5,
    methods: Sequence[Method] = METHODS,
    random_state: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> CrossValResult:
    """Out-of-fold predictions for several methods, fitting one model per fold.

    Each text is analysed by spaCy once; every fold's model then predicts its test texts with each method.

    Parameters
    ----------
    estimator : ActivityClassifier
        Unfitted template (cloned per fold).
    texts, labels : sequence of str
    groups : sequence of str, optional
        Group ids (teachers): no group is in both the training and the test part of a fold.
    n_splits : int, default=5
    methods : sequence of {"hybrid", "model", "rules"}
    random_state : int, default=0
    progress : callable, optional
        Called as ``progress(done, total)`` after each fold.

    Returns
    -------
    CrossValResult
    """
    tax = get_taxonomy()
    y = [tax[lab].slug for lab in labels]
    rules = RuleSet(estimator.lexicon, pipeline=estimator.pipeline)
    docs = analyse(texts, rules)
    folds = fold_indices(y, groups, n_splits, random_state)
    classes = sorted(set(y))
    proba = np.zeros((len(y), len(classes)))
    preds: dict[str, list[Prediction | None]] = {m: [None] * len(y) for m in methods}
    for k, (train, test) in enumerate(folds, start=1):
        model = clone(estimator).fit([docs[i] for i in train], [y[i] for i in train])
        test_docs = [docs[i] for i in test]
        p = model.predict_proba(test_docs) if model.method != "rules" else None
        if p is not None:
            cols = np.array([classes.index(c) for c in model.classes_])
            proba[np.ix_(test, cols)] = p
        for m in methods:
            for i, pred in zip(test, model.explain(test_docs, method=m), strict=True):
                preds[m][i] = pred
        if progress is not None:
            progress(k, len(folds))
    done = {m: [p for p in v if p is not None] for m, v in preds.items()}
    return CrossValResult(y, done, proba, classes, folds)


def classification_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro/weighted F1, Cohen's kappa, per-type P/R/F1 and the same at the group level.

    Abstentions (``"(none)"`` or None) count as wrong answers.
    """
    tax = get_taxonomy()
    true = [str(t) for t in y_true]
    pred = [str(p) if p else NO_LABEL for p in y_pred]
    labels = [s for s in tax.slugs if s in set(true) | set(pred)]
    p, r, f, s = precision_recall_fscore_support(true, pred, labels=labels, zero_division=0)
    per_type = {
        lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, lab in enumerate(labels)
    }
    group_of = {t.slug: t.group for t in tax}
    gtrue = [group_of[t] for t in true]
    gpred = [group_of.get(x, NO_LABEL) for x in pred]
    return {
        "n": len(true),
        "accuracy": float(accuracy_score(true, pred)),
        "macro_f1": float(f1_score(true, pred, labels=labels, average="macro", zero_division=0)),
        "weighted_f1": float(f1_score(true, pred, labels=labels, average="weighted", zero_division=0)),
        "cohen_kappa": float(cohen_kappa_score(true, pred)),
        "abstained": sum(x == NO_LABEL for x in pred),
        "per_type": per_type,
        "group_level": {
            "accuracy": float(accuracy_score(gtrue, gpred)),
            "cohen_kappa": float(cohen_kappa_score(gtrue, gpred)),
        },
    }


def multiclass_brier(y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]) -> float:
    """Mean squared distance between the probability vectors and the one-hot truth (0 is perfect)."""
    onehot = np.array([[1.0 if c == t else 0.0 for c in classes] for t in y_true])
    return float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))


def expected_calibration_error(
    y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str], n_bins: int = 10
) -> float:
    """Return the expected calibration error of the top-label confidence (equal-width bins)."""
    conf = proba.max(axis=1)
    pred = np.asarray(classes)[proba.argmax(axis=1)]
    correct = pred == np.asarray(y_true)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        in_bin = (conf > lo) & (conf <= hi)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - conf[in_bin].mean())
    return float(ece)


def rule_analysis(
    results: Sequence[RuleResult], gold: Sequence[str], texts: Sequence[str] | None = None, max_errors: int = 20
) -> dict[str, Any]:
    """Measure every keyword rule against gold labels, as snorkel's labeling-function analysis does.

    Parameters
    ----------
    results : sequence of RuleResult
        The rule set's output for each text.
    gold : sequence of str
        Gold labels.
    texts : sequence of str, optional
        The texts, to list the rows a rule got wrong.
    max_errors : int, default=20
        How many wrong rows to list per rule.

    Returns
    -------
    dict
        ``rules``: per type ``coverage`` (share of texts where the rule fires), ``precision`` (share of its
        firings on texts of its type), ``recall``, ``overlaps`` (share of its firings where another rule
        also fires), ``conflicts`` (share where another rule scores at least as high), ``wins`` and
        ``win_accuracy`` (how often it is the top rule and then right), ``errors`` (firings on other types).
        ``terms``: per matched term, how often it fired and its precision. ``abstain_rate``: share of texts
        where no rule fires.
    """
    tax = get_taxonomy()
    n = len(gold)
    report: dict[str, Any] = {}
    term_hits: dict[tuple[str, str], list[int]] = {}
    for slug in tax.slugs:
        fired = [i for i, r in enumerate(results) if r.scores.get(slug, 0.0) > 0]
        right = [i for i in fired if gold[i] == slug]
        others = [i for i in fired if sum(1 for s, v in results[i].scores.items() if v > 0 and s != slug)]
        conflicts = [
            i for i in fired if any(v >= results[i].scores[slug] for s, v in results[i].scores.items() if s != slug)
        ]
        wins = [i for i, r in enumerate(results) if r.top == slug]
        errors = [
            {
                "row": i,
                "gold": gold[i],
                "matched": list(results[i].matches.get(slug, ())),
                "text": texts[i] if texts else None,
            }
            for i in fired
            if gold[i] != slug
        ][:max_errors]
        support = sum(1 for g in gold if g == slug)
        report[slug] = {
            "coverage": len(fired) / n if n else 0.0,
            "precision": len(right) / len(fired) if fired else 0.0,
            "recall": len(right) / support if support else 0.0,
            "overlaps": len(others) / len(fired) if fired else 0.0,
            "conflicts": len(conflicts) / len(fired) if fired else 0.0,
            "wins": len(wins),
            "win_accuracy": sum(1 for i in wins if gold[i] == slug) / len(wins) if wins else 0.0,
            "errors": errors,
        }
        for i in fired:
            for term in results[i].matches.get(slug, ()):
                term_hits.setdefault((slug, term), []).append(i)
    terms: list[dict[str, Any]] = sorted(
        (
            {
                "type": slug,
                "term": term,
                "fired": len(rows),
                "precision": sum(1 for i in rows if gold[i] == slug) / len(rows),
            }
            for (slug, term), rows in term_hits.items()
        ),
        key=lambda t: (t["precision"], -t["fired"]),
    )
    return {
        "rules": report,
        "terms": terms,
        "abstain_rate": sum(1 for r in results if r.abstained) / n if n else 0.0,
    }
