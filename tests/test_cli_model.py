"""The train and predict commands end to end, on CSV and XLSX, and their handling of bad input."""

import contextlib
import io
import json
import subprocess
import sys
import types

import pandas as pd
import pytest

from activity_classifier.cli import main
from activity_classifier.evaluation import SCHEMA_VERSION, EvaluationResult
from activity_classifier.predictions import PREDICTION_COLUMNS

from .conftest import TINY

CUSTOM = pd.DataFrame(
    {
        "Beschrijving": [t for texts in TINY.values() for t in texts],
        "Code": [lab for lab, texts in TINY.items() for _ in texts],
        "Docent": [f"D{i % 8}" for i in range(24)],
    }
)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("train")
    data = folder / "coded.xlsx"
    CUSTOM.to_excel(data, index=False)
    model = folder / "model"
    argv = [
        "train",
        "--data",
        str(data),
        "--text-column",
        "Beschrijving",
        "--label-column",
        "Code",
        "--group-column",
        "Docent",
        "--output",
        str(model),
        "--cv",
        "2",
    ]
    assert main(argv) == 0
    return model


def test_train_writes_a_verified_model_with_cv_metrics(trained):
    meta = json.loads((trained / "metadata.json").read_text("utf-8"))
    assert meta["training_data"]["rows"] == 24 and meta["training_data"]["file"] == "coded.xlsx"
    metrics = meta["metrics"]  # the schema of metrics.json
    assert metrics["schema_version"] == SCHEMA_VERSION and metrics["kind"] == "cross_validation"
    assert metrics["settings"]["cv_folds"] == 2 and metrics["settings"]["grouped"] is True
    assert set(metrics["methods"]) == {"hybrid", "model", "rules"}
    assert 0 <= metrics["methods"]["hybrid"]["macro_f1"] <= 1 and "calibration" in metrics
    assert "misclassified" not in metrics and "likely_label_errors" not in metrics  # no texts copied
    assert EvaluationResult.from_dict(metrics).to_dict() == metrics


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_predict_keeps_rows_and_columns_in_order(trained, tmp_path, suffix, capsys):
    frame = pd.DataFrame(
        {
            "nr": ["3", "1", "2", "4"],
            "Activiteit": ["Naar het jaarcongres geweest", "", "Webinar over toetsen gevolgd", "Boek gelezen"],
            "label": ["gold1", "gold2", "gold3", "gold4"],
        }
    )
    src = tmp_path / f"in{suffix}"
    frame.to_csv(src, index=False) if suffix == ".csv" else frame.to_excel(src, index=False)
    before = src.read_bytes()
    out = tmp_path / f"out{suffix}"
    assert (
        main(["predict", str(src), "--output", str(out), "--text-column", "activiteit", "--model", str(trained)]) == 0
    )
    assert src.read_bytes() == before
    result = pd.read_csv(out, dtype=str, keep_default_na=False) if suffix == ".csv" else pd.read_excel(out, dtype=str)
    assert list(result.columns) == ["nr", "Activiteit", "input_label", *PREDICTION_COLUMNS]
    assert result["nr"].tolist() == ["3", "1", "2", "4"]
    assert result["input_label"].tolist() == ["gold1", "gold2", "gold3", "gold4"]
    assert result["label"].tolist()[0] == "conference" and result["label"].tolist()[2] == "pd_programme"
    assert str(result["needs_review"].tolist()[1]) == "True" and result["review_reason"].tolist()[1] == "empty_text"
    assert "4 rows classified" in capsys.readouterr().err


@pytest.mark.parametrize(("method", "source"), [("hybrid", "both"), ("model", "model"), ("rules", "rules")])
def test_predict_methods(trained, tmp_path, method, source):
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": ["Twee dagen op het congres"]}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["predict", str(src), "--output", str(out), "--method", method, "--model", str(trained)]) == 0
    row = pd.read_csv(out).iloc[0]
    assert row["label"] == "conference"
    assert row["source"] == source  # hybrid: the model and the rules agree


def test_predict_stdin_json_lines(trained):
    proc = subprocess.run(
        [sys.executable, "-m", "activity_classifier.cli", "predict", "-", "--model", str(trained)],
        input="Webinar gevolgd\nNaar het symposium\n",
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d["text"] for d in lines] == ["Webinar gevolgd", "Naar het symposium"]
    assert [d["label"] for d in lines] == ["pd_programme", "conference"]
    assert set(lines[0]) >= {"label_nl", "group", "confidence", "source", "needs_review", "alternatives", "keywords"}


def test_semicolon_cp1252_csv_is_read(trained, tmp_path):
    src = tmp_path / "excel.csv"
    src.write_bytes("id;text\n1;Café-overleg over de evaluatie van blok één\n".encode("cp1252"))
    out = tmp_path / "out.csv"
    assert main(["predict", str(src), "--output", str(out), "--model", str(trained)]) == 0
    assert pd.read_csv(out)["text"].tolist() == ["Café-overleg over de evaluatie van blok één"]


