"""The review sheet and Label Studio from the command line: CSV dialects, disagreements, the ja/nee column."""

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from activity_classifier.cli import main
from activity_classifier.tables import read_table

DATA = Path(__file__).parent / "data"
REPORT = "1. Webinar over feedback gevolgd.\n2. Twee dagen naar het congres van de MBO Raad in Utrecht.\n"
# A labelled file as Dutch Excel saves it ("CSV (gescheiden door lijstscheidingsteken)"): semicolons,
# Windows-1252, CRLF.
DUTCH_CSV = "id;text;label\r\nA1;Overleg met een collega over één student;interaction_collaboration\r\n"


@pytest.fixture(autouse=True)
def cached_model(default_model, monkeypatch):
    """Every command gets the already loaded default model (loading it takes seconds)."""
    import activity_classifier.persistence as persistence

    real = persistence.load_model
    monkeypatch.setattr(persistence, "load_model", lambda d=None, **kw: default_model if d is None else real(d, **kw))


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def report(tmp_path):
    path = tmp_path / "verslag.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["prelabel", "predict"])
def test_csv_dialect_excel_nl(tmp_path, command):
    out = tmp_path / "out.csv"
    if command == "prelabel":
        args = ["prelabel", str(report(tmp_path)), "-o", str(out), "--csv-dialect", "excel-nl"]
    else:
        src = tmp_path / "in.csv"
        src.write_text("text\nWebinar gevolgd\nCongres bezocht\n", encoding="utf-8")
        args = ["predict", str(src), "--output", str(out), "--csv-dialect", "excel-nl"]
    assert main(args) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].split(b"\r\n")[0].decode("utf-8")
    assert header.count(";") >= 5 and "," not in header
    assert raw.count(b"\r\n") == 3 and b"\n" not in raw.replace(b"\r\n", b"")
    assert len(read_table(out)) == 2


def test_csv_dialect_default_is_unchanged(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text\nWebinar gevolgd\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["predict", str(src), "--output", str(out)]) == 0
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and raw.split(b"\r\n")[0].startswith(b"text,label")


def test_unknown_csv_dialect_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["predict", "x.csv", "--output", str(tmp_path / "o.csv"), "--csv-dialect", "excel-de"])
    assert info.value.code == 2
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("encoding", "newline", "bom"),
    [("cp1252", "\r\n", b""), ("utf-8", "\n", b""), ("utf-8-sig", "\r\n", b"\xef\xbb\xbf")],
)
def test_import_reviewed_into_keeps_the_files_dialect_and_encoding(tmp_path, capsys, encoding, newline, bom):
    into = tmp_path / "gelabeld.csv"
    into.write_bytes(DUTCH_CSV.replace("\r\n", newline).encode(encoding))
    before = into.read_bytes()
    reviewed = tmp_path / "review.csv"
    reviewed.write_text("text;label_reviewed\nCongres in Ede bezocht;F4 - conferentie\n", encoding="utf-8")
    assert main(["import-reviewed", str(reviewed), "--into", str(into)]) == 0
    assert "added 1" in capsys.readouterr().err
    after = into.read_bytes()
    assert after.startswith(bom) and (bom or not after.startswith(b"\xef\xbb\xbf"))
    text = after.decode(encoding)
    lines = text.split(newline)
    assert lines[0] == "id;text;label;source"
    assert lines[1] == "A1;Overleg met een collega over één student;interaction_collaboration;"
    assert lines[2].endswith(";Congres in Ede bezocht;conference;reviewed")
    assert text.endswith(newline) and (newline == "\r\n" or "\r" not in text)
    assert before != after and read_table(into)["label"].tolist() == ["interaction_collaboration", "conference"]


