"""Confidence that holds on unfamiliar writing: reliability scores, a target accuracy, a shift report.

The hybrid policy's confidence is the probability of the chosen type. On descriptions by writers the
model never saw it is too high, so this module turns each prediction into an *expected correctness*
learnt from out-of-fold predictions of writer-grouped cross-validation (``activity-classifier train``
computes them): a logistic regression on a few signals (:data:`SIGNALS`)

``confidence``
    the hybrid confidence (as a logit);
``margin``
    the gap between the model's two most probable types;
``unknown_share``
    the share of the text's words that are not in the training vocabulary;
``centroid_similarity``
    the cosine similarity of the text's word TF-IDF vector to the nearest per-type training centroid;
``word_char_disagree``
    1 when the word features alone and the character features alone prefer different types;
``rules_disagree``
    1 when the keyword rules matched and point to another type than the chosen one.

Only the signals that lowered the area under the risk-coverage curve are kept (``KEPT_SIGNALS``; see
``scripts/reliability_signals.py`` and the README): on the bundled corpus none of the unfamiliarity signals
improved on the confidence alone, so the default is the confidence, recalibrated across writers; the
unknown-word share is still reported per batch. The fitted weights, the risk-coverage curve of the score on the
out-of-fold predictions and the training data's own unknown-word share are stored in the model's
metadata as ``reliability`` (:class:`Reliability`, validated on load).

With a target accuracy ``A`` (:func:`review_to_target`), the items of a batch are sorted by expected
correctness and the fewest are flagged (``below_target_accuracy``) such that the mean expected correctness
of the accepted ones reaches ``A``; :class:`BatchReport` says how many were accepted, their expected
accuracy, and whether the batch looks unlike the training data.

Examples
--------
>>> import numpy as np
>>> accept, expected = select_for_target(np.array([0.99, 0.97, 0.9, 0.6]), 0.95)
>>> accept.tolist(), round(expected, 3)
([True, True, True, False], 0.953)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .analysis import Analysis
from .exceptions import InputDataError, ModelArtifactError
from .policy import Prediction, ReviewReason

if TYPE_CHECKING:
    import scipy.sparse as sp

    from ._runtime import FeatureRows

__all__ = [
    "DEFAULT_TARGET_ACCURACY",
    "KEPT_SIGNALS",
    "RELIABILITY_VERSION",
    "SIGNALS",
    "BatchReport",
    "Reliability",
    "aurc",
    "below_target_reason",
    "build_reliability",
    "check_target",
    "flag_to_target",
    "item_signals",
    "model_reliability",
    "needed_signals",
    "review_to_target",
    "risk_coverage",
    "row_scores",
    "select_for_target",
    "target_flags",
    "type_centroids",
]

#: Version of the ``reliability`` block of a model's metadata.
RELIABILITY_VERSION = 1
DEFAULT_TARGET_ACCURACY = 0.95
SIGNALS: tuple[str, ...] = (
    "confidence",
    "margin",
    "unknown_share",
    "centroid_similarity",
    "word_char_disagree",
    "rules_disagree",
)
#: The signals ``train`` uses (the others did not lower the AURC, see the module docstring).
KEPT_SIGNALS: tuple[str, ...] = ("confidence",)
#: A batch whose unknown-word share exceeds the training data's own by this factor gets the advice.
SHIFT_FACTOR = 1.5
_ADVICE = (
    "this batch looks unlike the training data: code a sample of it by hand and retrain with your own data "
    "('activity-classifier train --data ...')"
)


def check_target(target: float) -> float:
    """Return ``target`` if it lies in (0, 1], else raise :class:`InputDataError`."""
    if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < float(target) <= 1:
        raise InputDataError(f"target accuracy must lie in (0, 1], not {target!r}")
    return float(target)


# -- signals ----------------------------------------------------------------------------------------
def type_centroids(word_features: sp.spmatrix, y: np.ndarray, classes: Any) -> sp.csr_matrix:
    """L2-normalised mean word TF-IDF vector of each type's training texts, shape ``(n_classes, n_words)``."""
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    rows = []
    for c in classes:
        mask = np.asarray(y == c)
        rows.append(sp.csr_matrix(word_features[mask].mean(axis=0)))
    centroids = normalize(sp.vstack(rows, format="csr"), norm="l2")
    centroids.data = centroids.data.astype(np.float32)
    return centroids.tocsr()


