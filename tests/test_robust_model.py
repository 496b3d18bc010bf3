"""Model folders: a metadata schema (names stay in the folder, types checked) and a replacement that a kill
at any instant cannot break (issue 14, items 3 and 4)."""

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from activity_classifier import ActivityClassifier, persistence
from activity_classifier.cli import main
from activity_classifier.exceptions import ModelArtifactError
from activity_classifier.persistence import METADATA_FILE, MODEL_FILE, file_sha256, load_model, save_model


@pytest.fixture(scope="module")
def fitted(tiny_data):
    texts, labels = tiny_data
    return ActivityClassifier(calibration_folds=2).fit(texts, labels)


@pytest.fixture(scope="module")
def fitted_other(tiny_data):
    texts, labels = tiny_data
    return ActivityClassifier(calibration_folds=2, C=0.1).fit(texts, labels)


def edit_metadata(folder, change):
    meta = json.loads((folder / METADATA_FILE).read_text("utf-8"))
    change(meta)
    (folder / METADATA_FILE).write_text(json.dumps(meta), "utf-8")


def one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# --- item 3: the metadata schema -------------------------------------------------------------------------


def test_an_absolute_model_file_name_outside_the_folder_is_refused(fitted, tmp_path):
    elsewhere = save_model(fitted, tmp_path / "elsewhere")
    folder = save_model(fitted, tmp_path / "m")
    (folder / MODEL_FILE).unlink()
    target = str(elsewhere / MODEL_FILE)
    edit_metadata(folder, lambda m: m["model_file"].update(name=target, sha256=file_sha256(target)))
    with pytest.raises(ModelArtifactError, match=r"model_file\.name .* inside the model folder"):
        load_model(folder)


@pytest.mark.parametrize("name", ["../elsewhere/model.skops", "sub/model.skops", "..", "a\\b.skops", ""])
def test_a_model_file_name_with_a_folder_part_is_refused(fitted, tmp_path, name):
    folder = save_model(fitted, tmp_path / "m")
    edit_metadata(folder, lambda m: m["model_file"].update(name=name))
    with pytest.raises(ModelArtifactError, match=r"invalid metadata: model_file\.name"):
        load_model(folder)


def test_a_symlink_out_of_the_folder_is_refused(fitted, tmp_path):
    elsewhere = save_model(fitted, tmp_path / "elsewhere")
    folder = save_model(fitted, tmp_path / "m")
    (folder / MODEL_FILE).unlink()
    (folder / MODEL_FILE).symlink_to(elsewhere / MODEL_FILE)
    with pytest.raises(ModelArtifactError, match="outside the model folder"):
        load_model(folder)
    (folder / MODEL_FILE).unlink()
    (folder / MODEL_FILE).write_bytes((elsewhere / MODEL_FILE).read_bytes())
    (folder / METADATA_FILE).unlink()
    (folder / METADATA_FILE).symlink_to(elsewhere / METADATA_FILE)
    with pytest.raises(ModelArtifactError, match="outside the model folder"):
        load_model(folder)


def test_a_symlinked_model_folder_still_loads(fitted, tmp_path):
    folder = save_model(fitted, tmp_path / "m")
    (tmp_path / "link").symlink_to(folder, target_is_directory=True)
    assert load_model(tmp_path / "link").classes_.tolist() == fitted.classes_.tolist()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda m: m.update(model_file="model.skops"), "model_file"),
        (lambda m: m.update(model_file=["model.skops"]), "model_file"),
        (lambda m: m.update(model_file=None), "model_file"),
        (lambda m: m["model_file"].update(name=["model.skops"]), "model_file.name"),
        (lambda m: m["model_file"].update(format="pickle"), "model_file.format"),
        (lambda m: m["model_file"].update(sha256=123), "model_file.sha256"),
        (lambda m: m.update(labels="conference"), "labels"),
        (lambda m: m.update(sklearn_version=1.9), "sklearn_version"),
    ],
)
def test_wrong_types_in_metadata_are_one_line_errors_with_exit_2(fitted, tmp_path, capsys, change, field):
    folder = save_model(fitted, tmp_path / "m")
    edit_metadata(folder, change)
    with pytest.raises(ModelArtifactError, match="invalid metadata: " + re.escape(field) + " "):
        load_model(folder)
    (tmp_path / "in.csv").write_text("text\nWebinar gevolgd\n", "utf-8")
    code = main(["predict", str(tmp_path / "in.csv"), "--output", str(tmp_path / "out.csv"), "--model", str(folder)])
    assert code == 2
    assert field in one_line(capsys.readouterr().err)
    assert not (tmp_path / "out.csv").exists()


def test_a_format1_model_file_as_a_string_is_refused_too(tmp_path):
    import shutil
    from pathlib import Path

    folder = tmp_path / "v1"
    shutil.copytree(Path(__file__).parent / "fixtures" / "model_format1", folder)
    edit_metadata(folder, lambda m: m.update(model_file="model.joblib"))
    with pytest.raises(ModelArtifactError, match="model_file must be an object"):
        load_model(folder, trust=True)


# --- item 4: replacing a model folder ----------------------------------------------------------------------


