import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from activity_classifier.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [
    ROOT / "examples" / "leerverslag_economie.docx",
    ROOT / "examples" / "leerverslagen_team_zorg.xlsx",
    ROOT / "examples" / "leerverslagen_team_techniek.csv",
]
N_EXAMPLE_ACTIVITIES = 6 + 15 + 10


@pytest.fixture(autouse=True)
def cached_model(default_model, monkeypatch):
    """Every command gets the already loaded default model (loading it takes seconds)."""
    import activity_classifier.persistence as persistence

    real = persistence.load_model
    monkeypatch.setattr(persistence, "load_model", lambda d=None, **kw: default_model if d is None else real(d, **kw))


def sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_xlsx(path):
    return pd.read_excel(path, sheet_name="Review", dtype=str, keep_default_na=False)


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "prelabel" in out and "import-reviewed" in out


def test_prelabel_examples_to_xlsx(tmp_path, capsys):
    before = [sha(p) for p in EXAMPLES]
    out = tmp_path / "review.xlsx"
    assert main(["prelabel", *map(str, EXAMPLES), "--output", str(out)]) == 0
    err = capsys.readouterr().err
    assert [sha(p) for p in EXAMPLES] == before  # inputs never modified
    frame = read_xlsx(out)
    assert len(frame) == N_EXAMPLE_ACTIVITIES  # activities in == rows out
    assert sorted(frame["order"].astype(int)) == list(range(1, N_EXAMPLE_ACTIVITIES + 1))
    assert (frame["review_reason"] == "empty_text").sum() == 3
    assert frame["review_reason"].head(3).tolist() == ["empty_text"] * 3
    assert "wide layout, 5 activity columns" in err
    assert "long layout, text column 'beschrijving'" in err
    assert "leerverslag_economie.docx: 6 activities" in err
    assert "warning: personal data found: 1 e-mail address, 1 phone number, 1 student number in 2 activities" in err
    assert f"{N_EXAMPLE_ACTIVITIES} activities from 3 files pre-labelled" in err
    assert "classifying" not in err  # no progress bar when standard error is not a terminal
    assert list(tmp_path.iterdir()) == [out]


def test_prelabel_redact(tmp_path, capsys):
    out = tmp_path / "review.csv"
    assert main(["prelabel", str(EXAMPLES[2]), "-o", str(out), "--redact"]) == 0
    assert "redacted 1 phone number, 1 student number in 1 activities" in capsys.readouterr().err
    frame = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    text = " ".join(frame["text"])
    assert "06-12345678" not in text and "4123456" not in text
    row = frame[frame["text"].str.contains("belde me op")].iloc[0]
    assert row["text"].startswith("Student [studentnummer] belde me op [telefoonnummer]")
    assert row["personal_data"] == "phone, student_number (redacted)"


@pytest.mark.parametrize(
    ("name", "fmt", "files"),
    [
        ("tasks.json", None, ["tasks.json", "tasks_config.xml"]),
        ("out.jsonl", "doccano", ["out.jsonl"]),
        ("out.csv", "csv", ["out.csv"]),
    ],
)
def test_prelabel_formats(tmp_path, name, fmt, files):
    argv = ["prelabel", str(EXAMPLES[0]), "-o", str(tmp_path / name)] + (["--format", fmt] if fmt else [])
    assert main(argv) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)
    if name.endswith(".json"):
        assert len(json.loads((tmp_path / name).read_text("utf-8"))) == 6


