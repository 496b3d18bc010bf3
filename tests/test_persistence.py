import json
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest

from activity_classifier import ActivityClassifier, persistence
from activity_classifier._runtime import ARRAYS_FILE, SETTINGS_FILE
from activity_classifier.exceptions import ModelArtifactError, ModelIntegrityError, ModelVersionError, NotFittedError
from activity_classifier.persistence import (
    METADATA_FILE,
    MODEL_FILE,
    default_model_dir,
    file_sha256,
    load_model,
    read_metadata,
    save_model,
)

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "model_format1"
NEW = ["Webinar over toetsen gevolgd", "Twee dagen op het jaarcongres", "Artikel gelezen", ""]


@pytest.fixture(scope="module")
def fitted(tiny_data):
    texts, labels = tiny_data
    return ActivityClassifier(calibration_folds=2).fit(texts, labels)


@pytest.fixture
def saved(fitted, tmp_path):
    return save_model(fitted, tmp_path / "model", training_data={"rows": 24, "sha256": "abc"}, metrics={"f1": 0.5})


def test_round_trip_gives_identical_predictions(fitted, saved):
    loaded = load_model(saved)
    np.testing.assert_array_equal(loaded.predict_proba(NEW), fitted.predict_proba(NEW))
    assert [p.as_dict() for p in loaded.explain(NEW)] == [p.as_dict() for p in fitted.explain(NEW)]


def test_metadata_records_what_a_paper_needs(saved, fitted):
    meta = json.loads((saved / METADATA_FILE).read_text("utf-8"))
    assert meta["format_version"] == persistence.FORMAT_VERSION
    assert meta["package"]["name"] == "activity-classifier"
    for key in ("sklearn_version", "python_version", "created", "labels", "settings", "metrics", "training_data"):
        assert meta[key] not in (None, "")
    assert meta["pipeline"]["name"] == "simple" and meta["pipeline"]["spacy_version"]
    assert meta["labels"] == list(fitted.classes_)
    assert meta["settings"]["C"] == fitted.C
    assert meta["training_data"] == {"rows": 24, "sha256": "abc"}
    assert meta["model_file"]["sha256"] == file_sha256(saved / MODEL_FILE)


def test_tampered_model_is_refused_without_unpickling(saved, monkeypatch):
    with open(saved / MODEL_FILE, "ab") as fh:
        fh.write(b"\x00")

    def boom(*args, **kwargs):
        raise AssertionError("joblib.load must not be called on an unverified file")

    monkeypatch.setattr(joblib, "load", boom)
    with pytest.raises(ModelIntegrityError, match="SHA-256 does not match"):
        load_model(saved)


def test_replaced_model_file_is_refused(saved, tmp_path):
    joblib.dump({"evil": True}, saved / MODEL_FILE)
    with pytest.raises(ModelIntegrityError):
        load_model(saved)


@pytest.mark.parametrize(
    ("damage", "error", "message"),
    [
        (lambda d: (d / METADATA_FILE).unlink(), ModelArtifactError, "not a model directory"),
        (lambda d: (d / MODEL_FILE).unlink(), ModelArtifactError, "is missing"),
        (lambda d: (d / METADATA_FILE).write_text("{not json", "utf-8"), ModelArtifactError, "unreadable metadata"),
        (lambda d: (d / METADATA_FILE).write_text("[]", "utf-8"), ModelArtifactError, "format_version"),
    ],
)
def test_damaged_directory(saved, damage, error, message):
    damage(saved)
    with pytest.raises(error, match=message):
        load_model(saved)


def _edit_metadata(directory, **changes):
    path = directory / METADATA_FILE
    meta = json.loads(path.read_text("utf-8"))
    meta.update(changes)
    path.write_text(json.dumps(meta), "utf-8")


def test_newer_format_is_refused(saved):
    _edit_metadata(saved, format_version=persistence.FORMAT_VERSION + 1)
    with pytest.raises(ModelVersionError, match="upgrade the package"):
        load_model(saved)


def test_sklearn_minor_version_mismatch_is_a_clear_error(saved):
    _edit_metadata(saved, sklearn_version="0.24.2")
    with pytest.raises(ModelVersionError, match=r"scikit-learn 0\.24\.2.*install scikit-learn==0\.24\.2 or retrain"):
        load_model(saved)


