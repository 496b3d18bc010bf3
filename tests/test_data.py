"""Quality checks of the bundled corpus (data/labelled_activities.csv), the holdout and the out-of-brief test set."""

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
COLUMNS = [
    "id", "writer", "genre", "teacher_id", "report_no", "activity_no", "text", "label", "group", "sector",
    "context", "source", "border_case", "writer_label", "coder_label",
]  # fmt: skip
FILES = ["labelled_activities.csv", "holdout_activities.csv", "test_out_of_brief.csv"]
MIN_PER_TYPE = {"labelled_activities.csv": 70, "holdout_activities.csv": 30, "test_out_of_brief.csv": 40}
MIN_ROWS = {"labelled_activities.csv": 4700, "holdout_activities.csv": 330, "test_out_of_brief.csv": 440}
CONTEXTS = {"mbo", "vo", "hbo", "lerarenopleiding", "pabo", "other"}
OBVIOUS = tomllib.loads((DATA / "obvious_keywords.toml").read_text("utf-8"))["patterns"]


def load(name):
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module", params=FILES)
def corpus(request):
    return request.param, load(request.param)


@pytest.fixture(scope="module")
def train():
    return load("labelled_activities.csv")


@pytest.fixture(scope="module")
def holdout():
    return load("holdout_activities.csv")


@pytest.fixture(scope="module")
def oob():
    return load("test_out_of_brief.csv")


def test_schema(corpus):
    _, df = corpus
    assert list(df.columns) == COLUMNS
    assert df["id"].is_unique
    assert (df["text"].str.strip() != "").all()
    # Learner reports: at most 6 reports of 5 activities; other genres have more documents per writer.
    reports = df["report_no"].astype(int)
    assert reports.where(df["genre"] == "leerverslag", 1).between(1, 6).all() and (reports >= 1).all()
    assert df["activity_no"].astype(int).between(1, 5).all()
    assert set(df["context"]) <= CONTEXTS
    assert (df["writer"] != "").all() and (df["genre"] != "").all()
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
    assert len(df) >= MIN_ROWS[name]
    counts = Counter(df["label"])
    assert min(counts.values()) >= MIN_PER_TYPE[name], counts


def test_training_corpus_models_the_study(train):
    assert train["teacher_id"].nunique() >= 40
    # The study: about 75% informal; wave 2 gave the formal types more rows (two thirds informal).
    assert 0.65 <= (train["group"] == "informal").mean() <= 0.80
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


def test_test_sets_share_no_writer_or_genre_with_training(train, holdout, oob):
    assert not set(train["writer"]) & (set(holdout["writer"]) | set(oob["writer"]))
    assert not set(train["genre"]) & set(oob["genre"])
    assert oob["writer"].nunique() >= 4


def test_wave_two_has_many_writers_and_genres(train):
    wave2 = train[train["genre"] != "leerverslag"]
    assert len(wave2) >= 3000 and wave2["writer"].nunique() >= 12 and wave2["genre"].nunique() >= 12
    # At most 20% of the new rows come from adjacent contexts (teacher training, vo, hbo).
    assert (wave2["context"] != "mbo").mean() <= 0.20


def test_labels_record_the_writer_and_the_blind_coder(corpus):
    _, df = corpus
    tax = get_taxonomy()
    assert set(df["writer_label"]) <= set(tax.slugs)
    assert set(df["coder_label"]) <= set(tax.slugs) | {""}
    # The final label is the writer's where the blind coder agreed or did not code the row.
    agreed = (df["coder_label"] == "") | (df["coder_label"] == df["writer_label"])
    assert (df.loc[agreed, "label"] == df.loc[agreed, "writer_label"]).all()
    # A disagreement was adjudicated to one of the two labels.
    disputed = df[~agreed]
    assert ((disputed["label"] == disputed["writer_label"]) | (disputed["label"] == disputed["coder_label"])).all()