def test_prelabel_folder_and_named_columns(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.csv").write_text("wie;wat\nA;Webinar gevolgd\nB;\n", encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("- Boek gelezen\n- Congres bezocht\n", encoding="utf-8")
    out = tmp_path / "review.csv"
    assert (
        main(["prelabel", str(tmp_path / "in"), "-o", str(out), "--text-column", "wat", "--teacher-column", "wie"]) == 0
    )
    frame = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig").sort_values("order")
    assert frame["text"].tolist() == ["Webinar gevolgd", "", "Boek gelezen", "Congres bezocht"]
    assert frame["teacher_id"].tolist() == ["A", "B", "", ""]


def test_progress_bar_when_asked(tmp_path, default_model, capsys):
    from activity_classifier.annotate import prelabel

    prelabel([EXAMPLES[2]], model=default_model, progress=True)
    assert "classifying" in capsys.readouterr().err


BAD = [
    pytest.param(["missing.docx"], "missing.docx: file or folder not found", id="missing"),
    pytest.param(
        ["kapot.docx"], "kapot.docx: not a readable .docx file: not a Word document, or damaged", id="corrupt-docx"
    ),
    pytest.param(["notes.pdf"], "notes.pdf: unsupported file type '.pdf'", id="unsupported"),
    pytest.param(["leeg.csv"], "leeg.csv: no data rows", id="header-only-csv"),
    pytest.param(["geen_tekst.csv"], "cannot tell which column holds the activity texts", id="no-text-column"),
]


@pytest.mark.parametrize(("inputs", "message"), BAD)
def test_bad_input_exits_2_without_output(tmp_path, capsys, monkeypatch, inputs, message):
    monkeypatch.chdir(tmp_path)
    Path("kapot.docx").write_bytes(b"not a zip")
    Path("notes.pdf").write_bytes(b"%PDF")
    Path("leeg.csv").write_text("text\n", encoding="utf-8")
    Path("geen_tekst.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    # a good file first: nothing of it may be written either
    assert main(["prelabel", str(EXAMPLES[2]), *inputs, "-o", "out.xlsx"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("activity-classifier: error: ")
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_bad_output_name_fails_before_reading(tmp_path, capsys):
    assert main(["prelabel", str(EXAMPLES[0]), "-o", str(tmp_path / "out.txt")]) == 2
    assert "cannot tell the output format from '.txt'" in capsys.readouterr().err


def test_output_over_input_is_refused(tmp_path, capsys):
    src = tmp_path / "in.csv"
    shutil.copy(EXAMPLES[2], src)
    before = sha(src)
    assert main(["prelabel", str(src), "-o", str(src)]) == 2
    assert "refusing to overwrite an input file" in capsys.readouterr().err
    assert sha(src) == before


def test_console_script_error_has_no_traceback(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "activity_classifier.cli",
            "import-reviewed",
            str(tmp_path / "x.json"),
            "--into",
            "y.csv",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"activity-classifier: error: {tmp_path / 'x.json'}: file not found"
    assert not (tmp_path / "y.csv").exists()


# -- the annotator's round trip -----------------------------------------------------------------------------
def review_in_excel(path, decisions):
    """Fill label_reviewed as an annotator would: decisions maps a text fragment to a label."""
    wb = load_workbook(path)
    ws = wb["Review"]
    header = [c.value for c in ws[1]]
    text_col, reviewed_col = header.index("text") + 1, header.index("label_reviewed") + 1
    for row in range(2, ws.max_row + 1):
        text = ws.cell(row, text_col).value or ""
        for fragment, label in decisions.items():
            if fragment in text:
                ws.cell(row, reviewed_col).value = label
    wb.save(path)


@pytest.mark.slow
def test_round_trip_prelabel_review_import_train(tmp_path, capsys):
    from activity_classifier.persistence import load_model

    corpus = pd.read_csv(ROOT / "data" / "labelled_activities.csv", dtype=str, keep_default_na=False)
    small = corpus.groupby("label").head(12)  # 132 rows, every type
    into = tmp_path / "labelled.csv"
    small.to_csv(into, index=False)
    review = tmp_path / "review.xlsx"
    assert main(["prelabel", *map(str, EXAMPLES), "-o", str(review)]) == 0
    review_in_excel(
        review,
        {
            "Met twee collega's de nieuwe casus over dementie": "interaction_collaboration",  # corrects tasks_roles
            "jury uit de wijk": "teaching_coaching",
            "zorgcongres in Ede": "F4",  # an id is accepted too
            "escaperoom over veilig werken": "experimenting_innovating",
            "Podcast over motiverende": "informatie",  # a typo: skipped with the reason
        },
    )
    capsys.readouterr()
    report = tmp_path / "import_report.csv"
    assert main(["import-reviewed", str(review), "--into", str(into), "--report", str(report)]) == 0
    err = capsys.readouterr().err
    assert f"added 4, changed 0, skipped {N_EXAMPLE_ACTIVITIES - 4}" in err
    assert "unknown label: 1" in err and f"not reviewed: {N_EXAMPLE_ACTIVITIES - 5}" in err
    assert "unknown label ('informatie' is not one of the eleven slugs): Podcast over motiverende" in err
    merged = pd.read_csv(into, dtype=str, keep_default_na=False)
    assert len(merged) == len(small) + 4
    new = merged[merged["source"] == "reviewed"].set_index("report_no")
    assert new.loc["Z-01", "label"] == "interaction_collaboration"
    assert new.loc["Z-02", "label"] == "conference"
    assert new.loc["Z-01", "teacher_id"] == "docent Z1"
    assert new.loc["leerverslag_economie", "teacher_id"] == "leerverslag_economie"
    assert set(pd.read_csv(report)["action"]) == {"added", "skipped"}

    # a second import of the same file adds nothing
    assert main(["import-reviewed", str(review), "--into", str(into)]) == 0
    assert "added 0, changed 0" in capsys.readouterr().err

    model_dir = tmp_path / "model"
    assert main(["train", "--data", str(into), "--cv", "0", "--output", str(model_dir)]) == 0
    model = load_model(model_dir)
    assert model.metadata_["training_data"]["rows"] == len(small) + 4
    assert model.predict(["Twee dagen naar het landelijke zorgcongres in Ede"])[0] == "conference"


def test_import_reviewed_dry_run_and_output(tmp_path, capsys):
    reviewed = tmp_path / "review.csv"
    reviewed.write_text("text,label_reviewed\nCongres bezocht,conference\nBoek,\n", encoding="utf-8")
    into = tmp_path / "labelled.csv"
    into.write_text("text,label\nWebinar gevolgd,pd_programme\n", encoding="utf-8")
    before = sha(into)
    assert main(["import-reviewed", str(reviewed), "--into", str(into), "--dry-run"]) == 0
    assert "dry run, nothing written: added 1, changed 0, skipped 1 (not reviewed: 1)" in capsys.readouterr().err
    assert sha(into) == before
    out = tmp_path / "merged.xlsx"
    assert main(["import-reviewed", str(reviewed), "--into", str(into), "--output", str(out)]) == 0
    assert sha(into) == before
    merged = pd.read_excel(out, dtype=str, keep_default_na=False)
    assert merged.to_dict("records") == [
        {"text": "Webinar gevolgd", "label": "pd_programme", "source": ""},
        {"text": "Congres bezocht", "label": "conference", "source": "reviewed"},
    ]


def test_import_reviewed_starts_a_new_file(tmp_path, capsys):
    reviewed = tmp_path / "review.csv"
    reviewed.write_text("text,label_reviewed\nCongres bezocht,conference\n", encoding="utf-8")
    into = tmp_path / "nieuw.csv"
    assert main(["import-reviewed", str(reviewed), "--into", str(into)]) == 0
    assert "does not exist yet: starting a new labelled file" in capsys.readouterr().err
    frame = pd.read_csv(into, dtype=str, keep_default_na=False)
    assert frame.columns.tolist()[:5] == ["id", "teacher_id", "report_no", "activity_no", "text"]
    assert frame["label"].tolist() == ["conference"]


def test_unwritable_output_is_one_line(tmp_path, capsys):
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    out = tmp_path / "a_file" / "review.xlsx"  # its folder is a file
    assert main(["prelabel", str(EXAMPLES[0]), "-o", str(out)]) == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith(f"activity-classifier: error: {out}: cannot write the output (")
    assert not (tmp_path / "a_file").is_dir()


def test_unreadable_input_is_one_line(tmp_path, capsys, monkeypatch):
    src = tmp_path / "verslag.txt"
    src.write_text("- Webinar", encoding="utf-8")
    real = Path.read_bytes

    def denied(self):
        if self.name == "verslag.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    assert main(["prelabel", str(src), "-o", str(tmp_path / "out.csv")]) == 2
    assert capsys.readouterr().err == f"activity-classifier: error: {src}: cannot read the file (Permission denied)\n"
    assert not (tmp_path / "out.csv").exists()


def test_damaged_docx_inside_a_valid_zip(tmp_path, capsys):
    import zipfile

    bad = tmp_path / "half.docx"
    with zipfile.ZipFile(EXAMPLES[0]) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    assert main(["prelabel", str(bad), "-o", str(tmp_path / "out.csv")]) == 2
    assert "half.docx: not a readable .docx file: not a Word document, or damaged" in capsys.readouterr().err


def test_prelabel_named_wide_columns(tmp_path, capsys):
    src = tmp_path / "formulier.csv"
    src.write_text(
        "naam;eerste;tweede;derde\nV1;Webinar gevolgd;Boek gelezen;\nV2;;Congres bezocht;\n", encoding="utf-8"
    )
    out = tmp_path / "review.csv"
    assert (
        main(
            [
                "prelabel",
                str(src),
                "-o",
                str(out),
                "--activity-columns",
                "eerste, tweede,derde",
                "--report-column",
                "naam",
            ]
        )
        == 0
    )
    assert (
        "wide layout, 3 activity columns 'eerste', 'tweede', 'derde'; report column 'naam'" in capsys.readouterr().err
    )
    frame = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig").sort_values("order")
    assert frame[["report_id", "activity_no", "text"]].values.tolist() == [
        ["V1", "1", "Webinar gevolgd"],
        ["V1", "2", "Boek gelezen"],
        ["V2", "1", ""],
        ["V2", "2", "Congres bezocht"],
    ]
