import pickle

import pytest
from sklearn.base import clone

from activity_classifier import ActivityClassifier
from activity_classifier.analysis import Analyzer
from activity_classifier.exceptions import LexiconError
from activity_classifier.gazetteer import Gazetteer, load_gazetteer
from activity_classifier.rules import RuleSet


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer()


@pytest.fixture(scope="module")
def gaz_rules(gaz):
    return RuleSet(gazetteer=gaz)


# (kind, text, expected type): small examples per kind, written as teachers write.
KIND_TABLE = [
    ("degree_programme", "Dit jaar begonnen aan de pabo in deeltijd", "degree_course"),
    ("degree_programme", "Mijn pdg-traject bij Fontys afgerond", "degree_course"),
    ("degree_programme", "Gestart met de master Leren en Innoveren", "degree_course"),
    ("degree_programme", "Eindelijk mijn BKE gehaald", "degree_course"),
    ("component", "Aan mijn masterscriptie gewerkt", "degree_course"),
    ("component", "Twee hoorcolleges over didactiek gevolgd", "degree_course"),
    ("training_programme", "Een masterclass over motiveren gevolgd", "pd_programme"),
    ("training_programme", "Op de studiemiddag over burgerschap geweest", "pd_programme"),
    ("training_programme", "Online cursus via GoodHabitz gedaan", "pd_programme"),
    ("training_programme", "Verplichte BHV-herhaling: bedrijfshulpverlening", "pd_programme"),
    ("component", "De trainingsacteur speelde een boze ouder", "pd_programme"),
    ("event", "Twee dagen op de Onderwijs Research Dagen", "conference"),
    ("event", "Naar het mbo-congres in Ede geweest", "conference"),
    ("event", "Een seminar over AI bijgewoond", "conference"),
    ("component", "De keynotespreker sprak over kansengelijkheid", "conference"),
    ("component", "Twee parallelsessies over hybride leren", "conference"),
    ("source", "Teach Like a Champion van Lemov gelezen", "information_sources"),
    ("source", "Op Leraar24 filmpjes over klassenmanagement bekeken", "information_sources"),
    ("source", "Een onderwijspodcast beluisterd in de trein", "information_sources"),
    ("coaching_form", "Beeldcoaching gehad bij twee lessen", "structured_coaching"),
    ("coaching_form", "Het inductietraject voor nieuwe docenten loopt nog", "structured_coaching"),
    ("coaching_form", "Maandelijks supervisie in een kleine groep", "structured_coaching"),
    ("network_group", "De kenniskring van het practoraat kwam bij elkaar", "formal_collaboration"),
    ("network_group", "In het docentontwikkelteam een nieuw keuzedeel uitgewerkt", "formal_collaboration"),
    ("network_group", "Lesson study met drie collega's", "formal_collaboration"),
    ("role_task", "Als lid van de examencommissie dossiers bekeken", "tasks_roles"),
    ("role_task", "Ik ben werkplekbegeleider van een zij-collega", "tasks_roles"),
    ("role_task", "De diploma-uitreiking georganiseerd", "tasks_roles"),
    ("teaching_setting", "Een pvb afgenomen in de keuken", "teaching_coaching"),
    ("teaching_setting", "Examentraining gegeven aan de derdejaars", "teaching_coaching"),
    ("teaching_setting", "Driegesprekken op de stageplek", "teaching_coaching"),
    ("instrument", "Mijn les geanalyseerd met de STARR-methode", "reflecting_evaluating"),
    ("instrument", "De lesevaluatie van blok 2 besproken", "reflecting_evaluating"),
    ("instrument", "Lesbezoek van een collega gehad", "reflecting_evaluating"),
    ("interaction_setting", "In de docentenkamer tips opgedaan", "interaction_collaboration"),
    ("interaction_setting", "Op de ouderavond met ouders gesproken", "interaction_collaboration"),
    ("tool_method", "Mentimeter uitgeprobeerd bij de start van de les", "experimenting_innovating"),
    ("tool_method", "Een digitale escaperoom voor mijn klas", "experimenting_innovating"),
    ("tool_method", "Een kennisclip maken over hygiëne", "experimenting_innovating"),
]


@pytest.mark.parametrize(("kind", "text", "expected"), KIND_TABLE)
def test_kind_table(gaz, kind, text, expected):
    (found,) = gaz.match([text])
    assert found, text
    assert {m.type for m in found} == {expected}, [(m.term, m.type) for m in found]
    assert kind in {m.kind for m in found}, [(m.term, m.kind) for m in found]


