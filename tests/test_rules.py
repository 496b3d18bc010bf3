import pickle

import pytest

from activity_classifier.exceptions import LexiconError
from activity_classifier.rules import RuleSet, load_lexicon


@pytest.fixture(scope="module")
def rules():
    return RuleSet()


RULE_TABLE = [
    ("Lessen gegeven aan mijn eerstejaars", "teaching_coaching"),
    ("Mentorgesprekken gevoerd met mijn klas", "teaching_coaching"),
    ("In de teamvergadering ervaringen uitgewisseld", "interaction_collaboration"),
    ("Met een collega gespard over lastige groepen", "interaction_collaboration"),
    ("De open dag georganiseerd", "tasks_roles"),
    ("Ik ben coördinator van de examencommissie geworden", "tasks_roles"),
    ("Een artikel gelezen in een vakblad", "information_sources"),
    ("Podcast over motivatie beluisterd", "information_sources"),
    ("Kahoot uitgeprobeerd in de les", "experimenting_innovating"),
    ("Een escaperoom ontworpen voor de module hygiëne", "experimenting_innovating"),
    ("Teruggekeken op mijn lessen en gereflecteerd op mijn rol", "reflecting_evaluating"),
    ("De resultaten van de studentenenquête geanalyseerd", "reflecting_evaluating"),
    ("Webinar over feedback gevolgd", "pd_programme"),
    ("Workshop op de studiedag", "pd_programme"),
    ("Gestart met de masteropleiding Leren en Innoveren", "degree_course"),
    ("Mijn BKE-traject afgerond met 5 studiepunten", "degree_course"),
    ("Gesprek met mijn coach in het coachingstraject", "structured_coaching"),
    ("Supervisie gehad over mijn werk", "structured_coaching"),
    ("Twee dagen op het jaarcongres", "conference"),
    ("Keynote op het symposium", "conference"),
    ("Bijeenkomst van onze PLG over formatief handelen", "formal_collaboration"),
    ("In de werkgroep van het landelijk netwerk gezeten", "formal_collaboration"),
]


@pytest.mark.parametrize(("text", "expected"), RULE_TABLE)
def test_rule_table(rules, text, expected):
    result = rules.apply([text])[0]
    assert result.top == expected, (text, result.scores, result.matches)
    assert result.matches[expected]


def test_every_type_has_a_rule(rules):
    assert sorted(r.name for r in rules.rules) == sorted(rules.slugs)
    assert {expected for _, expected in RULE_TABLE} == set(rules.slugs)


@pytest.mark.parametrize(
    "text",
    [
        "Ik heb geen webinar gevolgd",
        "Niet naar het congres geweest",
        "Het symposium ging niet door.",
        "De workshop werd geannuleerd",
        "Een cursus mindfulness, maar dat was niets voor mij",
    ],
)
def test_negation_and_dismissal_do_not_fire(rules, text):
    result = rules.apply([text])[0]
    assert result.scores["pd_programme"] == 0 and result.scores["conference"] == 0, result.matches
    assert result.negated


def test_negation_only_in_its_sentence(rules):
    result = rules.apply(["Geen tijd gehad. Wel een webinar gevolgd."])[0]
    assert result.top == "pd_programme"


def test_niet_alleen_is_not_a_negation(rules):
    result = rules.apply(["Niet alleen een workshop maar ook een webinar gevolgd"])[0]
    assert result.top == "pd_programme"
    assert "workshop" in result.matches["pd_programme"]


@pytest.mark.parametrize(
    ("text", "slug", "term"),
    [
        ("Wekelijks teamoverleg bijgewoond", "interaction_collaboration", "teamoverleg"),
        ("Naar het praktijkonderwijscongres geweest", "conference", "praktijkonderwijscongres"),
        ("Ik volgde een teamtraining over agressie", "pd_programme", "teamtraining"),
        ("De vakgroepvergadering was nuttig", "interaction_collaboration", "vakgroepvergadering"),
    ],
)
def test_compound_heads(rules, text, slug, term):
    result = rules.apply([text])[0]
    assert term in result.matches.get(slug, ()), result.matches


@pytest.mark.parametrize("text", ["", "Ik ben naar huis gegaan", "Mooi weer vandaag"])
def test_abstains_when_nothing_matches(rules, text):
    result = rules.apply([text])[0]
    assert result.abstained and result.top is None and result.margin == 0.0


def test_score_matrix_shape(rules):
    results = rules.apply(["Webinar gevolgd", "Niets"])
    m = rules.score_matrix(results)
    assert m.shape == (2, 11)
    assert m[0].argmax() == list(rules.slugs).index("pd_programme")
    assert m[1].sum() == 0


def test_custom_lexicon_file(tmp_path):
    path = tmp_path / "lexicon.toml"
    path.write_text('[types.conference]\nstrong = ["vakdag"]\n', "utf-8")
    rules = RuleSet(path)
    assert rules.apply(["Naar een vakdag geweest"])[0].top == "conference"
    assert rules.apply(["Webinar gevolgd"])[0].abstained


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[types.congress]\nstrong = ["x"]\n', "unknown label 'congress'"),
        ("[types.conference]\nstrong = [1]\n", "list of non-empty strings"),
        ("[types.conference\n", "cannot read lexicon"),
        ("negation_window = 2\n", "no [types"),
    ],
)
def test_bad_lexicon(tmp_path, content, message):
    path = tmp_path / "lexicon.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(LexiconError, match=message.replace("[", r"\[")):
        load_lexicon(path)


def test_ruleset_pickles_without_index(rules):
    rules.apply(["Webinar gevolgd"])
    clone = pickle.loads(pickle.dumps(rules))
    assert clone._index is None
    assert clone.apply(["Webinar gevolgd"])[0].top == "pd_programme"
