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
    from ..annotate import merge_reviewed, read_reviewed
    from ..exceptions import InputDataError
    from ..tables import read_table, write_table

    into = Path(args.into)
    output = Path(args.output) if args.output else into
    items = read_reviewed(args.reviewed, label_column=args.reviewed_column)
    if into.exists():
        labelled = read_table(into)
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
    if args.dry_run:
        print(f"dry run, nothing written: {report.summary()}", file=sys.stderr)
        return 0
    writing(output, lambda: write_table(report.merged, output, inputs=[args.reviewed]))
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
        "Reports how many were added, changed and skipped, and why. Then run 'train --data' on the file.",
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
        "--dry-run",
        action="store_true",
        help="report what would happen on standard error; write nothing (not even --report)",
    )
    p.set_defaults(func=run)
