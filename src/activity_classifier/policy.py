"""The prediction policy: how model probabilities and keyword rules become one labelled prediction.

``hybrid`` (the default)
    The model decides when it is confident (top probability at least ``accept_threshold``). When it is
    not, the rules may break the tie between the model's two best types; when the rules point to a type
    the model does not consider, the item is flagged ``model_rules_disagree``. Items whose final
    probability is below ``review_threshold`` are flagged ``low_confidence``.
``model``
    The model's top type; flagged ``low_confidence`` below ``review_threshold``.
``rules``
    The rules' top type; flagged ``no_rule_matched`` when every rule abstains and ``rules_tied`` when the
    top type holds less than half of the matched weight.

With a target accuracy (:func:`activity_classifier.reliability.review_to_target`), a batch's least
reliable items are flagged ``below_target_accuracy`` too.

Empty texts are never dropped: they get no label and the reason ``empty_text``; texts cut to the maximum
length get ``text_truncated``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

import numpy as np

from .rules import RuleResult
from .taxonomy import get_taxonomy

__all__ = ["METHODS", "Method", "PolicySettings", "Prediction", "ReviewReason", "decide", "rule_proba"]

Method = Literal["hybrid", "model", "rules"]
METHODS: tuple[Method, ...] = ("hybrid", "model", "rules")


class ReviewReason(StrEnum):
    """Why an item is flagged for review; the values are the strings written in ``review_reason``.

    Examples
    --------
    >>> ReviewReason.LOW_CONFIDENCE == "low_confidence"
    True
    >>> ";".join([ReviewReason.LOW_CONFIDENCE, ReviewReason.TEXT_TRUNCATED])
    'low_confidence;text_truncated'
    """

    EMPTY_TEXT = "empty_text"
    TEXT_TRUNCATED = "text_truncated"
    NO_RULE_MATCHED = "no_rule_matched"
    RULES_TIED = "rules_tied"
    MODEL_RULES_DISAGREE = "model_rules_disagree"
    LOW_CONFIDENCE = "low_confidence"
    BELOW_TARGET_ACCURACY = "below_target_accuracy"


@dataclass(frozen=True)
class PolicySettings:
    """Thresholds of the hybrid policy.

    Attributes
    ----------
    accept_threshold : float
        Model probability from which the model alone decides.
    review_threshold : float
        Items whose chosen label has a lower probability are flagged for review.
    tie_margin : float
        Below ``accept_threshold``, the rules may pick the model's second type when the first two are
        closer than this.
    """

    accept_threshold: float = 0.6
    review_threshold: float = 0.4
    tie_margin: float = 0.25


@dataclass(frozen=True)
class Prediction:
    """One prediction with its provenance.

    Attributes
    ----------
    label : str or None
        The type's slug; None for an empty text or when the rules abstain under ``method="rules"``.
    label_nl : str or None
        The type's Dutch name.
    group : str or None
        ``informal`` or ``formal``.
    confidence : float
        Probability of ``label`` (model) or the rules' share of matched weight (rules); 0 without a label.
    source : str
        ``model``, ``rules``, ``both`` (model and rules agree, or the rules broke a near-tie) or ``none``.
    needs_review : bool
        Whether a person should check this item.
    review_reason : str
        Why (``;``-separated), empty when no review is needed.
    alternatives : list of (str, float)
        The three most probable types with their probabilities.
    keywords : list of str
        Terms of the keyword rules that matched, for the chosen type first.
    top_terms : list of str
        The lemma features that weighed most for the chosen type (model only).
    """

    label: str | None
    label_nl: str | None
    group: str | None
    confidence: float
    source: str
    needs_review: bool
    review_reason: str
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    top_terms: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        d = asdict(self)
        d["alternatives"] = [[lab, round(p, 4)] for lab, p in self.alternatives]
        d["confidence"] = round(self.confidence, 4)
        return d


def _keywords(rules: RuleResult, label: str | None) -> list[str]:
    first = list(rules.matches.get(label, ())) if label else []
    rest = [t for slug, terms in rules.matches.items() if slug != label for t in terms]
    return first + [t for t in rest if t not in first]


def _make(
    label: Any,
    confidence: float,
    source: str,
    reasons: list[ReviewReason],
    alternatives: list[tuple[str, float]],
    rules: RuleResult,
    top_terms: Sequence[str] = (),
) -> Prediction:
    tax = get_taxonomy()
    t = tax[label] if isinstance(label, str) and label in tax else None
    return Prediction(
        label=label,
        label_nl=t.name_nl if t else None,
        group=t.group if t else None,
        confidence=float(confidence),
        source=source,
        needs_review=bool(reasons),
        review_reason=";".join(reasons),
        alternatives=alternatives,
        keywords=_keywords(rules, label),
        top_terms=list(top_terms),
    )


def rule_proba(rules: RuleResult, classes: Sequence[str]) -> np.ndarray:
    """Return the rules' scores normalised to sum to 1 (uniform when every rule abstains)."""
    scores = np.array([rules.scores.get(c, 0.0) for c in classes], dtype=float)
    total = scores.sum()
    return scores / total if total else np.full(len(classes), 1.0 / len(classes))


