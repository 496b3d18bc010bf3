"""Texts that look like spreadsheet formulas: never live formulas in xlsx, neutralised in CSV, and round-trip.

Excel evaluates a cell that begins with ``=`` (and, in CSV, ``+ - @`` tab or carriage return). The library
stores every xlsx cell it writes from data as a string cell, prefixes such CSV cells with one apostrophe
(OWASP), and takes exactly that apostrophe away again when it reads a CSV file.
"""

import csv
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from activity_classifier.cli import main
from activity_classifier.tables import read_table, write_table

# Texts a teacher or a tester may write; the first three are what the tester put in.
FORMULAS = ['=HYPERLINK("http://x","klik")', "=cmd|' /C calc'!A0", "=1+1"]
TRICKY = [
    *FORMULAS,
    "- Webinar over feedback gevolgd",
    "+31 6 12345678 gebeld met de stagebegeleider over een student",
    "@Karin bij ons werkt het zo: vrijdag bij de lunch overleg",
    "'s Avonds een podcast over motivatie geluisterd",
    "'=al met een apostrof ervoor",
    "Gewone tekst met = en + erin",
]
# Only in tables (prelabel strips white space around a text).
TABLE_ONLY = ["\tmet een tab voorop", "''- twee apostrofs en een streepje"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(autouse=True)
def cached_model(default_model, monkeypatch):
    """Every command gets the already loaded default model (loading it takes seconds)."""
    import activity_classifier.persistence as persistence

    real = persistence.load_model
    monkeypatch.setattr(persistence, "load_model", lambda d=None, **kw: default_model if d is None else real(d, **kw))


def raw_csv(path, encoding="utf-8-sig"):
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def needs_mark(text):
    return text.lstrip("'")[:1] in TRIGGERS and text.lstrip("'") != ""


def assert_string_cells(path, sheet=None, columns=None):
    """Every non-empty data cell (and header) of the sheet is a string cell; returns {header: [values]}."""
    wb = load_workbook(path)
    ws = wb[sheet] if sheet else wb.active
    header = [c.value for c in ws[1]]
    values = {h: [] for h in header}
    for row in ws.iter_rows():
        for h, cell in zip(header, row, strict=True):
            if isinstance(cell.value, str) and (columns is None or h in columns):
                assert cell.data_type == "s", (h, cell.value, cell.data_type)
            if cell.row > 1:
                values[h].append(cell.value)
    return values


def tricky_frame(texts):
    return pd.DataFrame({"id": [f"A{i}" for i in range(len(texts))], "text": texts, "=kop": texts})


# -- write_table: predict, import-reviewed --into / --report, agreement --------------------------------------
def test_write_table_xlsx_stores_every_text_as_a_string(tmp_path):
    texts = TRICKY + TABLE_ONLY
    out = write_table(tricky_frame(texts), tmp_path / "out.xlsx")
    values = assert_string_cells(out)
    assert "=kop" in values
    assert values["text"] == texts and values["=kop"] == texts
    assert read_table(out)["text"].tolist() == texts


def test_write_table_csv_neutralises_and_read_table_undoes_it(tmp_path):
    texts = [*TRICKY, *TABLE_ONLY, "\rmet een CR voorop"]
    out = write_table(tricky_frame(texts), tmp_path / "out.csv")
    rows = raw_csv(out, "utf-8")
    assert rows[0] == ["id", "text", "'=kop"]
    for text, row in zip(texts, rows[1:], strict=True):
        assert row[1] == ("'" + text if needs_mark(text) else text)
    back = read_table(out)
    assert back.columns.tolist() == ["id", "text", "=kop"]
    assert back["text"].tolist() == texts and back["=kop"].tolist() == texts


def test_numbers_are_left_alone(tmp_path):
    frame = pd.DataFrame({"text": ["-5 graden"], "score": [-0.5], "n": [-3]})
    rows = raw_csv(write_table(frame, tmp_path / "out.csv"), "utf-8")
    assert rows[1] == ["'-5 graden", "-0.5", "-3"]
    wb = load_workbook(write_table(frame, tmp_path / "out.xlsx"))
    assert [c.data_type for c in wb.active[2]] == ["s", "n", "n"]


# -- the whole annotator round trip ------------------------------------------------------------------------
def prelabel_input(tmp_path):
    """The learner reports as a CSV file written by this library (an earlier export)."""
    frame = pd.DataFrame({"report_id": [f"V{i}" for i in range(len(TRICKY))], "text": TRICKY})
    return write_table(frame, tmp_path / "verslagen.csv")


def test_a_foreign_csv_is_read_by_the_same_rule(tmp_path):
    """An apostrophe before a formula character is the text mark of OWASP and Excel users, not text."""
    src = tmp_path / "eigen.csv"
    src.write_text("text\n'=1+1\n''- twee\n's Avonds\n'Boek' gelezen\n- Webinar\n", encoding="utf-8")
    assert read_table(src)["text"].tolist() == ["=1+1", "'- twee", "'s Avonds", "'Boek' gelezen", "- Webinar"]


def review_xlsx(path, label):
    wb = load_workbook(path)
    ws = wb["Review"]
    header = [c.value for c in ws[1]]
    col = header.index("label_reviewed") + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row, col).value = label
    wb.save(path)


