"""Evaluation harness: grouped cross-validation and held-out tests, with baselines, and the quality gate.

:func:`evaluate_cv` and :func:`evaluate_test` return an :class:`EvaluationResult`, whose ``to_dict()`` is
the content of ``metrics.json`` (its keys are documented in ``docs/metrics.md`` and stable within
``schema_version``). :func:`check_gate` compares it with minimum figures.

Methods compared on the same folds: ``hybrid``, ``model`` and ``rules`` of :class:`ActivityClassifier`,
plus two baselines: ``majority`` (always the most frequent training type) and ``tfidf_svm`` (scikit-learn's
plain TF-IDF of the raw text with a linear SVM, without this project's Dutch pipeline).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from .._progress import Progress
from ..analysis import Analysis
from ..estimator import ActivityClassifier
from ..policy import METHODS, Method, Prediction
from ..rules import RuleResult
from ..tables import sheet_row
from ..taxonomy import get_taxonomy
from ._metrics import (
    bootstrap_ci,
    classification_metrics,
    coverage_curve,
    expected_calibration_error,
    likely_label_errors,
    multiclass_brier,
    reliability_table,
)
from ._results import Calibration, EvaluationResult, MethodScores
from ._rules import rule_analysis

__all__ = [
    "BASELINES",
    "CrossValResult",
    "check_gate",
    "cross_validate",
    "evaluate_cv",
    "evaluate_test",
    "fold_indices",
    "learning_curve",
]

logger = logging.getLogger(__name__)

BASELINES = ("majority", "tfidf_svm")


def _baseline(name: str) -> Any:
    if name == "majority":
        return DummyClassifier(strategy="most_frequent")
    return make_pipeline(TfidfVectorizer(sublinear_tf=True), LinearSVC(class_weight="balanced", random_state=0))


def fold_indices(
    labels: Sequence[str], groups: Sequence[str] | None, n_splits: int = 5, random_state: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds; grouped (no group in both the train and the test part) when ``groups`` is given."""
    y = np.asarray(labels)
    x = np.zeros(len(y))
    if groups is not None:
        cv: Any = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
        return [(tr, te) for tr, te in cv.split(x, y, np.asarray(groups))]
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    return [(tr, te) for tr, te in cv.split(x, y)]


class CrossValResult:
    """Out-of-fold predictions of every method and baseline, and the model's out-of-fold probabilities.

    Attributes
    ----------
    labels : list of str
        Gold labels.
    predictions : dict
        Method -> list of :class:`Prediction`, in input order.
    baselines : dict
        Baseline name -> list of predicted labels, in input order.
    proba : ndarray of shape (n, n_classes)
        Out-of-fold model probabilities (columns in ``classes`` order).
    classes : list of str
        Column order of ``proba``.
    folds : list of (train, test) index arrays
    seconds : dict
        Where the time went.
    """

    def __init__(
        self,
        labels: list[str],
        predictions: dict[str, list[Prediction]],
        baselines: dict[str, list[str]],
        proba: np.ndarray,
        classes: list[str],
        folds: list[tuple[np.ndarray, np.ndarray]],
        seconds: dict[str, float],
    ) -> None:
        self.labels = labels
        self.predictions = predictions
        self.baselines = baselines
        self.proba = proba
        self.classes = classes
        self.folds = folds
        self.seconds = seconds

    def predicted(self, method: str) -> list[str | None]:
        """Predicted labels of a method or baseline (None for an abstention)."""
        if method in self.baselines:
            return list(self.baselines[method])
        return [p.label for p in self.predictions[method]]

    def confidence(self, method: str) -> list[float]:
        """Confidence of each prediction of a method."""
        return [p.confidence for p in self.predictions[method]]


