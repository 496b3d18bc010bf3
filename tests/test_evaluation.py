import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from activity_classifier import ActivityClassifier
from activity_classifier.cli import main
from activity_classifier.corpus import load_labelled
from activity_classifier.evaluation import (
    EvaluationResult,
    MethodScores,
    agreement_from_files,
    check_gate,
    cross_validate,
    evaluate_cv,
    fold_indices,
)

HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "holdout_activities.csv"


@pytest.fixture(scope="module")
def corpus():
    return load_labelled()


@pytest.fixture(scope="module")
def small(corpus):
    # Six teachers of each of four writers: about 600 rows, every type present.
    keep = [i for i, g in enumerate(corpus.groups) if g[:2] in {"T1", "T2", "T3", "T4"} and int(g[2:]) <= 6]
    return (
        [corpus.texts[i] for i in keep],
        [corpus.labels[i] for i in keep],
        [corpus.groups[i] for i in keep],
    )


def test_grouped_folds_are_leak_free_and_cover_everything(corpus):
    folds = fold_indices(corpus.labels, corpus.groups, n_splits=5)
    groups = np.asarray(corpus.groups)
    seen = np.concatenate([test for _, test in folds])
    assert sorted(seen.tolist()) == list(range(len(corpus.labels)))
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
        assert set(np.asarray(corpus.labels)[test]) == set(corpus.labels)  # stratified: every type tested


def test_ungrouped_folds_are_stratified(corpus):
    folds = fold_indices(corpus.labels, None, n_splits=5)
    assert len(folds) == 5 and all(len(test) > 300 for _, test in folds)


@pytest.mark.slow
def test_evaluate_cv_reports_every_method_and_baseline(small):
    texts, labels, groups = small
    result = evaluate_cv(
        ActivityClassifier(),
        texts,
        labels,
        groups,
        n_splits=3,
        n_bootstrap=50,
        with_learning_curve=True,
        ids=[f"r{i}" for i in range(len(texts))],
    )
    assert isinstance(result, EvaluationResult)
    assert result.methods["hybrid"].macro_f1 == result.to_dict()["methods"]["hybrid"]["macro_f1"]
    metrics = result.to_dict()
    assert EvaluationResult.from_dict(metrics).to_dict() == metrics
    assert set(metrics["methods"]) == {"hybrid", "model", "rules", "majority", "tfidf_svm"}
    hybrid = metrics["methods"]["hybrid"]
    assert hybrid["macro_f1"] > metrics["methods"]["majority"]["macro_f1"]
    assert hybrid["ci95"]["macro_f1"][0] <= hybrid["macro_f1"] <= hybrid["ci95"]["macro_f1"][1]
    assert 0 <= hybrid["coverage"]["review_share_for_target"] <= 1
    assert metrics["settings"]["grouped"] and metrics["settings"]["groups"] == len(set(groups))
    assert 0 <= metrics["calibration"]["ece"] < 0.2
    curve = metrics["learning_curve"]
    assert [p["fraction"] for p in curve] == [0.1, 0.25, 0.5, 0.75, 1.0]
    assert curve[0]["rows"] < curve[-1]["rows"]
    assert all(row["id"].startswith("r") and row["row"] >= 2 for row in metrics["misclassified"])
    assert set(metrics["seconds"]) >= {"analyse", "fit", "predict", "baselines", "metrics", "total"}


def test_cross_validation_predictions_are_out_of_fold(small):
    texts, labels, groups = small
    result = cross_validate(ActivityClassifier(calibration=None), texts, labels, groups, n_splits=3, methods=("model",))
    assert len(result.predictions["model"]) == len(texts)
    assert result.proba.shape == (len(texts), 11)
    np.testing.assert_allclose(result.proba.sum(axis=1), 1.0)


