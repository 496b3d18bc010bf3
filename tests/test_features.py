"""Feature settings: n-gram ranges and compound splitters, their defaults, validation and persistence."""

import numpy as np
import pytest
from sklearn.base import clone

from activity_classifier import ActivityClassifier
from activity_classifier._compounds import split_compound_wordfreq
from activity_classifier.analysis import Analyzer
from activity_classifier.features import (
    CharNgrams,
    WordNgrams,
    char_analyzer,
    char_ngrams,
    word_analyzer,
    word_ngrams,
)
from activity_classifier.persistence import load_model, save_model

TEXTS = [
    "In de teamvergadering het opleidingsplan besproken",
    "Webinar over formatief toetsen gevolgd, daarna (zelf) geëvalueerd!",
    "Twee dagen naar het onderwijscongres",
]
NONDEFAULT = {"char_ngram_range": (2, 4), "word_ngram_range": (1, 3), "compound_splitter": "wordfreq"}


@pytest.fixture(scope="module")
def docs():
    return Analyzer().analyse(TEXTS)


def test_default_word_features_are_unchanged(docs):
    # Written out by hand: lemma unigrams, bigrams, then the heads the packaged list finds.
    assert word_ngrams(docs[0]) == [
        "in",
        "de",
        "teamvergadering",
        "het",
        "opleidingsplan",
        "bespreken",
        "in de",
        "de teamvergadering",
        "teamvergadering het",
        "het opleidingsplan",
        "opleidingsplan bespreken",
        "part:vergadering",
        "part:plan",
    ]


def test_default_char_features_are_unchanged():
    (doc,) = Analyzer().analyse(["Twee dagen!"])
    assert char_ngrams(doc) == [
        *(" tw", "twe", "wee", "ee ", " twe", "twee", "wee ", " twee", "twee "),
        *(" da", "dag", "age", "gen", "en ", " dag", "dage", "agen", "gen ", " dage", "dagen", "agen "),
    ]


def test_default_settings_use_the_module_functions(tiny_data):
    # So that a model fitted with the defaults holds exactly what it held before the settings existed.
    assert word_analyzer() is word_ngrams and char_analyzer() is char_ngrams
    assert word_analyzer((1, 2), "lexicon") is word_ngrams and char_analyzer((3, 5)) is char_ngrams
    texts, labels = tiny_data
    clf = ActivityClassifier(calibration=None).fit(texts, labels)
    assert clf.word_vectorizer_.analyzer is word_ngrams and clf.char_vectorizer_.analyzer is char_ngrams


def test_the_classes_with_default_settings_equal_the_functions(docs):
    for doc in docs:
        assert WordNgrams()(doc) == word_ngrams(doc)
        assert CharNgrams()(doc) == char_ngrams(doc)


@pytest.mark.parametrize(("ngram_range", "lengths"), [((2, 4), {2, 3, 4}), ((3, 6), {3, 4, 5, 6}), ((4, 4), {4})])
def test_char_ngram_range(docs, ngram_range, lengths):
    feats = CharNgrams(ngram_range)(docs[0])
    assert {len(f) for f in feats} == lengths


def test_word_ngram_range_and_no_splitter(docs):
    feats = WordNgrams((1, 3), compound_splitter=None)(docs[0])
    assert "in de teamvergadering" in feats and "de teamvergadering" in feats
    assert not any(f.startswith("part:") for f in feats)
    assert WordNgrams((2, 2), None)(docs[2])[0] == "twee dag"


