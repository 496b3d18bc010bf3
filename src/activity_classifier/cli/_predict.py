"""``activity-classifier predict``: classify the texts of a table, or of standard input."""

from __future__ import annotations

import argparse
import json
import sys

from .._output import DEFAULT_CHUNK_ROWS, PREDICTION_COLUMNS
from ._support import (
    add_csv_dialect,
    add_jobs,
    add_target_accuracy,
    add_trust_model,
    csv_dialect,
    positive_int,
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
    from .._stream import count_rows, predict_file  # pandas only for a table

    if not args.output:
        raise InputDataError("--output is required unless INPUT is '-'")
    if args.dry_run:
        rows = count_rows(args.input, args.text_column, chunk_rows=args.chunk_rows)
        print(f"dry run: {rows} rows readable; nothing classified, nothing written", file=sys.stderr)
        return 0

    def announce(rows: int) -> None:
        if str(args.output).lower().endswith(".xlsx") and rows >= LARGE_WORKBOOK_ROWS:
            print(f"writing {rows} rows to {args.output} (a large workbook takes a while)...", file=sys.stderr)

    done = writing(
        args.output,
        lambda: predict_file(
            model,
            args.input,
            args.output,
            text_column=args.text_column,
            method=args.method,
            target_accuracy=target,
            chunk_rows=args.chunk_rows,
            n_jobs=args.jobs,
            dialect=csv_dialect(args.csv_dialect),
            progress=progress_callback(),
            before_writing=announce,
        ),
    )
    print(
        f"{done.rows} rows classified, {done.flagged} flagged for review; written to {args.output}",
        file=sys.stderr,
    )
    print(done.report.summary(), file=sys.stderr)
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
    p.add_argument(
        "--chunk-rows",
        type=positive_int,
        default=DEFAULT_CHUNK_ROWS,
        metavar="N",
        help="rows read, classified and written at a time (default %(default)s): memory holds one chunk, "
        "whatever the length of INPUT; the output does not depend on it",
    )
    p.set_defaults(func=run)
