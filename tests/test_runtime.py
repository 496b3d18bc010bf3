"""The inference runtime: saved beside the skops file, loaded without scikit-learn, and equal to the estimator."""

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from activity_classifier import load_model
from activity_classifier._parallel import MIN_ROWS_PER_JOB
from activity_classifier._runtime import ARRAYS_FILE, RUNTIME_VERSION, SETTINGS_FILE, Predictor, as_predictor
from activity_classifier.corpus import load_labelled
from activity_classifier.exceptions import ModelArtifactError, ModelIntegrityError
from activity_classifier.persistence import METADATA_FILE, load_predictor, save_model
from activity_classifier.predictions import classify
from activity_classifier.reliability import Reliability

# The texts of benchmarks/varied.py in miniature: corpus texts, empty and odd ones, sentence pairs.
ODD = ["", "   ", "xq", "Webinar!!! =SOM(A1)", "Teamoverleg en TEAMOVERLEG", "Boek gelezen. " * 300]


@pytest.fixture(scope="module")
def sample():
    texts = load_labelled().texts
    pairs = [f"{a} {b}" for a, b in zip(texts[::50], texts[25::50], strict=False)]
    return list(texts[::7]) + pairs + ODD


@pytest.fixture(scope="module")
def saved(default_model, tmp_path_factory):
    meta = default_model.metadata_
    folder = tmp_path_factory.mktemp("runtime") / "model"
    save_model(
        default_model,
        folder,
        training_data=meta["training_data"],
        reliability=Reliability.from_dict(meta["reliability"]),
    )
    return folder


def _dicts(predictions):
    return [p.as_dict() for p in predictions]


def test_save_writes_the_runtime_files_listed_with_their_hashes(saved):
    meta = json.loads((saved / METADATA_FILE).read_text("utf-8"))
    runtime = meta["runtime"]
    assert runtime["version"] == RUNTIME_VERSION
    assert {e["name"] for e in runtime["files"].values()} == {ARRAYS_FILE, SETTINGS_FILE}
    assert all(len(e["sha256"]) == 64 for e in runtime["files"].values())
    with zipfile.ZipFile(saved / ARRAYS_FILE) as npz:  # plain arrays: no pickled objects
        assert all(name.endswith(".npy") for name in npz.namelist())
    with np.load(saved / ARRAYS_FILE, allow_pickle=False) as arrays:
        assert arrays["coef"].dtype == np.float64
    assert len((saved / METADATA_FILE).read_bytes()) < 300_000  # arrays live in the npz


def test_loaded_runtime_predicts_exactly_as_the_estimator(default_model, saved, sample):
    predictor = load_predictor(saved)
    assert isinstance(predictor, Predictor)
    for method in ("hybrid", "model", "rules"):
        assert _dicts(predictor.explain(sample, method)) == _dicts(default_model.explain(sample, method=method))
    docs = default_model.analyse(sample)
    np.testing.assert_array_equal(predictor.model_proba(docs), default_model.model_proba(sample, analysis=docs))


def test_classify_with_the_runtime_equals_classify_with_the_estimator(default_model, saved, sample):
    by_runtime = classify(sample, model=load_predictor(saved))
    by_estimator = classify(sample, model=default_model)
    assert by_runtime.equals(by_estimator)
    assert by_runtime.attrs["batch_report"] == by_estimator.attrs["batch_report"]


def test_two_jobs_give_exactly_the_predictions_and_signals_of_one(saved):
    texts = list(reversed(load_labelled().texts))[: 2 * MIN_ROWS_PER_JOB + 11]
    predictor = load_predictor(saved)
    signals = frozenset({"confidence", "unknown_share", "centroid_similarity", "word_char_disagree"})
    one, one_signals = predictor.run(texts, n_jobs=1, signals=signals)
    two, two_signals = predictor.run(texts, n_jobs=2, signals=signals)
    assert _dicts(two) == _dicts(one)
    np.testing.assert_array_equal(two_signals, one_signals)


def test_loading_the_runtime_imports_neither_sklearn_scipy_skops_nor_pandas(saved):
    code = (
        "import sys; from activity_classifier.persistence import load_predictor; "
        f"p = load_predictor({str(saved)!r}); p.explain(['Twee dagen naar het onderwijscongres']); "
        "print(sorted(m for m in ('sklearn', 'scipy', 'skops', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_damaged_runtime_file_is_refused(saved, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(saved, broken)
    with open(broken / ARRAYS_FILE, "r+b") as fh:
        fh.seek(200)
        fh.write(b"XXXX")
    with pytest.raises(ModelIntegrityError, match=r"inference\.npz: SHA-256 does not match"):
        load_predictor(broken)


def test_a_malformed_runtime_block_is_refused(saved, tmp_path):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(saved, broken)
    meta = json.loads((broken / METADATA_FILE).read_text("utf-8"))
    meta["runtime"]["files"]["arrays"]["name"] = "../elsewhere.npz"
    (broken / METADATA_FILE).write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ModelArtifactError, match=r"runtime\.files\.arrays\.name"):
        load_predictor(broken)
    with pytest.raises(ModelArtifactError, match=r"runtime\.files\.arrays\.name"):
        load_model(broken)


def test_a_folder_without_runtime_files_loads_through_skops(default_model, saved, tmp_path, sample):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(saved, old)
    meta = json.loads((old / METADATA_FILE).read_text("utf-8"))
    del meta["runtime"]
    (old / METADATA_FILE).write_text(json.dumps(meta), "utf-8")
    (old / ARRAYS_FILE).unlink()
    (old / SETTINGS_FILE).unlink()
    predictor = load_predictor(old)
    assert predictor is as_predictor(predictor)
    assert _dicts(predictor.explain(sample)) == _dicts(default_model.explain(sample))


def test_the_word_columns_fast_path_finds_what_word_ngrams_finds(sample):
    # _WordColumns re-expresses features.word_ngrams (unigrams, bigrams, compound heads) in NumPy for speed;
    # the feature occurrences it finds must be those that the plain path finds with word_ngrams itself.
    from activity_classifier.features import word_ngrams

    model = load_predictor(None)
    featurizer = model.featurizer
    assert featurizer._words is word_ngrams, "the shipped default uses the fast path"
    docs = model.analyzer.analyse(sample)
    rows, cols = featurizer._word_occurrences(docs)
    feats = [word_ngrams(d) for d in docs]
    expected = sorted(
        (i, featurizer.word_vocabulary[f]) for i, fs in enumerate(feats) for f in fs if f in featurizer.word_vocabulary
    )
    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == expected
    assert len(expected) > 10 * len(docs)
