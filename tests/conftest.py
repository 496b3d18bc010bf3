import pytest

# A tiny inline training set (four types, six texts each) for fast estimator-contract tests.
TINY = {
    "pd_programme": [
        "Webinar over feedback geven gevolgd",
        "Workshop formatief toetsen op de studiedag",
        "Training omgaan met agressie van twee middagen",
        "Online cursus over Moodle afgerond",
        "Scholing over taalgericht vakonderwijs gevolgd",
        "Een middag training gehad over motiverende gespreksvoering",
    ],
    "conference": [
        "Twee dagen naar het jaarcongres in Utrecht",
        "Keynotes en parallelsessies bijgewoond op het onderwijscongres",
        "Naar het symposium over burgerschap in het mbo geweest",
        "Op de conferentie een lezing gehoord over AI in het onderwijs",
        "Congres van de MBO Raad bezocht met mijn teamleider",
        "Onderwijsbeurs in Den Bosch met veel sprekers en stands",
    ],
    "information_sources": [
        "Artikel gelezen over feedback in het vakblad",
        "Boek over klassenmanagement uitgelezen",
        "Podcast geluisterd over motivatie van studenten",
        "Op internet opgezocht hoe ik een rubric opbouw",
        "Het nieuwe kwalificatiedossier doorgelezen",
        "Filmpjes op YouTube bekeken over activerende didactiek",
    ],
    "interaction_collaboration": [
        "Met een collega gesproken over lastige studenten",
        "In de teamvergadering ervaringen gedeeld over de stages",
        "Bij de koffie tips uitgewisseld met het team",
        "Overleg met het leerbedrijf over de begeleiding",
        "Feedback gekregen van een collega na de les",
        "Samen met mijn duo-collega de lessen voorbereid",
    ],
}


@pytest.fixture(scope="session")
def tiny_data():
    texts = [t for texts in TINY.values() for t in texts]
    labels = [lab for lab, texts in TINY.items() for _ in texts]
    return texts, labels


@pytest.fixture(scope="session")
def default_model():
    """The shipped default model, loaded once for the whole session."""
    from activity_classifier.persistence import load_model

    return load_model()
