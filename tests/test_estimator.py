import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from activity_classifier import ActivityClassifier
from activity_classifier.exceptions import InputDataError, NotFittedError


@pytest.fixture(scope="module")
def fitted(tiny_data):
    texts, labels = tiny_data
    return ActivityClassifier(calibration_folds=2).fit(texts, labels)


def test_init_only_stores_params():
    clf = ActivityClassifier(C=3.0, method="rules", lexicon="does-not-exist.toml")
    assert clf.get_params()["C"] == 3.0 and clf.lexicon == "does-not-exist.toml"
    assert not hasattr(clf, "classes_")


def test_clone_and_params_round_trip():
    clf = ActivityClassifier(C=2.0, rule_weight=0.7, method="model")
    params = clf.get_params()
    other = clone(clf)
    assert other.get_params() == params and other is not clf
    other.set_params(C=5.0, method="rules")
    assert other.C == 5.0 and other.method == "rules"
    assert ActivityClassifier(**params).get_params() == params


def test_fit_returns_self_and_sets_learned_state(tiny_data):
    texts, labels = tiny_data
    clf = ActivityClassifier(calibration_folds=2)
    assert clf.fit(texts, labels) is clf
    assert list(clf.classes_) == sorted(set(labels))
    assert clf.n_train_ == len(texts)


def test_not_fitted_error():
    with pytest.raises(NotFittedError, match="not fitted"):
        ActivityClassifier().predict(["Webinar gevolgd"])
    with pytest.raises(SklearnNotFittedError):
        ActivityClassifier().predict_proba(["Webinar gevolgd"])


def test_deterministic_given_seed(tiny_data):
    texts, labels = tiny_data
    a = ActivityClassifier(calibration_folds=2, random_state=3).fit(texts, labels)
    b = ActivityClassifier(calibration_folds=2, random_state=3).fit(texts, labels)
    new = ["Webinar gevolgd over toetsen", "Congres bezocht", "Een boek gelezen"]
    np.testing.assert_array_equal(a.predict_proba(new), b.predict_proba(new))


def test_predict_proba_is_a_distribution_without_zeros(fitted):
    p = fitted.predict_proba(["Webinar gevolgd", "Twee dagen congres", "Met collega gesproken", "?"])
    assert p.shape == (4, 4)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert (p > 0).all()


def test_predicts_sensible_labels(fitted):
    pred = fitted.predict(["Een webinar over toetsen gevolgd", "Naar het jaarcongres geweest"])
    assert pred.tolist() == ["pd_programme", "conference"]


def test_decision_function_shape(fitted):
    assert fitted.decision_function(["Webinar gevolgd", "Boek gelezen"]).shape == (2, 4)


def test_methods(fitted):
    texts = ["Ik heb een artikel gelezen", "Mooi weer vandaag"]
    assert fitted.set_params(method="rules").predict(texts).tolist() == ["information_sources", None]
    fitted.set_params(method="hybrid")
    assert fitted.predict(texts)[0] == "information_sources"


def test_explain_provenance(fitted):
    pred, empty = fitted.explain(["Twee dagen op het onderwijscongres in Utrecht", "   "])
    assert pred.label == "conference" and pred.group == "formal"
    assert 0 < pred.confidence <= 1 and pred.source in {"model", "both"}
    assert len(pred.alternatives) == 3 and pred.alternatives[0][0] == "conference"
    assert "onderwijscongres" in pred.keywords
    assert pred.top_terms and all(not t.startswith("char:") for t in pred.top_terms)
    assert empty.label is None and empty.needs_review and empty.review_reason == "empty_text"


def test_works_with_cross_val_predict(tiny_data):
    texts, labels = tiny_data
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    proba = cross_val_predict(
        ActivityClassifier(calibration=None), np.array(texts, dtype=object), labels, cv=cv, method="predict_proba"
    )
    assert proba.shape == (len(texts), 4)
    assert (proba > 0).all()


def test_rare_type_gets_uncalibrated_but_nonzero_probability():
    texts = ["Webinar gevolgd", "Workshop gevolgd", "Training gehad", "Congres bezocht"]
    clf = ActivityClassifier().fit(texts, ["pd_programme"] * 3 + ["conference"])
    p = clf.predict_proba(["Webinar", "Symposium"])
    assert (p > 0).all() and p.shape == (2, 2)


