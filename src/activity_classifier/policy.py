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

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

import numpy as np

from .rules import RuleResult
from .taxonomy import Taxonomy, get_taxonomy

__all__ = ["METHODS", "Method", "PolicySettings", "Prediction", "ReviewReason", "decide", "decide_many", "rule_proba"]

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
    tax: Taxonomy | None = None,
) -> Prediction:
    if tax is None:
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

    def terms(labels: np.ndarray) -> list[list[str]]:
        return [top_terms_for(classes[labels[0]]) if labels[0] >= 0 else []]

    return decide_many(
        method,
        classes,
        [rules],
        None if proba is None else np.asarray(proba).reshape(1, -1),
        settings,
        empty=[empty],
        truncated=[truncated],
        top_terms_for=terms if top_terms_for is not None else None,
    )[0]


def decide_many(
    method: Method,
    classes: Sequence[str],
    rules: Sequence[RuleResult],
    proba: np.ndarray | None,
    settings: PolicySettings,
    *,
    empty: Sequence[bool],
    truncated: Sequence[bool],
    top_terms_for: Callable[[np.ndarray], Sequence[Sequence[str]]] | None = None,
) -> list[Prediction]:
    """:func:`decide` for many items at once (the same predictions, a fraction of the time per item).

    ``proba`` has shape ``(n_items, n_classes)``; ``top_terms_for(labels)`` gets the class index of every
    item's label (-1 where the model chose none) and returns each item's terms, so that the caller can
    rank the features of all items in one go once the labels are known.
    """
    if method != "rules" and proba is None:
        method = "rules"
    tax = get_taxonomy()
    if method == "rules":
        return [
            _empty(r, tax) if e else _decide_rules(classes, r, t, tax)
            for r, e, t in zip(rules, empty, truncated, strict=True)
        ]
    assert proba is not None
    # One sort for all rows (a stable sort gives each row the order it gets alone) and Python floats
    # (the same values as float(proba[i, j])): indexing NumPy scalars one by one cost most of the time.
    order = np.argsort(-proba, axis=1, kind="stable")[:, :3].tolist()
    values: list[list[float]] = proba.tolist()
    chosen: list[tuple[int, str, list[ReviewReason]]] = []
    labels = np.full(len(values), -1, dtype=np.int64)
    for i, (row, top, r, e, t) in enumerate(zip(values, order, rules, empty, truncated, strict=True)):
        if e:
            chosen.append((-1, "none", [ReviewReason.EMPTY_TEXT]))
            continue
        k1, k2 = top[0], top[1]
        top1, top2 = classes[k1], classes[k2]
        p1, p2 = row[k1], row[k2]
        label, source = k1, "model"
        reasons: list[ReviewReason] = []
        rule_top = r.top
        if method == "hybrid":
            if rule_top == top1:
                source = "both"
            elif p1 < settings.accept_threshold and rule_top is not None and r.margin > 0.5:
                if rule_top == top2 and p1 - p2 < settings.tie_margin:
                    label, source = k2, "both"
                else:
                    reasons.append(ReviewReason.MODEL_RULES_DISAGREE)
        if row[label] < settings.review_threshold:
            reasons.insert(0, ReviewReason.LOW_CONFIDENCE)
        if t:
            reasons.append(ReviewReason.TEXT_TRUNCATED)
        chosen.append((label, source, reasons))
        labels[i] = label
    terms = top_terms_for(labels) if top_terms_for is not None else None
    out = []
    for i, ((label, source, reasons), row, top, r) in enumerate(zip(chosen, values, order, rules, strict=True)):
        if label < 0:
            out.append(_empty(r, tax))
            continue
        alternatives = [(classes[k], row[k]) for k in top]
        out.append(_make(classes[label], row[label], source, reasons, alternatives, r, terms[i] if terms else (), tax))
    return out


def _empty(rules: RuleResult, tax: Taxonomy) -> Prediction:
    return _make(None, 0.0, "none", [ReviewReason.EMPTY_TEXT], [], rules, tax=tax)


def _decide_rules(classes: Sequence[str], rules: RuleResult, truncated: bool, tax: Taxonomy) -> Prediction:
    extra = [ReviewReason.TEXT_TRUNCATED] if truncated else []
    rp = rule_proba(rules, classes)
    order = np.argsort(-rp, kind="stable")
    alternatives = [(classes[i], float(rp[i])) for i in order[:3]] if not rules.abstained else []
    if rules.abstained:
        return _make(None, 0.0, "none", [ReviewReason.NO_RULE_MATCHED, *extra], [], rules, tax=tax)
    label = classes[int(order[0])]
    tied = [] if rules.margin > 0.5 else [ReviewReason.RULES_TIED]
    return _make(label, float(rp[order[0]]), "rules", tied + extra, alternatives, rules, tax=tax)
