"""Figures that must be true and defaults that must be safe (issue 15): grouping, baselines, missing cells,
evaluating on training data, the gate, broken pipes, the default output of train, -v, --dry-run."""

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from activity_classifier import classify
from activity_classifier.cli import main
from activity_classifier.cli._train import default_output
from activity_classifier.corpus import bundled_corpus_path, load_labelled
from activity_classifier.estimator import ActivityClassifier
from activity_classifier.exceptions import InputDataError

from .conftest import TINY

HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "holdout_activities.csv"


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def tiny_csv(tmp_path):
    path = tmp_path / "coded.csv"
    texts = [t for texts in TINY.values() for t in texts]
    labels = [lab for lab, texts in TINY.items() for _ in texts]
    pd.DataFrame({"text": texts, "label": labels, "docent": [f"D{i % 6}" for i in range(24)]}).to_csv(path, index=False)
    return path


# -- 1. train: the grouping is what was asked for, and says so ---------------------------------------------


def test_train_without_the_group_column_is_an_error(tiny_csv, tmp_path):
    code, _, err = run("train", "--data", str(tiny_csv), "--output", str(tmp_path / "m"), "--cv", "2")
    assert code == 2 and "coded.csv" in err and "column 'teacher_id'" in err and "--group-column none" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "m").exists()


def test_ungrouped_cv_only_when_asked_and_said_loudly(tiny_csv, tmp_path):
    model = tmp_path / "m"
    code, _, err = run("train", "--data", str(tiny_csv), "--group-column", "none", "--output", str(model), "--cv", "2")
    assert code == 0, err
    assert "UNGROUPED" in err and "grouped by" not in err
    settings = json.loads((model / "metadata.json").read_text("utf-8"))["metrics"]["settings"]
    assert settings["grouped"] is False and settings["group_column"] is None


def test_grouped_cv_names_its_column(tiny_csv, tmp_path):
    model = tmp_path / "m"
    code, _, err = run(
        "train", "--data", str(tiny_csv), "--group-column", "Docent", "--output", str(model), "--cv", "2"
    )
    assert code == 0, err
    assert "grouped by 'Docent' (6 groups)" in err
    settings = json.loads((model / "metadata.json").read_text("utf-8"))["metrics"]["settings"]
    assert settings["grouped"] is True and settings["group_column"] == "Docent" and settings["groups"] == 6


def test_evaluate_cv_without_the_group_column_is_an_error(tiny_csv):
    code, _, err = run("evaluate", "--data", str(tiny_csv), "--cv", "2", "--bootstrap", "0")
    assert code == 2 and "column 'teacher_id'" in err


# -- safe default output of train -----------------------------------------------------------------------


def test_train_default_output_is_not_the_shipped_model(tiny_csv, tmp_path, monkeypatch):
    from activity_classifier.persistence import default_model_dir

    assert default_output().parts[0] == "models" and default_output().name != "default"
    monkeypatch.chdir(tmp_path)
    shipped = (default_model_dir() / "metadata.json").read_bytes()
    code, out, err = run("train", "--data", str(tiny_csv), "--group-column", "docent", "--cv", "0")
    assert code == 0, err
    written = Path(out.strip().rsplit(" ", 1)[-1])
    assert written.parent == Path("models") and (tmp_path / written / "metadata.json").is_file()
    assert (default_model_dir() / "metadata.json").read_bytes() == shipped


def test_train_refuses_to_write_into_the_installed_package(tiny_csv):
    from importlib import resources

    inside = Path(str(resources.files("activity_classifier"))) / "default_model"
    code, _, err = run("train", "--data", str(tiny_csv), "--group-column", "docent", "--output", str(inside))
    assert code == 2 and "refusing to write a model into the installed" in err


def test_train_dry_run_writes_nothing(tiny_csv, tmp_path):
    code, _, err = run(
        "train", "--data", str(tiny_csv), "--group-column", "docent", "--output", str(tmp_path / "m"), "--dry-run"
    )
    assert code == 0 and "dry run" in err and not (tmp_path / "m").exists()


# -- 2. evaluate --test: baselines on the model's own training data ---------------------------------------


def test_baselines_are_trained_on_the_models_training_data(tmp_path):
    report = tmp_path / "report"
    code, _, err = run("evaluate", "--test", str(HOLDOUT), "--bootstrap", "0", "--report", str(report))
    assert code == 0, err
    metrics = json.loads((report / "metrics.json").read_text("utf-8"))
    corpus = load_labelled()
    trained_on = metrics["model"]["training_data"]
    assert trained_on["sha256"] == corpus.sha256  # the default model was trained on the bundled corpus
    for name in ("majority", "tfidf_svm"):
        seen = metrics["baseline_training"][name]
        assert seen["sha256"] == trained_on["sha256"] and seen["rows"] == len(corpus.texts)
        assert "model's training data" in seen["source"]
    assert "baseline" in (report / "report.md").read_text("utf-8").lower()
    assert bundled_corpus_path().name in (report / "report.md").read_text("utf-8")


