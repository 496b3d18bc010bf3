"""Confidence across writers: the target-accuracy threshold, the stored reliability block, the shift report."""

import json

import numpy as np
import pytest

from activity_classifier import ActivityClassifier, classify
from activity_classifier.cli import main
from activity_classifier.exceptions import InputDataError, ModelArtifactError
from activity_classifier.policy import ReviewReason
from activity_classifier.reliability import (
    DEFAULT_TARGET_ACCURACY,
    SIGNALS,
    BatchReport,
    Reliability,
    build_reliability,
    check_target,
    item_signals,
    review_to_target,
    risk_coverage,
    select_for_target,
)


def test_select_for_target_flags_the_fewest():
    expected = np.array([0.6, 0.99, 0.9, 0.97])
    accept, acc = select_for_target(expected, 0.95)
    # 0.99, 0.97, 0.9 average 0.953: only the 0.6 item is flagged.
    assert accept.tolist() == [False, True, True, True] and acc == pytest.approx((0.99 + 0.97 + 0.9) / 3)
    accept, acc = select_for_target(expected, 0.98)
    assert accept.tolist() == [False, True, False, True] and acc == pytest.approx(0.98)
    accept, _ = select_for_target(expected, 0.5)
    assert accept.all()
    accept, acc = select_for_target(expected, 1.0)
    assert not accept.any() and np.isnan(acc)
    accept, acc = select_for_target(np.array([]), 0.9)
    assert accept.tolist() == [] and np.isnan(acc)


@pytest.mark.parametrize("bad", [0, 0.0, -0.1, 1.01, 95, True, "0.9"])
def test_target_outside_0_1_is_refused(bad):
    with pytest.raises(InputDataError, match=r"\(0, 1\]"):
        check_target(bad)


def test_target_one_is_allowed():
    assert check_target(1) == 1.0 and DEFAULT_TARGET_ACCURACY == 0.95


def test_the_prelabel_default_is_the_same_target():
    import inspect

    from activity_classifier.annotate import prelabel

    assert inspect.signature(prelabel).parameters["target_accuracy"].default == DEFAULT_TARGET_ACCURACY


def test_risk_coverage_is_monotone_in_coverage():
    score = [0.9, 0.8, 0.7, 0.6, 0.5]
    curve = risk_coverage(score, [True, True, False, True, False], points=5)
    assert [p["coverage"] for p in curve] == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert [round(p["accuracy"], 2) for p in curve] == [1.0, 1.0, 0.67, 0.75, 0.6]
    assert [p["threshold"] for p in curve] == score


def _reliability(slope=4.0):
    """Expected correctness rising with the confidence logit (made up, for the tests)."""
    rel = Reliability(
        ("confidence",), (slope,), 0.0, (0.0,), (1.0,), [{"threshold": 0.5, "coverage": 1.0, "accuracy": 0.9}]
    )
    return rel


def test_reliability_round_trips_and_is_validated():
    rel = _reliability()
    back = Reliability.from_dict(json.loads(json.dumps(rel.to_dict())))
    assert back == rel
    for change in (
        {"version": 99},
        {"signals": ["astrology"]},
        {"coef": [1.0, 2.0]},
        {"scale": [0.0]},
        {"risk_coverage": []},
    ):
        with pytest.raises(ModelArtifactError, match="reliability block"):
            Reliability.from_dict({**rel.to_dict(), **change})


def test_build_reliability_learns_that_confidence_predicts_correctness():
    rng = np.random.default_rng(0)
    conf = rng.uniform(-2, 6, 400)
    correct = rng.uniform(size=400) < 1 / (1 + np.exp(-conf))
    signals = np.full((400, len(SIGNALS)), 0.0)
    signals[:, 0] = conf
    rel = build_reliability(signals, correct, use=("confidence", "unknown_share"))
    assert rel.signals == ("confidence",)  # a constant signal is dropped
    p = rel.expected_correctness(signals)
    assert p[conf.argmax()] > 0.9 > 0.3 > p[conf.argmin()]
    assert rel.curve[0]["accuracy"] >= rel.curve[-1]["accuracy"]


