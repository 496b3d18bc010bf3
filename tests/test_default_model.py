"""The shipped default model: reproducible from the bundled corpus, and as good as the README says."""

import hashlib
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from activity_classifier.corpus import bundled_corpus_path, load_labelled
from activity_classifier.evaluation import classification_metrics
from activity_classifier.persistence import load_model


@pytest.fixture(scope="module")
def default():
    return load_model()


@pytest.fixture(scope="module")
def holdout():
    return load_labelled(Path(__file__).resolve().parents[1] / "data" / "holdout_activities.csv")


def test_default_model_was_trained_on_the_bundled_corpus(default):
    digest = hashlib.sha256(bundled_corpus_path().read_bytes()).hexdigest()
    assert default.metadata_["training_data"]["sha256"] == digest, "corpus changed: run `make model`"


@pytest.mark.slow
def test_training_again_reproduces_the_default_model(default, holdout):
    # As `make model`: the calibration's internal folds are grouped by writer.
    corpus = load_labelled(group_column="writer", require_group=True)
    again = clone(default).fit(corpus.texts, corpus.labels, groups=corpus.groups)
    np.testing.assert_array_equal(again.predict(holdout.texts), default.predict(holdout.texts))
    np.testing.assert_allclose(again.predict_proba(holdout.texts), default.predict_proba(holdout.texts), atol=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize(("method", "floor"), [("hybrid", 0.85), ("model", 0.85), ("rules", 0.60)])
def test_holdout_quality(default, holdout, method, floor):
    preds = [p.label for p in default.explain(holdout.texts, method=method)]
    assert classification_metrics(holdout.labels, preds)["macro_f1"] >= floor
