"""No code runs from a model folder: skops with a trusted-type list, pickles only when trusted."""

import json
import pathlib
import shutil
import subprocess
import sys
from pathlib import Path

import joblib
import pandas as pd
import pytest

from activity_classifier import ActivityClassifier, persistence
from activity_classifier._runtime import ARRAYS_FILE, SETTINGS_FILE
from activity_classifier.cli import main
from activity_classifier.exceptions import ModelArtifactError, ModelTrustError
from activity_classifier.persistence import (
    METADATA_FILE,
    MODEL_FILE,
    default_model_dir,
    file_sha256,
    load_model,
    load_predictor,
    read_metadata,
    save_model,
)

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "model_format1"


class Payload:
    """Unpickling this creates the file ``marker``: proof that loading ran code."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def malicious_folder(folder, marker):
    """A format 1 model folder whose model.joblib runs a payload, with its hash written into metadata.json."""
    shutil.copytree(FIXTURE_V1, folder)
    joblib.dump(Payload(str(marker)), folder / "model.joblib")
    meta = json.loads((folder / METADATA_FILE).read_text("utf-8"))
    meta["model_file"]["sha256"] = file_sha256(folder / "model.joblib")
    (folder / METADATA_FILE).write_text(json.dumps(meta), "utf-8")
    return folder


@pytest.fixture(scope="module")
def fitted(tiny_data):
    texts, labels = tiny_data
    return ActivityClassifier(calibration_folds=2).fit(texts, labels)


def one_line(err):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_the_payload_is_live_when_trusted(tmp_path):
    """Control: with trust=True the pickle is unpickled and its code runs (so the tests below mean something)."""
    marker = tmp_path / "pwned"
    folder = malicious_folder(tmp_path / "evil", marker)
    with pytest.raises(ModelArtifactError):
        load_model(folder, trust=True)
    assert marker.exists()


def test_the_payload_does_not_run_on_load(tmp_path):
    marker = tmp_path / "pwned"
    folder = malicious_folder(tmp_path / "evil", marker)
    with pytest.raises(ModelTrustError, match=r"model\.joblib: an old-format model .* --trust-model") as info:
        load_model(folder)
    assert "\n" not in str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize("command", ["predict", "prelabel", "evaluate"])
def test_the_payload_does_not_run_from_the_command_line(tmp_path, command):
    marker = tmp_path / "pwned"
    folder = malicious_folder(tmp_path / "evil", marker)
    data = tmp_path / "in.csv"
    pd.DataFrame({"text": ["Webinar gevolgd", "Congres bezocht"], "label": ["pd_programme", "conference"]}).to_csv(
        data, index=False
    )
    args = {
        "predict": ["predict", str(data), "--output", str(tmp_path / "out.csv")],
        "prelabel": ["prelabel", str(data), "--output", str(tmp_path / "out.xlsx")],
        "evaluate": ["evaluate", "--test", str(data), "--bootstrap", "0", "--no-baselines"],
    }[command]
    proc = subprocess.run(
        [sys.executable, "-m", "activity_classifier.cli", *args, "--model", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2
    line = one_line(proc.stderr)
    assert line.startswith("activity-classifier: error: ") and "--trust-model" in line
    assert not marker.exists()
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "out.xlsx").exists()


def test_old_fixture_is_refused_without_trust_and_loads_with_it(capsys, tmp_path):
    with pytest.raises(ModelTrustError):
        load_model(FIXTURE_V1)
    src = tmp_path / "in.csv"
    pd.DataFrame({"text": ["Twee dagen naar het congres"]}).to_csv(src, index=False)
    out = tmp_path / "out.csv"
    assert main(["predict", str(src), "--output", str(out), "--model", str(FIXTURE_V1)]) == 2
    assert "--trust-model" in one_line(capsys.readouterr().err)
    argv = ["predict", str(src), "--output", str(out), "--model", str(FIXTURE_V1), "--trust-model"]
    assert main(argv) == 0
    assert pd.read_csv(out)["label"].tolist() == ["conference"]


def test_shipped_default_loads_without_trust():
    model = load_model()
    assert model.metadata_["model_file"]["name"] in (MODEL_FILE, persistence.PICKLE_FILE)
    assert len(model.classes_) == 11


def test_a_copy_of_an_old_default_outside_the_package_needs_trust(tmp_path):
    if read_metadata(default_model_dir())["model_file"]["format"] == "skops":
        pytest.skip("the shipped default has been re-saved with skops")
    copy = shutil.copytree(default_model_dir(), tmp_path / "default")
    with pytest.raises(ModelTrustError):
        load_model(copy)


def test_new_models_are_skops_and_load_without_trust(fitted, tmp_path, monkeypatch):
    import pickle

    folder = save_model(fitted, tmp_path / "m")
    assert sorted(p.name for p in folder.iterdir()) == sorted([METADATA_FILE, MODEL_FILE, ARRAYS_FILE, SETTINGS_FILE])
    assert MODEL_FILE == "model.skops"
    meta = json.loads((folder / METADATA_FILE).read_text("utf-8"))
    assert meta["format_version"] == persistence.FORMAT_VERSION == 2
    assert meta["model_file"]["format"] == "skops" and meta["skops_version"]

    def boom(*args, **kwargs):
        raise AssertionError("a skops model must be loaded without unpickling")

    for module, name in [(joblib, "load"), (pickle, "load"), (pickle, "loads")]:
        monkeypatch.setattr(module, name, boom)
    loaded = load_model(folder)
    runtime = load_predictor(folder)
    monkeypatch.undo()
    texts = ["Webinar over toetsen gevolgd", "Artikel gelezen", ""]
    assert [p.as_dict() for p in loaded.explain(texts)] == [p.as_dict() for p in fitted.explain(texts)]
    assert [p.as_dict() for p in runtime.explain(texts)] == [p.as_dict() for p in fitted.explain(texts)]
    # Vocabularies and the lemma table travel as JSON strings (fast to read); they come back whole.
    assert loaded.word_vectorizer_.vocabulary_ == fitted.word_vectorizer_.vocabulary_
    assert loaded.char_vectorizer_.vocabulary_ == fitted.char_vectorizer_.vocabulary_
    assert loaded.analyzer_.lemmas == fitted.analyzer_.lemmas and loaded.analyzer_.lemmas
    assert fitted.word_vectorizer_.vocabulary_  # saving left the fitted model as it was


def test_train_writes_the_new_format(tmp_path, capsys):
    out = tmp_path / "models" / "default"
    data = tmp_path / "coded.csv"
    from .conftest import TINY

    pd.DataFrame(
        {
            "text": [t for texts in TINY.values() for t in texts],
            "label": [lab for lab, texts in TINY.items() for _ in texts],
        }
    ).to_csv(data, index=False)
    assert main(["train", "--data", str(data), "--cv", "0", "--output", str(out)]) == 0
    assert (out / MODEL_FILE).is_file() and not (out / "model.joblib").exists()
    assert read_metadata(out)["model_file"]["format"] == "skops"
    assert load_model(out).predict(["Twee dagen naar het congres"]).tolist() == ["conference"]


class Stranger:
    """A type no trusted list names."""

    def __init__(self):
        self.x = 1


def test_a_skops_file_with_an_untrusted_type_is_refused_naming_it(fitted, tmp_path):
    import skops.io as sio

    folder = save_model(fitted, tmp_path / "m")
    fitted_copy = load_model(folder)
    fitted_copy.stranger_ = Stranger()
    sio.dump(fitted_copy, folder / MODEL_FILE)
    meta = json.loads((folder / METADATA_FILE).read_text("utf-8"))
    meta["model_file"]["sha256"] = file_sha256(folder / MODEL_FILE)
    (folder / METADATA_FILE).write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ModelTrustError, match=r"untrusted type tests\.test_model_trust\.Stranger") as info:
        load_model(folder)
    assert "\n" not in str(info.value)
    # trust=True is about pickles only: it never widens the list of types a skops file may hold
    with pytest.raises(ModelTrustError):
        load_model(folder, trust=True)


def test_metadata_cannot_pass_a_pickle_off_as_skops(tmp_path):
    marker = tmp_path / "pwned"
    folder = malicious_folder(tmp_path / "evil", marker)
    meta = json.loads((folder / METADATA_FILE).read_text("utf-8"))
    meta["format_version"] = persistence.FORMAT_VERSION
    meta["model_file"]["format"] = "skops"
    (folder / METADATA_FILE).write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ModelArtifactError, match="not a readable skops file"):
        load_model(folder)
    assert not marker.exists()