@pytest.fixture(scope="module")
def tiny_model(tiny_data):
    texts, labels = tiny_data
    return ActivityClassifier(calibration=None).fit(texts, labels, groups=[i % 4 for i in range(len(texts))])


TEXTS = [
    "Webinar over feedback geven gevolgd",  # close to the training texts: confident
    "Iets heel anders gedaan met kwantumfysica en blockchain",  # unfamiliar: unsure
    "",
]


def test_signals_see_unknown_words(tiny_model):
    docs = tiny_model.analyse(TEXTS)
    preds = tiny_model.explain(TEXTS, analysis=docs)
    sig = item_signals(tiny_model, docs, preds)
    unknown = sig[:, SIGNALS.index("unknown_share")]
    assert unknown[0] == 0.0 and unknown[1] > 0.5
    assert sig[0, SIGNALS.index("centroid_similarity")] > sig[1, SIGNALS.index("centroid_similarity")]
    assert np.isnan(sig[2]).all()  # an empty text has no prediction to judge


SURE = [
    "Webinar over feedback geven gevolgd",
    "Twee dagen naar het jaarcongres in Utrecht",
    "Boek over klassenmanagement uitgelezen",
    "Met een collega gesproken over lastige studenten",
    "Workshop en een congres en een boek",
]


def test_below_target_accuracy_flags_the_unsure_item(tiny_model):
    tiny_model.metadata_ = {"reliability": _reliability().to_dict()}
    try:
        docs = tiny_model.analyse(TEXTS)
        preds = tiny_model.explain(TEXTS, analysis=docs)
        expected = _reliability().expected_correctness(item_signals(tiny_model, docs, preds))
        assert expected[0] > expected[1] and expected[2] == 0.0
        texts = SURE + TEXTS
        docs = tiny_model.analyse(texts)
        preds = tiny_model.explain(texts, analysis=docs)
        p = _reliability().expected_correctness(item_signals(tiny_model, docs, preds))
        free = np.array([not q.needs_review for q in preds])
        # Between the mean and the best of the unflagged: some must be flagged, the best is accepted.
        target = (p[free].max() + p[free].mean()) / 2
        out, report = review_to_target(tiny_model, docs, preds, target)
        by_target = [o for o, q in zip(out, preds, strict=True) if o.needs_review and not q.needs_review]
        assert by_target and all(o.review_reason == ReviewReason.BELOW_TARGET_ACCURACY for o in by_target)
        accepted = [i for i, o in enumerate(out) if not o.needs_review]
        assert int(p.argmax()) in accepted and min(p[accepted]) >= max(
            p[[i for i in range(len(out)) if free[i] and i not in accepted]]
        )
        for o, q in zip(out, preds, strict=True):  # already flagged: their own reasons only
            if q.needs_review:
                assert o == q
        assert report.target_accuracy == pytest.approx(target) and report.accepted == len(accepted)
        assert report.expected_accuracy == pytest.approx(p[accepted].mean()) and report.expected_accuracy >= target
        frame = classify(texts, model=tiny_model, target_accuracy=target)
        assert frame["review_reason"].tolist() == [o.review_reason for o in out]
        assert frame.attrs["batch_report"]["accepted"] == report.accepted
        with pytest.raises(InputDataError):
            classify(TEXTS, model=tiny_model, target_accuracy=1.5)
    finally:
        del tiny_model.metadata_


def test_without_a_curve_the_policy_flags_stay(tiny_model):
    docs = tiny_model.analyse(TEXTS)
    preds = tiny_model.explain(TEXTS, analysis=docs)
    out, report = review_to_target(tiny_model, docs, preds, 0.95)
    assert out == preds and report.target_accuracy is None and report.expected_accuracy is None
    assert "no target accuracy" in report.summary()