def test_format_bump_keeps_old_artifacts_loading(saved, monkeypatch):
    """Simulate the next format version: a migration upgrades the current metadata on load."""
    current = persistence.FORMAT_VERSION

    def migrate(meta):
        meta = dict(meta, format_version=current + 1)
        meta["labels_next"] = meta.pop("labels")
        return meta

    monkeypatch.setattr(persistence, "FORMAT_VERSION", current + 1)
    monkeypatch.setitem(persistence._MIGRATIONS, current, migrate)
    model = load_model(saved)
    assert model.metadata_["format_version"] == current + 1 and "labels_next" in model.metadata_
    assert model.predict(["Webinar gevolgd"]).tolist() == ["pd_programme"]


def test_missing_migration_is_a_clear_error(saved, monkeypatch):
    current = persistence.FORMAT_VERSION
    monkeypatch.setattr(persistence, "FORMAT_VERSION", current + 1)
    with pytest.raises(ModelVersionError, match=f"format {current} can no longer be read"):
        read_metadata(saved)


def test_committed_format1_fixture_still_loads_when_trusted():
    model = load_model(FIXTURE_V1, trust=True)
    assert model.metadata_["format_version"] == persistence.FORMAT_VERSION  # migrated on load
    assert model.metadata_["model_file"]["format"] == "joblib"
    assert model.predict(["Twee dagen naar het congres"]).tolist() == ["conference"]


def test_format1_fixture_loads_through_the_module_path_mapping(monkeypatch):
    """The fixture was pickled when the estimator lived in activity_classifier.model."""
    with monkeypatch.context() as m:
        m.setattr(persistence, "_RENAMED_MODULES", {})
        with pytest.raises(ModelArtifactError, match=r"No module named 'activity_classifier\.model'"):
            load_model(FIXTURE_V1, trust=True)
    model = load_model(FIXTURE_V1, trust=True)
    assert type(model) is ActivityClassifier
    assert "activity_classifier.model" not in sys.modules  # the old path exists only while loading


def test_format1_fixture_predicts_as_when_it_was_saved():
    model = load_model(FIXTURE_V1, trust=True)
    assert model.rules_.lexicon["types"]["conference"]["strong"]
    assert [p.label for p in model.explain(["Twee dagen naar het congres", ""])] == ["conference", None]


def test_save_replaces_an_existing_model_whole(fitted, saved):
    (saved / "stale.txt").write_text("old", "utf-8")
    save_model(fitted, saved)
    assert sorted(p.name for p in saved.iterdir()) == sorted([METADATA_FILE, MODEL_FILE, ARRAYS_FILE, SETTINGS_FILE])
    assert not list(saved.parent.glob(".model*"))


def test_save_unfitted_fails(tmp_path):
    with pytest.raises(NotFittedError, match="not fitted"):
        save_model(ActivityClassifier(), tmp_path / "m")
    assert not (tmp_path / "m").exists()


def test_default_model_ships_and_loads():
    directory = default_model_dir()
    assert (directory / METADATA_FILE).is_file()
    model = load_model()
    meta = model.metadata_
    assert meta["training_data"]["rows"] >= 1600
    assert meta["metrics"]["kind"] == "cross_validation"  # train stores the schema of metrics.json
    assert meta["metrics"]["methods"]["hybrid"]["macro_f1"] >= 0.85
    assert set(model.classes_) == set(meta["labels"]) and len(meta["labels"]) == 11
    assert model.predict(["Twee dagen naar het onderwijscongres in Utrecht"]).tolist() == ["conference"]


FIXTURE_BLANK = Path(__file__).parent / "fixtures" / "model_blank"


def test_a_model_saved_with_the_blank_pipeline_predicts_as_when_it_was_saved():
    """Saved when spaCy's blank pipeline was the default (see fixtures/model_blank/make.py): it keeps it."""
    expected = json.loads((FIXTURE_BLANK / "expected.json").read_text("utf-8"))
    model = load_model(FIXTURE_BLANK / "model")
    assert model.pipeline == "blank"
    assert read_metadata(FIXTURE_BLANK / "model")["pipeline"]["name"] == "blank"
    assert [p.as_dict() for p in model.explain(expected["texts"])] == expected["explain"]
    np.testing.assert_allclose(model.predict_proba(expected["texts"]), expected["proba"], rtol=0, atol=1e-12)


def test_a_model_with_the_blank_pipeline_is_saved_with_spacys_metadata(tiny_data, tmp_path):
    import spacy

    texts, labels = tiny_data
    model = ActivityClassifier(pipeline="blank", calibration_folds=2).fit(texts, labels)
    meta = read_metadata(save_model(model, tmp_path / "model"))
    assert meta["pipeline"]["name"] == "blank"
    assert meta["pipeline"]["spacy_version"] == spacy.about.__version__
    assert "simplemma_lemmatizer" in meta["pipeline"]["components"]
