import numpy as np
import pytest

from activity_classifier.policy import PolicySettings, decide, rule_proba
from activity_classifier.rules import RuleResult
from activity_classifier.taxonomy import get_taxonomy

CLASSES = list(get_taxonomy().slugs)
SETTINGS = PolicySettings(accept_threshold=0.6, review_threshold=0.4, tie_margin=0.25)


def proba(**probs):
    p = np.full(len(CLASSES), 0.0)
    for slug, value in probs.items():
        p[CLASSES.index(slug)] = value
    rest = (1 - p.sum()) / (p == 0).sum()
    p[p == 0] = rest
    return p


def rules(**scores):
    full = {s: 0.0 for s in CLASSES}
    full.update(scores)
    return RuleResult(scores=full, matches={s: (f"kw-{s}",) for s in scores})


NO_RULES = rules()


def test_confident_model_decides_alone():
    pred = decide("hybrid", CLASSES, rules(conference=2.0), proba(pd_programme=0.9), SETTINGS)
    assert pred.label == "pd_programme" and pred.source == "model" and not pred.needs_review


def test_confident_model_and_agreeing_rules_give_both():
    pred = decide("hybrid", CLASSES, rules(pd_programme=2.0), proba(pd_programme=0.9), SETTINGS)
    assert pred.source == "both" and pred.keywords == ["kw-pd_programme"]
    assert pred.label_nl == get_taxonomy()["pd_programme"].name_nl and pred.group == "formal"


def test_rules_break_a_near_tie():
    p = proba(pd_programme=0.45, conference=0.40)
    pred = decide("hybrid", CLASSES, rules(conference=2.0), p, SETTINGS)
    assert pred.label == "conference" and pred.source == "both"
    assert pred.confidence == pytest.approx(0.40)
    assert pred.alternatives[0][0] == "pd_programme"


def test_tie_not_broken_by_model_method():
    p = proba(pd_programme=0.45, conference=0.40)
    pred = decide("model", CLASSES, rules(conference=2.0), p, SETTINGS)
    assert pred.label == "pd_programme" and pred.source == "model"


def test_strong_disagreement_is_flagged():
    p = proba(pd_programme=0.5, degree_course=0.3)
    pred = decide("hybrid", CLASSES, rules(conference=4.0), p, SETTINGS)
    assert pred.label == "pd_programme"
    assert pred.needs_review and "model_rules_disagree" in pred.review_reason


def test_low_confidence_is_flagged():
    p = proba(pd_programme=0.3, degree_course=0.25)
    pred = decide("hybrid", CLASSES, NO_RULES, p, SETTINGS)
    assert pred.needs_review and pred.review_reason == "low_confidence"


def test_tied_rules_do_not_override():
    p = proba(pd_programme=0.45, conference=0.40)
    pred = decide("hybrid", CLASSES, rules(conference=2.0, degree_course=2.0), p, SETTINGS)
    assert pred.label == "pd_programme"


def test_no_model_means_rules_decide():
    pred = decide("hybrid", CLASSES, rules(conference=3.0, pd_programme=1.0), None, SETTINGS)
    assert pred.label == "conference" and pred.source == "rules"
    assert pred.confidence == pytest.approx(0.75)
    assert not pred.needs_review


def test_rules_abstain():
    pred = decide("rules", CLASSES, NO_RULES, proba(pd_programme=0.9), SETTINGS)
    assert pred.label is None and pred.needs_review and pred.review_reason == "no_rule_matched"


def test_rules_tied_flagged():
    pred = decide("rules", CLASSES, rules(conference=2.0, pd_programme=2.0), None, SETTINGS)
    assert pred.needs_review and pred.review_reason == "rules_tied"


def test_empty_text():
    pred = decide("hybrid", CLASSES, NO_RULES, proba(pd_programme=0.9), SETTINGS, empty=True)
    assert pred.label is None and pred.source == "none" and pred.review_reason == "empty_text"


def test_truncated_text_is_flagged():
    pred = decide("hybrid", CLASSES, NO_RULES, proba(pd_programme=0.9), SETTINGS, truncated=True)
    assert pred.label == "pd_programme" and pred.review_reason == "text_truncated"


def test_rule_proba_uniform_when_abstaining():
    assert rule_proba(NO_RULES, CLASSES) == pytest.approx(np.full(11, 1 / 11))


def test_as_dict_is_json_ready():
    d = decide("hybrid", CLASSES, rules(pd_programme=2.0), proba(pd_programme=0.9), SETTINGS).as_dict()
    assert set(d) >= {
        "label",
        "label_nl",
        "group",
        "confidence",
        "source",
        "needs_review",
        "review_reason",
        "alternatives",
        "keywords",
        "top_terms",
    }
    assert len(d["alternatives"]) == 3