def labels_and_c(folder):
    model = load_model(folder)
    return model.C


@pytest.mark.parametrize("swap", [True, False], ids=["atomic-swap", "two-renames"])
@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_save_interrupted_at_any_rename_leaves_a_loadable_model(
    fitted, fitted_other, tmp_path, monkeypatch, swap, fail_at
):
    dest = save_model(fitted, tmp_path / "m")
    calls = {"n": 0}
    real_replace, real_rename = os.replace, os.rename

    def interrupted(real):
        def move(src, dst):
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise KeyboardInterrupt  # what a kill looks like to the code that comes after
            return real(src, dst)

        return move

    monkeypatch.setattr(persistence.os, "replace", interrupted(real_replace))
    monkeypatch.setattr(persistence.os, "rename", interrupted(real_rename))
    if swap:
        real_exchange = persistence._exchange

        def exchange(a, b):
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise KeyboardInterrupt
            return real_exchange(a, b)

        monkeypatch.setattr(persistence, "_exchange", exchange)
    else:
        monkeypatch.setattr(persistence, "_exchange", lambda a, b: False)
    with contextlib.suppress(KeyboardInterrupt):
        save_model(fitted_other, dest)
    # a reader at this instant gets a complete model, the old one or the new one
    assert labels_and_c(dest) in (fitted.C, fitted_other.C)
    monkeypatch.undo()
    # the next save repairs whatever the interrupted one left, and no temporary folder stays behind
    save_model(fitted_other, dest)
    assert labels_and_c(dest) == fitted_other.C
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


def test_between_the_two_renames_the_previous_model_is_loaded(fitted, fitted_other, tmp_path, monkeypatch):
    dest = save_model(fitted, tmp_path / "m")
    monkeypatch.setattr(persistence, "_exchange", lambda a, b: False)
    real = os.replace
    calls = {"n": 0}

    def replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:  # dest has been moved aside, the new model is not in place yet
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(persistence.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        save_model(fitted_other, dest)
    monkeypatch.undo()
    assert not dest.exists()
    assert load_model(dest).C == fitted.C
    assert persistence.read_metadata(dest)["labels"] == list(fitted.classes_)


SAVER = textwrap.dedent(
    """
    import sys
    from activity_classifier import ActivityClassifier
    from activity_classifier.persistence import save_model
    sys.path.insert(0, {tests!r})
    from conftest import TINY
    texts = [t for ts in TINY.values() for t in ts]
    labels = [lab for lab, ts in TINY.items() for _ in ts]
    model = ActivityClassifier(calibration_folds=2, C={c}).fit(texts, labels)
    while True:
        save_model(model, {dest!r})
        print("saved", flush=True)
    """
)


def start_saver(dest, c):
    code = SAVER.format(tests=os.path.dirname(__file__), dest=str(dest), c=c)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def test_sigkill_while_saving_and_two_writers_leave_one_complete_model(tmp_path):
    dest = tmp_path / "m"
    first = start_saver(dest, 1.0)
    second = start_saver(dest, 0.5)  # two processes replacing the same folder over and over
    try:
        assert first.stdout.readline() == second.stdout.readline() == "saved\n"
        for delay in (0.05, 0.13, 0.21, 0.34, 0.0, 0.0, 0.01):
            time.sleep(delay)
            assert load_model(dest).C in (1.0, 0.5)  # readers meanwhile always find a complete model
            assert persistence.load_predictor(dest).metadata_["settings"]["C"] in (1.0, 0.5)
        first.send_signal(signal.SIGKILL)
        time.sleep(0.07)
        second.send_signal(signal.SIGKILL)
    finally:  # a failed assertion must not leave savers running into the next tests
        for proc in (first, second):
            proc.kill()
            proc.wait(10)
            proc.stdout.close()
    assert load_model(dest).C in (1.0, 0.5)


@pytest.mark.parametrize("loader", [load_model, persistence.load_predictor])
def test_a_save_between_reading_the_metadata_and_the_model_file_is_read_again(
    fitted, fitted_other, tmp_path, monkeypatch, loader
):
    dest, other = tmp_path / "m", tmp_path / "other"
    save_model(fitted, dest)
    save_model(fitted_other, other)
    real = persistence.read_metadata
    calls = []

    def read_then_swap(directory):
        meta = real(directory)
        calls.append(meta["settings"]["C"])
        if len(calls) == 1:  # another process saves right after this reader took metadata.json
            persistence._replace_directory(other, dest)
        return meta

    monkeypatch.setattr(persistence, "read_metadata", read_then_swap)
    loaded = loader(dest)
    assert calls == [fitted.C, fitted_other.C]  # the mixed read was noticed and done again
    assert loaded.metadata_["settings"]["C"] == fitted_other.C


def test_a_model_file_altered_in_place_is_still_refused(fitted, tmp_path):
    dest = save_model(fitted, tmp_path / "m")
    with open(dest / MODEL_FILE, "ab") as fh:
        fh.write(b"x")  # the folder itself is not replaced: no second try hides this
    with pytest.raises(persistence.ModelIntegrityError, match="SHA-256"):
        load_model(dest)
