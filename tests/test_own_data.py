"""Own coded reports: sample weights, the added corpus in training folds only, the adaptation curve, selection."""

import json

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from activity_classifier import ActivityClassifier
from activity_classifier.annotate import read_reviewed, select_batch, select_for_coding
from activity_classifier.evaluation import (
    AddedCorpus,
    adaptation_curve,
    choose_own_weight,
    cross_validate,
    evaluate_cv,
    fit_with_corpus,
)
from activity_classifier.exceptions import InputDataError

from .conftest import TINY
from .test_cli_model import one_line_error, run_cli

# Own rows: other wordings of the same four types, by four teachers (texts unique across both sets).
OWN = {
    "pd_programme": [
        "Cursus didactiek van het beroepsonderwijs gevolgd",
        "Webinar over examineren in het mbo bijgewoond",
        "Training over studentbegeleiding op vrijdagmiddag",
        "Workshop over gamification tijdens de studiedag",
    ],
    "conference": [
        "Congres over praktijkleren in Amersfoort bezocht",
        "Op het symposium een workshop over stages gevolgd",
        "De landelijke onderwijsconferentie bijgewoond",
        "Naar het congres over inclusief onderwijs geweest",
    ],
    "information_sources": [
        "Een artikel over leerlingmotivatie gelezen",
        "Boek over coachend lesgeven doorgenomen",
        "Podcast over feedback in de klas beluisterd",
        "Vakliteratuur over toetsing doorgelezen",
    ],
    "interaction_collaboration": [
        "Met mijn teamleider besproken hoe de stages lopen",
        "Ervaringen uitgewisseld met collega's van de opleiding",
        "Overleg gevoerd met de praktijkopleider van het bedrijf",
        "Tips gekregen van een ervaren collega",
    ],
}
OWN_TEXTS = [t for texts in OWN.values() for t in texts]
OWN_LABELS = [lab for lab, texts in OWN.items() for _ in texts]
OWN_GROUPS = [f"D{i % 4}" for i in range(len(OWN_TEXTS))]
CORPUS = AddedCorpus(
    tuple(t for texts in TINY.values() for t in texts),
    tuple(lab for lab, texts in TINY.items() for _ in texts),
    info={"file": "tiny.csv"},
)
FITS: list[tuple[list[str], list[float] | None]] = []


class Recording(ActivityClassifier):
    """Records what every (cloned) fit trained on."""

    def fit(self, X, y, *, analysis=None, groups=None, sample_weight=None):
        FITS.append(([str(t) for t in X], None if sample_weight is None else [float(w) for w in sample_weight]))
        return super().fit(X, y, analysis=analysis, groups=groups, sample_weight=sample_weight)


def quick(**kw):
    return ActivityClassifier(calibration=None, **kw)


# -- weighting ----------------------------------------------------------------------------------------
# The same text coded two ways: the weights decide which type it gets.
CLASH = ["Webinar en congres", "Webinar en congres", "Boek gelezen", "Artikel gelezen"]
CLASH_Y = ["pd_programme", "conference", "information_sources", "information_sources"]


@pytest.mark.parametrize("calibration", [None, "temperature"])
@pytest.mark.parametrize("heavy", ["pd_programme", "conference"])
def test_sample_weight_decides_between_conflicting_rows(heavy, calibration):
    texts, labels = CLASH * 3, CLASH_Y * 3
    weights = [10.0 if lab == heavy else 1.0 for lab in labels]
    clf = ActivityClassifier(calibration=calibration).fit(texts, labels, sample_weight=weights)
    proba = clf.model_proba(["Webinar en congres"])[0]
    classes = list(clf.classes_)
    other = "conference" if heavy == "pd_programme" else "pd_programme"
    assert proba[classes.index(heavy)] > proba[classes.index(other)]


def test_unit_weights_equal_no_weights(tiny_data):
    texts, labels = tiny_data
    plain = quick().fit(texts, labels).decision_function(OWN_TEXTS)
    ones = quick().fit(texts, labels, sample_weight=np.ones(len(texts))).decision_function(OWN_TEXTS)
    np.testing.assert_allclose(plain, ones)


@pytest.mark.parametrize("weights", [[1.0] * 5, [-1.0] * 24, [0.0] * 24, [float("nan")] * 24])
def test_bad_sample_weights_are_refused(tiny_data, weights):
    with pytest.raises(InputDataError, match="sample_weight"):
        quick().fit(*tiny_data, sample_weight=weights)


def test_fit_with_corpus_weights_own_rows_only():
    FITS.clear()
    model = fit_with_corpus(Recording(calibration=None), OWN_TEXTS, OWN_LABELS, CORPUS.with_weight(4))
    texts, weights = FITS[-1]
    assert texts == OWN_TEXTS + list(CORPUS.texts)
    assert weights == [4.0] * len(OWN_TEXTS) + [1.0] * len(CORPUS.texts)
    assert model.n_train_ == len(OWN_TEXTS) + len(CORPUS.texts)


