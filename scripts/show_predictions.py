"""Print a compact view of a predictions file (used by `make demo`)."""

import sys

import pandas as pd

frame = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
frame["text"] = frame["text"].str.slice(0, 60)
cols = ["text", "label", "confidence", "source", "needs_review", "review_reason"]
with pd.option_context("display.width", 200, "display.max_colwidth", 62, "display.max_rows", 200):
    print(frame[cols].to_string(index=False))
print(f"\nfull output with alternatives and evidence: {sys.argv[1]}")
