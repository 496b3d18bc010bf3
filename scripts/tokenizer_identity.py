"""Measure how often the package's tokenizer agrees with spaCy's Dutch tokenizer, and list the differences.

Compares ``activity_classifier._tokenizer`` with ``spacy.blank("nl")`` (lower-case special cases, on
lower-cased cleaned text, as the ``"blank"`` pipeline tokenizes) on the bundled corpus and on
``benchmarks/varied.py``'s texts, plus a table of hard cases.

    python scripts/tokenizer_identity.py [--show N]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from varied import varied_texts  # noqa: E402

from activity_classifier._spacy import spacy_tokens  # noqa: E402
from activity_classifier._tokenizer import get_tokenizer  # noqa: E402
from activity_classifier.text import clean_text  # noqa: E402


def corpus_texts() -> list[str]:
    """Every text of ``data/labelled_activities.csv`` (the training corpus), in file order."""
    with open(ROOT / "data" / "labelled_activities.csv", encoding="utf-8", newline="") as fh:
        return [row["text"] for row in csv.DictReader(fh)]


def compare(name: str, texts: list[str], show: int) -> Counter[tuple[str, str]]:
    """Print the share of texts tokenized identically; return the differing (spaCy, ours) token runs."""
    ours = get_tokenizer()
    same = 0
    diffs: Counter[tuple[str, str]] = Counter()
    for raw in texts:
        text = clean_text(raw).lower()
        a, b = spacy_tokens(text), list(ours(text))
        if a == b:
            same += 1
            continue
        i = 0
        while i < min(len(a), len(b)) and a[i] == b[i]:
            i += 1
        diffs[(" ".join(a[i : i + 3]), " ".join(b[i : i + 3]))] += 1
    print(f"{name}: {same} of {len(texts)} texts tokenized identically ({same / max(len(texts), 1):.4f})")
    for (a_run, b_run), n in diffs.most_common(show):
        print(f"  {n:5d}  spaCy {a_run!r}  ours {b_run!r}")
    return diffs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=20, help="differences to list per set")
    args = parser.parse_args()
    compare("corpus (data/labelled_activities.csv)", corpus_texts(), args.show)
    compare("benchmarks/varied.py (20,000)", varied_texts(), args.show)


if __name__ == "__main__":
    main()
