import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from activity_classifier.annotate import (
    REVIEW_COLUMNS,
    doccano_records,
    format_for,
    labelstudio_config,
    labelstudio_tasks,
    prelabel,
    read_reviewed,
    review_choices,
    wrapped_lines,
    write_output,
)
from activity_classifier.exceptions import InputDataError
from activity_classifier.tables import CSV_DIALECTS, read_table
from activity_classifier.taxonomy import get_taxonomy

SLUGS = list(get_taxonomy().slugs)
REPORT = """Leerverslag 4

1. Webinar over formatief evalueren gevolgd via de academie.
2.
3. Met een collega gesproken over lastige studenten; mail haar op a.devries@roc.nl.
4. Twee dagen naar het jaarcongres van de MBO Raad.
"""


@pytest.fixture(scope="module")
def result(default_model, tmp_path_factory):
    path = tmp_path_factory.mktemp("in") / "verslag.txt"
    path.write_text(REPORT, encoding="utf-8")
    return prelabel([path], model=default_model)


def test_review_table(result):
    frame = result.frame
    assert list(frame.columns) == list(REVIEW_COLUMNS)
    assert len(frame) == 4  # the empty item is a row too
    # needs_review first, then increasing confidence; the original order is kept in a column
    assert frame["needs_review"].tolist() == sorted(frame["needs_review"].tolist(), reverse=True)
    flagged = frame[~frame["needs_review"]]
    assert flagged["confidence"].tolist() == sorted(flagged["confidence"].tolist())
    assert sorted(frame["order"]) == [1, 2, 3, 4]
    empty = frame[frame["text"] == ""].iloc[0]
    assert (empty["order"], empty["review_reason"], empty["label"], bool(empty["needs_review"])) == (
        2,
        "empty_text",
        "",
        True,
    )
    assert frame.iloc[0]["order"] == 2
    congres = frame[frame["text"].str.contains("jaarcongres")].iloc[0]
    assert congres["label"] == "conference"
    assert congres["label_nl"] == get_taxonomy()["conference"].name_nl
    assert (congres["report_id"], congres["activity_no"], congres["location"]) == ("verslag", 4, "line 6")
    assert frame[frame["text"].str.contains("mail haar")].iloc[0]["personal_data"] == "email"
    assert set(frame["label_reviewed"]) == {""}


def test_xlsx(result, tmp_path):
    (path,) = write_output(result.frame, tmp_path / "review.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Review", "Codebook"]
    ws = wb["Review"]
    header = [c.value for c in ws[1]]
    assert header == list(REVIEW_COLUMNS)
    assert ws.max_row == 5
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:S5"
    col = {name: i + 1 for i, name in enumerate(header)}
    assert ws.cell(2, col["order"]).value == 2  # the empty activity comes first
    assert ws.column_dimensions["B"].width == 80  # text
    assert ws.cell(3, col["text"]).alignment.wrap_text
    # label_reviewed sits right after the text, where the annotator reads
    assert col["label_reviewed"] == col["text"] + 1 == 3
    # the drop-down: a list validation over the whole label_reviewed column, with the eleven Dutch items
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list"
    assert dv.formula1 == "Codebook!$G$2:$G$12"
    assert str(dv.sqref) == "C2:C5"
    assert dv.showErrorMessage
    codebook = [[c.value for c in row] for row in wb["Codebook"].iter_rows()]
    assert codebook[0] == [
        "id",
        "slug",
        "group",
        "name_nl",
        "name_en",
        "definition",
        "keuze",
        "definitie",
        "grensregels",
    ]
    assert [r[1] for r in codebook[1:]] == SLUGS
    assert codebook[10][0] == "F4"
    assert codebook[10][6] == "F4 - conferentie"
    assert [r[6] for r in codebook[1:]] == [
        f"{t.id} - {c.short_nl}" for t, c in zip(get_taxonomy(), review_choices(), strict=True)
    ]
    # Dutch definitions and border rules from taxonomy.toml, one rule a line
    assert "conferentie" in codebook[10][7] and codebook[10][7] != codebook[10][5]
    assert all(r[8].startswith("- ") for r in codebook[1:])
    assert codebook[1][8].count("\n- ") == len(review_choices()[0].border_rules_nl) - 1
    # needs_review as ja/nee
    flags = [ws.cell(r, col["needs_review"]).value for r in range(2, 6)]
    assert set(flags) <= {"ja", "nee"} and flags[0] == "ja"
    assert flags == ["ja" if v else "nee" for v in result.frame["needs_review"]]


