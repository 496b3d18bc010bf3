"""Property-based tests: arbitrary Unicode never crashes classify, explain, the table reader or the splitter,
and never loses a row (issue 14, "to try")."""

import unicodedata

import numpy as np
import pandas as pd
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from activity_classifier import classify  # noqa: E402
from activity_classifier.annotate import split_report  # noqa: E402
from activity_classifier.tables import read_table, write_table  # noqa: E402
from activity_classifier.taxonomy import get_taxonomy  # noqa: E402
from activity_classifier.text import clean_text  # noqa: E402

SLUGS = set(get_taxonomy().slugs)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Any code point, lone surrogates included (the API must take what Python strings can hold).
ANY_TEXT = st.text(st.characters(codec=None), max_size=80)
#: Texts a UTF-8 CSV can hold: no surrogates, no NUL (a NUL makes a file look binary).
CSV_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
#: Texts an xlsx can hold once escaped: anything but surrogates.
XLSX_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
WEIRD = st.sampled_from(
    ["", " ", "\x01\x02", "\u202eWebinar\u202c gevolgd", "\ud800", "Café", "Cafe\u0301", "=1+1", "a" * 100_000]
)


@FAST
@given(st.lists(st.one_of(ANY_TEXT, WEIRD), min_size=1, max_size=6))
def test_classify_keeps_every_row_and_labels_with_a_slug(default_model, texts):
    out = classify(texts, model=default_model)
    assert len(out) == len(texts)
    assert out["text"].tolist() == texts
    for text, label, reason in zip(texts, out["label"], out["review_reason"], strict=True):
        if clean_text(text) == "":
            assert label is None and reason == "empty_text"
        else:  # a text without any word (":") is treated as empty too
            assert label in SLUGS or (label is None and reason == "empty_text")


@FAST
@given(st.lists(st.one_of(ANY_TEXT, WEIRD), min_size=1, max_size=6))
def test_explain_and_probabilities(default_model, texts):
    preds = default_model.explain(texts)
    assert len(preds) == len(texts)
    proba = default_model.predict_proba(texts)
    assert proba.shape == (len(texts), len(default_model.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    for p in preds:
        assert p.label is None or p.label in SLUGS
        assert 0.0 <= p.confidence <= 1.0


@FAST
@given(st.lists(st.tuples(CSV_TEXT, CSV_TEXT), min_size=1, max_size=5), st.sampled_from([".csv", ".tsv"]))
def test_csv_round_trip_keeps_rows_and_texts(tmp_path_factory, rows, suffix):
    frame = pd.DataFrame(
        {"id": [f"r{i}" for i in range(len(rows))], "text": [a for a, _ in rows], "note": [b for _, b in rows]}
    )
    path = write_table(frame, tmp_path_factory.mktemp("t") / f"t{suffix}")
    back = read_table(path)
    assert back.to_dict("list") == frame.to_dict("list")


@FAST
@given(st.lists(XLSX_TEXT, min_size=1, max_size=5))
def test_xlsx_round_trip_keeps_rows_and_texts(tmp_path_factory, texts):
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "text": texts})
    path = write_table(frame, tmp_path_factory.mktemp("t") / "t.xlsx")
    assert read_table(path).to_dict("list") == frame.to_dict("list")


@FAST
@given(
    st.lists(st.one_of(ANY_TEXT, st.sampled_from(["1. Webinar", "- boek", "# Kop", "Activiteit 2", ""])), max_size=12)
)
def test_the_splitter_takes_any_lines(lines):
    blocks = split_report(lines)
    previous_end = 0
    for block in blocks:
        assert 1 <= block.start <= block.end <= max(len(lines), 1)
        assert block.start > previous_end
        previous_end = block.end
        assert isinstance(block.text, str)


@pytest.mark.parametrize(
    "text", ["Café bezocht en een cursus gevolgd", "Één dag naar het congrès", "Coöperatief leren geoefend"]
)
def test_nfc_and_nfd_get_the_same_prediction(default_model, text):
    nfc, nfd = unicodedata.normalize("NFC", text), unicodedata.normalize("NFD", text)
    assert nfc != nfd
    a, b = default_model.explain([nfc, nfd])
    assert a.as_dict() == b.as_dict()


def test_hostile_texts_neither_crash_nor_lose_a_row(default_model):
    texts = ["\x01\x07\x1f", "\ud83d", "\u202eWebinar\u202c gevolgd", "x" * 100_000, "Webinar " * 20_000, ""]
    out = classify(texts, model=default_model)
    assert len(out) == len(texts) and out["text"].tolist() == texts
    assert out["label"].iloc[-1] is None and out["label"].iloc[2] in SLUGS
