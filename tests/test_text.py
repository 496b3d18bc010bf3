import pytest
import spacy

from activity_classifier import _spacy
from activity_classifier.analysis import Analyzer
from activity_classifier.exceptions import PipelineError
from activity_classifier.text import (
    MAX_TEXT_CHARS,
    Lemmatizer,
    clean_text,
    get_pipeline,
    lemmas,
    pipeline_info,
    split_compound,
)


def lemmatize_texts(texts):
    """Each text's lemmas, as the analyzer of a classifier finds them (one batch)."""
    return [list(doc.lemmas) for doc in Analyzer().analyse(texts)]


@pytest.fixture(scope="module")
def nlp():
    return get_pipeline()


# (phrase, lemmas that must appear): typical words of learner reports.
LEMMA_TABLE = [
    ("Ik heb twee webinars gevolgd", ["hebben", "webinar", "volgen"]),
    ("We bespraken de resultaten in de teamvergaderingen", ["bespreken", "resultaat", "teamvergadering"]),
    ("Ik las artikelen over feedback", ["lezen", "artikel", "feedback"]),
    ("Studenten begeleid tijdens hun stages", ["student", "begeleiden", "stage"]),
    ("Ik gaf lessen aan eerstejaars", ["geven", "les"]),
    ("Nieuwe collega's gecoacht", ["nieuw", "collega"]),
    ("Ik heb mijn lessen geëvalueerd met de studenten", ["les", "evalueren", "student"]),
    ("Ik volg de masteropleiding Leren en Innoveren", ["volgen", "masteropleiding"]),
    ("Wij organiseerden de open dagen", ["organiseren", "open", "dag"]),
    ("Mentorgesprekken en coachingsgesprekken gehad", ["mentorgesprek", "coachingsgesprek"]),
    ("Twee studentenenquêtes over werkplekbegeleiders", ["studentenenquête", "werkplekbegeleider"]),
    ("Ik heb boeken gelezen en podcasts geluisterd", ["boek", "lezen", "podcast"]),
]


@pytest.mark.parametrize(("phrase", "expected"), LEMMA_TABLE)
def test_lemmas_of_teacher_phrases(nlp, phrase, expected):
    got = lemmas(nlp(phrase))
    for lemma in expected:
        assert lemma in got, (phrase, got)


@pytest.mark.parametrize(
    ("phrase", "negation"),
    [
        ("Ik heb geen webinar gevolgd", "geen"),
        ("Ik ben niet naar het congres geweest", "niet"),
        ("Zonder coach gewerkt", "zonder"),
    ],
)
def test_negation_is_kept(nlp, phrase, negation):
    assert negation in lemmas(nlp(phrase))


def test_punctuation_dropped_and_hyphenated_words_split(nlp):
    got = lemmas(nlp("BPV-bezoeken, e-learning en (bbl) studenten!"))
    assert "," not in got and "(" not in got and "!" not in got
    assert "bpv" in got and "learning" in got and "bbl" in got


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("teamvergadering", ("team", "vergadering")),
        ("masteropleiding", ("master", "opleiding")),
        ("lerarenopleiding", ("leraren", "opleiding")),
        ("studiedag", ("studie", "dag")),
        ("onderwijscongres", ("onderwijs", "congres")),
        ("opleidingsplan", ("opleiding", "plan")),
        ("vergadering", ("vergadering",)),
        ("dag", ("dag",)),
        ("docent", ("docent",)),
    ],
)
def test_compound_split(word, parts):
    assert split_compound(word) == parts


def test_batch_equals_single(nlp):
    texts = ["Webinar over feedback gevolgd.", "", "We hebben de PLG gestart; ik las veel.", "x" * 50]
    batch = lemmatize_texts(texts)
    single = [lemmas(nlp(clean_text(t))) for t in texts]
    assert batch == single


def test_empty_and_whitespace(nlp):
    assert lemmatize_texts(["", "   ", None]) == [[], [], []]  # type: ignore[list-item]


def test_very_long_input_is_cut_not_crashing():
    long_text = "Ik heb een lange training gevolgd over didactiek. " * 2_000
    assert len(clean_text(long_text)) == MAX_TEXT_CHARS
    (result,) = lemmatize_texts([long_text])
    assert "training" in result


def test_clean_text_normalises_unicode_and_space():
    decomposed = "ge\u0301e\u0308valueerd"  # combining accents
    assert clean_text(f"  a\u00a0{decomposed}\n\tb ") == "a g\u00e9\u00ebvalueerd b"


@pytest.mark.parametrize("name", ["simple", "blank"])
def test_pipeline_info_is_recordable(name):
    info = pipeline_info(get_pipeline(name)).as_dict()
    assert info["name"] == name
    assert info["lemmatizer"].startswith("simplemma")
    assert info["spacy_version"] == spacy.about.__version__  # "simple": the release whose rules it applies
    assert "simplemma_lemmatizer" in info["components"]


def test_missing_named_pipeline_is_a_clear_error():
    with pytest.raises(PipelineError, match="not installed"):
        get_pipeline("nl_no_such_pipeline_sm")


@pytest.fixture
def fresh_pipelines():
    get_pipeline.cache_clear()
    yield
    get_pipeline.cache_clear()


def test_auto_falls_back_to_blank_without_the_trained_pipeline(fresh_pipelines, monkeypatch):
    monkeypatch.setattr(_spacy, "_is_installed", lambda name: False)
    nlp = get_pipeline("auto")
    assert pipeline_info(nlp).name == "blank"
    assert lemmas(nlp("Ik heb lessen gegeven"))[-2:] == ["les", "geven"]


def test_auto_uses_the_trained_pipeline_when_installed(fresh_pipelines, monkeypatch):
    loaded = []

    def fake_load(name, exclude):
        loaded.append((name, tuple(exclude)))
        return spacy.blank("nl")

    monkeypatch.setattr(_spacy, "_is_installed", lambda name: name == "nl_core_news_sm")
    monkeypatch.setattr(spacy, "load", fake_load)
    get_pipeline("auto")
    assert loaded == [("nl_core_news_sm", ("parser", "ner"))]


def test_a_lemma_table_belongs_to_its_analyzer():
    """A model's lemma table changes nothing for another analyzer in the same process (no global state)."""
    own = Analyzer(lemmas={"webinars": "webinarreeks"})
    assert own.analyse(["Twee webinars gevolgd"])[0].lemmas[1] == "webinarreeks"
    assert Analyzer().analyse(["Twee webinars gevolgd"])[0].lemmas[1] == "webinar"
    assert Lemmatizer()("webinars") == "webinar"


def test_lemma_overrides_win_over_a_lemma_table():
    assert Lemmatizer({"las": "las"})("las") == Lemmatizer()("las") == "lezen"