def test_xlsx_row_heights_fit_the_wrapped_text(tmp_path):
    frame = pd.DataFrame({c: [""] * 3 for c in REVIEW_COLUMNS})
    frame["needs_review"] = [True, False, True]
    frame["confidence"] = [0.5, 0.9, 0.1]
    long = " ".join(["Met de collega's van het team de nieuwe beoordelingsformulieren doorgenomen"] * 8)
    frame["text"] = ["Webinar gevolgd", long, "regel een\nregel twee\nregel drie"]
    (path,) = write_output(frame, tmp_path / "review.xlsx")
    ws = load_workbook(path)["Review"]
    heights = [ws.row_dimensions[r].height for r in (2, 3, 4)]
    assert heights[0] is None  # one line: Excel's default height
    lines = wrapped_lines(long, 80)
    assert lines >= len(long) // 80 + 1
    assert heights[1] == lines * 15 + 2
    assert heights[2] == 3 * 15 + 2
    # Codebook rows are fitted too
    cb = load_workbook(path)["Codebook"]
    assert all(cb.row_dimensions[r].height >= 2 * 15 for r in range(2, 13))


def test_wrapped_lines():
    assert wrapped_lines("", 10) == 1
    assert wrapped_lines("aaaa bbbb", 10) == 1  # nine characters a line at width 10
    assert wrapped_lines("aaaa bbbbb", 10) == 2
    assert wrapped_lines("x" * 25, 10) == 3  # a word longer than a line is broken
    assert wrapped_lines("a\n\nb", 10) == 3


