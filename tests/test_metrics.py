import math

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, cohen_kappa_score, f1_score, precision_recall_fscore_support

from activity_classifier.evaluation import (
    NO_LABEL,
    agreement,
    bootstrap_ci,
    classification_metrics,
    coverage_curve,
    expected_calibration_error,
    krippendorff_alpha,
    likely_label_errors,
    multiclass_brier,
    rule_analysis,
)
from activity_classifier.rules import RuleSet

GOLD = ["conference", "pd_programme", "pd_programme", "tasks_roles", "conference", "tasks_roles", "degree_course"]
PRED = ["conference", "pd_programme", "conference", "tasks_roles", "conference", None, "degree_course"]


def test_classification_metrics_match_sklearn():
    m = classification_metrics(GOLD, PRED)
    pred = [p or NO_LABEL for p in PRED]
    labels = ["tasks_roles", "pd_programme", "degree_course", "conference"]
    assert m["accuracy"] == pytest.approx(accuracy_score(GOLD, pred)) == pytest.approx(5 / 7)
    assert m["macro_f1"] == pytest.approx(f1_score(GOLD, pred, labels=labels, average="macro"))
    assert m["weighted_f1"] == pytest.approx(f1_score(GOLD, pred, labels=labels, average="weighted"))
    assert m["cohen_kappa"] == pytest.approx(cohen_kappa_score(GOLD, pred))
    p, r, f, _ = precision_recall_fscore_support(GOLD, pred, labels=["conference"])
    assert m["per_type"]["conference"] == {"precision": p[0], "recall": r[0], "f1": f[0], "support": 2}
    assert m["abstained"] == 1
    assert m["confusion"]["labels"][-1] == NO_LABEL
    assert np.array(m["confusion"]["matrix"]).sum() == 7


def test_group_level_figures():
    m = classification_metrics(GOLD, PRED)
    # formal/informal: only the tasks_roles abstention is wrong at the group level
    assert m["group_level"]["accuracy"] == pytest.approx(6 / 7)


def test_kappa_hand_computed():
    # 2x2 table [[20, 5], [10, 15]]: po = 0.7, pe = 0.5, kappa = 0.4
    a = ["x"] * 25 + ["y"] * 25
    b = ["x"] * 20 + ["y"] * 5 + ["x"] * 10 + ["y"] * 15
    assert agreement(a, b)["cohen_kappa"] == pytest.approx(0.4)
    assert agreement(a, b)["percent_agreement"] == pytest.approx(0.7)