def test_every_kind_has_examples(gaz):
    assert {kind for kind, _, _ in KIND_TABLE} == set(gaz.kinds)


@pytest.mark.parametrize(("kind", "text", "expected"), KIND_TABLE)
def test_gazetteer_rules_point_to_the_type(gaz_rules, kind, text, expected):
    result = gaz_rules.apply([text])[0]
    assert result.top == expected, (text, result.matches)


@pytest.mark.parametrize(
    ("text", "term", "expected"),
    [
        # a whole term beats a compound part and a term inside it
        ("Een masterclass gevolgd", "masterclass", "pd_programme"),
        ("Examentraining gegeven", "examentraining", "teaching_coaching"),
        ("Assessorentraining gevolgd", "assessorentraining", "pd_programme"),
        # a longer phrase beats a shorter one inside it
        ("Een podcast gemaakt voor mijn klas", "podcast maken", "experimenting_innovating"),
        ("Zelf een workshop gegeven", "workshop geven", "tasks_roles"),
        ("De master Leren en Innoveren", "master leren en innoveren", "degree_course"),
        # a part of a compound or hyphenated word counts when nothing longer matched
        ("Naar de kenniskringbijeenkomst", "kenniskring", "formal_collaboration"),
        ("De pdg-module afgerond", "pdg", "degree_course"),
    ],
)
def test_longest_match_wins(gaz, text, term, expected):
    (found,) = gaz.match([text])
    assert [(m.term, m.type) for m in found] == [(term, expected)]


def test_part_matches_are_marked(gaz):
    (whole,) = gaz.match(["Masterclass"])
    (part,) = gaz.match(["Kenniskringbijeenkomst"])
    assert not whole[0].part and part[0].part


def test_longest_match_also_over_the_lexicon(gaz_rules):
    # Without the gazetteer "training" (a compound head) and "workshop" point to pd_programme.
    plain = RuleSet()
    assert plain.apply(["Examentraining gegeven"])[0].top == "pd_programme"
    for text, expected in [
        ("Examentraining gegeven", "teaching_coaching"),
        ("Zelf een workshop gegeven", "tasks_roles"),
    ]:
        result = gaz_rules.apply([text])[0]
        assert result.top == expected and "pd_programme" not in result.matches, result.matches


def test_negated_gazetteer_term_does_not_count(gaz_rules):
    result = gaz_rules.apply(["Ik heb geen masterclass gevolgd"])[0]
    assert result.abstained and "masterclass" in result.negated


def test_count_matrix(gaz):
    matches = gaz.match(["Een masterclass en een webinar gevolgd", "Mooi weer"])
    counts = gaz.count_matrix(matches)
    names = gaz.feature_names()
    assert counts.shape == (2, 11 + len(gaz.kinds)) == (2, len(names))
    assert counts[0, names.index("gaz:type:pd_programme")] == 2
    assert counts[0, names.index("gaz:kind:training_programme")] == 2
    assert counts[1].sum() == 0


def test_packaged_gazetteer_is_large_and_unique():
    data = load_gazetteer()
    terms = [t for tables in data["types"].values() for ts in tables.values() for t in ts]
    assert len(terms) >= 600 and len(terms) == len(set(terms))
    assert len(data["types"]) == 11


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[kinds]\nevent = "x"\n[congress.event]\nterms = ["a"]\n', "unknown label 'congress'"),
        ('[kinds]\nevent = "x"\n[conference.fair]\nterms = ["a"]\n', "kind 'fair' is not described"),
        ('[kinds]\nevent = "x"\n[conference.event]\nterms = [1]\n', "list of non-empty strings"),
        ('[kinds]\nevent = "x"\n[conference.event]\nterms = ["a", "A"]\n', "'a' also occurs"),
        ('[conference.event]\nterms = ["a"]\n', r"\[kinds\] table"),
        ("[kinds\n", "cannot read gazetteer"),
    ],
)
def test_bad_gazetteer(tmp_path, content, message):
    path = tmp_path / "gazetteer.toml"
    path.write_text(content, "utf-8")
    with pytest.raises(LexiconError, match=message):
        load_gazetteer(path)


def test_custom_gazetteer_mapping():
    gaz = Gazetteer({"kinds": {"event": "an event"}, "conference": {"event": {"terms": ["vakdag"]}}})
    assert [m.type for m in gaz.match(["Naar de vakdag"])[0]] == ["conference"]


def test_gazetteer_pickles_without_index(gaz):
    gaz.match(["Masterclass"])
    copy = pickle.loads(pickle.dumps(gaz))
    assert copy._index is None
    assert [m.term for m in copy.match(["Masterclass"])[0]] == ["masterclass"]