def cross_validate(
    estimator: ActivityClassifier,
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str] | None = None,
    *,
    n_splits: int = 5,
    methods: Sequence[Method] = METHODS,
    baselines: Sequence[str] = (),
    random_state: int = 0,
    progress: Progress | None = None,
    analysis: Sequence[Analysis] | None = None,
) -> CrossValResult:
    """Out-of-fold predictions for several methods (one model fit per fold) and baselines.

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
    baselines : sequence of {"majority", "tfidf_svm"}
    random_state : int, default=0
    progress : callable, optional
        Called as ``progress("cross-validation", done, total)`` after each fold.
    analysis : sequence of Analysis, optional
        The texts already analysed with ``estimator.build_analyzer()`` (saves the spaCy pass).

    Returns
    -------
    CrossValResult
    """
    tax = get_taxonomy()
    y = [tax.validate_label(lab) for lab in labels]
    seconds = {"analyse": 0.0, "fit": 0.0, "predict": 0.0, "baselines": 0.0}
    t0 = time.perf_counter()
    docs = estimator.build_analyzer().analyse(texts) if analysis is None else list(analysis)
    seconds["analyse"] = time.perf_counter() - t0
    folds = fold_indices(y, groups, n_splits, random_state)
    classes = sorted(set(y))
    proba = np.zeros((len(y), len(classes)))
    preds: dict[str, list[Prediction | None]] = {m: [None] * len(y) for m in methods}
    base_preds: dict[str, list[str]] = {b: [""] * len(y) for b in baselines}
    raw = np.asarray([str(t) for t in texts], dtype=object)
    for k, (train, test) in enumerate(folds, start=1):
        t0 = time.perf_counter()
        model = clone(estimator).fit(raw[train], [y[i] for i in train], analysis=[docs[i] for i in train])
        seconds["fit"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        test_docs = [docs[i] for i in test]
        p = model.model_proba(raw[test], analysis=test_docs)
        cols = np.array([classes.index(c) for c in model.classes_])
        proba[np.ix_(test, cols)] = p
        for m in methods:
            for i, pred in zip(test, model.explain(raw[test], method=m, analysis=test_docs), strict=True):
                preds[m][i] = pred
        seconds["predict"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        for b in baselines:
            fitted = _baseline(b).fit(raw[train], [y[i] for i in train])
            for i, label in zip(test, fitted.predict(raw[test]), strict=True):
                base_preds[b][i] = str(label)
        seconds["baselines"] += time.perf_counter() - t0
        if progress is not None:
            progress("cross-validation", k, len(folds))
    done = {m: [p for p in v if p is not None] for m, v in preds.items()}
    return CrossValResult(y, done, base_preds, proba, classes, folds, seconds)


def learning_curve(
    estimator: ActivityClassifier,
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str] | None,
    *,
    analysis: Sequence[Analysis] | None = None,
    fractions: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 1.0),
    n_splits: int = 5,
    random_state: int = 0,
    progress: Progress | None = None,
) -> list[dict[str, float]]:
    """Hybrid macro-F1 against the number of training rows, on the same grouped folds.

    For each fraction, each fold's model is trained on that share of the fold's training teachers (whole
    teachers, chosen at random) and tested on the fold's full test part. ``analysis``: the texts already
    analysed with ``estimator.build_analyzer()``.

    Returns
    -------
    list of dict
        ``{"fraction", "rows", "macro_f1", "macro_f1_sd"}`` per fraction (mean and SD over folds).
    """
    y = list(labels)
    docs = estimator.build_analyzer().analyse(texts) if analysis is None else list(analysis)
    raw = np.asarray([str(t) for t in texts], dtype=object)
    folds = fold_indices(y, groups, n_splits, random_state)
    rng = np.random.default_rng(random_state)
    g = np.asarray(groups) if groups is not None else np.arange(len(y)).astype(str)
    out = []
    total = len(fractions) * len(folds)
    done = 0
    for frac in fractions:
        scores, rows = [], []
        for train, test in folds:
            units = np.unique(g[train])
            keep = set(rng.choice(units, size=max(2, round(frac * len(units))), replace=False).tolist())
            sub = [i for i in train if g[i] in keep]
            if len({y[i] for i in sub}) < 2:
                continue
            model = clone(estimator).fit(raw[sub], [y[i] for i in sub], analysis=[docs[i] for i in sub])
            pred = [p.label for p in model.explain(raw[test], method="hybrid", analysis=[docs[i] for i in test])]
            scores.append(classification_metrics([y[i] for i in test], pred)["macro_f1"])
            rows.append(len(sub))
            done += 1
            if progress is not None:
                progress("learning curve", done, total)
        out.append(
            {
                "fraction": float(frac),
                "rows": float(np.mean(rows)) if rows else 0.0,
                "macro_f1": float(np.mean(scores)) if scores else float("nan"),
                "macro_f1_sd": float(np.std(scores)) if scores else float("nan"),
            }
        )
    return out


