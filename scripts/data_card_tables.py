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


def _kappa(a: pd.Series, b: pd.Series) -> float:
    from sklearn.metrics import cohen_kappa_score

    return float(cohen_kappa_score(a, b))


def tables() -> str:
    train = pd.read_csv(DATA / "labelled_activities.csv", dtype=str, keep_default_na=False)
    hold = pd.read_csv(DATA / "holdout_activities.csv", dtype=str, keep_default_na=False)
    oob = pd.read_csv(DATA / "test_out_of_brief.csv", dtype=str, keep_default_na=False)
    teachers = pd.read_csv(DATA / "teachers.csv", dtype=str, keep_default_na=False)
    writers = pd.read_csv(DATA / "writers.csv", dtype=str, keep_default_na=False)
    obvious = tomllib.loads((DATA / "obvious_keywords.toml").read_text("utf-8"))["patterns"]
    tax = get_taxonomy()
    files = (
        ("training (`labelled_activities.csv`)", train),
        ("holdout (`holdout_activities.csv`)", hold),
        ("out-of-brief test (`test_out_of_brief.csv`)", oob),
    )
    short = {"training": train, "holdout": hold, "out-of-brief": oob}
    out = []

    overview = []
    for name, df in files:
        schools = teachers[teachers["teacher_id"].isin(df["teacher_id"])]["roc"].nunique()
        overview.append(
            [
                name,
                len(df),
                df["writer"].nunique(),
                df["genre"].nunique(),
                df["teacher_id"].nunique(),
                schools,
                df["sector"].nunique(),
                f"{100 * (df['group'] == 'informal').mean():.1f}%",
                f"{100 * (df['border_case'] == '1').mean():.1f}%",
                f"{100 * (df['context'] != 'mbo').mean():.1f}%",
            ]
        )
    header = ["file", "rows", "writers", "genres", "teachers", "schools", "sectors", "informal", "border cases"]
    out.append("### Overview\n\n" + md(overview, [*header, "not mbo"]))

    rows = []
    for _, w in writers.iterrows():
        df = pd.concat([train, hold, oob])
        mine = df[df["writer"] == w["writer"]]
        rows.append(
            [
                w["writer"],
                w["part"],
                f"`{w['genre']}`",
                w["brief"],
                len(mine),
                f"{100 * (mine['context'] != 'mbo').mean():.0f}%",
            ]
        )
    out.append("### Writers and genres\n\n" + md(rows, ["writer", "file", "genre", "brief", "rows", "not mbo"]))

    rows = []
    for name, df in short.items():
        coded = df[df["coder_label"] != ""]
        if coded.empty:
            rows.append([name, 0, "", "", "", ""])
            continue
        new = df[df["genre"] != "leerverslag"]
        agree = (coded["coder_label"] == coded["writer_label"]).mean()
        changed = (coded["label"] != coded["writer_label"]).sum()
        rows.append(
            [
                name,
                f"{len(coded)} of {len(new)} new rows",
                f"{100 * agree:.1f}%",
                f"{_kappa(coded['writer_label'], coded['coder_label']):.3f}",
                int((coded["coder_label"] != coded["writer_label"]).sum()),
                int(changed),
            ]
        )
    out.append(
        "### Blind double coding\n\nWriter's label against a blind coder's (who saw only the codebook and the "
        "text); disagreements adjudicated by the border rules (`label`; the two originals are kept in "
        "`writer_label` and `coder_label`).\n\n"
        + md(rows, ["file", "double-coded", "agreement", "Cohen's kappa", "disagreements", "adjudicated to the coder"])
    )

    rows = []
    counts = {n: Counter(df["label"]) for n, df in short.items()}
    for t in tax:
        free = []
        for df in short.values():
            texts = df.loc[df["label"] == t.slug, "text"].str.lower()
            free.append(f"{100 * (~texts.str.contains(obvious[t.slug], regex=True)).mean():.0f}%")
        rows.append([t.id, f"`{t.slug}`", t.group, *(pct(counts[n][t.slug], len(short[n])) for n in short), *free])
    out.append(
        "### Labels\n\nThe last three columns: rows without the type's obvious keyword (`obvious_keywords.toml`), "
        "per file.\n\n" + md(rows, ["id", "label", "group", *short, *(f"no keyword: {n}" for n in short)])
    )

    rows = []
    for name, df in short.items():
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

    sectors = Counter(train["sector"]) + Counter(hold["sector"]) + Counter(oob["sector"])
    top = [[s, n] for s, n in sectors.most_common() if n >= 20]
    rest = sum(n for n in sectors.values() if n < 20)
    out.append(
        "### Sectors (all files)\n\n"
        + md([*top, [f"{sum(1 for n in sectors.values() if n < 20)} others", rest]], ["sector", "rows"])
    )

    sims = [
        ["within training", f"{max_similarity(train['text'].tolist()):.3f}"],
        ["within holdout", f"{max_similarity(hold['text'].tolist()):.3f}"],
        ["within out-of-brief", f"{max_similarity(oob['text'].tolist()):.3f}"],
        ["training vs holdout", f"{max_similarity(train['text'].tolist(), hold['text'].tolist()):.3f}"],
        ["training vs out-of-brief", f"{max_similarity(train['text'].tolist(), oob['text'].tolist()):.3f}"],
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