def test_baselines_are_left_out_when_the_training_data_is_unknown(tiny_csv, tmp_path):
    model = tmp_path / "m"
    assert (
        run("train", "--data", str(tiny_csv), "--group-column", "docent", "--output", str(model), "--cv", "0")[0] == 0
    )
    test = tmp_path / "test.csv"
    pd.DataFrame({"text": ["Naar het congres geweest", "Boek gelezen"], "label": ["F4", "I4"]}).to_csv(
        test, index=False
    )
    code, out, err = run("evaluate", "--test", str(test), "--model", str(model), "--bootstrap", "0")
    assert code == 0, err
    assert "baselines left out" in err and "coded.csv" in err and "majority" not in out
    # Given explicitly, the training file is recognised by its hash.
    report = tmp_path / "r"
    code, out, err = run(
        "evaluate",
        "--test",
        str(test),
        "--model",
        str(model),
        "--data",
        str(tiny_csv),
        "--bootstrap",
        "0",
        "--report",
        str(report),
    )
    assert code == 0 and "majority" in out
    seen = json.loads((report / "metrics.json").read_text("utf-8"))["baseline_training"]["tfidf_svm"]
    assert seen["source"].startswith("--data (the model's training data") and seen["rows"] == 24


# -- 4. evaluating on the training data ----------------------------------------------------------------


def test_evaluating_on_the_training_file_is_refused(tiny_csv, tmp_path):
    model = tmp_path / "m"
    assert (
        run("train", "--data", str(tiny_csv), "--group-column", "docent", "--output", str(model), "--cv", "0")[0] == 0
    )
    code, _, err = run("evaluate", "--test", str(tiny_csv), "--model", str(model), "--bootstrap", "0", "--no-baselines")
    assert code == 2 and "the model's training file" in err and "--allow-training-data" in err
    code, _, err = run(
        "evaluate",
        "--test",
        str(tiny_csv),
        "--model",
        str(model),
        "--bootstrap",
        "0",
        "--no-baselines",
        "--allow-training-data",
    )
    assert code == 0 and "MEASURE MEMORY" in err.upper()


def test_a_copy_of_the_training_rows_is_refused_too(tmp_path):
    copy = tmp_path / "copy.csv"
    frame = load_labelled().frame.head(50)
    frame.to_csv(copy, index=False)  # another file (another hash), the same rows as the bundled corpus
    code, _, err = run("evaluate", "--test", str(copy), "--bootstrap", "0")
    assert code == 2 and "shares 100% of its rows with the model's training data" in err


# -- 3. missing cells and labels ------------------------------------------------------------------------


def test_missing_cells_are_empty_texts(default_model):
    out = classify([None, np.nan, pd.NA, "", "Naar het jaarcongres van de MBO Raad"], model=default_model)
    assert out["review_reason"].tolist()[:4] == ["empty_text"] * 4
    assert out["label"].isna().tolist() == [True, True, True, True, False]
    frame = pd.read_csv(io.StringIO("text\n\nNaar het congres\n"), skip_blank_lines=False)
    assert classify(frame, model=default_model)["review_reason"].tolist()[0] == "empty_text"


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_a_missing_label_in_fit_names_its_index(tiny_data, missing):
    texts, labels = tiny_data
    labels = list(labels)
    labels[5] = missing
    with pytest.raises(InputDataError, match="label at index 5 is missing"):
        ActivityClassifier().fit(texts, labels)


# -- label errors, ids in any case ----------------------------------------------------------------------


def test_all_unknown_labels_are_listed_at_once_and_ids_ignore_case(tmp_path):
    path = tmp_path / "coded.csv"
    labels = ["f4", "i1", "Conference", "webinar", "F4", "boek", *(["nope"] * 25)]
    pd.DataFrame({"text": [f"tekst {i}" for i in range(len(labels))], "label": labels}).to_csv(path, index=False)
    with pytest.raises(InputDataError) as info:
        load_labelled(path)
    message = str(info.value)
    assert "27 unknown labels" in message and "row 5 'webinar'" in message and "row 7 'boek'" in message
    assert "and 7 more" in message and "'f4'" not in message and "'Conference'" not in message
    good = tmp_path / "good.csv"
    pd.DataFrame({"text": ["a", "b", "c"], "label": ["f4", "i1", "Conference"]}).to_csv(good, index=False)
    assert load_labelled(good).labels == ["conference", "teaching_coaching", "conference"]


