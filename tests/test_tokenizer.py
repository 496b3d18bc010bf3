"""The default pipeline's own tokenizer and phrase index: as spaCy's Dutch tokenizer and PhraseMatcher, no spaCy."""

import random
import subprocess
import sys
import unicodedata

import pytest

from activity_classifier import _tokenizer
from activity_classifier._phrases import PhraseIndex
from activity_classifier._tokenizer import CACHE_ENTRIES, Tokenizer, get_tokenizer
from activity_classifier.analysis import Analyzer
from activity_classifier.corpus import load_labelled
from activity_classifier.gazetteer import Gazetteer
from activity_classifier.text import clean_text, get_pipeline

# (kind, text, tokens): the tokens spaCy 3.8's blank("nl") makes of the lower-cased cleaned text.
TOKEN_TABLE = [
    (
        "abbreviations",
        "Z.s.m. afgerond, bijv. het pvb; enz.",
        ["z.s.m.", "afgerond", ",", "bijv.", "het", "pvb", ";", "enz."],
    ),
    ("abbreviations", "O.a. de slb'er en i.v.m. de bpv.", ["o.a.", "de", "slb'er", "en", "i.v.m.", "de", "bpv", "."]),
    # "m.b.v." is no special case of spaCy's: its last dot is split off as a suffix
    ("abbreviations", "hulp m.b.v. een collega", ["hulp", "m.b.v", ".", "een", "collega"]),
    (
        "hyphens",
        "e-learning, BPV-bezoeken en duo-collega's",
        ["e-learning", ",", "bpv-bezoeken", "en", "duo-collega's"],
    ),
    ("hyphens", "half-om-half -- en ook: - webinar", ["half-om-half", "--", "en", "ook", ":", "-", "webinar"]),
    (
        "apostrophes",
        "Collega's, student's en 's ochtends, 't jaar",
        ["collega's", ",", "student's", "en", "'s", "ochtends", ",", "'t", "jaar"],
    ),
    (
        "numbers, dates, times",
        "Op 12-03-2024 om 15:30 uur, 3,5 uur en 1.200 euro (10%)",
        ["op", "12-03-2024", "om", "15:30", "uur", ",", "3,5", "uur", "en", "1.200", "euro", "(", "10%", ")"],
    ),
    (
        "numbers, dates, times",
        "2e jaar, 1ste keer, nr. 3 en €25,-",
        ["2e", "jaar", ",", "1ste", "keer", ",", "nr.", "3", "en", "€", "25,-"],
    ),
    (
        "urls",
        "Zie https://www.example.nl/pad?x=1 en www.mbo.nl.",
        ["zie", "https://www.example.nl/pad?x=1", "en", "www.mbo.nl", "."],
    ),
    (
        "e-mail",
        "Mail naar j.jansen@school.nl of info@roc.nl!",
        ["mail", "naar", "j.jansen@school.nl", "of", "info@roc.nl", "!"],
    ),
    ("emoji", "Top training 👍🏽 echt 😀!!", ["top", "training", "👍", "🏽", "echt", "😀", "!", "!"]),
    (
        "punctuation runs",
        "Echt?!... Ja!!! (nou ja...)",
        ["echt", "?", "!", "...", "ja", "!", "!", "!", "(", "nou", "ja", "...", ")"],
    ),
    ("quotes and dashes", '“Goed” zei ze — "prima"', ["“", "goed", "”", "zei", "ze", "—", '"', "prima", '"']),
    ("nfc/nfd", "ge\u0301e\u0308valueerd en geëvalueerd", ["géëvalueerd", "en", "geëvalueerd"]),
]


@pytest.mark.parametrize(
    ("kind", "text", "expected"), TOKEN_TABLE, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(TOKEN_TABLE)]
)
def test_tokens(kind, text, expected):
    assert list(get_tokenizer()(clean_text(text).lower())) == expected


@pytest.mark.parametrize(
    ("kind", "text", "expected"), TOKEN_TABLE, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(TOKEN_TABLE)]
)
def test_tokens_as_spacy_makes_them(kind, text, expected):
    from activity_classifier._spacy import spacy_tokens

    assert spacy_tokens(clean_text(text).lower()) == expected


def test_decomposed_text_is_tokenized_as_spacy_does_without_cleaning():
    from activity_classifier._spacy import spacy_tokens

    text = unicodedata.normalize("NFD", "Geëvalueerd: één café-bezoek, 's avonds").lower()
    assert list(get_tokenizer()(text)) == spacy_tokens(text)


@pytest.fixture(scope="module")
def sample():
    texts = load_labelled().texts
    return [clean_text(t) for t in texts[::10]] + [clean_text(text) for _, text, _ in TOKEN_TABLE]


@pytest.mark.slow
def test_corpus_sample_is_tokenized_as_spacy_does(sample):
    from activity_classifier._spacy import spacy_tokens

    tokenizer = get_tokenizer()
    differ = [t for t in sample if list(tokenizer(t.lower())) != spacy_tokens(t.lower())]
    assert differ == []


def test_a_chunk_of_letters_alone_is_one_token_under_the_packaged_rules():
    # Tokenizer.chunk returns such a chunk whole without applying the rules: check that the rules agree,
    # on every word of the corpus and on random strings of letters from all of Unicode.
    tok = get_tokenizer()
    words = {w for text in load_labelled().texts for w in clean_text(text).lower().split(" ") if w.isalpha()}
    letters = [chr(c) for c in range(0x20, 0x30000) if chr(c).isalpha()]
    rng = random.Random(0)
    words |= {"".join(rng.choices(letters, k=rng.randint(1, 8))).lower() for _ in range(20_000)}
    words = {w for w in words if w.isalpha()}
    assert len(words) > 20_000
    assert not [w for w in words if w in tok._specials]
    assert not [w for w in words if tok._split(w, specials=True) != [w]]
    assert tok.chunk("webinars") == ("webinars",) and tok.chunk("webinars.") == ("webinars", ".")


