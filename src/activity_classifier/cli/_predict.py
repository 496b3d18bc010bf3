"""``activity-classifier predict``: classify the texts of a table, or of standard input."""

from __future__ import annotations

import argparse
import json
import sys

from .._output import PREDICTION_COLUMNS
from ._support import add_jobs, add_trust_model, writing

__all__ = ["register"]


def run(args: argparse.Namespace) -> int:
    from ..exceptions import InputDataError
    from ..persistence import load_model
    from ..predictions import classify
    from ..tables import find_column, read_table, write_table

    model = load_model(args.model, trust=args.trust_model)
    if args.input == "-":
        lines = [line.rstrip("\n") for line in sys.stdin]
        preds = model.explain(lines, method=args.method, n_jobs=args.jobs)
        for text, pred in zip(lines, preds, strict=True):
            print(json.dumps({"text": text, **pred.as_dict()}, ensure_ascii=False))
        return 0
    if not args.output:
        raise InputDataError("--output is required unless INPUT is '-'")
    frame = read_table(args.input)
    find_column(frame, args.text_column, args.input)
    result = classify(frame, text_column=args.text_column, model=model, method=args.method, n_jobs=args.jobs)
    writing(args.output, lambda: write_table(result, args.output, inputs=[args.input]))
    flagged = int(result["needs_review"].sum())
    print(
        f"{len(result)} rows classified, {flagged} flagged for review; written to {args.output}",
        file=sys.stderr,
    )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``predict`` sub-command."""
    p = sub.add_parser(
        "predict",
        help="classify the texts of a CSV/XLSX file (or stdin)",
        description=f"Add the columns {', '.join(PREDICTION_COLUMNS[:-1])} and {PREDICTION_COLUMNS[-1]} to "
        "every row of INPUT. With INPUT '-', read one description per line from standard input and print "
        "JSON lines.",
    )
    p.add_argument("input", metavar="INPUT", help=".csv or .xlsx file, or - for standard input")
    p.add_argument("--output", help=".csv or .xlsx file to write (atomically)")
    p.add_argument("--text-column", default="text")
    p.add_argument("--method", choices=["hybrid", "model", "rules"], default="hybrid")
    p.add_argument("--model", help="model directory (default: the shipped default model)")
    add_trust_model(p)
    add_jobs(p)
    p.set_defaults(func=run)