@lru_cache(maxsize=200_000)
def _has_letter(word: str) -> bool:
    return any(ch.isalpha() for ch in word)


def _unknown_share(doc: Analysis, vocabulary: Mapping[str, int]) -> float:
    words = [w for w in doc.lemmas if _has_letter(w)]
    if not words:
        return 0.0
    return sum(w not in vocabulary for w in words) / len(words)


#: The signals that need the texts' feature matrix (computed only when asked for).
_FEATURE_SIGNALS = frozenset({"centroid_similarity", "word_char_disagree"})


def item_signals(
    model: Any,
    docs: Sequence[Analysis],
    predictions: Sequence[Prediction],
    needed: Collection[str] | None = None,
    *,
    rows: FeatureRows | None = None,
) -> np.ndarray:
    """Return the :data:`SIGNALS` of each prediction, shape ``(n, len(SIGNALS))`` (NaN where unavailable).

    Parameters
    ----------
    model : ActivityClassifier or Predictor
        The fitted classifier that made the predictions.
    docs : sequence of Analysis
        The analysed texts.
    predictions : sequence of Prediction
        Its predictions for them (any method).
    needed : collection of str, optional
        Only these signals need to be right (the others may be NaN): with neither ``centroid_similarity``
        nor ``word_char_disagree`` among them the texts are not featurised again. None: all of them.
    rows : FeatureRows, optional
        The texts' feature rows, if already computed (saves featurising them again).
    """
    from ._runtime import as_predictor

    predictor = as_predictor(model)
    n = len(docs)
    out = np.full((n, len(SIGNALS)), np.nan)
    if not n:
        return out
    classes = predictor.classes
    featurizer = predictor.featurizer
    vocabulary = featurizer.word_vocabulary
    similarity = np.full(n, np.nan)
    word_pred = char_pred = np.zeros(n, dtype=int)
    featurised = needed is None or bool(_FEATURE_SIGNALS & set(needed))
    if featurised:
        if rows is None:
            rows = featurizer.transform(docs)
        n_word = featurizer.n_word
        word_pred = char_pred = (predictor.coef_dot(rows, 0, n_word) + predictor.intercept).argmax(axis=1)
        if featurizer.n_char:
            char_scores = predictor.coef_dot(rows, n_word, n_word + featurizer.n_char) + predictor.intercept
            char_pred = char_scores.argmax(axis=1)
        if predictor.centroids is not None:
            similarity = rows.dot(predictor.centroids, 0, n_word).max(axis=1)
    for i, (doc, pred) in enumerate(zip(docs, predictions, strict=True)):
        if pred.label is None:
            continue
        probs = sorted((p for _, p in pred.alternatives), reverse=True)
        conf = min(max(pred.confidence, 1e-4), 1 - 1e-4)
        rule_top = doc.rules.top
        out[i] = (
            math.log(conf / (1 - conf)),
            probs[0] - probs[1] if len(probs) > 1 else 1.0,
            _unknown_share(doc, vocabulary),
            similarity[i],
            float(word_pred[i] != char_pred[i]),
            float(rule_top is not None and rule_top != pred.label and pred.label in classes),
        )
    if not featurised:
        out[:, SIGNALS.index("word_char_disagree")] = np.nan
    return out


