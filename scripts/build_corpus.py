"""Add a writing wave to the corpus files (run by maintainers; the writers' parts are not shipped).

Each writer of wave 2 wrote, by hand, a JSON-lines file (persona, doc, text, label, sector, context,
border_case) and a persona file; blind coders wrote ``item,code`` files for the texts they were given.
This script only joins them: it numbers the activities in the order written per persona and document,
adds ``id``, ``writer``, ``genre``, ``group`` (from the taxonomy) and ``source``, records the writer's label
(``writer_label``), the blind coder's (``coder_label``) and the adjudicated one (``label``), and writes

    data/labelled_activities.csv   existing rows (wave 1) + PARTS/train/*.jsonl
    data/holdout_activities.csv    existing rows, with the new columns
    data/test_out_of_brief.csv     PARTS/test/*.jsonl
    data/teachers.csv              existing personas + PARTS/*/*_personas.jsonl
    data/writers.csv               one row per writer: part, genre, brief
    data/adjudication.csv          every disagreement of writer and blind coder, the decision and its reason

Wave-1 rows get the writer of their teacher range (T1xx -> W101, ..., H2xx -> W108) and the genre
``leerverslag``. Running it twice gives the same files.

Usage: python scripts/build_corpus.py PARTS_DIR
"""

import csv
import json
import sys
from pathlib import Path

import pandas as pd

from activity_classifier.taxonomy import get_taxonomy

COLUMNS = [
    "id",
    "writer",
    "genre",
    "teacher_id",
    "report_no",
    "activity_no",
    "text",
    "label",
    "group",
    "sector",
    "context",
    "source",
    "border_case",
    "writer_label",
    "coder_label",
]
#: Wave 1 (one brief for all eight writers): writer, part, teachers.
WAVE1 = [
    ("W101", "training", "teachers T1xx, zorg en welzijn and pedagogisch werk"),
    ("W102", "training", "teachers T2xx, economie and logistiek"),
    ("W103", "training", "teachers T3xx, techniek"),
    ("W104", "training", "teachers T4xx, ICT and media"),
    ("W105", "training", "teachers T5xx, horeca, toerisme and facilitair"),
    ("W106", "training", "teachers T6xx, entree, sport, welzijn, beveiliging, uiterlijke verzorging"),
    ("W107", "holdout", "teachers H1xx"),
    ("W108", "holdout", "teachers H2xx"),
]
DATA = Path(__file__).resolve().parents[1] / "data"


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _wave1(df: pd.DataFrame, holdout: bool) -> pd.DataFrame:
    df = df.copy()
    if "writer" not in df.columns:
        first = "H" if holdout else "T"
        offset = 106 if holdout else 100
        df["writer"] = [f"W{offset + int(t[1])}" if t.startswith(first) else "" for t in df["teacher_id"]]
        df["genre"] = "leerverslag"
        df["context"] = "mbo"
        df["writer_label"] = df["label"]
        df["coder_label"] = ""
    return df[COLUMNS]


def _codes(parts: Path) -> dict[str, str]:
    """Blind codes by normalised text (the coders saw item and text only)."""
    codes: dict[str, str] = {}
    for sample in sorted((parts / "coding").glob("*.csv")):
        if sample.stem.endswith("_codes"):
            continue
        coded = sample.with_name(sample.stem + "_codes.csv")
        if not coded.exists():
            continue
        texts = dict(zip(*(_read(sample)[c] for c in ("item", "text")), strict=True))
        for item, code in zip(*(_read(coded)[c] for c in ("item", "code")), strict=True):
            codes[" ".join(texts[item].split())] = code.strip()
    return codes


def _adjudicated(parts: Path) -> dict[str, tuple[str, str]]:
    """Adjudicated label and its reason, by normalised text."""
    path = parts / "coding" / "adjudication_decisions.csv"
    if not path.exists():
        return {}
    items = _read(parts / "coding" / "adjudication.csv")
    texts = dict(zip(items["item"], items["text"], strict=True))
    dec = _read(path)
    return {
        " ".join(texts[i].split()): (label.strip(), reason)
        for i, label, reason in zip(dec["item"], dec["label"], dec["reason"], strict=True)
    }


