"""``activity-classifier import-reviewed``: bring reviewed labels back into a labelled file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._support import writing

__all__ = ["register"]

#: How many changed or skipped items ``import-reviewed`` lists on standard error.
_MAX_LISTED = 20


def run(args: argparse.Namespace) -> int:
    from ..annotate import disagreements, format_for, merge_reviewed, read_reviewed, write_output
    from ..exceptions import InputDataError
    from ..tables import CSV_SUFFIXES, read_table, sniff_csv_dialect, write_table

    into = Path(args.into)
    output = Path(args.output) if args.output else into
    items = read_reviewed(args.reviewed, label_column=args.reviewed_column)
    dialect = None
    if into.exists():
        labelled = read_table(into)
        # Written back as it was: a Dutch Excel CSV stays semicolon-separated, in its encoding.
        if output == into and into.suffix.lower() in CSV_SUFFIXES:
            dialect = sniff_csv_dialect(into)
    elif args.output:
        raise InputDataError("file not found (leave out --output to start a new labelled file)", path=str(into))
    else:
        labelled = None
        print(f"{into} does not exist yet: starting a new labelled file", file=sys.stderr)
    report = merge_reviewed(items, labelled, text_column=args.text_column, label_column=args.label_column, path=into)
    # Rows nobody reviewed are only counted; every other change or skip is listed with its reason.
    notable = [a for a in report.actions if a.action == "changed" or a.reason not in ("", "not reviewed")]
    for a in notable[:_MAX_LISTED]:
        print(f"  {a.where}: {a.action}, {a.reason}: {a.text}", file=sys.stderr)
    if len(notable) > _MAX_LISTED:
        print(f"  ... and {len(notable) - _MAX_LISTED} more; --report writes every item", file=sys.stderr)
    if args.report and not args.dry_run:  # a dry run writes nothing at all, not even the report
        writing(args.report, lambda: write_table(report.frame(), args.report, inputs=[args.reviewed, into]))
    disputed = disagreements(items)
    if args.disagreements and format_for(args.disagreements) not in ("xlsx", "csv"):
        raise InputDataError("the disagreements file is a .xlsx or .csv file", path=args.disagreements)
    if args.disagreements and not args.dry_run:
        writing(
            args.disagreements,
            lambda: write_output(disputed, args.disagreements, inputs=[args.reviewed, into]),
        )
        print(f"{len(disputed)} tasks with disagreeing annotators written to {args.disagreements}", file=sys.stderr)
    elif len(disputed):
        print(
            f"{len(disputed)} tasks skipped because their annotators disagree; --disagreements FILE.xlsx "
            "writes them for adjudication",
            file=sys.stderr,
        )
    if args.dry_run:
        print(f"dry run, nothing written: {report.summary()}", file=sys.stderr)
        return 0
    writing(output, lambda: write_table(report.merged, output, inputs=[args.reviewed], dialect=dialect))
    print(f"{report.summary()}; {len(report.merged)} rows written to {output}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``import-reviewed`` sub-command."""
    p = sub.add_parser(
        "import-reviewed",
        help="merge reviewed labels (xlsx/csv from prelabel, Label Studio JSON, REFI-QDA .qdpx) into a labelled file",
        description="Read reviewed labels (column label_reviewed, or the annotations of a Label Studio "
        "export), validate them against the taxonomy and merge them into a labelled CSV/XLSX file: new "
        "texts are added, texts labelled differently are changed (the review wins), with source=reviewed. "
        "Reports how many were added, changed and skipped, and why. A CSV file is written back in its own "
        "delimiter, encoding and line ending. Then run 'train --data' on the file.",
    )
    p.add_argument(
        "reviewed", metavar="REVIEWED", help="reviewed .xlsx/.csv, Label Studio export .json, or REFI-QDA .qdpx"
    )
    p.add_argument("--into", required=True, help="labelled .csv/.xlsx to merge into (created if missing)")
    p.add_argument("--output", help="write the merged file here instead of replacing --into")
    p.add_argument("--reviewed-column", default="label_reviewed", help="label column of a reviewed table")
    p.add_argument("--text-column", default="text", help="text column of the labelled file")
    p.add_argument("--label-column", default="label", help="label column of the labelled file")
    p.add_argument("--report", help="write every item's outcome to this .csv/.xlsx")
    p.add_argument(
        "--disagreements",
        help="write the Label Studio tasks whose annotators disagree to this .xlsx/.csv, with every "
        "annotator's choice and an empty label_reviewed to adjudicate (import it like any review)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="report what would happen on standard error; write nothing (not even --report)",
    )
    p.set_defaults(func=run)