def test_csv(result, tmp_path):
    (path,) = write_output(result.frame, tmp_path / "review.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so Excel reads UTF-8
    assert raw.count(b"\r\n") >= 5
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == list(REVIEW_COLUMNS)
    assert len(rows) == 4
    assert rows[0]["review_reason"] == "empty_text"
    assert rows[0]["needs_review"] == "ja"


def test_csv_for_dutch_excel(result, tmp_path):
    (path,) = write_output(result.frame, tmp_path / "review.csv", csv_dialect=CSV_DIALECTS["excel-nl"])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw[3:].split(b"\r\n")
    assert lines[0].decode("utf-8") == ";".join(REVIEW_COLUMNS)
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only (the texts hold no line breaks)
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert [r["text"] for r in rows] == result.frame["text"].tolist()
    back = read_table(path)
    assert back["text"].tolist() == result.frame["text"].tolist()
    assert read_reviewed(path)[0].needs_review is True


def test_labelstudio_tasks_follow_the_import_format(result, tmp_path):
    tasks_path, config_path = write_output(result.frame, tmp_path / "tasks.json", model_version="m1")
    assert config_path.name == "tasks_config.xml"
    tasks = json.loads(tasks_path.read_text("utf-8"))
    config = ET.fromstring(config_path.read_text("utf-8"))
    text_tag = config.find("Text")
    choices_tag = config.find("Choices")
    assert text_tag.get("value") == "$text"
    assert choices_tag.get("toName") == text_tag.get("name")
    assert choices_tag.get("choice") == "single"
    assert [c.get("value") for c in choices_tag.findall("Choice")] == SLUGS
    assert len(tasks) == 4
    for task in tasks:
        assert set(task) == {"data", "predictions"}
        assert isinstance(task["data"]["text"], str)
        (pred,) = task["predictions"]
        assert set(pred) == {"model_version", "score", "result"}
        assert pred["model_version"] == "m1"
        assert isinstance(pred["score"], float) and 0 <= pred["score"] <= 1
        for r in pred["result"]:
            assert r["from_name"] == choices_tag.get("name")
            assert r["to_name"] == text_tag.get("name")
            assert r["type"] == "choices"
            (choice,) = r["value"]["choices"]
            assert choice in SLUGS
    empty = next(t for t in tasks if t["data"]["text"] == "")
    assert empty["predictions"][0] == {"model_version": "m1", "score": 0.0, "result": []}
    congres = next(t for t in tasks if "jaarcongres" in t["data"]["text"])
    assert congres["predictions"][0]["result"][0]["value"]["choices"] == ["conference"]
    assert congres["data"]["report_id"] == "verslag" and congres["data"]["order"] == 4
    # the config names task fields that every task has
    header_vars = {v.strip("$()") for v in config.find("Header").get("value").split() if v.startswith(("$", "($"))}
    assert header_vars <= set(tasks[0]["data"])


def test_labelstudio_tasks_function(result):
    tasks = labelstudio_tasks(result.frame, result.model_version)
    assert tasks[0]["predictions"][0]["model_version"].startswith("activity-classifier ")
    assert "sha256:" in tasks[0]["predictions"][0]["model_version"]


def test_labelstudio_config_is_well_formed_with_dutch_hints():
    root = ET.fromstring(labelstudio_config())
    hints = [c.get("hint") for c in root.iter("Choice")]
    assert hints[0] == "I1 " + get_taxonomy()["I1"].name_nl


def test_labelstudio_shows_dutch_names_and_stores_slugs():
    choices = list(ET.fromstring(labelstudio_config()).iter("Choice"))
    assert [c.get("value") for c in choices] == SLUGS  # what Label Studio stores and exports
    shown = [c.get("html") for c in choices]  # what the annotator sees
    assert shown == [c.item for c in review_choices()]
    assert shown[9] == "F4 - conferentie"
    assert "professionaliseringsprogramma" in shown[6]


def test_labelstudio_pair_is_written_together_or_not_at_all(result, tmp_path, monkeypatch):
    import activity_classifier.annotate._export as export

    tasks = tmp_path / "tasks.json"
    config = tmp_path / "tasks_config.xml"
    tasks.write_text("old tasks", encoding="utf-8")
    config.write_text("old config", encoding="utf-8")
    real = export.atomic_write

    def failing_config(path, write, **kw):
        if Path(path).name.endswith("_config.xml"):
            raise OSError("disk full")
        return real(path, write, **kw)

    monkeypatch.setattr(export, "atomic_write", failing_config)
    with pytest.raises(OSError, match="disk full"):
        write_output(result.frame, tasks, model_version="m1")
    assert tasks.read_text("utf-8") == "old tasks"  # the first file was put back
    assert config.read_text("utf-8") == "old config"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tasks.json", "tasks_config.xml"]
    # without old files: neither is left behind
    tasks.unlink()
    config.unlink()
    with pytest.raises(OSError, match="disk full"):
        write_output(result.frame, tasks, model_version="m1")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(export, "atomic_write", real)
    written = write_output(result.frame, tasks, model_version="m1")
    assert written == [tasks, config] and json.loads(tasks.read_text("utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tasks.json", "tasks_config.xml"]


def test_doccano_jsonl(result, tmp_path):
    (path,) = write_output(result.frame, tmp_path / "doccano.jsonl")
    lines = path.read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 4
    for r in records:
        assert isinstance(r["text"], str)
        assert isinstance(r["label"], list) and len(r["label"]) <= 1
        assert set(r["label"]) <= set(SLUGS)
    empty = next(r for r in records if r["text"] == "[lege activiteit]")  # doccano rejects empty texts
    assert (empty["label"], empty["review_reason"], empty["order"]) == ([], "empty_text", 2)
    assert next(r for r in records if "jaarcongres" in r["text"])["label"] == ["conference"]
    assert records == doccano_records(result.frame)
    assert all(r["text"].strip() for r in records)


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("a.xlsx", None, "xlsx"),
        ("a.csv", None, "csv"),
        ("a.json", None, "labelstudio"),
        ("a.jsonl", "doccano", "doccano"),
    ],
)
def test_format_for(name, fmt, expected):
    assert format_for(name, fmt) == expected


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("a.txt", None, "cannot tell the output format"),
        ("a", None, "cannot tell the output format"),
        ("a.xlsx", "doccano", "--format doccano writes a .jsonl file"),
        ("a.xlsx", "pdf", "unknown output format"),
    ],
)
def test_format_for_errors(name, fmt, message):
    with pytest.raises(InputDataError, match=message):
        format_for(name, fmt)


def test_refuses_to_overwrite_an_input(result, tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text\nWebinar\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="refusing to overwrite an input file"):
        write_output(result.frame, src, inputs=[src])
    assert src.read_text("utf-8") == "text\nWebinar\n"


def test_failed_write_leaves_nothing(result, tmp_path, monkeypatch):
    import activity_classifier.annotate._export as export

    def boom(frame, tmp):
        Path(tmp).write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(export, "_write_xlsx", boom)
    with pytest.raises(OSError, match="disk full"):
        write_output(result.frame, tmp_path / "review.xlsx")
    assert list(tmp_path.iterdir()) == []