@pytest.mark.parametrize("weight", [0, -2, float("inf")])
def test_added_corpus_refuses_bad_weights(weight):
    with pytest.raises(ValueError, match="own_weight"):
        CORPUS.with_weight(weight)


# -- fold hygiene -------------------------------------------------------------------------------------
def test_added_corpus_joins_training_folds_never_test_folds():
    FITS.clear()
    result = cross_validate(
        Recording(calibration=None), OWN_TEXTS, OWN_LABELS, OWN_GROUPS, n_splits=4, added=CORPUS.with_weight(2)
    )
    assert len(result.labels) == len(OWN_TEXTS)  # only own rows are scored
    assert len(FITS) == len(result.folds) == 4
    for (train, test), (fit_texts, weights) in zip(result.folds, FITS, strict=True):
        test_texts = {OWN_TEXTS[i] for i in test}
        assert not test_texts & set(fit_texts), "a test row was trained on"
        assert set(CORPUS.texts) <= set(fit_texts)
        assert fit_texts[: len(train)] == [OWN_TEXTS[i] for i in train]
        assert weights == [2.0] * len(train) + [1.0] * len(CORPUS.texts)
        assert {OWN_GROUPS[i] for i in train}.isdisjoint(OWN_GROUPS[i] for i in test)


def test_evaluate_cv_records_the_added_corpus():
    result = evaluate_cv(
        quick(), OWN_TEXTS, OWN_LABELS, OWN_GROUPS, n_splits=2, n_bootstrap=0, added=CORPUS, baselines=("majority",)
    )
    assert result.settings["added_corpus"] == {"file": "tiny.csv", "rows": 24, "own_weight": 1.0}
    assert result.methods["hybrid"].n == len(OWN_TEXTS)


def test_adaptation_curve_trains_on_nested_own_rows_and_never_on_test_rows():
    from activity_classifier.evaluation import fold_indices

    FITS.clear()
    curve = adaptation_curve(
        Recording(calibration=None), OWN_TEXTS, OWN_LABELS, OWN_GROUPS, corpus=CORPUS, sizes=(0, 4, 8), n_splits=2
    )
    # Each fold trains on 8 own rows, so size 8 becomes "all"; size 0 exists only with the corpus.
    sizes = [(p.with_corpus, p.size) for p in curve.points]
    assert sizes == [(False, 4), (False, "all"), (True, 0), (True, 4), (True, "all")]
    folds = fold_indices(OWN_LABELS, OWN_GROUPS, 2, 0)
    assert len(FITS) == 5 * len(folds)
    corpus = set(CORPUS.texts)
    for k, (train, test) in enumerate(folds):
        fits = FITS[5 * k : 5 * (k + 1)]
        train_texts = {OWN_TEXTS[i] for i in train}
        own = [[t for t in texts if t not in corpus] for texts, _ in fits]
        assert [len(o) for o in own] == [4, 8, 0, 4, 8]
        assert all(set(o) <= train_texts for o in own)  # never a test row
        assert own[0] == own[3] == own[1][:4]  # nested, the same rows with and without the corpus
        assert [corpus <= set(texts) for texts, _ in fits] == [False, False, True, True, True]
        assert not {OWN_TEXTS[i] for i in test} & set().union(*(set(t) for t, _ in fits))
    point = curve.points[-1]
    assert point.rows == 8 and point.folds == 2 and point.macro_f1_ci95 is not None
    block = curve.to_dict()
    assert block["settings"]["added_corpus"]["rows"] == 24 and block["sentence"]
    json.dumps(block)  # JSON-ready


def test_forecast_extrapolates_one_doubling_only():
    from activity_classifier.evaluation import AdaptationPoint
    from activity_classifier.evaluation._adaptation import _forecast

    points = [AdaptationPoint(n, n, True, 5, 0.5, 0.5 + 0.1 * k) for k, n in enumerate((25, 50, 100, 200))]
    forecast = _forecast(points, rows_now=250, with_corpus=True)
    assert forecast is not None
    assert forecast.rows_more == 150  # 2 x 200 - 250
    assert forecast.kappa == pytest.approx(0.9) and forecast.slope == pytest.approx(0.1)
    low, high = forecast.kappa_ci95
    assert low <= forecast.kappa <= high
    assert "150 more coded activities" in forecast.sentence()
    assert _forecast(points[:2], rows_now=60, with_corpus=True) is None  # two points: no extrapolation