def decide(
    method: Method,
    classes: Sequence[str],
    rules: RuleResult,
    proba: np.ndarray | None,
    settings: PolicySettings,
    *,
    empty: bool = False,
    truncated: bool = False,
    top_terms_for: Any = None,
) -> Prediction:
    """Turn one item's model probabilities and rule result into a :class:`Prediction`.

    Parameters
    ----------
    method : {"hybrid", "model", "rules"}
        The policy.
    classes : sequence of str
        The slugs in the order of ``proba``.
    rules : RuleResult
        The keyword rules' result for the item.
    proba : ndarray of shape (n_classes,) or None
        Calibrated model probabilities; None when no model is available (the rules decide).
    settings : PolicySettings
        Thresholds.
    empty, truncated : bool
        Whether the text was empty, or cut to the maximum length.
    top_terms_for : callable, optional
        ``label -> list of str``, the features that weighed most for a label.

    Returns
    -------
    Prediction
    """
    extra = [ReviewReason.TEXT_TRUNCATED] if truncated else []
    if empty:
        return _make(None, 0.0, "none", [ReviewReason.EMPTY_TEXT], [], rules)
    if method != "rules" and proba is None:
        method = "rules"
    if method == "rules":
        rp = rule_proba(rules, classes)
        order = np.argsort(-rp, kind="stable")
        alternatives = [(classes[i], float(rp[i])) for i in order[:3]] if not rules.abstained else []
        if rules.abstained:
            return _make(None, 0.0, "none", [ReviewReason.NO_RULE_MATCHED, *extra], [], rules)
        label = classes[int(order[0])]
        tied = [] if rules.margin > 0.5 else [ReviewReason.RULES_TIED]
        return _make(label, float(rp[order[0]]), "rules", tied + extra, alternatives, rules)

    assert proba is not None
    order = np.argsort(-proba, kind="stable")
    alternatives = [(classes[i], float(proba[i])) for i in order[:3]]
    top1, top2 = classes[int(order[0])], classes[int(order[1])]
    p1, p2 = float(proba[order[0]]), float(proba[order[1]])
    label, source = top1, "model"
    reasons: list[ReviewReason] = []
    rule_top = rules.top
    if method == "hybrid":
        if rule_top == top1:
            source = "both"
        elif p1 < settings.accept_threshold and rule_top is not None and rules.margin > 0.5:
            if rule_top == top2 and p1 - p2 < settings.tie_margin:
                label, source = top2, "both"
            else:
                reasons.append(ReviewReason.MODEL_RULES_DISAGREE)
    confidence = float(proba[list(classes).index(label)])
    if confidence < settings.review_threshold:
        reasons.insert(0, ReviewReason.LOW_CONFIDENCE)
    terms = top_terms_for(label) if top_terms_for is not None else []
    return _make(label, confidence, source, reasons + extra, alternatives, rules, terms)
