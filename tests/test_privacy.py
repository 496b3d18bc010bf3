from collections import Counter

import pytest

from activity_classifier.annotate import find_personal_data, redact

FOUND = [
    ("Mail j.jansen@roc-west.nl even", [("email", "j.jansen@roc-west.nl")]),
    ("bel 06-12345678.", [("phone", "06-12345678")]),
    ("bel 06 1234 5678 of", [("phone", "06 1234 5678")]),
    ("0612345678", [("phone", "0612345678")]),
    ("+31 6 12345678", [("phone", "+31 6 12345678")]),
    ("0031 6 12345678", [("phone", "0031 6 12345678")]),
    ("+31 (0)20 123 4567", [("phone", "+31 (0)20 123 4567")]),
    ("(020) 123 4567", [("phone", "(020) 123 4567")]),
    ("010-1234567", [("phone", "010-1234567")]),
    ("studentnummer 123456", [("student_number", "123456")]),
    ("studentnr. 4567", [("student_number", "4567")]),
    ("leerlingnummer: 98765432", [("student_number", "98765432")]),
    ("Student 4123456 kwam te laat", [("student_number", "4123456")]),
    ("student s1234567 mailde", [("student_number", "s1234567")]),
    ("Student s1234567 mailde a.b@c.nl", [("student_number", "s1234567"), ("email", "a.b@c.nl")]),
]

NOT_FOUND = [
    "In 2024 drie lessen gegeven aan 28 studenten",
    "op 12-03-2024 om 10.30 uur",
    "01-02-2024 10:30",
    "bedrag 1.234.567 euro",
    "lokaal 0.12, 3,5 uur",
    "ISBN 9789024401234",
    "Webinar over feedback gevolgd",
    "",
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_finds_personal_data(text, expected):
    assert [(f.kind, f.value) for f in find_personal_data(text)] == expected


@pytest.mark.parametrize("text", NOT_FOUND)
def test_leaves_ordinary_numbers_alone(text):
    assert find_personal_data(text) == []


def test_email_digits_are_not_also_a_student_number():
    assert [f.kind for f in find_personal_data("mail 1234567@student.roc.nl")] == ["email"]


def test_redact_replaces_every_finding_and_keeps_the_rest():
    text = "Student 4123456 belde me op 06-12345678 en mailde p.devries@school.nl over zijn stage."
    assert redact(text) == "Student [studentnummer] belde me op [telefoonnummer] en mailde [e-mail] over zijn stage."
    assert find_personal_data(redact(text)) == []


def test_findings_count_per_kind():
    texts = ["a@b.nl en c@d.nl", "0612345678", "niets"]
    counts = Counter(f.kind for text in texts for f in find_personal_data(text))
    assert counts == {"email": 2, "phone": 1}