def test_choose_own_weight_picks_from_the_grid():
    choice = choose_own_weight(quick(), OWN_TEXTS, OWN_LABELS, OWN_GROUPS, CORPUS, grid=(1, 3), n_splits=2)
    assert choice.weight in (1.0, 3.0) and len(choice.macro_f1) == 2
    assert choice.macro_f1[choice.grid.index(choice.weight)] == max(choice.macro_f1)


# -- selection ----------------------------------------------------------------------------------------
POOL = [
    "Congres bezocht over stages",
    "Congres bezocht over stages in de zorg",
    "Boek gelezen over didactiek",
    "Met een collega gepraat",
    "Webinar gevolgd",
]
POOL_PROBA = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.4, 0.6, 0.0], [0.9, 0.1, 0.0], [0.6, 0.2, 0.2]])


def test_selection_is_deterministic_given_a_seed():
    rng = np.random.default_rng(3)
    proba = rng.dirichlet(np.ones(4), size=200)
    texts = [f"activiteit {i % 17} over thema {i % 7}" for i in range(200)]
    first = select_batch(texts, proba, 20, seed=5, max_candidates=120)
    again = select_batch(texts, proba, 20, seed=5, max_candidates=120)
    other = select_batch(texts, proba, 20, seed=6, max_candidates=120)
    assert first.to_dict() == again.to_dict()
    assert first.indices != other.indices  # the seed draws the candidates of a large pool
    assert len(set(first.indices)) == 20


def test_selection_prefers_uncertain_rows_and_skips_near_duplicates():
    picked = select_batch(POOL, POOL_PROBA, 2, seed=0).indices
    assert picked[0] in (0, 1)  # the most uncertain
    assert set(picked) != {0, 1}  # its near-duplicate drops back
    no_diversity = select_batch(POOL, POOL_PROBA, 2, seed=0, diversity_tradeoff=1.0, rarity_weight=0.0).indices
    assert set(no_diversity) == {0, 1}


def test_selection_favours_types_the_model_rarely_predicts():
    # Row 0 is the most uncertain, between two common types; row 2 leans to a type no row is predicted as.
    proba = np.array([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0], [0.65, 0.0, 0.35], [0.3, 0.7, 0.0], [0.1, 0.9, 0.0]])
    texts = ["Webinar A", "Congres B", "Boek C", "Overleg D", "Lezing E"]
    assert select_batch(texts, proba, 1, seed=0, rarity_weight=0.0).indices == [0]
    assert select_batch(texts, proba, 1, seed=0, rarity_weight=0.5).indices == [2]


def test_select_for_coding_uses_the_model(tiny_data):
    model = quick().fit(*tiny_data)
    sel = select_for_coding(OWN_TEXTS, model, 5, seed=1)
    assert sel.indices == select_for_coding(OWN_TEXTS, model, 5, seed=1).indices
    assert len(sel.indices) == 5 and all(0 <= u <= 1 for u in sel.uncertainty)


# -- the command line ---------------------------------------------------------------------------------
@pytest.fixture
def files(tmp_path, monkeypatch):
    """A tiny bundled corpus (so fits are quick), own coded rows and an uncoded file."""
    bundled = tmp_path / "bundled.csv"
    pd.DataFrame({"text": CORPUS.texts, "label": CORPUS.labels}).to_csv(bundled, index=False)
    monkeypatch.setattr("activity_classifier.corpus.bundled_corpus_path", lambda: bundled)
    own = tmp_path / "mine.csv"
    half = [i for i in range(len(OWN_TEXTS)) if i % 4 < 2]
    pd.DataFrame(
        {
            "id": [f"M{i}" for i in half],
            "teacher_id": [OWN_GROUPS[i] for i in half],
            "text": [OWN_TEXTS[i] for i in half],
            "label": [OWN_LABELS[i] for i in half],
        }
    ).to_csv(own, index=False)
    uncoded = tmp_path / "uncoded.csv"
    rest = [i for i in range(len(OWN_TEXTS)) if i % 4 >= 2]
    pd.DataFrame({"teacher_id": [OWN_GROUPS[i] for i in rest], "text": [OWN_TEXTS[i] for i in rest]}).to_csv(
        uncoded, index=False
    )
    return tmp_path, own, uncoded