# -- the stored model of expected correctness -----------------------------------------------------
def risk_coverage(score: Any, correct: Any, points: int = 50) -> list[dict[str, float]]:
    """Risk-coverage curve: accept the items with a score at least ``threshold``.

    Returns
    -------
    list of dict
        ``threshold``, ``coverage`` (share accepted) and ``accuracy`` (of the accepted), from the highest
        threshold (fewest accepted) down to accepting everything; at most ``points`` + 1 rows.

    Examples
    --------
    >>> [round(r["accuracy"], 2) for r in risk_coverage([0.9, 0.8, 0.3], [True, True, False], points=3)]
    [1.0, 1.0, 0.67]
    """
    s = np.asarray(score, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if not len(s):
        return []
    order = np.argsort(-s, kind="stable")
    cum = np.cumsum(ok[order]) / np.arange(1, len(s) + 1)
    ks = sorted({max(1, round(len(s) * q)) for q in np.linspace(1 / points, 1, points)})
    return [{"threshold": float(s[order[k - 1]]), "coverage": k / len(s), "accuracy": float(cum[k - 1])} for k in ks]


def aurc(score: Any, correct: Any) -> float:
    """Area under the risk-coverage curve (mean error rate of the accepted, over all coverages; lower is better).

    Examples
    --------
    >>> round(aurc([0.9, 0.8, 0.3], [True, True, False]), 3)
    0.111
    """
    s = np.asarray(score, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if not len(s):
        return float("nan")
    order = np.argsort(-s, kind="stable")
    risk = np.cumsum(~ok[order]) / np.arange(1, len(s) + 1)
    return float(risk.mean())


@dataclass(frozen=True)
class Reliability:
    """Expected correctness of a prediction, learnt on writer-grouped out-of-fold predictions.

    Attributes
    ----------
    signals : tuple of str
        The :data:`SIGNALS` used, in the order of ``coef``.
    coef : tuple of float
        Logistic-regression weights of the standardised signals.
    intercept : float
    mean, scale : tuple of float
        Standardisation of each signal.
    curve : list of dict
        Risk-coverage curve of the score on those predictions (see :func:`risk_coverage`).
    unknown_word_share : float
        Mean unknown-word share of the training texts against the vocabulary of the folds they were held
        out of (the training data's own, for the shift report).
    source : str
        How the out-of-fold predictions were made.
    version : int
        :data:`RELIABILITY_VERSION`.
    """

    signals: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    curve: list[dict[str, float]] = field(default_factory=list)
    unknown_word_share: float = 0.0
    source: str = ""
    version: int = RELIABILITY_VERSION

    def expected_correctness(self, signals: np.ndarray) -> np.ndarray:
        """Probability that each prediction is right, from its :data:`SIGNALS` row (0 where none)."""
        cols = [SIGNALS.index(s) for s in self.signals]
        x = np.asarray(signals, dtype=float)[:, cols]
        missing = np.isnan(x)
        x = np.where(missing, np.asarray(self.mean), x)
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        p = 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))
        # No label (empty text, rules abstained): nothing can be right.
        return np.where(np.isnan(np.asarray(signals, dtype=float)[:, 0]), 0.0, p)

    def to_dict(self) -> dict[str, Any]:
        """Return the ``reliability`` block of the metadata."""
        return {
            "version": self.version,
            "source": self.source,
            "signals": list(self.signals),
            "coef": list(self.coef),
            "intercept": self.intercept,
            "mean": list(self.mean),
            "scale": list(self.scale),
            "unknown_word_share": self.unknown_word_share,
            "risk_coverage": self.curve,
        }

    @classmethod
    def from_dict(cls, block: Mapping[str, Any], where: str = "metadata") -> Reliability:
        """Read and validate a ``reliability`` block.

        Raises
        ------
        ModelArtifactError
            If the block is of another version or malformed (naming what is wrong).
        """

        def bad(what: str) -> ModelArtifactError:
            return ModelArtifactError(f"{where}: reliability block {what}; retrain the model")

        if not isinstance(block, Mapping):
            raise bad("is not an object")
        if block.get("version") != RELIABILITY_VERSION:
            raise bad(f"has version {block.get('version')!r}, expected {RELIABILITY_VERSION}")
        signals = block.get("signals")
        if not isinstance(signals, list) or not signals or any(s not in SIGNALS for s in signals):
            raise bad(f"names unknown signals {signals!r}")
        numbers: dict[str, tuple[float, ...]] = {}
        for key in ("coef", "mean", "scale"):
            values = block.get(key)
            if (
                not isinstance(values, list)
                or len(values) != len(signals)
                or not all(isinstance(v, int | float) and math.isfinite(v) for v in values)
            ):
                raise bad(f"has a malformed {key!r}")
            numbers[key] = tuple(float(v) for v in values)
        if any(v <= 0 for v in numbers["scale"]):
            raise bad("has a non-positive 'scale'")
        curve = block.get("risk_coverage")
        if not isinstance(curve, list) or not curve:
            raise bad("has no risk_coverage curve")
        for point in curve:
            if not isinstance(point, Mapping) or not all(
                isinstance(point.get(k), int | float) for k in ("threshold", "coverage", "accuracy")
            ):
                raise bad("has a malformed risk_coverage point")
            if not (0 <= point["coverage"] <= 1 and 0 <= point["accuracy"] <= 1):
                raise bad("has a risk_coverage point outside [0, 1]")
        intercept = block.get("intercept")
        share = block.get("unknown_word_share")
        if not isinstance(intercept, int | float) or not isinstance(share, int | float):
            raise bad("has a malformed intercept or unknown_word_share")
        return cls(
            signals=tuple(str(s) for s in signals),
            coef=numbers["coef"],
            intercept=float(intercept),
            mean=numbers["mean"],
            scale=numbers["scale"],
            curve=[{k: float(p[k]) for k in ("threshold", "coverage", "accuracy")} for p in curve],
            unknown_word_share=float(share),
            source=str(block.get("source", "")),
        )


