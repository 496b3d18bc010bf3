"""Finding and redacting personal data in activity descriptions.

Learner reports name students and colleagues and sometimes contain their contact details. Names cannot be
found reliably without a trained named-entity model, but three kinds of identifiers can:

``email``
    E-mail addresses (``j.jansen@roc.nl``).
``phone``
    Dutch telephone numbers: mobile and landline, with or without ``+31``/``0031``, spaces, dashes,
    dots or an area code in brackets (``06-12345678``, ``+31 (0)20 123 4567``, ``010 1234567``).
``student_number``
    Student numbers: a number of 6 to 9 digits standing alone, optionally with an ``s`` prefix
    (``s1234567``), or any number written after a word such as ``studentnummer`` or ``leerlingnr``.

Redaction replaces each finding by a bracketed Dutch placeholder, so the sentence stays readable for an
annotator and the classifier: ``[e-mail]``, ``[telefoonnummer]``, ``[studentnummer]``.

Examples
--------
>>> redact("Mail mij via p.devries@school.nl of bel 06-12345678.")
'Mail mij via [e-mail] of bel [telefoonnummer].'
>>> [f.kind for f in find_personal_data("Student 4123456 kwam te laat")]
['student_number']
>>> find_personal_data("In 2024 drie lessen gegeven")
[]
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["KINDS", "PLACEHOLDERS", "Finding", "find_personal_data", "redact"]

#: The kinds of personal data detected, in the order they are searched.
KINDS = ("email", "phone", "student_number")

#: What each kind is replaced with by :func:`redact`.
PLACEHOLDERS = {"email": "[e-mail]", "phone": "[telefoonnummer]", "student_number": "[studentnummer]"}

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}", re.UNICODE)
# A Dutch number: an international prefix (+31, 0031, optionally followed by "(0)") or a leading 0, then
# digits with single spaces, dashes, dots or brackets between them. The digit count is checked afterwards.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)31[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)\d(?:[\s.()-]{0,2}\d){7,11}(?![\w:]|[.,-]\d)",
)
_STUDENT_KEYWORD = re.compile(
    r"\b(?:student|leerling|deelnemer|stud|st)(?:en)?[\s.-]*(?:nummer|nr|no)\.?[\s:#]*([A-Za-z]?\d{4,10})\b",
    re.IGNORECASE,
)
_STUDENT_BARE = re.compile(r"(?<![\w,.-])[sS]?\d{6,9}(?![\w,.-]\d|\w)")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data in a text.

    Attributes
    ----------
    kind : {"email", "phone", "student_number"}
        What was found.
    start, end : int
        Its character span in the text.
    value : str
        The text found.
    """

    kind: str
    start: int
    end: int
    value: str


_DATE = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}")


def _phone_ok(match: str) -> bool:
    if _DATE.search(match):
        return False  # "01-02-2024 10" has ten digits but is a date and an hour
    digits = re.sub(r"\D", "", match)
    if digits.startswith("0031"):
        digits = digits[4:]
    elif match.lstrip().startswith("+31"):
        digits = digits[2:]
    else:
        # National form: 0 + nine digits.
        return len(digits) == 10 and digits.startswith("0")
    # International form: nine digits after the country code, an optional "(0)" excluded.
    if "(0)" in match:
        digits = digits[1:] if digits.startswith("0") else digits
    return len(digits) == 9


def find_personal_data(text: str) -> list[Finding]:
    """Return the e-mail addresses, phone numbers and student numbers in ``text``, in order.

    Findings never overlap: an e-mail address wins over the digits in it, a phone number over a
    student number.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of Finding
        Sorted by position.
    """
    if not text:
        return []
    found: list[Finding] = []

    def free(start: int, end: int) -> bool:
        return all(end <= f.start or start >= f.end for f in found)

    for m in _EMAIL.finditer(text):
        found.append(Finding("email", m.start(), m.end(), m.group()))
    for m in _PHONE.finditer(text):
        value = m.group().rstrip(" .-")
        if _phone_ok(value) and free(m.start(), m.start() + len(value)):
            found.append(Finding("phone", m.start(), m.start() + len(value), value))
    for m in _STUDENT_KEYWORD.finditer(text):
        if free(m.start(1), m.end(1)):
            found.append(Finding("student_number", m.start(1), m.end(1), m.group(1)))
    for m in _STUDENT_BARE.finditer(text):
        if free(m.start(), m.end()):
            found.append(Finding("student_number", m.start(), m.end(), m.group()))
    return sorted(found, key=lambda f: f.start)


def redact(text: str, findings: Iterable[Finding] | None = None) -> str:
    """Replace personal data in ``text`` by placeholders (see :data:`PLACEHOLDERS`).

    Parameters
    ----------
    text : str
        Any text.
    findings : iterable of Finding, optional
        Findings of :func:`find_personal_data` for this text, to avoid searching twice.

    Returns
    -------
    str
        The text with every finding replaced.
    """
    items = find_personal_data(text) if findings is None else sorted(findings, key=lambda f: f.start)
    out, pos = [], 0
    for f in items:
        out.append(text[pos : f.start])
        out.append(PLACEHOLDERS[f.kind])
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