def test_select_for_coding_round_trip_into_training(files):
    tmp, own, uncoded = files
    model = tmp / "model"
    assert (
        run_cli("train", "--data", str(own), "--add-bundled-corpus", "--cv", "0", "--output", str(model)).returncode
        == 0
    )
    meta = json.loads((model / "metadata.json").read_text("utf-8"))["training_data"]
    assert meta["own"]["rows"] == 8 and meta["added_corpus"]["rows"] == 24 and meta["rows"] == 32
    assert meta["own"]["sha256"] and meta["added_corpus"]["sha256"]

    out = tmp / "to_code.xlsx"
    argv = ["select-for-coding", str(uncoded), "--model", str(model), "--n", "5", "--seed", "2", "--output", str(out)]
    assert run_cli(*argv).returncode == 0
    again = tmp / "again.xlsx"
    assert run_cli(*argv[:-1], str(again)).returncode == 0
    first, second = pd.read_excel(out), pd.read_excel(again)
    assert first["text"].tolist() == second["text"].tolist()  # deterministic given the seed
    assert first["selection_rank"].tolist() == [1, 2, 3, 4, 5]

    # The coder fills in label_reviewed in the workbook; import-reviewed brings the rows back.
    wb = load_workbook(out)
    ws = wb["Review"]
    header = [c.value for c in ws[1]]
    text_col, reviewed_col = header.index("text") + 1, header.index("label_reviewed") + 1
    gold = dict(zip(OWN_TEXTS, OWN_LABELS, strict=True))
    for r in range(2, ws.max_row + 1):
        ws.cell(r, reviewed_col, gold[ws.cell(r, text_col).value])
    wb.save(out)
    assert len([i for i in read_reviewed(out) if i.label]) == 5
    merged = tmp / "mine_plus.csv"
    assert run_cli("import-reviewed", str(out), "--into", str(own), "--output", str(merged)).returncode == 0
    model2 = tmp / "model2"
    argv = ["train", "--data", str(merged), "--add-bundled-corpus", "--own-weight", "2", "--cv", "2"]
    assert run_cli(*argv, "--output", str(model2)).returncode == 0
    meta = json.loads((model2 / "metadata.json").read_text("utf-8"))
    assert meta["training_data"]["own"]["rows"] == 13 and meta["training_data"]["added_corpus"]["own_weight"] == 2
    assert meta["metrics"]["settings"]["added_corpus"]["rows"] == 24

    # The next batch leaves out what is coded now.
    rest = tmp / "rest.csv"
    assert (
        run_cli(
            "select-for-coding",
            str(uncoded),
            "--model",
            str(model2),
            "--n",
            "50",
            "--exclude",
            str(merged),
            "--output",
            str(rest),
        ).returncode
        == 0
    )
    assert set(pd.read_csv(rest)["text"]).isdisjoint(first["text"])


def test_evaluate_adaptation_curve_in_metrics_and_report(files):
    tmp, own, _ = files
    report = tmp / "report"
    argv = ["evaluate", "--data", str(own), "--cv", "2", "--bootstrap", "0", "--adaptation-curve"]
    proc = run_cli(*argv, "--add-bundled-corpus", "--own-weight", "auto", "--report", str(report))
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads((report / "metrics.json").read_text("utf-8"))
    curve = metrics["adaptation_curve"]
    assert {p["with_corpus"] for p in curve["points"]} == {False, True}
    assert curve["settings"]["added_corpus"]["own_weight_choice"]["grid"] == [1.0, 2.0, 4.0, 8.0]
    assert metrics["settings"]["added_corpus"]["rows"] == 24
    html = (report / "report.html").read_text("utf-8")
    assert "Adaptation curve" in html and curve["sentence"].split(" (")[0] in html


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["train", "--add-bundled-corpus"], ["--add-bundled-corpus needs --data"]),
        (["train", "--data", "{own}", "--add-bundled-corpus", "--own-weight", "-1"], ["--own-weight", "'-1'"]),
        (["train", "--data", "{own}", "--add-bundled-corpus", "--own-weight", "lots"], ["--own-weight"]),
        (["evaluate", "--adaptation-curve"], ["--adaptation-curve needs --data"]),
        (["evaluate", "--test", "{own}", "--adaptation-curve"], ["go with --cv, not --test"]),
        (["select-for-coding", "{uncoded}", "--n", "0"], ["--n must be at least 1"]),
        (["select-for-coding", "{uncoded}", "--output", "{tmp}/x.json"], ["x.json", ".xlsx or .csv"]),
        (["select-for-coding", "{tmp}/missing.csv"], ["missing.csv", "not found"]),
        (["select-for-coding", "{uncoded}", "--model", "{tmp}/nomodel"], ["nomodel"]),
        (["select-for-coding", "{uncoded}", "--exclude", "{uncoded}"], ["uncoded.csv", "column 'label'"]),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(files, argv, fragments):
    tmp, own, uncoded = files
    names = {"own": own, "uncoded": uncoded, "tmp": tmp}
    argv = [a.format(**names) for a in argv]
    out = tmp / "out"
    if argv[0] == "select-for-coding" and "--output" not in argv:
        argv += ["--output", str(tmp / "to_code.xlsx")]
    elif argv[0] == "train":
        argv += ["--output", str(out)]
    before = sorted(p.name for p in tmp.iterdir())
    one_line_error(run_cli(*argv), *fragments)
    assert sorted(p.name for p in tmp.iterdir()) == before  # nothing written, inputs untouched