def test_analyzer_key_depends_on_gazetteer_use(gaz):
    plain, with_gaz, with_rules = Analyzer(), Analyzer(gazetteer=gaz), Analyzer(gazetteer=gaz, gazetteer_rules=True)
    assert len({plain.key, with_gaz.key, with_rules.key}) == 3
    (doc,) = with_gaz.analyse(["Een masterclass gevolgd"])
    assert [m.term for m in doc.gazetteer] == ["masterclass"]
    assert not plain.analyse(["Een masterclass gevolgd"])[0].gazetteer


def test_estimator_init_only_stores_gazetteer_settings():
    clf = ActivityClassifier(gazetteer="does-not-exist.toml", gazetteer_features=True, gazetteer_rules=True)
    params = clf.get_params()
    assert params["gazetteer"] == "does-not-exist.toml" and params["gazetteer_features"] is True
    assert clone(clf).get_params() == params


def test_estimator_stores_its_gazetteer(tiny_data):
    texts, labels = tiny_data
    custom = {"kinds": {"event": "an event"}, "conference": {"event": {"terms": ["vakdag"]}}}
    clf = ActivityClassifier(calibration_folds=2, gazetteer=custom, gazetteer_features=True, gazetteer_rules=True)
    clf.fit(texts, labels)
    assert clf.gazetteer_ is not None and clf.gazetteer_.data["types"] == {"conference": {"event": ["vakdag"]}}
    assert clf.rules_.gazetteer is clf.gazetteer_
    assert clf._feature_names()[-1] == "gaz:kind:event"
    custom["conference"]["event"]["terms"].append("beurs")  # the fitted model keeps its own copy
    loaded = pickle.loads(pickle.dumps(clf))
    assert loaded.gazetteer_ is not None and len(loaded.gazetteer_) == 1
    assert loaded.explain(["Naar de vakdag geweest"], method="rules")[0].label == "conference"
    assert loaded.predict_proba(["Naar de vakdag geweest"]).shape == (1, len(clf.classes_))


def test_estimator_without_gazetteer_uses_none(tiny_data):
    texts, labels = tiny_data
    clf = ActivityClassifier(calibration_folds=2, gazetteer_rules=False, gazetteer_features=False)
    clf.fit(texts, labels)
    assert clf.gazetteer_ is None and clf.rules_.gazetteer is None
    assert not any(n.startswith("gaz:") for n in clf._feature_names())


def test_default_uses_the_gazetteer_in_rules_and_features(tiny_data):
    texts, labels = tiny_data
    clf = ActivityClassifier(calibration_folds=2).fit(texts, labels)
    assert clf.gazetteer_ is not None and len(clf.gazetteer_) >= 600
    assert clf.rules_.gazetteer is clf.gazetteer_
    assert clf._feature_names()[-len(clf.gazetteer_.feature_names()) :] == clf.gazetteer_.feature_names()
    text = ["Twee dagen op de onderwijsresearchdagen"]  # a gazetteer event, unknown to the lexicon
    assert clf.explain(text, method="rules")[0].label == "conference"
    clf.set_params(gazetteer_rules=False).fit(texts, labels)
    assert clf.explain(text, method="rules")[0].label is None


def test_models_saved_before_the_gazetteer_load(tiny_data):
    texts, labels = tiny_data
    clf = ActivityClassifier(calibration_folds=2, gazetteer_rules=False, gazetteer_features=False)
    clf.fit(texts, labels)
    state = clf.__getstate__()
    for key in ("gazetteer", "gazetteer_rules", "gazetteer_features", "gazetteer_weight"):
        state.pop(key)
    analyzer_state = state["analyzer_"].__getstate__()
    analyzer_state.pop("gazetteer")
    rules_state = dict(analyzer_state["rules"].__dict__)
    rules_state.pop("gazetteer")
    old_rules = RuleSet.__new__(RuleSet)
    old_rules.__setstate__(rules_state)
    analyzer_state["rules"] = old_rules
    old_analyzer = Analyzer.__new__(Analyzer)
    old_analyzer.__setstate__(analyzer_state)
    state["analyzer_"] = old_analyzer
    old = ActivityClassifier.__new__(ActivityClassifier)
    old.__setstate__(state)
    assert old.get_params()["gazetteer_features"] is False and old.gazetteer_ is None
    assert old.predict(["Webinar gevolgd"]).tolist() == clf.predict(["Webinar gevolgd"]).tolist()
