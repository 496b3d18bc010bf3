"""20,000 *varied* descriptions built deterministically from the bundled CSVs (no text is repeated).

First every distinct text of ``data/labelled_activities.csv``, ``data/holdout_activities.csv`` and
``data/test_out_of_brief.csv`` (in file order); then, until ``n`` rows, pairs of two different sentences
joined with a space: sentence ``i`` of the list of distinct sentences (longer than 15 characters) with sentence
``(i * 7919 + k) mod m`` for ``k = 1, 2, ...``, skipping a sentence paired with itself and pairs already used.
Sentences are split after ``.``, ``!`` or ``?`` followed by white space.

    python benchmarks/varied.py OUT.csv [N]     # write a one-column CSV (``text``)
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILES = ("labelled_activities.csv", "holdout_activities.csv", "test_out_of_brief.csv")
N_DESCRIPTIONS = 20_000
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def distinct_texts() -> list[str]:
    """Every distinct non-empty text of the bundled CSVs, in file order."""
    seen: dict[str, None] = {}
    for name in FILES:
        with open(ROOT / "data" / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                text = (row.get("text") or "").strip()
                if text:
                    seen.setdefault(text, None)
    return list(seen)


def varied_texts(n: int = N_DESCRIPTIONS) -> list[str]:
    """Return ``n`` distinct descriptions (see the module docstring)."""
    texts = distinct_texts()
    out = dict.fromkeys(texts[:n])
    sentences = list(dict.fromkeys(s.strip() for t in texts for s in _SENTENCE.split(t) if len(s.strip()) > 15))
    m = len(sentences)
    k = 1
    while len(out) < n:
        for i in range(m):
            j = (i * 7919 + k) % m
            if j != i:
                out.setdefault(f"{sentences[i]} {sentences[j]}", None)
            if len(out) == n:
                break
        k += 1
    return list(out)


def write_csv(path: str | Path, n: int = N_DESCRIPTIONS) -> Path:
    """Write ``n`` varied descriptions as a one-column CSV (``text``) and return its path."""
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text"])
        writer.writerows([t] for t in varied_texts(n))
    return path


if __name__ == "__main__":
    written = write_csv(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else N_DESCRIPTIONS)
    print(written)