def test_plain_letters_and_a_closing_mark_are_split_as_the_rules_split_them():
    # Tokenizer.chunk splits such a chunk in two without applying the rules, unless a special case joins them.
    tok = get_tokenizer()
    plain = _tokenizer._PLAIN_LETTERS
    words = {w for text in load_labelled().texts for w in clean_text(text).lower().split(" ")}
    words = {w.rstrip(",.;:!?)") for w in words}
    rng = random.Random(1)
    words |= {"".join(rng.choices(plain, k=rng.randint(1, 10))) for _ in range(5_000)} | set(plain)
    words = {w for w in words if w and not w.strip(plain)}
    assert len(words) > 10_000
    words = set(rng.sample(sorted(words), 4_000)) | set(plain)
    for mark in _tokenizer._CLOSING:
        whole = [w + mark for w in words]
        expected = [tuple(tok._merge_specials(tok._split(c, specials=True))) for c in whole]
        assert [tok.chunk(c) for c in whole] == expected, mark
    assert tok.chunk("bijv.") == ("bijv.",) and tok.chunk("gevolgd.") == ("gevolgd", ".")


def test_phrase_index_order_and_overlaps():
    index = PhraseIndex()
    index.add("a", ("open", "dag"))
    index.add("b", ("dag",))
    index.add("c", ("open", "dag"))
    index.add("a", ("open", "dag"))  # stored once
    index.add("empty", ())
    assert index(("open", "dag", "open")) == [("a", 0, 2), ("c", 0, 2), ("b", 1, 2)]


@pytest.mark.slow
def test_phrase_index_finds_what_spacys_phrase_matcher_finds(sample):
    from spacy.matcher import PhraseMatcher

    from activity_classifier._spacy import SimplemmaLemmatizer, _blank

    analyzer = Analyzer(gazetteer=Gazetteer(), gazetteer_rules=True)
    analyzer.prepare()
    nlp, component = _blank(), SimplemmaLemmatizer()
    rules_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    for rule in analyzer.rules.rules:
        for term in (*rule.strong, *rule.weak):
            rules_matcher.add(f"{rule.name}|{term}", [component(nlp.make_doc(term))])
    rules_matcher.add("__dismissal__", [component(nlp.make_doc(d)) for d in analyzer.rules.lexicon["dismissals"]])
    gaz_matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    for term in analyzer.gazetteer.entries:
        gaz_matcher.add(term, [component(nlp.make_doc(term))])
    n_matches = 0
    for text, view in zip(sample, get_pipeline().views(sample), strict=True):
        doc = component(nlp.make_doc(text))
        for matcher, index in ((rules_matcher, analyzer.rules.index), (gaz_matcher, analyzer.gazetteer.index)):
            theirs = sorted((nlp.vocab.strings[m], s, e) for m, s, e in matcher(doc))
            assert sorted(index(view.lemma)) == theirs, text
            n_matches += len(theirs)
    assert n_matches > 500  # the sample exercises the index


def test_simple_and_blank_pipelines_analyse_alike(sample):
    simple = Analyzer(gazetteer=Gazetteer(), gazetteer_rules=True)
    blank = Analyzer(pipeline="blank", gazetteer=Gazetteer(pipeline="blank"), gazetteer_rules=True)
    for a, b in zip(simple.analyse(sample[:200]), blank.analyse(sample[:200]), strict=True):
        assert repr((a.text, a.lemmas, a.rules, a.gazetteer)) == repr((b.text, b.lemmas, b.rules, b.gazetteer))
    assert simple.key != blank.key  # an analysis records which pipeline made it


def test_caches_are_bounded(monkeypatch):
    monkeypatch.setattr(_tokenizer, "CACHE_ENTRIES", 100)
    tokenizer = Tokenizer(_tokenizer._rules())
    tokenizer(" ".join(f"woord{i}" for i in range(1_000)))
    assert len(tokenizer._cache) == 100
    assert CACHE_ENTRIES == 50_000
    pipeline = get_pipeline().with_lemmatizer(str.lower)
    list(pipeline.views([" ".join(f"w{i}x" for i in range(CACHE_ENTRIES + 10))]))
    assert len(pipeline._cache) == CACHE_ENTRIES  # type: ignore[attr-defined]


def test_analysing_and_predicting_with_the_default_pipeline_imports_no_spacy():
    code = (
        "import sys\n"
        "import activity_classifier\n"
        "from activity_classifier import ActivityClassifier\n"
        "from activity_classifier.analysis import Analyzer\n"
        "from activity_classifier.gazetteer import Gazetteer\n"
        "analyzer = Analyzer(gazetteer=Gazetteer(), gazetteer_rules=True)\n"
        "(doc,) = analyzer.analyse(['Naar het jaarcongres, o.a. de keynote'])\n"
        "assert doc.rules.top == 'conference', doc\n"
        "texts = ['Webinar gevolgd', 'Training gehad', 'Naar het congres', 'Congres bezocht']\n"
        "model = ActivityClassifier(calibration=None).fit(texts, ['pd_programme'] * 2 + ['conference'] * 2)\n"
        "assert list(model.predict(['Twee dagen congres'])) == ['conference']\n"
        "print('SPACY', sorted(m for m in sys.modules if m.split('.')[0] == 'spacy')[:3], file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "SPACY []" in proc.stderr