def _wave2(
    parts: Path,
    folder: str,
    prefix: str,
    genres: dict[str, list[str]],
    codes: dict[str, str],
    decided: dict[str, tuple[str, str]],
) -> pd.DataFrame:
    tax = get_taxonomy()
    rows = []
    for f in sorted((parts / folder).glob("*.jsonl")):
        if f.stem.endswith("_personas"):
            continue
        seen: dict[tuple[str, int], int] = {}
        for line in f.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            r = json.loads(line)
            teacher = f"{f.stem}-{r['persona']}"
            key = (teacher, int(r["doc"]))
            seen[key] = seen.get(key, 0) + 1
            text = str(r["text"]).strip()
            norm = " ".join(text.split())
            writer_label = r["label"]
            coder = codes.get(norm, "")
            label = writer_label if not coder or coder == writer_label else decided.get(norm, (writer_label, ""))[0]
            rows.append(
                {
                    "writer": f.stem,
                    "genre": genres[f.stem][0],
                    "teacher_id": teacher,
                    "report_no": int(r["doc"]),
                    "activity_no": seen[key],
                    "text": text,
                    "label": label,
                    "group": tax[label].group,
                    "sector": r["sector"],
                    "context": r["context"],
                    "source": "constructed",
                    "border_case": int(r["border_case"]),
                    "writer_label": writer_label,
                    "coder_label": coder,
                }
            )
    df = pd.DataFrame(rows).sort_values(["writer", "teacher_id", "report_no", "activity_no"], kind="stable")
    df["id"] = [f"{prefix}{i:04d}" for i in range(1, len(df) + 1)]
    return df[COLUMNS].astype(str)


def _personas(parts: Path) -> pd.DataFrame:
    rows = []
    for f in sorted(parts.glob("*/*_personas.jsonl")):
        writer = f.stem.removesuffix("_personas")
        for line in f.read_text("utf-8").splitlines():
            if line.strip():
                p = json.loads(line)
                rows.append(
                    {
                        "teacher_id": f"{writer}-{p['persona']}",
                        "roc": p.get("school", ""),
                        "sector": p.get("sector", ""),
                        "opleiding": "",
                        "years_experience": str(p.get("years", "")),
                        "roles": p.get("role", ""),
                    }
                )
    return pd.DataFrame(rows)


def main() -> None:
    parts = Path(sys.argv[1])
    genres = json.loads((parts / "genres.json").read_text("utf-8"))
    old = _wave1(_read(DATA / "labelled_activities.csv"), holdout=False)
    old = old[~old["writer"].isin(list(genres))]  # idempotent: drop wave-2 rows of an earlier run
    old = old[old["genre"] == "leerverslag"]
    codes, decided = _codes(parts), _adjudicated(parts)
    train = pd.concat([old, _wave2(parts, "train", "B", genres, codes, decided)], ignore_index=True)
    train.to_csv(DATA / "labelled_activities.csv", index=False)
    _wave1(_read(DATA / "holdout_activities.csv"), holdout=True).to_csv(DATA / "holdout_activities.csv", index=False)
    test = _wave2(parts, "test", "O", genres, codes, decided)
    test.to_csv(DATA / "test_out_of_brief.csv", index=False)
    teachers = _read(DATA / "teachers.csv")
    teachers = teachers[~teachers["teacher_id"].str.contains("-")]
    pd.concat([teachers, _personas(parts)], ignore_index=True).to_csv(DATA / "teachers.csv", index=False)
    both = pd.concat([train, test], ignore_index=True)
    disputed = both[(both["coder_label"] != "") & (both["coder_label"] != both["writer_label"])].copy()
    disputed["reason"] = [decided.get(" ".join(t.split()), ("", ""))[1] for t in disputed["text"]]
    disputed[["id", "writer_label", "coder_label", "label", "reason"]].to_csv(DATA / "adjudication.csv", index=False)
    writers = [
        {"writer": w, "part": part, "genre": "leerverslag", "brief": f"wave 1: learner-report activities, {b}"}
        for w, part, b in WAVE1
    ]
    writers += [
        {"writer": w, "part": "test" if w.startswith("T") else "training", "genre": g, "brief": b}
        for w, (g, b) in genres.items()
    ]
    with open(DATA / "writers.csv", "w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, fieldnames=["writer", "part", "genre", "brief"])
        out.writeheader()
        out.writerows(writers)


if __name__ == "__main__":
    main()