def test_import_reviewed_refuses_a_text_the_encoding_cannot_hold(tmp_path, capsys):
    into = tmp_path / "gelabeld.csv"
    into.write_bytes(DUTCH_CSV.encode("cp1252"))
    before = sha(into)
    reviewed = tmp_path / "review.csv"
    reviewed.write_text("text;label_reviewed\nCongres 🎓 bezocht;conference\n", encoding="utf-8")
    assert main(["import-reviewed", str(reviewed), "--into", str(into)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith(
        f"error: {into}, row 3, column 'text': '🎓' cannot be written in the file's encoding (Windows-1252); "
        "save the file as CSV UTF-8 first, or write a new file with --output"
    )
    assert len(err) == 1
    assert "Traceback" not in "".join(err)
    assert sha(into) == before


def test_import_reviewed_writes_disagreements_for_adjudication(tmp_path, capsys):
    into = tmp_path / "gelabeld.csv"
    out = tmp_path / "oneens.xlsx"
    args = ["import-reviewed", str(DATA / "labelstudio_export.json"), "--into", str(into)]
    assert main(args) == 0
    assert "1 tasks skipped because their annotators disagree; --disagreements FILE.xlsx" in capsys.readouterr().err
    assert main([*args, "--disagreements", str(out), "--output", str(tmp_path / "m.csv")]) == 0
    assert f"1 tasks with disagreeing annotators written to {out}" in capsys.readouterr().err
    ws = load_workbook(out)["Review"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["where", "text", "label_reviewed"]
    assert ws.cell(2, 1).value == "task 8" and "pd_programme" in ws.cell(2, header.index("annotations") + 1).value
    (dv,) = ws.data_validations.dataValidation  # the same drop-down as the review sheet
    assert str(dv.sqref) == "C2"
    # the adjudicated file goes back in like any review
    wb = load_workbook(out)
    wb["Review"].cell(2, 3).value = "F4 - conferentie"
    wb.save(out)
    assert main(["import-reviewed", str(out), "--into", str(into)]) == 0
    assert "added 1" in capsys.readouterr().err
    merged = pd.read_csv(into, dtype=str, keep_default_na=False)
    assert merged[merged["text"] == ws.cell(2, 2).value]["label"].tolist() == ["conference"]


def test_disagreements_file_must_be_a_table(tmp_path, capsys):
    args = ["import-reviewed", str(DATA / "labelstudio_export.json"), "--into", str(tmp_path / "l.csv")]
    assert main([*args, "--disagreements", str(tmp_path / "d.json")]) == 2
    assert "the disagreements file is a .xlsx or .csv file" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_labelstudio_null_annotations_from_the_command_line(tmp_path, capsys):
    export = tmp_path / "export.json"
    export.write_text(json.dumps([{"id": 1, "data": {"text": "Webinar"}, "annotations": None}]), encoding="utf-8")
    assert main(["import-reviewed", str(export), "--into", str(tmp_path / "l.csv")]) == 0
    assert "skipped 1 (not reviewed: 1)" in capsys.readouterr().err


def test_review_workbook_with_dutch_items_round_trips(tmp_path, capsys):
    review = tmp_path / "review.xlsx"
    assert main(["prelabel", str(report(tmp_path)), "-o", str(review)]) == 0
    wb = load_workbook(review)
    ws = wb["Review"]
    header = [c.value for c in ws[1]]
    col = header.index("label_reviewed") + 1
    assert col == header.index("text") + 2
    items = [c.value for c in wb["Codebook"]["G"][1:]]
    texts = {}
    for row, choice in zip(range(2, ws.max_row + 1), (items[6], items[9].upper()), strict=True):
        ws.cell(row, col).value = choice
        texts[ws.cell(row, header.index("text") + 1).value] = choice
    assert {ws.cell(r, header.index("needs_review") + 1).value for r in range(2, ws.max_row + 1)} <= {"ja", "nee"}
    wb.save(review)
    into = tmp_path / "gelabeld.csv"
    assert main(["import-reviewed", str(review), "--into", str(into)]) == 0
    assert "added 2, changed 0, skipped 0" in capsys.readouterr().err
    merged = pd.read_csv(into, dtype=str, keep_default_na=False).set_index("text")["label"].to_dict()
    slugs = {"F1 - PROFESSIONALISERINGSPROGRAMMA": "pd_programme", "F4 - CONFERENTIE": "conference"}
    assert merged == {t: slugs.get(c.upper(), "pd_programme") for t, c in texts.items()}