def build_reliability(
    signals: np.ndarray,
    correct: Sequence[bool],
    *,
    use: Sequence[str] = SIGNALS,
    source: str = "",
) -> Reliability:
    """Fit the expected-correctness model on out-of-fold signals and whether each prediction was right.

    Rows without a label (NaN confidence) are left out. Signals that never vary are dropped.
    """
    from sklearn.linear_model import LogisticRegression

    x_all = np.asarray(signals, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    keep = ~np.isnan(x_all[:, 0])
    names = [s for s in use if np.nanstd(x_all[keep, SIGNALS.index(s)]) > 0]
    cols = [SIGNALS.index(s) for s in names]
    x = x_all[keep][:, cols]
    mean = np.nanmean(x, axis=0)
    x = np.where(np.isnan(x), mean, x)
    scale = x.std(axis=0)
    fitted = LogisticRegression(C=1.0, max_iter=1000).fit((x - mean) / scale, ok[keep])
    rel = Reliability(
        signals=tuple(names),
        coef=tuple(float(c) for c in fitted.coef_[0]),
        intercept=float(fitted.intercept_[0]),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        unknown_word_share=float(np.nanmean(x_all[keep, SIGNALS.index("unknown_share")])),
        source=source,
    )
    score = rel.expected_correctness(x_all)
    return replace(rel, curve=risk_coverage(score[keep], ok[keep]))


# -- a target accuracy ----------------------------------------------------------------------------
def select_for_target(expected: np.ndarray, target: float) -> tuple[np.ndarray, float]:
    """Accept the most items whose mean expected correctness reaches ``target``, the most likely right first.

    Returns
    -------
    (ndarray of bool, float)
        Which items are accepted, and the expected accuracy of those (NaN when none is).
    """
    p = np.asarray(expected, dtype=float)
    accept = np.zeros(len(p), dtype=bool)
    if not len(p):
        return accept, float("nan")
    order = np.argsort(-p, kind="stable")
    running = np.cumsum(p[order]) / np.arange(1, len(p) + 1)
    ok = np.flatnonzero(running >= target - 1e-12)
    if not len(ok):
        return accept, float("nan")
    k = int(ok.max()) + 1
    accept[order[:k]] = True
    return accept, float(running[k - 1])


@dataclass(frozen=True)
class BatchReport:
    """How a batch compares with the training data, and what the target accuracy did.

    Attributes
    ----------
    rows : int
    flagged : int
        Rows flagged for review (for any reason).
    accepted : int
        Rows not flagged.
    target_accuracy : float or None
        None when no target was applied (the model has no reliability block).
    expected_accuracy : float or None
        Expected accuracy of the accepted rows.
    unknown_word_share : float or None
        Mean share of words unknown to the training vocabulary.
    training_unknown_word_share : float or None
        The training data's own (held-out writers against the other writers' vocabulary).
    advice : str
        A one-line advice when the batch looks unlike the training data, else empty.
    """

    rows: int
    flagged: int
    accepted: int
    target_accuracy: float | None = None
    expected_accuracy: float | None = None
    unknown_word_share: float | None = None
    training_unknown_word_share: float | None = None
    advice: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict (the ``shift`` block of ``metrics.json``)."""
        return {
            "rows": self.rows,
            "flagged": self.flagged,
            "flagged_share": self.flagged / self.rows if self.rows else 0.0,
            "accepted": self.accepted,
            "target_accuracy": self.target_accuracy,
            "expected_accuracy": self.expected_accuracy,
            "unknown_word_share": self.unknown_word_share,
            "training_unknown_word_share": self.training_unknown_word_share,
            "advice": self.advice,
        }

    @classmethod
    def from_dict(cls, block: Mapping[str, Any]) -> BatchReport:
        """Read :meth:`to_dict` back (keys that are not fields, such as ``flagged_share``, are ignored)."""
        return cls(**{k: block[k] for k in cls.__dataclass_fields__ if k in block})

    def summary(self) -> str:
        """One line for the command line's summary.

        Examples
        --------
        >>> BatchReport(10, 2, 8, 0.95, 0.96, 0.08, 0.05).summary()
        '8 of 10 accepted (expected accuracy 96.0%, target 95%), 2 flagged; unknown words 8.0% (training 5.0%)'
        """
        if self.target_accuracy is not None and self.expected_accuracy is not None:
            parts = f"{self.accepted} of {self.rows} accepted (expected accuracy {self.expected_accuracy:.1%}, "
            parts += f"target {self.target_accuracy:.0%}), {self.flagged} flagged"
        elif self.target_accuracy is not None:
            parts = f"none of {self.rows} accepted: the target {self.target_accuracy:.0%} is out of reach"
        else:
            parts = f"{self.accepted} of {self.rows} accepted, {self.flagged} flagged (no target accuracy)"
        if self.unknown_word_share is not None and self.training_unknown_word_share is not None:
            parts += f"; unknown words {self.unknown_word_share:.1%} (training {self.training_unknown_word_share:.1%})"
        return parts + (f"\n{self.advice}" if self.advice else "")


def model_reliability(model: Any) -> Reliability | None:
    """Return the reliability block of a loaded model's metadata, or None (older models, fresh fits)."""
    block = getattr(model, "metadata_", {}).get("reliability")
    return None if block is None else Reliability.from_dict(block)


def row_scores(rel: Reliability | None, signals: np.ndarray) -> np.ndarray:
    """Return what the target accuracy and the shift report read of each row, shape ``(n, 2)``.

    Column 0 is the expected correctness (NaN when the model stores no reliability block), column 1 the
    unknown-word share. ``signals`` are the rows' :func:`item_signals` (at least :func:`needed_signals`).
    Each row depends on that row alone, so a file can be scored chunk by chunk and the rows put together
    for :func:`target_flags`.
    """
    out = np.full((len(signals), 2), np.nan)
    if rel is not None and len(signals):
        out[:, 0] = rel.expected_correctness(signals)
    out[:, 1] = signals[:, SIGNALS.index("unknown_share")] if len(signals) else np.nan
    return out


def target_flags(
    rel: Reliability | None, scores: np.ndarray, already: np.ndarray, target: float | None
) -> tuple[np.ndarray, BatchReport]:
    """Choose the rows to flag ``below_target_accuracy`` over a whole batch, and report on the batch.

    Parameters
    ----------
    rel : Reliability or None
        The stored reliability model (:func:`model_reliability`); None applies no target.
    scores : ndarray of shape (n, 2)
        :func:`row_scores` of every row of the batch, in order.
    already : ndarray of bool
        Rows the policy flagged already (they stay flagged with their own reasons).
    target : float or None
        In (0, 1]; None applies no target.

    Returns
    -------
    (ndarray of bool, BatchReport)
        The rows to flag in addition, and the batch report.
    """
    n = len(scores)
    already = np.asarray(already, dtype=bool)
    unknown = scores[:, 1]
    share = float(np.nanmean(unknown)) if np.isfinite(unknown).any() else None
    if target is not None:
        target = check_target(target)
    if rel is None or target is None:
        flagged = int(already.sum())
        return np.zeros(n, dtype=bool), BatchReport(n, flagged, n - flagged, unknown_word_share=share)
    expected = scores[:, 0]
    accept, _ = select_for_target(np.where(already, 0.0, expected), target)
    accept &= ~already
    expected_acc = float(expected[accept].mean()) if accept.any() else None
    advice = _ADVICE if share is not None and share > SHIFT_FACTOR * rel.unknown_word_share else ""
    report = BatchReport(
        n, int(n - accept.sum()), int(accept.sum()), target, expected_acc, share, rel.unknown_word_share, advice
    )
    return ~accept & ~already, report


def below_target_reason(reason: str) -> str:
    """Return the ``review_reason`` of a row flagged for the target accuracy, given its reasons so far.

    Examples
    --------
    >>> below_target_reason(""), below_target_reason("rules_conflict")
    ('below_target_accuracy', 'below_target_accuracy;rules_conflict')
    """
    return ";".join([ReviewReason.BELOW_TARGET_ACCURACY, *(r for r in reason.split(";") if r)])


def review_to_target(
    model: Any,
    docs: Sequence[Analysis],
    predictions: Sequence[Prediction],
    target: float | None = DEFAULT_TARGET_ACCURACY,
) -> tuple[list[Prediction], BatchReport]:
    """Flag the fewest predictions such that the accepted ones are expected to reach ``target`` accuracy.

    Flagged items get ``below_target_accuracy`` in ``review_reason``. Items already flagged by the policy
    stay flagged (with their own reasons). Without a reliability block
    in the model (older models, models not saved by ``train``) the policy's flags are kept and the report
    has no expected accuracy. It is :func:`item_signals`, :func:`row_scores` and :func:`target_flags`.

    Parameters
    ----------
    model : ActivityClassifier
        The model that made the predictions (``metadata_`` from :func:`~activity_classifier.load_model`).
    docs : sequence of Analysis
        The analysed texts.
    predictions : sequence of Prediction
    target : float or None, default=0.95
        In (0, 1]; None applies no target.

    Returns
    -------
    (list of Prediction, BatchReport)
    """
    rel = model_reliability(model)
    signals = item_signals(model, docs, predictions, needed=needed_signals(rel))
    return flag_to_target(predictions, signals, rel, target)


def needed_signals(rel: Reliability | None) -> frozenset[str]:
    """Return the signals :func:`flag_to_target` reads: those of the stored model and the unknown-word share."""
    return frozenset({"unknown_share", *(rel.signals if rel is not None else ())})


def flag_to_target(
    predictions: Sequence[Prediction],
    signals: np.ndarray,
    rel: Reliability | None,
    target: float | None = DEFAULT_TARGET_ACCURACY,
) -> tuple[list[Prediction], BatchReport]:
    """:func:`review_to_target` given the predictions' :func:`item_signals` (at least :func:`needed_signals`)."""
    preds = list(predictions)
    already = np.array([p.needs_review for p in preds], dtype=bool)
    flag, report = target_flags(rel, row_scores(rel, signals), already, target)
    out = [
        replace(p, needs_review=True, review_reason=below_target_reason(p.review_reason)) if flag[i] else p
        for i, p in enumerate(preds)
    ]
    return out, report
