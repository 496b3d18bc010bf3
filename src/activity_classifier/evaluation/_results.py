"""Typed evaluation results: what :func:`evaluate_cv` and :func:`evaluate_test` return.

:meth:`EvaluationResult.to_dict` is the one place that produces the content of ``metrics.json`` (its
keys are documented in ``docs/metrics.md`` and stable within :data:`SCHEMA_VERSION`);
:meth:`EvaluationResult.from_dict` reads such a dict back.

Examples
--------
>>> scores = MethodScores(n=2, accuracy=0.5, macro_f1=0.5, weighted_f1=0.5, cohen_kappa=0.0,
...                       krippendorff_alpha=0.0, abstained=0, per_type={}, group_level={}, confusion={})
>>> sorted(scores.to_dict())[:3]
['abstained', 'accuracy', 'cohen_kappa']
>>> "ci95" in scores.to_dict()  # optional blocks are left out when absent
False
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..reliability import Reliability

__all__ = ["SCHEMA_VERSION", "Calibration", "EvaluationResult", "MethodScores"]

#: Version of the ``metrics.json`` schema; raised only when the JSON changes (2: ``risk_coverage`` per
#: method, ``reliability``, ``shift``, ``baseline_training``, ``reproducibility``, per-type ``ci95``).
SCHEMA_VERSION = 2


def _without_none(pairs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in pairs.items() if v is not None}


@dataclass
class MethodScores:
    """The figures of one method or baseline (a block of ``methods`` in ``metrics.json``).

    The first ten attributes are those of :func:`~activity_classifier.evaluation.classification_metrics`;
    the last three are present only where computed.

    Attributes
    ----------
    n, accuracy, macro_f1, weighted_f1, cohen_kappa, krippendorff_alpha, abstained
        Agreement with the gold labels (abstentions count as errors).
    per_type : dict
        Slug -> ``precision``, ``recall``, ``f1``, ``support``.
    group_level : dict
        ``accuracy``, ``cohen_kappa``, ``krippendorff_alpha`` on informal versus formal.
    confusion : dict
        ``labels`` and ``matrix`` (rows are gold labels).
    ci95 : dict or None
        Metric -> ``[low, high]``, the 95% bootstrap interval.
    flagged_for_review : float or None
        Share of items the method flags for review (the classifier's methods only).
    coverage : dict or None
        The coverage curve, see :func:`~activity_classifier.evaluation.coverage_curve`.
    risk_coverage : dict or None
        ``aurc``, ``accuracy_at_coverage`` (``"0.9"``, ``"0.8"``, ``"0.6"``) and ``curve``, see
        :func:`~activity_classifier.evaluation.risk_coverage_summary`.
    """

    n: int
    accuracy: float
    macro_f1: float
    weighted_f1: float
    cohen_kappa: float
    krippendorff_alpha: float
    abstained: int
    per_type: dict[str, dict[str, Any]]
    group_level: dict[str, float]
    confusion: dict[str, Any]
    ci95: dict[str, list[float]] | None = None
    flagged_for_review: float | None = None
    coverage: dict[str, Any] | None = None
    risk_coverage: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the block as it appears in ``metrics.json``."""
        return _without_none({f.name: getattr(self, f.name) for f in fields(self)})

    @classmethod
    def from_dict(cls, block: Mapping[str, Any]) -> MethodScores:
        """Read a block of ``methods`` back (unknown keys are ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in block.items() if k in names})


@dataclass
class Calibration:
    """How well the model's probabilities are calibrated.

    Attributes
    ----------
    brier : float
        Multiclass Brier score (0 is perfect).
    ece : float
        Expected calibration error of the top-label confidence.
    reliability : list of dict
        The bins of the reliability diagram: ``low``, ``high``, ``count``, ``confidence``, ``accuracy``.
    """

    brier: float
    ece: float
    reliability: list[dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        """Return the block as it appears in ``metrics.json``."""
        return {"brier": self.brier, "ece": self.ece, "reliability": self.reliability}


@dataclass
class EvaluationResult:
    """An evaluation of every method (and the baselines) on one labelled set.

    Attributes
    ----------
    kind : {"cross_validation", "test"}
        Grouped cross-validation, or a fitted model on held-out data.
    data : dict
        What was evaluated on (file, SHA-256, rows, groups).
    settings : dict
        How: folds, grouping, random state, bootstrap resamples, estimator settings.
    methods : dict
        Method or baseline -> :class:`MethodScores`.
    rules : dict
        The keyword-rule analysis, see :func:`~activity_classifier.evaluation.rule_analysis`.
    seconds : dict
        Where the time went, per stage, and ``total``.
    model : dict or None
        The evaluated model (held-out tests only): package, creation time, training data, the
        cross-validated metrics stored with it.
    calibration : Calibration or None
        When model probabilities were available.
    likely_label_errors, misclassified : list of dict or None
        Example rows (with ``row``, ``id``, ``text``).
    learning_curve : list of dict or None
        When computed: ``fraction``, ``rows``, ``macro_f1``, ``macro_f1_sd`` per point.
    baseline_training : dict or None
        Baseline -> what it was trained on (``source``, ``file``, ``sha256``, ``rows``); None without baselines.
    reproducibility : dict or None
        Versions, date, command line and data hashes, see
        :func:`~activity_classifier.evaluation.reproducibility_record`.
    reliability : dict or None
        Cross-validation only: the expected-correctness model fitted on the out-of-fold hybrid
        predictions (:class:`~activity_classifier.reliability.Reliability`; ``train`` stores it with the model).
    shift : dict or None
        Held-out tests only: the batch's shift report and the target accuracy's outcome, see
        :class:`~activity_classifier.reliability.BatchReport`, plus ``accepted_accuracy``, measured.
    adaptation_curve : dict or None
        When computed: macro-F1 and kappa against the number of the user's own coded rows, with and
        without an added corpus, and the forecast (see
        :meth:`~activity_classifier.evaluation.AdaptationCurve.to_dict`).
    schema_version : int
        :data:`SCHEMA_VERSION`.
    """

    kind: Literal["cross_validation", "test"]
    data: dict[str, Any]
    settings: dict[str, Any]
    methods: dict[str, MethodScores]
    rules: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)
    model: dict[str, Any] | None = None
    calibration: Calibration | None = None
    likely_label_errors: list[dict[str, Any]] | None = None
    misclassified: list[dict[str, Any]] | None = None
    learning_curve: list[dict[str, float]] | None = None
    baseline_training: dict[str, dict[str, Any]] | None = None
    reproducibility: dict[str, Any] | None = None
    reliability: dict[str, Any] | None = None
    shift: dict[str, Any] | None = None
    adaptation_curve: dict[str, Any] | None = None
    schema_version: int = SCHEMA_VERSION

    @property
    def reliability_model(self) -> Reliability | None:
        """``reliability`` as a validated :class:`~activity_classifier.reliability.Reliability`, or None."""
        from ..reliability import Reliability

        return None if self.reliability is None else Reliability.from_dict(self.reliability, "metrics")

    def to_dict(self) -> dict[str, Any]:
        """Return the content of ``metrics.json`` (blocks that were not computed are left out)."""
        return _without_none(
            {
                "schema_version": self.schema_version,
                "kind": self.kind,
                "data": self.data,
                "model": self.model,
                "settings": self.settings,
                "methods": {name: scores.to_dict() for name, scores in self.methods.items()},
                "calibration": None if self.calibration is None else self.calibration.to_dict(),
                "likely_label_errors": self.likely_label_errors,
                "rules": self.rules,
                "misclassified": self.misclassified,
                "learning_curve": self.learning_curve,
                "baseline_training": self.baseline_training,
                "reproducibility": self.reproducibility,
                "reliability": self.reliability,
                "shift": self.shift,
                "adaptation_curve": self.adaptation_curve,
                "seconds": self.seconds,
            }
        )

    @classmethod
    def from_dict(cls, metrics: Mapping[str, Any]) -> EvaluationResult:
        """Read the content of a ``metrics.json`` back."""
        calibration = metrics.get("calibration")
        return cls(
            kind=metrics["kind"],
            data=dict(metrics.get("data", {})),
            settings=dict(metrics.get("settings", {})),
            methods={name: MethodScores.from_dict(block) for name, block in metrics["methods"].items()},
            rules=dict(metrics.get("rules", {})),
            seconds=dict(metrics.get("seconds", {})),
            model=metrics.get("model"),
            calibration=None if calibration is None else Calibration(**calibration),
            likely_label_errors=metrics.get("likely_label_errors"),
            misclassified=metrics.get("misclassified"),
            learning_curve=metrics.get("learning_curve"),
            baseline_training=metrics.get("baseline_training"),
            reproducibility=metrics.get("reproducibility"),
            reliability=metrics.get("reliability"),
            shift=metrics.get("shift"),
            adaptation_curve=metrics.get("adaptation_curve"),
            schema_version=int(metrics.get("schema_version", SCHEMA_VERSION)),
        )
