"""``activity-classifier agreement``: agreement between two coders, and their disagreements."""

from __future__ import annotations

import argparse
import sys

from ._support import writing

__all__ = ["register"]


def run(args: argparse.Namespace) -> int:
    from ..evaluation import agreement_from_files
    from ..tables import write_table

    found = agreement_from_files(
        args.file_a,
        args.file_b,
        id_column=args.id_column,
        label_column=args.label_column,
        label_column_b=args.label_column_b,
        text_column=args.text_column,
    )
    result, shared, only_a, only_b = found.result, found.shared, found.only_a, found.only_b
    print(f"{len(shared)} units coded in both files ({only_a} only in A, {only_b} only in B)")
    print(
        f"percent agreement {result['percent_agreement']:.3f}, Cohen's kappa {result['cohen_kappa']:.3f}, "
        f"Krippendorff's alpha {result['krippendorff_alpha']:.3f}"
    )
    print(f"{'type':<28} {'A':>5} {'B':>5} {'agreed':>7} {'specific':>9}")
    for slug, row in result["per_type"].items():
        print(f"{slug:<28} {row['a']:>5} {row['b']:>5} {row['agreed']:>7} {row['specific_agreement']:>9.3f}")
    print(f"{len(result['disagreements'])} disagreements")
    if args.output:
        table = found.disagreements()
        writing(args.output, lambda: write_table(table, args.output, inputs=[args.file_a, args.file_b]))
        print(f"disagreement table written to {args.output}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``agreement`` sub-command."""
    p = sub.add_parser(
        "agreement",
        help="agreement between two coders (people, or a person and the model)",
        description="Percent agreement, Cohen's kappa, Krippendorff's alpha and per-type agreement between "
        "the labels of two files, matched on an id column; --output writes the disagreements for adjudication.",
    )
    p.add_argument("file_a", metavar="FILE_A")
    p.add_argument("file_b", metavar="FILE_B")
    p.add_argument("--id-column", default="id")
    p.add_argument("--label-column", default="label")
    p.add_argument("--label-column-b", help="label column of FILE_B when it differs (e.g. a predictions file)")
    p.add_argument("--text-column", default="text", help="shown in the disagreement table when present")
    p.add_argument("--output", help=".csv or .xlsx disagreement table")
    p.set_defaults(func=run)
