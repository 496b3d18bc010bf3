"""Evaluation: agreement figures, keyword-rule analysis, cross-validation, held-out tests and the gate.

The model is treated as a second coder: :func:`evaluate_cv` (grouped cross-validation of every method and
two baselines) and :func:`evaluate_test` (a fitted model on a held-out file) return the content of
``metrics.json`` (keys documented in ``docs/metrics.md``), :func:`check_gate` compares it with minimum
figures, and :mod:`activity_classifier.evaluation.report` turns it into ``report.md`` and ``report.html``.

Modules (private; everything public is listed in ``__all__`` here): ``_metrics`` (agreement and quality
figures), ``_rules`` (keyword-rule analysis), ``_agreement`` (two or more coders), ``_evaluate`` (cross-validation,
held-out test, gate, the added corpus), ``_adaptation`` (training on own rows plus the bundled corpus, the
own rows' weight, the adaptation curve), ``_results`` (the typed results), ``_provenance`` (the
reproducibility record).
"""

from ._adaptation import (
    ADAPTATION_SIZES,
    OWN_WEIGHT_GRID,
    AdaptationCurve,
    AdaptationPoint,
    Forecast,
    WeightChoice,
    adaptation_curve,
    choose_own_weight,
    fit_with_corpus,
)
from ._agreement import FileAgreement, agreement, agreement_from_files, fleiss_kappa, multi_agreement
from ._evaluate import (
    BASELINES,
    AddedCorpus,
    CrossValResult,
    check_gate,
    cross_validate,
    evaluate_cv,
    evaluate_test,
    fold_indices,
    gate_checks,
    learning_curve,
    training_overlap,
)
from ._metrics import (
    NO_LABEL,
    bootstrap_ci,
    classification_metrics,
    coverage_curve,
    expected_calibration_error,
    krippendorff_alpha,
    likely_label_errors,
    multiclass_brier,
    per_type_ci,
    reliability_table,
    risk_coverage_summary,
)
from ._provenance import reproducibility_record
from ._results import SCHEMA_VERSION, Calibration, EvaluationResult, MethodScores
from ._rules import rule_analysis

__all__ = [
    "ADAPTATION_SIZES",
    "BASELINES",
    "NO_LABEL",
    "OWN_WEIGHT_GRID",
    "SCHEMA_VERSION",
    "AdaptationCurve",
    "AdaptationPoint",
    "AddedCorpus",
    "Calibration",
    "CrossValResult",
    "EvaluationResult",
    "FileAgreement",
    "Forecast",
    "MethodScores",
    "WeightChoice",
    "adaptation_curve",
    "agreement",
    "agreement_from_files",
    "bootstrap_ci",
    "check_gate",
    "choose_own_weight",
    "classification_metrics",
    "coverage_curve",
    "cross_validate",
    "evaluate_cv",
    "evaluate_test",
    "expected_calibration_error",
    "fit_with_corpus",
    "fleiss_kappa",
    "fold_indices",
    "gate_checks",
    "krippendorff_alpha",
    "learning_curve",
    "likely_label_errors",
    "multi_agreement",
    "multiclass_brier",
    "per_type_ci",
    "reliability_table",
    "reproducibility_record",
    "risk_coverage_summary",
    "rule_analysis",
    "training_overlap",
]