# -- the gate ---------------------------------------------------------------------------------------------


def test_thresholds_outside_0_1_are_refused():
    code, _, err = run("evaluate", "--test", str(HOLDOUT), "--min-macro-f1", "93")
    assert code == 2 and "outside 0..1" in err


def test_gate_prints_each_threshold_and_writes_json(tmp_path):
    gate = tmp_path / "gate.json"
    base = ["evaluate", "--test", str(HOLDOUT), "--bootstrap", "0", "--no-baselines", "--json", str(gate)]
    code, out, _ = run(*base, "--min-macro-f1", "0.5", "--min-kappa", "0.999")
    assert code == 1
    assert "gate ok   hybrid macro_f1" in out and "gate FAIL hybrid cohen_kappa" in out and "< 0.999" in out
    result = json.loads(gate.read_text("utf-8"))
    assert result["passed"] is False and result["thresholds"]["min_kappa"] == 0.999
    assert [(c["figure"], c["passed"]) for c in result["checks"]] == [("macro_f1", True), ("cohen_kappa", False)]
    code, out, _ = run(
        "evaluate", "--test", str(HOLDOUT), "--bootstrap", "0", "--no-baselines", "--json", "-", "--min-recall", "0.1"
    )
    assert code == 0 and json.loads(out)["passed"] is True  # standard output is the JSON only


def test_verbose_after_the_command():
    code, _, err = run("evaluate", "--test", str(HOLDOUT), "--bootstrap", "0", "--no-baselines", "--dry-run", "-v")
    assert code == 0 and "dry run" in err


# -- broken pipe ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["taxonomy", "predict -"])
def test_a_broken_pipe_ends_quietly(command, tmp_path):
    lines = tmp_path / "lines.txt"
    lines.write_text("Naar het jaarcongres geweest\n" * 2000, "utf-8")
    # ``true`` exits at once, so every write of the command meets a closed pipe (like ``| head`` does later).
    script = f'"{sys.executable}" -m activity_classifier.cli {command} < "{lines}" | true; echo "${{PIPESTATUS[0]}}"'
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip() == "0", proc.stderr
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr and "Exception" not in proc.stderr


# -- --dry-run writes nothing, for every command that has it; progress on predict -------------------------


def test_dry_run_writes_nothing_anywhere(tmp_path, default_model):
    reviewed = tmp_path / "review.csv"
    reviewed.write_text("text,label_reviewed\nCongres bezocht,conference\n", encoding="utf-8")
    into = tmp_path / "labelled.csv"
    into.write_text("text,label\nWebinar gevolgd,pd_programme\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    code, _, err = run("import-reviewed", str(reviewed), "--into", str(into), "--report", str(report), "--dry-run")
    assert code == 0 and "dry run" in err and not report.exists()
    out = tmp_path / "out.csv"
    code, _, err = run("predict", str(reviewed), "--output", str(out), "--dry-run")
    assert code == 0 and "dry run" in err and not out.exists()
    code, _, _ = run("evaluate", "--test", str(HOLDOUT), "--report", str(tmp_path / "r"), "--dry-run")
    assert code == 0 and not (tmp_path / "r").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labelled.csv", "review.csv"]


def test_classify_reports_progress(default_model):
    calls = []
    texts = ["Naar het congres geweest"] * 1100
    out = classify(texts, model=default_model, progress=lambda stage, done, total: calls.append((stage, done, total)))
    assert len(out) == 1100 and calls == [("classify", 500, 1100), ("classify", 1000, 1100), ("classify", 1100, 1100)]


def test_make_demo_installs_runtime_dependencies_only(tmp_path):
    root = Path(__file__).resolve().parents[1]
    venv = tmp_path / "venv"  # not built: make -n only prints what it would run
    demo = subprocess.run(["make", "-n", "-C", str(root), f"VENV={venv}", "demo"], capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr
    assert "pip install -q ." in demo.stdout and ".[dev]" not in demo.stdout
    test = subprocess.run(["make", "-n", "-C", str(root), f"VENV={venv}", "unit"], capture_output=True, text=True)
    assert '".[dev]"' in test.stdout


def test_train_without_cross_validation_needs_no_group_column(tiny_csv, tmp_path):
    code, _, err = run("train", "--data", str(tiny_csv), "--cv", "0", "--output", str(tmp_path / "m"))
    assert code == 0, err
    assert (tmp_path / "m" / "metadata.json").is_file()