def test_check_gate():
    hybrid = MethodScores(
        n=8,
        accuracy=0.9,
        macro_f1=0.9,
        weighted_f1=0.9,
        cohen_kappa=0.8,
        krippendorff_alpha=0.8,
        abstained=0,
        per_type={
            "conference": {"recall": 0.95, "support": 3},
            "tasks_roles": {"recall": 0.6, "support": 5},
        },
        group_level={},
        confusion={},
    )
    result = EvaluationResult(kind="test", data={}, settings={}, methods={"hybrid": hybrid}, rules={})
    assert check_gate(result, min_macro_f1=0.85, min_kappa=0.8) == []
    failures = check_gate(result, min_macro_f1=0.95, min_kappa=0.85, min_recall=0.7)
    assert failures == [
        "hybrid macro-F1 0.900 < 0.95",
        "hybrid Cohen's kappa 0.800 < 0.85",
        "hybrid recall of tasks_roles 0.600 < 0.7",
    ]


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_gate_passes_and_fails_with_the_right_exit_codes():
    base = ["evaluate", "--test", str(HOLDOUT), "--bootstrap", "0", "--no-baselines"]
    code, out, err = run(*base, "--min-macro-f1", "0.5", "--min-kappa", "0.5", "--min-recall", "0.3")
    assert code == 0 and "quality gate passed" in err
    assert "hybrid" in out and "rules" in out
    code, out, err = run(*base, "--min-macro-f1", "0.999", "--min-recall", "0.999")
    assert code == 1
    assert "quality gate failed: hybrid macro-F1" in err and "recall of" in err
    assert len(err.strip().splitlines()) == 2  # the progress line and the one-line failure


def test_evaluate_bad_input_exits_2(tmp_path):
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"text": ["Webinar"], "label": ["webinar"]}).to_csv(bad, index=False)
    code, _, err = run("evaluate", "--test", str(bad), "--bootstrap", "0", "--no-baselines")
    assert code == 2 and "unknown label 'webinar'" in err and "row 2" in err


def test_agreement_command(tmp_path):
    a = tmp_path / "coder_a.csv"
    b = tmp_path / "coder_b.xlsx"
    pd.DataFrame(
        {
            "id": ["1", "2", "3", "4"],
            "text": ["t1", "t2", "t3", "t4"],
            "label": ["conference", "pd_programme", "tasks_roles", "F2"],
        }
    ).to_csv(a, index=False)
    pd.DataFrame({"id": ["1", "2", "3", "5"], "code": ["conference", "conference", "tasks_roles", "I1"]}).to_excel(
        b, index=False
    )
    out_file = tmp_path / "disagreements.csv"
    code, out, _ = run("agreement", str(a), str(b), "--label-column-b", "code", "--output", str(out_file))
    assert code == 0
    assert "3 units coded in both files (1 only in A, 1 only in B)" in out
    assert "percent agreement 0.667" in out
    table = pd.read_csv(out_file, dtype=str)
    assert table.to_dict("records") == [
        {"id": "2", "text": "t2", "label_a": "pd_programme", "label_b": "conference", "adjudicated": np.nan}
    ]


def test_agreement_bad_label(tmp_path):
    a = tmp_path / "a.csv"
    pd.DataFrame({"id": ["1"], "label": ["congres"]}).to_csv(a, index=False)
    code, _, err = run("agreement", str(a), str(a))
    assert code == 2 and "a.csv, row 2, column 'label'" in err


def test_agreement_from_files_in_python(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    pd.DataFrame({"id": ["1", "2"], "label": ["conference", "F1"], "text": ["t1", "t2"]}).to_csv(a, index=False)
    pd.DataFrame({"id": ["2", "1", "3"], "label": ["pd_programme", "tasks_roles", "I1"]}).to_csv(b, index=False)
    found = agreement_from_files(a, b)
    assert found.shared == ["1", "2"] and (found.only_a, found.only_b) == (0, 1)
    assert found.result["percent_agreement"] == 0.5
    assert found.disagreements().to_dict("records") == [
        {"id": "1", "text": "t1", "label_a": "conference", "label_b": "tasks_roles", "adjudicated": ""}
    ]