def test_blind_coding_covers_a_fifth_of_new_training_rows_and_the_whole_test_set(train, oob):
    wave2 = train[train["genre"] != "leerverslag"]
    assert 0.19 <= (wave2["coder_label"] != "").mean() <= 0.25
    assert (oob["coder_label"] != "").all()


def test_length_distribution(corpus):
    _, df = corpus
    # Wave 1 followed one brief with a balanced length mix; the genres of wave 2 set their own mixes, so the
    # whole file only needs every band well represented.
    for rows, low, high in ((df[df["genre"] == "leerverslag"], 0.25, 0.42), (df, 0.10, 0.55)):
        if len(rows) == 0:
            continue
        bands = Counter(length_band(t) for t in rows["text"])
        shares = {b: bands[b] / len(rows) for b in LENGTH_BANDS}
        assert all(low <= s <= high for s in shares.values()), shares
    words = df["text"].str.split().str.len()
    assert words.min() >= 3 and words.max() <= 150
    short = df["text"][[length_band(t) == "short" for t in df["text"]]].str.split().str.len()
    assert short.median() >= 5


def context_only_shares(df):
    """Per type, the share of descriptions without any of the type's obvious keywords."""
    out = {}
    for slug, pattern in OBVIOUS.items():
        texts = df.loc[df["label"] == slug, "text"].str.lower()
        out[slug] = float((~texts.str.contains(pattern, regex=True)).mean())
    return out


def test_about_a_third_of_each_type_without_its_obvious_keyword(corpus):
    _, df = corpus
    # Wave 1's brief asked a third of every type; wave 2's briefs a third of all rows (the keyword patterns
    # are stricter than the briefs: PDG, BKE and "begeleid" count as obvious), so the shares per type vary.
    wave1 = df[df["genre"] == "leerverslag"]
    if len(wave1):
        assert min(context_only_shares(wave1).values()) >= 1 / 3
    shares = context_only_shares(df)
    without = sum(shares[s] * (df["label"] == s).sum() for s in shares) / len(df)
    assert without >= 1 / 3 and min(shares.values()) >= 0.05, shares


def test_border_cases(corpus):
    _, df = corpus
    assert (df["border_case"] == "1").mean() >= 0.15


def test_no_exact_duplicates_within_or_across(train, holdout, oob):
    norm = (
        pd.concat([train["text"], holdout["text"], oob["text"]])
        .str.lower()
        .str.replace(r"\W+", " ", regex=True)
        .str.strip()
    )
    assert norm.is_unique, norm[norm.duplicated()].tolist()


def test_no_near_duplicates_within_or_across(train, holdout, oob):
    found = {
        "within training": near_duplicates(train["text"].tolist(), threshold=0.9),
        "within holdout": near_duplicates(holdout["text"].tolist(), threshold=0.9),
        "within out-of-brief": near_duplicates(oob["text"].tolist(), threshold=0.9),
        "training-holdout": near_duplicates(train["text"].tolist(), holdout["text"].tolist(), threshold=0.9),
        "training-out-of-brief": near_duplicates(train["text"].tolist(), oob["text"].tolist(), threshold=0.9),
    }
    assert all(pairs == [] for pairs in found.values()), found


def test_near_duplicate_detector_can_fail():
    texts = [
        "Ik heb een webinar over feedback geven aan studenten gevolgd via Teams.",
        "Iets heel anders: de open dag georganiseerd.",
        "ik heb een webinar over feedback geven aan de studenten gevolgd, via Teams!",
    ]
    assert [(i, j) for i, j, _ in near_duplicates(texts)] == [(0, 2)]
    assert [(i, j) for i, j, _ in near_duplicates(texts[:2], texts[2:])] == [(0, 0)]


def test_personas_cover_every_teacher(train, holdout, oob):
    personas = pd.read_csv(DATA / "teachers.csv", dtype=str, keep_default_na=False)
    teachers = set(train["teacher_id"]) | set(holdout["teacher_id"]) | set(oob["teacher_id"])
    assert teachers == set(personas["teacher_id"])
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
