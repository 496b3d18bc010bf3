"""Quality checks of the bundled corpus (data/labelled_activities.csv) and the holdout file."""

import importlib.util
import re
import tomllib
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from activity_classifier.taxonomy import get_taxonomy

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _corpus_qa():
    """The corpus checks of scripts/corpus_qa.py (experiments on the data live outside the package)."""
    spec = importlib.util.spec_from_file_location("corpus_qa", ROOT / "scripts" / "corpus_qa.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_qa = _corpus_qa()
LENGTH_BANDS, length_band, near_duplicates = _qa.LENGTH_BANDS, _qa.length_band, _qa.near_duplicates
COLUMNS = ["id", "teacher_id", "report_no", "activity_no", "text", "label", "group", "sector", "source", "border_case"]
MIN_PER_TYPE = {"labelled_activities.csv": 70, "holdout_activities.csv": 30}
OBVIOUS = tomllib.loads((DATA / "obvious_keywords.toml").read_text("utf-8"))["patterns"]


def load(name):
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module", params=["labelled_activities.csv", "holdout_activities.csv"])
def corpus(request):
    return request.param, load(request.param)


@pytest.fixture(scope="module")
def train():
    return load("labelled_activities.csv")


@pytest.fixture(scope="module")
def holdout():
    return load("holdout_activities.csv")


def test_schema(corpus):
    _, df = corpus
    assert list(df.columns) == COLUMNS
    assert df["id"].is_unique
    assert (df["text"].str.strip() != "").all()
    assert df["report_no"].astype(int).between(1, 6).all()
    assert df["activity_no"].astype(int).between(1, 5).all()
    assert set(df["border_case"]) <= {"0", "1"}
    assert (df["sector"] != "").all()
    assert (df["source"] == "constructed").all()


def test_labels_and_groups_match_taxonomy(corpus):
    _, df = corpus
    tax = get_taxonomy()
    assert set(df["label"]) == set(tax.slugs)
    assert all(tax[label].group == group for label, group in zip(df["label"], df["group"], strict=True))


def test_sizes_and_minimum_per_type(corpus):
    name, df = corpus
    assert len(df) >= (1600 if name.startswith("labelled") else 330)
    counts = Counter(df["label"])
    assert min(counts.values()) >= MIN_PER_TYPE[name], counts


def test_training_corpus_models_the_study(train):
    assert train["teacher_id"].nunique() >= 40
    assert 0.70 <= (train["group"] == "informal").mean() <= 0.80
    per_teacher = train.groupby("teacher_id").size()
    assert per_teacher.max() <= 30


def test_numbering_is_consecutive(corpus):
    _, df = corpus
    for teacher, rows in df.groupby("teacher_id"):
        reports = sorted(rows["report_no"].astype(int).unique())
        assert reports == list(range(1, len(reports) + 1)), teacher
        for report, acts in rows.groupby("report_no"):
            numbers = sorted(acts["activity_no"].astype(int))
            assert numbers == list(range(1, len(numbers) + 1)), (teacher, report)


def test_no_holdout_teacher_in_training(train, holdout):
    assert not set(train["teacher_id"]) & set(holdout["teacher_id"])


def test_length_distribution(corpus):
    _, df = corpus
    bands = Counter(length_band(t) for t in df["text"])
    shares = {b: bands[b] / len(df) for b in LENGTH_BANDS}
    assert all(0.25 <= s <= 0.42 for s in shares.values()), shares
    words = df["text"].str.split().str.len()
    assert words.min() >= 3 and words.max() <= 150
    short = df["text"][[length_band(t) == "short" for t in df["text"]]].str.split().str.len()
    assert short.median() >= 5


def test_a_third_of_each_type_without_its_obvious_keyword(corpus):
    _, df = corpus
    for slug, pattern in OBVIOUS.items():
        texts = df.loc[df["label"] == slug, "text"].str.lower()
        share = (~texts.str.contains(pattern, regex=True)).mean()
        assert share >= 1 / 3, (slug, share)


def test_border_cases(corpus):
    _, df = corpus
    assert (df["border_case"] == "1").mean() >= 0.15


def test_no_exact_duplicates_within_or_across(train, holdout):
    norm = pd.concat([train["text"], holdout["text"]]).str.lower().str.replace(r"\W+", " ", regex=True).str.strip()
    assert norm.is_unique, norm[norm.duplicated()].tolist()


def test_no_near_duplicates_within_or_across(train, holdout):
    within_train = near_duplicates(train["text"].tolist(), threshold=0.9)
    within_holdout = near_duplicates(holdout["text"].tolist(), threshold=0.9)
    across = near_duplicates(train["text"].tolist(), holdout["text"].tolist(), threshold=0.9)
    assert within_train == [] and within_holdout == [] and across == [], (within_train, within_holdout, across)


def test_near_duplicate_detector_can_fail():
    texts = [
        "Ik heb een webinar over feedback geven aan studenten gevolgd via Teams.",
        "Iets heel anders: de open dag georganiseerd.",
        "ik heb een webinar over feedback geven aan de studenten gevolgd, via Teams!",
    ]
    assert [(i, j) for i, j, _ in near_duplicates(texts)] == [(0, 2)]
    assert [(i, j) for i, j, _ in near_duplicates(texts[:2], texts[2:])] == [(0, 0)]


def test_personas_cover_every_teacher(train, holdout):
    personas = pd.read_csv(DATA / "teachers.csv", dtype=str, keep_default_na=False)
    assert set(train["teacher_id"]) | set(holdout["teacher_id"]) == set(personas["teacher_id"])
    assert personas["roc"].nunique() >= 4


def test_obvious_keyword_patterns_are_valid_regexes():
    assert set(OBVIOUS) == set(get_taxonomy().slugs)
    for pattern in OBVIOUS.values():
        re.compile(pattern)


def test_data_card_tables_are_up_to_date():
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "scripts" / "data_card_tables.py"
    proc = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
