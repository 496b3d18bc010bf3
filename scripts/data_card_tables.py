"""Produce the tables of the data card (data/README.md) from the corpus files.

python scripts/data_card_tables.py            print the tables
python scripts/data_card_tables.py --write    replace the tables between the markers in data/README.md
python scripts/data_card_tables.py --check    exit 1 if data/README.md is out of date (run by the tests)
"""

import argparse
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pandas as pd
from corpus_qa import LENGTH_BANDS, length_band, near_duplicates

from activity_classifier.taxonomy import get_taxonomy

DATA = Path(__file__).resolve().parents[1] / "data"
CARD = DATA / "README.md"
START, END = "<!-- tables:start (scripts/data_card_tables.py) -->", "<!-- tables:end -->"


def md(rows: list[list[object]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def pct(n: int, total: int) -> str:
    return f"{n} ({100 * n / total:.1f}%)"


def max_similarity(a: list[str], b: list[str] | None = None) -> float:
    pairs = near_duplicates(a, b, threshold=0.5)  # only the few similar pairs are listed
    return max((s for _, _, s in pairs), default=0.0)


def tables() -> str:
    train = pd.read_csv(DATA / "labelled_activities.csv", dtype=str, keep_default_na=False)
    hold = pd.read_csv(DATA / "holdout_activities.csv", dtype=str, keep_default_na=False)
    teachers = pd.read_csv(DATA / "teachers.csv", dtype=str, keep_default_na=False)
    obvious = tomllib.loads((DATA / "obvious_keywords.toml").read_text("utf-8"))["patterns"]
    tax = get_taxonomy()
    out = []

    overview = []
    for name, df in (("training (`labelled_activities.csv`)", train), ("holdout (`holdout_activities.csv`)", hold)):
        rocs = teachers[teachers["teacher_id"].isin(df["teacher_id"])]["roc"].nunique()
        overview.append(
            [
                name,
                len(df),
                df["teacher_id"].nunique(),
                rocs,
                df["sector"].nunique(),
                f"{100 * (df['group'] == 'informal').mean():.1f}%",
                f"{100 * (df['border_case'] == '1').mean():.1f}%",
            ]
        )
    out.append(
        "### Overview\n\n" + md(overview, ["file", "rows", "teachers", "ROCs", "sectors", "informal", "border cases"])
    )

    rows = []
    tc, hc = Counter(train["label"]), Counter(hold["label"])
    for t in tax:
        texts = train.loc[train["label"] == t.slug, "text"].str.lower()
        free = (~texts.str.contains(obvious[t.slug], regex=True)).mean()
        rows.append(
            [
                t.id,
                f"`{t.slug}`",
                t.group,
                pct(tc[t.slug], len(train)),
                pct(hc[t.slug], len(hold)),
                f"{100 * free:.0f}%",
            ]
        )
    out.append(
        "### Labels\n\n"
        + md(rows, ["id", "label", "group", "training", "holdout", "training rows without the type's obvious keyword"])
    )

    rows = []
    for name, df in (("training", train), ("holdout", hold)):
        bands = Counter(length_band(t) for t in df["text"])
        words = df["text"].str.split().str.len()
        rows.append(
            [
                name,
                *(pct(bands[b], len(df)) for b in LENGTH_BANDS),
                int(words.median()),
                int(words.min()),
                int(words.max()),
            ]
        )
    out.append(
        "### Length\n\nshort: one line of at most 20 words; medium: at most 3 sentences and 70 words; long: longer "
        "(4-7 sentences).\n\n" + md(rows, ["file", *LENGTH_BANDS, "median words", "min", "max"])
    )

    sectors = Counter(train["sector"]) + Counter(hold["sector"])
    out.append("### Sectors (both files)\n\n" + md([[s, n] for s, n in sectors.most_common()], ["sector", "rows"]))

    sims = [
        ["within training", f"{max_similarity(train['text'].tolist()):.3f}"],
        ["within holdout", f"{max_similarity(hold['text'].tolist()):.3f}"],
        ["training vs holdout", f"{max_similarity(train['text'].tolist(), hold['text'].tolist()):.3f}"],
    ]
    out.append(
        "### Near-duplicate check\n\nHighest cosine similarity of character 3-5-gram TF-IDF vectors between two "
        "different texts (the tests require every pair to stay at or below 0.9).\n\n"
        + md(sims, ["comparison", "max similarity"])
    )
    return "\n\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args()
    body = tables()
    if not (args.write or args.check):
        print(body)
        return 0
    card = CARD.read_text("utf-8")
    head, rest = card.split(START, 1)
    _, tail = rest.split(END, 1)
    new = f"{head}{START}\n{body}\n{END}{tail}"
    if args.check:
        if new != card:
            print("data/README.md is out of date: run `make datacard`", file=sys.stderr)
            return 1
        return 0
    CARD.write_text(new, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
