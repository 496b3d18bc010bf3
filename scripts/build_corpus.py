"""Assemble the corpus files from the writers' parts (run once by maintainers; the parts are not shipped).

Each writer wrote, by hand, a CSV with teacher_id, report_no, activity_no, text, label, sector and
border_case, and a persona file. This script only concatenates them, adds `id`, `group` (from the
taxonomy) and `source`, orders the rows by teacher, report and activity, and writes:

    data/labelled_activities.csv   from train_*.csv
    data/holdout_activities.csv    from holdout_*.csv
    data/teachers.csv              from personas_*.csv

Usage: python scripts/build_corpus.py PARTS_DIR
"""

import sys
from pathlib import Path

import pandas as pd

from activity_classifier.annotate import CORPUS_COLUMNS
from activity_classifier.taxonomy import get_taxonomy


def build(parts: Path, pattern: str, prefix: str) -> pd.DataFrame:
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in sorted(parts.glob(pattern))]
    df = pd.concat(frames, ignore_index=True)
    for col in ("text", "label", "sector", "teacher_id"):
        df[col] = df[col].str.strip()
    df["report_no"] = df["report_no"].astype(int)
    df["activity_no"] = df["activity_no"].astype(int)
    df = df.sort_values(["teacher_id", "report_no", "activity_no"], kind="stable").reset_index(drop=True)
    tax = get_taxonomy()
    df["group"] = [tax[label].group for label in df["label"]]
    df["source"] = "constructed"
    df["id"] = [f"{prefix}{i:04d}" for i in range(1, len(df) + 1)]
    return df[list(CORPUS_COLUMNS)]


def main() -> None:
    parts = Path(sys.argv[1])
    data = Path(__file__).resolve().parents[1] / "data"
    build(parts, "train_*.csv", "A").to_csv(data / "labelled_activities.csv", index=False)
    build(parts, "holdout_*.csv", "H").to_csv(data / "holdout_activities.csv", index=False)
    personas = pd.concat(
        [pd.read_csv(f, dtype=str, keep_default_na=False) for f in sorted(parts.glob("personas_*.csv"))],
        ignore_index=True,
    ).sort_values("teacher_id")
    personas.to_csv(data / "teachers.csv", index=False)


if __name__ == "__main__":
    main()