def test_krippendorff_alpha_published_example():
    """Krippendorff (2011), 'Computing Krippendorff's alpha-reliability', nominal example: alpha = 0.743."""
    import krippendorff

    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
    ]
    assert round(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"), 3) == 0.743


def test_krippendorff_alpha_two_coders_hand_computed():
    # coincidence matrix of (a,a),(a,a),(b,b),(b,a): n=8, D_o = 2/8, D_e = 2*5*3/(8*7); alpha = 1 - D_o/D_e
    expected = 1 - (2 / 8) / (2 * 5 * 3 / (8 * 7))
    assert krippendorff_alpha(["a", "a", "b", "b"], ["a", "a", "b", "a"]) == pytest.approx(expected)
    assert krippendorff_alpha(["a", "b"], ["a", "b"]) == pytest.approx(1.0)


def test_agreement_per_type_and_disagreements():
    r = agreement(["a", "a", "b", None], ["a", "b", "b", "b"], ids=["r1", "r2", "r3", "r4"])
    assert r["per_type"]["a"] == {"a": 2, "b": 1, "agreed": 1, "specific_agreement": pytest.approx(2 / 3)}
    # r4 lacks coder A's code: a missing code (tests/test_agreement.py), not a disagreement.
    assert [d["id"] for d in r["disagreements"]] == ["r2"]
    assert [d["id"] for d in r["missing"]] == ["r4"]


def test_bootstrap_matches_point_estimates_and_brackets_them():
    rng = np.random.default_rng(1)
    labels = ["conference", "pd_programme", "tasks_roles"]
    gold = rng.choice(labels, 300).tolist()
    pred = [g if rng.random() < 0.8 else rng.choice(labels) for g in gold]
    groups = [f"t{i % 30}" for i in range(300)]
    m = classification_metrics(gold, pred)
    for grp in (None, groups):
        ci = bootstrap_ci(gold, pred, grp, n_resamples=300)
        for key in ("accuracy", "macro_f1", "cohen_kappa"):
            lo, hi = ci[key]
            assert lo < m[key] < hi
            assert hi - lo < 0.2


def test_bootstrap_resample_figures_equal_sklearn():
    from sklearn.metrics import confusion_matrix

    from activity_classifier.evaluation._metrics import _confusion_figures

    labels = sorted(set(GOLD) | {NO_LABEL})
    pred = [p or NO_LABEL for p in PRED]
    cm = confusion_matrix(GOLD, pred, labels=labels)
    acc, macro, kappa = _confusion_figures(cm, np.array([lab != NO_LABEL for lab in labels]))
    m = classification_metrics(GOLD, PRED)
    assert (acc, macro, kappa) == pytest.approx((m["accuracy"], m["macro_f1"], m["cohen_kappa"]))


def test_calibration_measures():
    classes = ["a", "b"]
    proba = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    gold = ["a", "a", "b", "b"]
    assert multiclass_brier(gold, proba, classes) == pytest.approx(np.mean([0.02, 0.08, 0.18, 0.72]))
    # bins: 0.9 (right), 0.8 (right), 0.7 (right), 0.6 (wrong) -> |1-.9|+|1-.8|+|1-.7|+|0-.6| over 4
    assert expected_calibration_error(gold, proba, classes) == pytest.approx((0.1 + 0.2 + 0.3 + 0.6) / 4)


def test_coverage_curve():
    gold = ["a", "a", "a", "a", "b"]
    pred = ["a", "a", "a", "b", "a"]
    conf = [0.99, 0.95, 0.9, 0.5, 0.4]
    cov = coverage_curve(gold, pred, conf, target=0.95)
    at_half = next(p for p in cov["curve"] if p["threshold"] == 0.5)
    assert at_half == {"threshold": 0.5, "accepted": 0.8, "accuracy": 0.75}
    assert cov["review_share_for_target"] == pytest.approx(0.4)
    assert coverage_curve(gold, pred, conf, target=1.01)["review_share_for_target"] == 1.0


def test_likely_label_errors():
    proba = np.array([[0.95, 0.05], [0.97, 0.03], [0.6, 0.4]])
    errors = likely_label_errors(["a", "b", "b"], proba, ["a", "b"])
    assert errors == [{"index": 1, "gold": "b", "predicted": "a", "p_predicted": 0.97, "p_gold": 0.03}]


def test_rule_analysis():
    texts = ["Webinar gevolgd", "Webinar op het congres", "Naar huis", "Congres bezocht"]
    gold = ["pd_programme", "conference", "pd_programme", "conference"]
    rules = RuleSet()
    report = rule_analysis(rules.apply(texts), gold, texts)
    pd_rule = report["rules"]["pd_programme"]
    assert pd_rule["coverage"] == 0.5 and pd_rule["precision"] == 0.5 and pd_rule["recall"] == 0.5
    assert pd_rule["overlaps"] == 0.5 and pd_rule["conflicts"] == 0.5
    assert pd_rule["errors"][0]["text"] == "Webinar op het congres" and pd_rule["errors"][0]["index"] == 1
    assert report["abstain_rate"] == 0.25
    webinar = next(t for t in report["terms"] if t["term"] == "webinar")
    assert webinar["fired"] == 2 and webinar["precision"] == 0.5
    assert not math.isnan(report["rules"]["conference"]["win_accuracy"])
