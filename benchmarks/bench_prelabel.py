"""Time `prelabel` on 10,000 activities (a long CSV built from the bundled corpus) for every output format.

Run with `make bench-prelabel` or `python benchmarks/bench_prelabel.py [N]`. Prints one line per step.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from activity_classifier.corpus import bundled_corpus_path

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
corpus = pd.read_csv(bundled_corpus_path(), dtype=str, keep_default_na=False)
rows = pd.concat([corpus] * (N // len(corpus) + 1), ignore_index=True).head(N)
with tempfile.TemporaryDirectory() as tmp:
    src = Path(tmp) / "activities.csv"
    rows[["teacher_id", "report_no", "activity_no", "text"]].rename(columns={"report_no": "report_id"}).to_csv(
        src, sep=";", index=False, encoding="cp1252", errors="replace"
    )
    print(f"{N} activities, mean {rows['text'].str.len().mean():.0f} characters")
    for name in ("review.xlsx", "review.csv", "tasks.json", "doccano.jsonl"):
        t0 = time.perf_counter()
        subprocess.run(
            [Path(sys.executable).with_name("activity-classifier"), "prelabel", src, "-o", Path(tmp) / name],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        print(f"activity-classifier prelabel -> {name:14s} {time.perf_counter() - t0:6.1f} s wall (whole command)")