@pytest.mark.parametrize(
    ("texts", "labels", "message"),
    [
        (["a b", "c d"], ["pd_programme"], "2 texts but y has 1"),
        (["Webinar gevolgd", "Congres"], ["pd_programme", "congress"], "unknown label 'congress'"),
        (["Webinar gevolgd", ""], ["pd_programme", "conference"], "index 1 of the training data is empty"),
        (["Webinar gevolgd", "Workshop"], ["pd_programme", "pd_programme"], "at least two different labels"),
    ],
)
def test_fit_validation(texts, labels, message):
    with pytest.raises(InputDataError, match=message):
        ActivityClassifier(calibration=None).fit(texts, labels)


def test_single_string_is_refused(fitted):
    with pytest.raises(InputDataError, match="single string"):
        fitted.predict("Webinar gevolgd")


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ({"method": "magic"}, "method must be one of"),
        ({"calibration": "platt"}, "calibration must be"),
        ({"review_threshold": 2.0}, r"must lie in \[0, 1\]"),
    ],
)
def test_invalid_params_fail_at_fit(tiny_data, param, message):
    texts, labels = tiny_data
    with pytest.raises(ValueError, match=message):
        ActivityClassifier(**param).fit(texts, labels)


def test_accepts_ids_as_labels(tiny_data):
    texts, labels = tiny_data
    ids = {"pd_programme": "F1", "conference": "F4", "information_sources": "I4", "interaction_collaboration": "I2"}
    clf = ActivityClassifier(calibration=None).fit(texts, [ids[lab] for lab in labels])
    assert "conference" in clf.classes_


def test_fast_char_transform_equals_sklearn(fitted):
    # The runtime's featurizer (what prediction runs) equals the fitted vectorizers' own transform.
    docs = fitted.analyse(["Webinar gevolgd, daarna (zelf) geëvalueerd!", "", "Teamoverleg en TEAMOVERLEG", "xq"])
    fast = fitted._features(docs)
    n_word, n_char = len(fitted.word_vectorizer_.vocabulary_), len(fitted.char_vectorizer_.vocabulary_)
    for block, vectorizer in (
        (fast[:, :n_word], fitted.word_vectorizer_),
        (fast[:, n_word : n_word + n_char], fitted.char_vectorizer_),
    ):
        slow = vectorizer.transform(docs)
        assert block.shape == slow.shape
        np.testing.assert_allclose(block.toarray(), slow.toarray(), atol=1e-12)


def test_declares_text_input():
    from sklearn.utils import get_tags

    tags = get_tags(ActivityClassifier())
    assert tags.input_tags.string and not tags.input_tags.two_d_array


def test_fit_and_explain_take_an_analysis_by_keyword(tiny_data, fitted):
    texts, labels = tiny_data
    analysis = ActivityClassifier().build_analyzer().analyse(texts)
    clf = ActivityClassifier(calibration_folds=2).fit(texts, labels, analysis=analysis)
    new = ["Webinar over toetsen gevolgd", "Naar het jaarcongres geweest"]
    np.testing.assert_allclose(clf.predict_proba(new), fitted.predict_proba(new))
    docs = clf.analyse(new)
    assert [p.as_dict() for p in clf.explain(new, analysis=docs)] == [p.as_dict() for p in clf.explain(new)]


def test_an_analysis_made_with_another_lexicon_is_refused(tiny_data, fitted):
    texts, labels = tiny_data
    other = {"types": {"conference": {"strong": ["congres"]}}}
    foreign = ActivityClassifier(lexicon=other).build_analyzer().analyse(texts)
    with pytest.raises(ValueError, match="made with another lexicon or pipeline"):
        ActivityClassifier(calibration_folds=2).fit(texts, labels, analysis=foreign)
    with pytest.raises(ValueError, match="made with another lexicon or pipeline"):
        fitted.explain(texts[:2], analysis=foreign[:2])


def test_an_analysis_of_other_texts_is_refused(tiny_data, fitted):
    texts, _ = tiny_data
    docs = fitted.analyse(texts[:3])
    with pytest.raises(ValueError, match="analysis has 3 items but X has 2 texts"):
        fitted.predict(texts[:2], analysis=docs)


def test_analysed_texts_passed_as_x_are_not_sniffed(fitted):
    docs = fitted.analyse(["Webinar gevolgd"])
    with pytest.raises(TypeError):
        fitted.predict(docs)


def test_refit_forgets_cached_state(tiny_data):
    texts, labels = tiny_data
    clf = ActivityClassifier(calibration=None).fit(texts, labels)
    clf.explain(["Webinar gevolgd"])
    clf.fit(texts[:12], labels[:12])
    assert clf.predict_proba(["Webinar gevolgd"]).shape == (1, 2)