def review_csv(path, label):
    """Fill label_reviewed in the file as it is, leaving every other cell byte for byte."""
    rows = raw_csv(path)
    col = rows[0].index("label_reviewed")
    for row in rows[1:]:
        row[col] = label
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("into_suffix", [".csv", ".xlsx"])
def test_prelabel_review_import_round_trip_is_byte_identical(tmp_path, capsys, fmt, into_suffix):
    review = tmp_path / f"review.{fmt}"
    assert main(["prelabel", str(prelabel_input(tmp_path)), "-o", str(review)]) == 0
    if fmt == "xlsx":
        values = assert_string_cells(review, "Review")
        assert sorted(values["text"]) == sorted(TRICKY)
        review_xlsx(review, "pd_programme")
    else:
        rows = raw_csv(review)
        col = rows[0].index("text")
        assert sorted(r[col] for r in rows[1:]) == sorted("'" + t if needs_mark(t) else t for t in TRICKY)
        review_csv(review, "pd_programme")
    into = tmp_path / f"labelled{into_suffix}"
    report = tmp_path / "report.xlsx"
    capsys.readouterr()
    assert main(["import-reviewed", str(review), "--into", str(into), "--report", str(report)]) == 0
    assert f"added {len(TRICKY)}, changed 0, skipped 0" in capsys.readouterr().err
    merged = read_table(into)
    assert sorted(merged["text"]) == sorted(TRICKY)
    assert_string_cells(report)
    if into_suffix == ".xlsx":
        assert_string_cells(into)
    # Importing the same review again finds every text already there: nothing is added twice.
    assert main(["import-reviewed", str(review), "--into", str(into)]) == 0
    assert "added 0, changed 0" in capsys.readouterr().err


def test_training_data_written_by_import_reads_back_identical(tmp_path):
    from activity_classifier.corpus import load_labelled

    frame = pd.DataFrame({"text": TRICKY, "label": ["pd_programme"] * len(TRICKY), "teacher_id": ["T1"] * len(TRICKY)})
    out = write_table(frame, tmp_path / "labelled.csv")
    assert load_labelled(out).texts == TRICKY


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_predict_output_holds_no_formulas(tmp_path, suffix):
    src = prelabel_input(tmp_path)
    out = tmp_path / f"predictions{suffix}"
    assert main(["predict", str(src), "--output", str(out)]) == 0
    if suffix == ".xlsx":
        assert assert_string_cells(out)["text"] == TRICKY
    else:
        col = raw_csv(out, "utf-8")[0].index("text")
        cells = [r[col] for r in raw_csv(out, "utf-8")[1:]]
        assert not [c for c in cells if c[:1] in TRIGGERS]
    assert read_table(out)["text"].tolist() == TRICKY


def test_review_csv_cells_never_start_with_a_trigger(tmp_path):
    review = tmp_path / "review.csv"
    assert main(["prelabel", str(prelabel_input(tmp_path)), "-o", str(review)]) == 0
    cells = [c for row in raw_csv(review) for c in row]
    assert not [c for c in cells if c[:1] in TRIGGERS]


def test_review_workbook_texts_keep_excel_from_evaluating_them_on_edit(tmp_path):
    review = tmp_path / "review.xlsx"
    assert main(["prelabel", str(prelabel_input(tmp_path)), "-o", str(review)]) == 0
    ws = load_workbook(review)["Review"]
    header = [c.value for c in ws[1]]
    col = header.index("text") + 1
    cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
    # A cell that Excel would turn into a formula when an annotator edits it carries Excel's text marker.
    assert all(c.quotePrefix for c in cells if needs_mark(c.value))
    assert Path(review).stat().st_size > 0
