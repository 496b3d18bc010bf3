"""``activity-classifier predict``: classify the texts of a table, or of standard input."""

from __future__ import annotations

import argparse
import json
import sys

from .._output import PREDICTION_COLUMNS
from ._support import (
    add_csv_dialect,
    add_jobs,
    add_target_accuracy,
    add_trust_model,
    csv_dialect,
    progress_callback,
    target_for,
    writing,
)

__all__ = ["register"]

#: From this many rows on, predict says that it is writing an .xlsx (openpyxl needs about a second per 5,000).
LARGE_WORKBOOK_ROWS = 5_000


def stdin_lines() -> list[str]:
    """Read standard input as strict UTF-8, one text a line; an invalid byte is an error naming its line."""
    from ..exceptions import InputDataError

    lines = []
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputDataError(
                f"invalid UTF-8 (byte 0x{raw[exc.start]:02x} at position {exc.start + 1} of the line); send UTF-8 text",
                path="<stdin>",
                row=number,
            ) from exc
        lines.append(text.removesuffix("\n").removesuffix("\r"))
    return lines


def run(args: argparse.Namespace) -> int:
    from ..exceptions import InputDataError
    from ..persistence import load_predictor

    # The runtime files are read without scikit-learn, SciPy or skops; pandas only for a table.
    model = load_predictor(args.model, trust=args.trust_model)
    target = target_for(args.target_accuracy, model)
    if args.input == "-":
        lines = stdin_lines()
        preds, report = model.predict_reviewed(lines, method=args.method, target=target, n_jobs=args.jobs)
        for text, pred in zip(lines, preds, strict=True):
            print(json.dumps({"text": text, **pred.as_dict()}, ensure_ascii=False))
        print(report.summary(), file=sys.stderr)
        return 0
    from ..predictions import classify
    from ..reliability import BatchReport
    from ..tables import find_column, read_table, write_table

    if not args.output:
        raise InputDataError("--output is required unless INPUT is '-'")
    frame = read_table(args.input)
    find_column(frame, args.text_column, args.input)
    if args.dry_run:
        print(f"dry run: {len(frame)} rows readable; nothing classified, nothing written", file=sys.stderr)
        return 0
    result = classify(
        frame,
        text_column=args.text_column,
        model=model,
        method=args.method,
        target_accuracy=target,
        progress=progress_callback(),
        n_jobs=args.jobs,
    )
    if str(args.output).lower().endswith(".xlsx") and len(result) >= LARGE_WORKBOOK_ROWS:
        print(f"writing {len(result)} rows to {args.output} (a large workbook takes a while)...", file=sys.stderr)
    dialect = csv_dialect(args.csv_dialect)
    writing(args.output, lambda: write_table(result, args.output, inputs=[args.input], dialect=dialect))
    flagged = int(result["needs_review"].sum())
    print(
        f"{len(result)} rows classified, {flagged} flagged for review; written to {args.output}",
        file=sys.stderr,
    )
    print(BatchReport.from_dict(result.attrs["batch_report"]).summary(), file=sys.stderr)
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
    p.add_argument("--dry-run", action="store_true", help="check the model and the input only; write nothing")
    add_target_accuracy(p)
    add_trust_model(p)
    add_csv_dialect(p)
    add_jobs(p)
    p.set_defaults(func=run)