def run_cli(*argv):
    """Run the CLI in-process (fast); test_cli.py checks the real console script for tracebacks."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = exc.code
    return types.SimpleNamespace(returncode=code, stderr=err.getvalue())


def one_line_error(proc, *fragments):
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_train_bad_inputs(tmp_path):
    missing_col = tmp_path / "nocol.csv"
    pd.DataFrame({"tekst": ["a"], "label": ["pd_programme"]}).to_csv(missing_col, index=False)
    one_line_error(
        run_cli("train", "--data", str(missing_col), "--output", str(tmp_path / "m")),
        "nocol.csv",
        "column 'text'",
        "available columns: 'tekst', 'label'",
    )

    unknown = tmp_path / "unknown.csv"
    pd.DataFrame({"text": ["Webinar", "Congres", "Boek"], "label": ["pd_programme", "conference", "reading"]}).to_csv(
        unknown, index=False
    )
    one_line_error(
        run_cli("train", "--data", str(unknown), "--output", str(tmp_path / "m")),
        "unknown.csv",
        "row 4",
        "column 'label'",
        "unknown label 'reading'",
        "valid labels are",
    )

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    one_line_error(run_cli("train", "--data", str(empty), "--output", str(tmp_path / "m")), "empty.csv", "empty")

    empty_text = tmp_path / "emptytext.csv"
    pd.DataFrame({"text": ["Webinar", " "], "label": ["pd_programme", "conference"]}).to_csv(empty_text, index=False)
    one_line_error(
        run_cli("train", "--data", str(empty_text), "--output", str(tmp_path / "m")),
        "row 3",
        "column 'text'",
        "empty text",
    )

    no_group = tmp_path / "nogroup.csv"
    pd.DataFrame({"text": ["Webinar"], "label": ["pd_programme"]}).to_csv(no_group, index=False)
    one_line_error(
        run_cli("train", "--data", str(no_group), "--group-column", "docent", "--output", str(tmp_path / "m")),
        "column 'docent'",
    )
    assert not (tmp_path / "m").exists()


def test_predict_bad_inputs(trained, tmp_path):
    out = tmp_path / "out.csv"
    good = tmp_path / "good.csv"
    pd.DataFrame({"text": ["Webinar"]}).to_csv(good, index=False)

    one_line_error(
        run_cli("predict", str(good), "--output", str(out), "--text-column", "beschrijving", "--model", str(trained)),
        "good.csv",
        "column 'beschrijving'",
    )
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"text\n")
    one_line_error(run_cli("predict", str(empty), "--output", str(out), "--model", str(trained)), "no data rows")
    binary = tmp_path / "utf16.csv"
    binary.write_bytes("text\nWebinar\n".encode("utf-16"))
    one_line_error(run_cli("predict", str(binary), "--output", str(out), "--model", str(trained)), "utf16.csv")
    one_line_error(
        run_cli("predict", str(good), "--output", str(tmp_path / "out.json"), "--model", str(trained)),
        "unsupported output type",
    )
    one_line_error(run_cli("predict", str(good), "--model", str(trained)), "--output is required")
    one_line_error(
        run_cli("predict", str(good), "--output", str(good), "--model", str(trained)), "refusing to overwrite an input"
    )
    assert not out.exists()


def test_damaged_model_is_a_one_line_error(trained, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(trained, broken)
    with open(broken / "model.skops", "r+b") as fh:
        fh.seek(100)
        fh.write(b"XXXX")
    good = tmp_path / "good.csv"
    pd.DataFrame({"text": ["Webinar"]}).to_csv(good, index=False)
    out = tmp_path / "out.csv"
    one_line_error(
        run_cli("predict", str(good), "--output", str(out), "--model", str(broken)),
        "model.skops",
        "SHA-256 does not match",
    )
    one_line_error(
        run_cli("predict", str(good), "--output", str(out), "--model", str(tmp_path / "nope")), "not a model directory"
    )
    assert not out.exists()


def test_huge_text_is_cut_and_flagged_not_dropped(trained, tmp_path):
    src = tmp_path / "huge.csv"
    pd.DataFrame({"text": ["Webinar over feedback gevolgd. " * 20_000, "Boek gelezen"]}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["predict", str(src), "--output", str(out), "--model", str(trained)]) == 0
    result = pd.read_csv(out, keep_default_na=False)
    assert len(result) == 2
    assert result["label"].tolist()[0] == "pd_programme"
    assert "text_truncated" in result["review_reason"].tolist()[0]
    assert len(result["text"].tolist()[0]) > 500_000  # the input column itself is kept whole