def test_wordfreq_splitter_feeds_compound_heads():
    (doc,) = Analyzer().analyse(["Het lesrooster en de leeruitkomsten besproken"])
    parts = [f for f in WordNgrams(compound_splitter="wordfreq")(doc) if f.startswith("part:")]
    assert parts == ["part:rooster", "part:uitkomst"]
    assert not any(f.startswith("part:") for f in word_ngrams(doc))  # the packaged list has neither head


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("teamvergadering", ("team", "vergadering")),
        ("intervisiebijeenkomst", ("intervisie", "bijeenkomst")),
        ("lesbezoek", ("les", "bezoek")),
        ("studiedag", ("studie", "dag")),
        ("beroepsonderwijs", ("beroep", "onderwijs")),  # linking s dropped
        ("opleidingsplan", ("opleiding", "plan")),
        ("praktijkopleider", ("praktijk", "opleider")),  # the head list splits it as praktijkop + leider
        ("praktijkleerroute", ("praktijkleer", "route")),  # a modifier that is itself a compound
        ("vergadering", ("vergadering",)),
        ("eigenlijk", ("eigenlijk",)),  # a frequent word is not split into eigen + lijk
        ("optreden", ("optreden",)),
        ("Teamoverleg", ("team", "overleg")),
        ("onderwijscongres", ("onderwijs", "congres")),
        ("lesrooster", ("les", "rooster")),
    ],
)
def test_split_compound_wordfreq(word, parts):
    assert split_compound_wordfreq(word) == parts


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ({"char_ngram_range": (5, 3)}, "char_ngram_range must be two integers"),
        ({"char_ngram_range": (0, 3)}, "char_ngram_range must be two integers"),
        ({"word_ngram_range": (1,)}, "word_ngram_range must be two integers"),
        ({"word_ngram_range": (1.0, 2)}, "word_ngram_range must be two integers"),
        ({"word_ngram_range": "12"}, "word_ngram_range must be two integers"),
        ({"compound_splitter": "hyphen"}, "compound_splitter must be one of"),
    ],
)
def test_invalid_feature_settings_fail_at_fit(tiny_data, param, message):
    texts, labels = tiny_data
    with pytest.raises(ValueError, match=message):
        ActivityClassifier(calibration=None, **param).fit(texts, labels)


def test_feature_settings_round_trip_through_clone():
    clf = ActivityClassifier(**NONDEFAULT)
    assert {k: clone(clf).get_params()[k] for k in NONDEFAULT} == NONDEFAULT
    assert ActivityClassifier().set_params(word_ngram_range=[1, 1]).get_params()["word_ngram_range"] == [1, 1]


@pytest.fixture(scope="module")
def nondefault(tiny_data):
    texts, labels = tiny_data
    return ActivityClassifier(calibration_folds=2, **NONDEFAULT).fit(texts, labels)


def test_nondefault_settings_change_the_features(nondefault, tiny_data):
    texts, labels = tiny_data
    default = ActivityClassifier(calibration_folds=2).fit(texts, labels)
    assert isinstance(nondefault.word_vectorizer_.analyzer, WordNgrams)
    assert isinstance(nondefault.char_vectorizer_.analyzer, CharNgrams)
    names = set(nondefault._feature_names())
    assert "char: t" in names and "char: t" not in set(default._feature_names())  # a 2-gram
    assert any(n.count(" ") == 2 and not n.startswith("char:") for n in names)  # a lemma trigram


def test_fast_char_transform_equals_sklearn_for_another_range(nondefault):
    docs = nondefault.analyse(["Webinar gevolgd, daarna (zelf) geëvalueerd!", "", "Teamoverleg en TEAMOVERLEG"])
    n_word, n_char = len(nondefault.word_vectorizer_.vocabulary_), len(nondefault.char_vectorizer_.vocabulary_)
    fast = nondefault._features(docs)[:, n_word : n_word + n_char]
    slow = nondefault.char_vectorizer_.transform(docs)
    np.testing.assert_allclose(fast.toarray(), slow.toarray(), atol=1e-12)


def test_a_model_with_nondefault_settings_saves_loads_and_predicts_identically(nondefault, tmp_path):
    new = ["Webinar over toetsen gevolgd", "In de teamvergadering besproken", "Twee dagen op het jaarcongres", ""]
    save_model(nondefault, tmp_path / "model")
    loaded = load_model(tmp_path / "model")  # trusted types only: a refused type would raise here
    assert {k: loaded.get_params()[k] for k in NONDEFAULT} == NONDEFAULT
    assert loaded.metadata_["settings"]["compound_splitter"] == "wordfreq"
    assert list(loaded.predict(new)) == list(nondefault.predict(new))
    np.testing.assert_array_equal(loaded.predict_proba(new), nondefault.predict_proba(new))
