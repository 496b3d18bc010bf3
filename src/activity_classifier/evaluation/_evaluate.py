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
from dataclasses import dataclass, field, replace
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
from ..reliability import (
    DEFAULT_TARGET_ACCURACY,
    KEPT_SIGNALS,
    SIGNALS,
    build_reliability,
    item_signals,
    review_to_target,
)
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
    per_type_ci,
    reliability_table,
    risk_coverage_summary,
)
from ._provenance import reproducibility_record
from ._results import Calibration, EvaluationResult, MethodScores
from ._rules import rule_analysis

__all__ = [
    "BASELINES",
    "AddedCorpus",
    "CrossValResult",
    "check_gate",
    "cross_validate",
    "evaluate_cv",
    "evaluate_test",
    "fold_indices",
    "gate_checks",
    "learning_curve",
    "training_overlap",
]

logger = logging.getLogger(__name__)

BASELINES = ("majority", "tfidf_svm")


def _baseline(name: str) -> Any:
    if name == "majority":
        return DummyClassifier(strategy="most_frequent")
    return make_pipeline(TfidfVectorizer(sublinear_tf=True), LinearSVC(class_weight="balanced", random_state=0))


def _fit_baseline(name: str, X: np.ndarray, y: Sequence[str], weights: np.ndarray | None) -> Any:
    if weights is None:
        return _baseline(name).fit(X, y)
    key = "sample_weight" if name == "majority" else "linearsvc__sample_weight"
    return _baseline(name).fit(X, y, **{key: weights})