def test_batch_report_advises_on_a_batch_unlike_the_training_data():
    report = BatchReport(10, 6, 4, 0.95, 0.951, 0.2, 0.04, "code a sample")
    assert report.to_dict()["flagged_share"] == 0.6
    assert BatchReport.from_dict(report.to_dict()) == report
    assert report.summary().splitlines()[1] == "code a sample"


@pytest.fixture(scope="module")
def trained(tmp_path_factory, tiny_data):
    import pandas as pd

    texts, labels = tiny_data
    folder = tmp_path_factory.mktemp("rel")
    data = folder / "coded.csv"
    pd.DataFrame({"text": texts, "label": labels, "writer": [f"W{i % 6}" for i in range(len(texts))]}).to_csv(
        data, index=False
    )
    model = folder / "model"
    assert main(["train", "--data", str(data), "--group-column", "writer", "--output", str(model), "--cv", "2"]) == 0
    return model


def test_train_stores_a_validated_curve_and_predict_uses_it(trained, tmp_path, capsys):
    meta = json.loads((trained / "metadata.json").read_text("utf-8"))
    rel = Reliability.from_dict(meta["reliability"])
    assert rel.signals and rel.curve and "grouped 2-fold CV" in rel.source
    assert "risk_coverage" in meta["metrics"]["methods"]["hybrid"]
    src = tmp_path / "in.csv"
    src.write_text("text\nWebinar over toetsen gevolgd\nBoek gelezen\n", "utf-8")
    capsys.readouterr()
    assert main(["predict", str(src), "--output", str(tmp_path / "out.csv"), "--model", str(trained)]) == 0
    err = capsys.readouterr().err
    assert ("accepted" in err and "target 95%" in err) or "out of reach" in err
    assert (
        main(
            [
                "predict",
                str(src),
                "--output",
                str(tmp_path / "o.csv"),
                "--model",
                str(trained),
                "--target-accuracy",
                "0",
            ]
        )
        == 2
    )
    assert "(0, 1]" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_a_malformed_curve_is_refused_on_load(trained, tmp_path):
    import shutil

    from activity_classifier.persistence import load_model

    copy = tmp_path / "m"
    shutil.copytree(trained, copy)
    meta = json.loads((copy / "metadata.json").read_text("utf-8"))
    meta["reliability"]["version"] = 7
    (copy / "metadata.json").write_text(json.dumps(meta), "utf-8")
    with pytest.raises(ModelArtifactError, match="reliability block has version 7"):
        load_model(copy)
    del meta["reliability"]  # an older model: loads, and --target-accuracy is refused in one line
    (copy / "metadata.json").write_text(json.dumps(meta), "utf-8")
    assert load_model(copy).metadata_.get("reliability") is None
    src = tmp_path / "in.csv"
    src.write_text("text\nBoek gelezen\n", "utf-8")
    argv = ["predict", str(src), "--output", str(tmp_path / "o.csv"), "--model", str(copy)]
    assert main([*argv, "--target-accuracy", "0.9"]) == 2
    assert main(argv) == 0  # without the option: the policy's flags (documented fallback)


def test_prelabel_writes_the_shift_report_to_the_info_sheet(trained, tmp_path, capsys):
    from openpyxl import load_workbook

    src = tmp_path / "reports.csv"
    src.write_text("text\nWebinar over toetsen gevolgd\nBoek gelezen\nNaar het congres\n", "utf-8")
    out = tmp_path / "review.xlsx"
    argv = ["prelabel", str(src), "--output", str(out), "--model", str(trained)]
    assert main([*argv, "--target-accuracy", "2"]) == 2 and not out.exists()
    capsys.readouterr()
    assert main(argv) == 0
    assert "accepted" in capsys.readouterr().err
    info = {r[0]: r[1] for r in load_workbook(out)["Info"].iter_rows(min_row=2, values_only=True)}
    assert info["rows"] == "3" and info["target_accuracy"] == "0.9500" and "training_unknown_word_share" in info