def _method_scores(
    y_true: Sequence[str],
    y_pred: Sequence[Any],
    groups: Sequence[str] | None,
    n_bootstrap: int,
    seed: int,
    predictions: Sequence[Prediction] | None = None,
) -> MethodScores:
    scores = MethodScores(**classification_metrics(y_true, y_pred))
    if n_bootstrap:
        scores.ci95 = bootstrap_ci(y_true, y_pred, groups, n_resamples=n_bootstrap, random_state=seed)
    if predictions is not None:
        scores.flagged_for_review = float(np.mean([p.needs_review for p in predictions])) if predictions else 0.0
        scores.coverage = coverage_curve(y_true, y_pred, [p.confidence for p in predictions])
    return scores


@dataclass
class _Outcome:
    """What an evaluation produced for each row, before any figure is computed from it."""

    labels: list[str]
    texts: Sequence[str]
    predictions: dict[str, list[Prediction]]
    baselines: dict[str, list[str]]
    proba: np.ndarray | None
    classes: list[str]
    groups: Sequence[str] | None
    rule_results: Sequence[RuleResult]
    ids: Sequence[Any] | None

    def rows(self, items: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
        """Return example rows: spreadsheet row, id and text, then the items' own keys (without ``index``)."""
        out = []
        for item in items[:limit]:
            i = item["index"]
            row = {"row": sheet_row(i), "id": None if self.ids is None else str(self.ids[i]), "text": self.texts[i]}
            row.update({k: v for k, v in item.items() if k != "index"})
            out.append(row)
        return out


def _score(outcome: _Outcome, *, n_bootstrap: int, seed: int, examples: bool = True) -> dict[str, Any]:
    """Compute the figures of an outcome: the ``EvaluationResult`` fields that depend on it."""
    y, groups = outcome.labels, outcome.groups
    methods = {
        m: _method_scores(y, [p.label for p in preds], groups, n_bootstrap, seed, preds)
        for m, preds in outcome.predictions.items()
    }
    methods.update({b: _method_scores(y, labels, groups, n_bootstrap, seed) for b, labels in outcome.baselines.items()})
    out: dict[str, Any] = {"methods": methods}
    proba, classes = outcome.proba, outcome.classes
    if proba is not None:
        out["calibration"] = Calibration(
            brier=multiclass_brier(y, proba, classes),
            ece=expected_calibration_error(y, proba, classes),
            reliability=reliability_table(y, proba, classes),
        )
        if examples:
            out["likely_label_errors"] = outcome.rows(likely_label_errors(y, proba, classes), 100)
    analysis = rule_analysis(outcome.rule_results, y, outcome.texts, max_errors=10 if examples else 0)
    for rule in analysis["rules"].values():
        rule["errors"] = outcome.rows(rule["errors"], len(rule["errors"]))
    out["rules"] = analysis
    if "hybrid" in outcome.predictions and examples:
        wrong: list[dict[str, Any]] = [
            {"index": i, "gold": y[i], "predicted": p.label, "confidence": p.confidence}
            for i, p in enumerate(outcome.predictions["hybrid"])
            if p.label != y[i]
        ]
        wrong.sort(key=lambda r: -float(r["confidence"]))
        out["misclassified"] = outcome.rows(wrong, 200)
    return out


def _rounded(seconds: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in seconds.items()}


def evaluate_cv(
    estimator: ActivityClassifier,
    texts: Sequence[str],
    labels: Sequence[str],
    groups: Sequence[str] | None = None,
    *,
    n_splits: int = 5,
    ids: Sequence[Any] | None = None,
    n_bootstrap: int = 1000,
    with_learning_curve: bool = False,
    baselines: Sequence[str] = BASELINES,
    examples: bool = True,
    random_state: int = 0,
    data_info: dict[str, Any] | None = None,
    progress: Progress | None = None,
    analysis: Sequence[Analysis] | None = None,
) -> EvaluationResult:
    """Cross-validate every method and baseline on one labelled set.

    Parameters
    ----------
    estimator : ActivityClassifier
        Settings to evaluate (cloned per fold).
    texts, labels : sequence of str
    groups : sequence of str, optional
        Teacher ids for grouped folds (recommended: descriptions by one teacher are alike).
    n_splits : int, default=5
    ids : sequence, optional
        Row ids to report with misclassified rows and likely label errors.
    n_bootstrap : int, default=1000
        Bootstrap resamples for the 95% intervals (0 skips them).
    with_learning_curve : bool, default=False
        Also compute the learning curve (five more rounds of fits).
    baselines : sequence of {"majority", "tfidf_svm"}, default=both
        Baselines evaluated on the same folds.
    examples : bool, default=True
        List example rows (misclassified, likely label errors, rule errors) with their texts; ``train``
        leaves them out of the metrics it stores with a model.
    random_state : int, default=0
    data_info : dict, optional
        What to record about the data (file, SHA-256, rows).
    progress : callable, optional
        ``progress(stage, done, total)``.
    analysis : sequence of Analysis, optional
        The texts already analysed with ``estimator.build_analyzer()``.

    Returns
    -------
    EvaluationResult
        ``to_dict()`` gives the content of ``metrics.json``.
    """
    t_start = time.perf_counter()
    t0 = time.perf_counter()
    docs = estimator.build_analyzer().analyse(texts) if analysis is None else list(analysis)
    analyse_seconds = time.perf_counter() - t0
    result = cross_validate(
        estimator,
        texts,
        labels,
        groups,
        n_splits=n_splits,
        baselines=baselines,
        random_state=random_state,
        progress=progress,
        analysis=docs,
    )
    result.seconds["analyse"] = analyse_seconds
    t0 = time.perf_counter()
    outcome = _Outcome(
        result.labels,
        texts,
        result.predictions,
        result.baselines,
        result.proba,
        result.classes,
        groups,
        [d.rules for d in docs],
        ids,
    )
    scored = _score(outcome, n_bootstrap=n_bootstrap, seed=random_state, examples=examples)
    seconds = dict(result.seconds, metrics=time.perf_counter() - t0)
    curve = None
    if with_learning_curve:
        t0 = time.perf_counter()
        curve = learning_curve(
            estimator,
            texts,
            result.labels,
            groups,
            analysis=docs,
            n_splits=n_splits,
            random_state=random_state,
            progress=progress,
        )
        seconds["learning_curve"] = time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - t_start
    return EvaluationResult(
        kind="cross_validation",
        data=dict(data_info or {"rows": len(texts)}),
        settings={
            "cv_folds": n_splits,
            "grouped": groups is not None,
            "groups": len(set(groups)) if groups is not None else None,
            "random_state": random_state,
            "bootstrap_resamples": n_bootstrap,
            "estimator": {
                k: (v if isinstance(v, str | int | float | bool) or v is None else str(v))
                for k, v in estimator.get_params().items()
            },
        },
        learning_curve=curve,
        seconds=_rounded(seconds),
        **scored,
    )


def evaluate_test(
    model: ActivityClassifier,
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    groups: Sequence[str] | None = None,
    ids: Sequence[Any] | None = None,
    baseline_data: tuple[Sequence[str], Sequence[str]] | None = None,
    n_bootstrap: int = 1000,
    random_state: int = 0,
    data_info: dict[str, Any] | None = None,
    n_jobs: int | None = 1,
) -> EvaluationResult:
    """Evaluate a fitted model on a held-out labelled set.

    Parameters
    ----------
    model : ActivityClassifier
        A fitted (e.g. loaded) model.
    texts, labels : sequence of str
        The held-out data.
    groups : sequence of str, optional
        Teacher ids, for the cluster bootstrap.
    ids : sequence, optional
        Row ids to report.
    baseline_data : (texts, labels), optional
        Training data for the two baselines; they are left out when omitted.
    n_bootstrap, random_state, data_info
        As in :func:`evaluate_cv`.
    n_jobs : int or None, default=1
        Processes to analyse the texts with (None or 1: this one; -1: all cores); the figures do not
        depend on it.

    Returns
    -------
    EvaluationResult
        ``to_dict()`` gives the content of ``metrics.json``.
    """
    t_start = time.perf_counter()
    tax = get_taxonomy()
    y = [tax.validate_label(lab) for lab in labels]
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    docs = model.analyse(texts, n_jobs=n_jobs)
    seconds["analyse"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    predictions: dict[str, list[Prediction]] = {m: model.explain(texts, method=m, analysis=docs) for m in METHODS}
    proba_model = model.model_proba(texts, analysis=docs) if docs else None
    classes = [str(c) for c in model.classes_]
    seconds["predict"] = time.perf_counter() - t0
    baselines: dict[str, list[str]] = {}
    if baseline_data is not None:
        t0 = time.perf_counter()
        bt, bl = baseline_data
        raw = np.asarray([str(t) for t in texts], dtype=object)
        for b in BASELINES:
            fitted = _baseline(b).fit(
                np.asarray([str(t) for t in bt], dtype=object), [tax.validate_label(x) for x in bl]
            )
            baselines[b] = [str(v) for v in fitted.predict(raw)]
        seconds["baselines"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    outcome = _Outcome(y, texts, predictions, baselines, proba_model, classes, groups, [d.rules for d in docs], ids)
    scored = _score(outcome, n_bootstrap=n_bootstrap, seed=random_state)
    seconds["metrics"] = time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - t_start
    meta = getattr(model, "metadata_", {})
    return EvaluationResult(
        kind="test",
        data=dict(data_info or {"rows": len(texts)}),
        model={
            "package": meta.get("package"),
            "created": meta.get("created"),
            "training_data": meta.get("training_data"),
            "cv_metrics": meta.get("metrics"),
        },
        settings={"random_state": random_state, "bootstrap_resamples": n_bootstrap},
        seconds=_rounded(seconds),
        **scored,
    )


def check_gate(
    result: EvaluationResult,
    *,
    min_macro_f1: float | None = None,
    min_kappa: float | None = None,
    min_recall: float | None = None,
    method: str = "hybrid",
) -> list[str]:
    """Return what falls short of the gate (an empty list when everything holds).

    Parameters
    ----------
    result : EvaluationResult
        From :func:`evaluate_cv` or :func:`evaluate_test` (or ``EvaluationResult.from_dict`` of a
        ``metrics.json``).
    min_macro_f1, min_kappa : float, optional
        Minimum macro-F1 and Cohen's kappa of ``method``.
    min_recall : float, optional
        Minimum recall of every type.
    method : str, default="hybrid"
    """
    scores = result.methods[method]
    failures = []
    if min_macro_f1 is not None and scores.macro_f1 < min_macro_f1:
        failures.append(f"{method} macro-F1 {scores.macro_f1:.3f} < {min_macro_f1}")
    if min_kappa is not None and scores.cohen_kappa < min_kappa:
        failures.append(f"{method} Cohen's kappa {scores.cohen_kappa:.3f} < {min_kappa}")
    if min_recall is not None:
        for slug, row in scores.per_type.items():
            if row["support"] and row["recall"] < min_recall:
                failures.append(f"{method} recall of {slug} {row['recall']:.3f} < {min_recall}")
    return failures