@dataclass(frozen=True)
class AddedCorpus:
    """Labelled rows that join every training fold (and the final fit), never a test fold.

    Used to train on a research team's own coded rows *plus* the bundled corpus: the own rows are the
    data that is cross-validated, the added corpus is a prior that is always trained on.

    Attributes
    ----------
    texts, labels : tuple of str
        The added rows (labels as slugs).
    own_weight : float, default=1.0
        Sample weight of each *own* row; every added row weighs 1.
    info : dict
        What metadata records about the added rows (file, SHA-256, rows), see ``LabelledData.describe``.
    analysis : tuple of Analysis or None
        The added texts analysed by the estimator's analyzer (filled in by :meth:`analysed`).

    Examples
    --------
    >>> corpus = AddedCorpus(("Webinar gevolgd", "Congres bezocht"), ("pd_programme", "conference"), own_weight=2)
    >>> corpus.describe()
    {'rows': 2, 'own_weight': 2.0}
    """

    texts: tuple[str, ...]
    labels: tuple[str, ...]
    own_weight: float = 1.0
    info: dict[str, Any] = field(default_factory=dict)
    analysis: tuple[Analysis, ...] | None = None

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.labels):
            raise ValueError(f"{len(self.texts)} texts but {len(self.labels)} labels")
        weight = float(self.own_weight)
        if not np.isfinite(weight) or weight <= 0:
            raise ValueError(f"own_weight must be a positive number, not {self.own_weight!r}")
        object.__setattr__(self, "own_weight", weight)

    @classmethod
    def bundled(cls, own_weight: float = 1.0) -> AddedCorpus:
        """Return the bundled corpus as an added corpus (its file, hash and rows in ``info``)."""
        from ..corpus import load_labelled

        data = load_labelled(group_column=None)
        return cls(tuple(data.texts), tuple(data.labels), own_weight, dict(data.describe()))

    def describe(self) -> dict[str, Any]:
        """Return ``info`` with the row count and the own rows' weight (for metadata and ``metrics.json``)."""
        return {**self.info, "rows": len(self.texts), "own_weight": self.own_weight}

    def with_weight(self, own_weight: float) -> AddedCorpus:
        """Return the same corpus with another weight of the own rows."""
        return replace(self, own_weight=own_weight)

    def analysed(self, estimator: ActivityClassifier) -> AddedCorpus:
        """Return the corpus with its texts analysed by ``estimator.build_analyzer()`` (once)."""
        if self.analysis is not None:
            return self
        return replace(self, analysis=tuple(estimator.build_analyzer().analyse(list(self.texts))))

    def training_set(
        self, texts: Sequence[str], labels: Sequence[str], analysis: Sequence[Analysis] | None = None
    ) -> tuple[np.ndarray, list[str], np.ndarray, list[Analysis] | None]:
        """Return own rows followed by the added rows: texts, labels, sample weights and analysis.

        The analysis is None unless both ``analysis`` and :attr:`analysis` are given.
        """
        raw = np.asarray([str(t) for t in texts] + list(self.texts), dtype=object)
        y = [*labels, *self.labels]
        weights = np.concatenate([np.full(len(texts), self.own_weight), np.ones(len(self.texts))])
        docs = None if analysis is None or self.analysis is None else [*analysis, *self.analysis]
        return raw, y, weights, docs


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
    signals : ndarray of shape (n, len(SIGNALS)) or None
        The reliability signals of each out-of-fold hybrid prediction (see
        :func:`activity_classifier.reliability.item_signals`), each against its fold's model.
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
        signals: np.ndarray | None = None,
    ) -> None:
        self.labels = labels
        self.predictions = predictions
        self.baselines = baselines
        self.proba = proba
        self.classes = classes
        self.folds = folds
        self.seconds = seconds
        self.signals = signals

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
    added: AddedCorpus | None = None,
) -> CrossValResult:
    """Out-of-fold predictions for several methods (one model fit per fold) and baselines.

    Each text is analysed by spaCy once; every fold's model then predicts its test texts with each method.
    With ``added``, every fold's model and baselines train on the fold's training rows (weighted
    ``added.own_weight``) plus all added rows; the folds, test parts and scores are those of ``texts`` only.

    Parameters
    ----------
    estimator : ActivityClassifier
        Unfitted template (cloned per fold).
    texts, labels : sequence of str
    groups : sequence of str, optional
        Group ids (teachers): no group is in both the training and the test part of a fold. Each fold's
        model also calibrates its probabilities on folds of its training groups.
    n_splits : int, default=5
    methods : sequence of {"hybrid", "model", "rules"}
    baselines : sequence of {"majority", "tfidf_svm"}
    random_state : int, default=0
    progress : callable, optional
        Called as ``progress("cross-validation", done, total)`` after each fold.
    analysis : sequence of Analysis, optional
        The texts already analysed with ``estimator.build_analyzer()`` (saves the spaCy pass).
    added : AddedCorpus, optional
        Rows that join every training fold, never a test fold (e.g. the bundled corpus).

    Returns
    -------
    CrossValResult
    """
    tax = get_taxonomy()
    y = [tax.validate_label(lab) for lab in labels]
    seconds = {"analyse": 0.0, "fit": 0.0, "predict": 0.0, "baselines": 0.0}
    t0 = time.perf_counter()
    docs = estimator.build_analyzer().analyse(texts) if analysis is None else list(analysis)
    if added is not None:
        added = added.analysed(estimator)
    seconds["analyse"] = time.perf_counter() - t0
    folds = fold_indices(y, groups, n_splits, random_state)
    classes = sorted(set(y))
    proba = np.zeros((len(y), len(classes)))
    preds: dict[str, list[Prediction | None]] = {m: [None] * len(y) for m in methods}
    base_preds: dict[str, list[str]] = {b: [""] * len(y) for b in baselines}
    raw = np.asarray([str(t) for t in texts], dtype=object)
    signals = np.full((len(y), len(SIGNALS)), np.nan)
    group_arr = None if groups is None else np.asarray(list(groups), dtype=object)
    for k, (train, test) in enumerate(folds, start=1):
        t0 = time.perf_counter()
        train_x, train_y, weights = raw[train], [y[i] for i in train], None
        train_docs = [docs[i] for i in train]
        if added is not None:
            train_x, train_y, weights, both = added.training_set(train_x, train_y, train_docs)
            train_docs = both if both is not None else train_docs
        # With added rows (no groups of their own) the calibration folds are stratified, not grouped.
        fold_groups = None if group_arr is None or added is not None else group_arr[train]
        model = clone(estimator).fit(train_x, train_y, analysis=train_docs, sample_weight=weights, groups=fold_groups)
        seconds["fit"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        test_docs = [docs[i] for i in test]
        p = model.model_proba(raw[test], analysis=test_docs)
        cols = np.array([classes.index(c) for c in model.classes_])
        proba[np.ix_(test, cols)] = p
        for m in methods:
            fold_preds = model.explain(raw[test], method=m, analysis=test_docs)
            for i, pred in zip(test, fold_preds, strict=True):
                preds[m][i] = pred
            if m == "hybrid":
                signals[test] = item_signals(model, test_docs, fold_preds)
        seconds["predict"] += time.perf_counter() - t0
        t0 = time.perf_counter()
        for b in baselines:
            fitted = _fit_baseline(b, train_x, train_y, weights)
            for i, label in zip(test, fitted.predict(raw[test]), strict=True):
                base_preds[b][i] = str(label)
        seconds["baselines"] += time.perf_counter() - t0
        if progress is not None:
            progress("cross-validation", k, len(folds))
    done = {m: [p for p in v if p is not None] for m, v in preds.items()}
    return CrossValResult(y, done, base_preds, proba, classes, folds, seconds, signals)


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
        intervals = per_type_ci(y_true, y_pred, groups, n_resamples=n_bootstrap, random_state=seed)
        for slug, row in scores.per_type.items():
            if slug in intervals:
                row["ci95"] = intervals[slug]
    if predictions is not None:
        scores.flagged_for_review = float(np.mean([p.needs_review for p in predictions])) if predictions else 0.0
        scores.coverage = coverage_curve(y_true, y_pred, [p.confidence for p in predictions])
        scores.risk_coverage = risk_coverage_summary(y_true, y_pred, [p.confidence for p in predictions])
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
    group_column: str | None = None,
    added: AddedCorpus | None = None,
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
    group_column : str, optional
        The name of the column ``groups`` came from, recorded in ``settings.group_column``.
    added : AddedCorpus, optional
        Rows that join every training fold, never a test fold (``train``/``evaluate --add-bundled-corpus``:
        the bundled corpus); recorded under ``settings.added_corpus``.

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
        added=added,
    )
    result.seconds["analyse"] = analyse_seconds + result.seconds["analyse"]
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
    reliability = None
    if "hybrid" in result.predictions and result.signals is not None:
        correct = [p.label == g for p, g in zip(result.predictions["hybrid"], result.labels, strict=True)]
        grouping = "grouped" if groups is not None else "stratified"
        reliability = build_reliability(
            result.signals, correct, use=KEPT_SIGNALS, source=f"{grouping} {n_splits}-fold CV, hybrid"
        ).to_dict()
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
    data = dict(data_info or {"rows": len(texts)})
    settings: dict[str, Any] = {} if added is None else {"added_corpus": added.describe()}
    return EvaluationResult(
        kind="cross_validation",
        data=data,
        settings={
            **settings,
            "cv_folds": n_splits,
            "grouped": groups is not None,
            "group_column": group_column if groups is not None else None,
            "groups": len(set(groups)) if groups is not None else None,
            "random_state": random_state,
            "bootstrap_resamples": n_bootstrap,
            "estimator": {
                k: (v if isinstance(v, str | int | float | bool) or v is None else str(v))
                for k, v in estimator.get_params().items()
            },
        },
        learning_curve=curve,
        baseline_training={b: {"source": "the training part of each fold"} for b in baselines} or None,
        reproducibility=reproducibility_record([{"role": "evaluated", **data}]),
        reliability=reliability,
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
    baseline_info: dict[str, Any] | None = None,
    n_bootstrap: int = 1000,
    random_state: int = 0,
    data_info: dict[str, Any] | None = None,
    target_accuracy: float | None = DEFAULT_TARGET_ACCURACY,
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
        Training data for the two baselines; they are left out when omitted. Train them on the model's
        own training data, so that they and the model saw the same texts.
    baseline_info : dict, optional
        What ``baseline_data`` is (``source``, ``file``, ``sha256``), recorded for each baseline in
        ``baseline_training`` with its ``rows``.
    n_bootstrap, random_state, data_info
        As in :func:`evaluate_cv`.
    target_accuracy : float or None, default=0.95
        Applied to the hybrid predictions as in :func:`~activity_classifier.classify` when the model has
        a reliability block (its ``flagged_for_review`` then includes ``below_target_accuracy``); the
        outcome is in ``shift``.
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
    predictions["hybrid"], report = review_to_target(model, docs, predictions["hybrid"], target_accuracy)
    accepted = [p.label == g for p, g in zip(predictions["hybrid"], y, strict=True) if not p.needs_review]
    shift = dict(report.to_dict(), accepted_accuracy=float(np.mean(accepted)) if accepted else None)
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
    data = dict(data_info or {"rows": len(texts)})
    seen = None
    if baseline_data is not None:
        seen = {b: {**dict(baseline_info or {"source": "given"}), "rows": len(baseline_data[0])} for b in BASELINES}
    involved = [{"role": "evaluated", **data}]
    if isinstance(meta.get("training_data"), dict):
        involved.append({"role": "model training", **meta["training_data"]})
    if seen:
        involved.append({"role": "baseline training", **seen[BASELINES[0]]})
    return EvaluationResult(
        kind="test",
        data=data,
        model={
            "package": meta.get("package"),
            "created": meta.get("created"),
            "training_data": meta.get("training_data"),
            "cv_metrics": meta.get("metrics"),
        },
        settings={"random_state": random_state, "bootstrap_resamples": n_bootstrap},
        baseline_training=seen,
        reproducibility=reproducibility_record(involved),
        shift=shift,
        seconds=_rounded(seconds),
        **scored,
    )


def training_overlap(texts: Sequence[str], training_texts: Sequence[str]) -> float:
    """Share of ``texts`` that also occur in ``training_texts`` (compared after collapsing white space and case).

    Examples
    --------
    >>> training_overlap(["Webinar gevolgd", "Boek gelezen"], ["webinar  gevolgd", "Congres"])
    0.5
    """
    if not texts:
        return 0.0
    seen = {" ".join(str(t).split()).casefold() for t in training_texts}
    return sum(" ".join(str(t).split()).casefold() in seen for t in texts) / len(texts)


def gate_checks(
    result: EvaluationResult,
    *,
    min_macro_f1: float | None = None,
    min_kappa: float | None = None,
    min_recall: float | None = None,
    method: str = "hybrid",
) -> list[dict[str, Any]]:
    """Every threshold of the gate against its value.

    Returns
    -------
    list of dict
        ``{"figure", "method", "value", "threshold", "passed", "message"}`` per check (one per type with
        support for ``min_recall``); ``message`` reads ``"hybrid macro-F1 0.912 < 0.93"`` for a failure,
        as in :func:`check_gate`.
    """
    scores = result.methods[method]
    checks: list[dict[str, Any]] = []

    def add(figure: str, name: str, value: float, threshold: float) -> None:
        passed = bool(value >= threshold)
        checks.append(
            {
                "figure": figure,
                "method": method,
                "value": float(value),
                "threshold": float(threshold),
                "passed": passed,
                "message": f"{method} {name} {value:.3f} {'>=' if passed else '<'} {threshold}",
            }
        )

    if min_macro_f1 is not None:
        add("macro_f1", "macro-F1", scores.macro_f1, min_macro_f1)
    if min_kappa is not None:
        add("cohen_kappa", "Cohen's kappa", scores.cohen_kappa, min_kappa)
    if min_recall is not None:
        for slug, row in scores.per_type.items():
            if row["support"]:
                add(f"recall.{slug}", f"recall of {slug}", row["recall"], min_recall)
    return checks


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
    checks = gate_checks(result, min_macro_f1=min_macro_f1, min_kappa=min_kappa, min_recall=min_recall, method=method)
    return [c["message"] for c in checks if not c["passed"]]
