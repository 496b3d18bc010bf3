import pytest

from activity_classifier import UnknownLabelError, get_taxonomy
from activity_classifier.exceptions import ActivityClassifierError

CODEBOOK = {
    "I1": "teaching_coaching",
    "I2": "interaction_collaboration",
    "I3": "tasks_roles",
    "I4": "information_sources",
    "I5": "experimenting_innovating",
    "I6": "reflecting_evaluating",
    "F1": "pd_programme",
    "F2": "degree_course",
    "F3": "structured_coaching",
    "F4": "conference",
    "F5": "formal_collaboration",
}


def test_eleven_types_in_codebook_order():
    tax = get_taxonomy()
    assert len(tax) == 11
    assert [(t.id, t.slug) for t in tax] == list(CODEBOOK.items())


def test_groups_six_informal_five_formal():
    tax = get_taxonomy()
    assert [t.id for t in tax if t.group == "informal"] == ["I1", "I2", "I3", "I4", "I5", "I6"]
    assert [t.id for t in tax if t.group == "formal"] == ["F1", "F2", "F3", "F4", "F5"]
    assert all(t.group == ("formal" if t.id.startswith("F") else "informal") for t in tax)


@pytest.mark.parametrize(("key", "slug"), [*CODEBOOK.items(), *((s, s) for s in CODEBOOK.values())])
def test_lookup_by_id_or_slug(key, slug):
    assert get_taxonomy()[key].slug == slug


def test_display_names():
    t = get_taxonomy()["conference"]
    assert "congres" in t.name("nl")
    assert t.name("en") == "Attending a conference"
    assert all(t.name_nl and t.name_en and t.definition for t in get_taxonomy())


@pytest.mark.parametrize("bad", ["congres", "Conference", "", "I7", None, 3])
def test_unknown_label_lists_valid_ones(bad):
    with pytest.raises(UnknownLabelError) as info:
        get_taxonomy()[bad]
    message = str(info.value)
    assert "valid labels are" in message
    assert all(slug in message for slug in CODEBOOK.values())
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ActivityClassifierError)


def test_validate_label_accepts_ids_and_padding():
    tax = get_taxonomy()
    assert tax.validate_label(" F4 ") == "conference"
    assert tax.validate_label("tasks_roles") == "tasks_roles"


def test_every_type_is_informal_or_formal():
    assert {t.group for t in get_taxonomy()} == {"informal", "formal"}
