"""``activity-classifier agreement``: agreement between two coders, and their disagreements."""

from __future__ import annotations

import argparse
import sys

from ._support import writing

__all__ = ["register"]


def run(args: argparse.Namespace) -> int:
    from ..evaluation import agreement
    from ..exceptions import InputDataError, UnknownLabelError
    from ..tables import find_column, read_table, sheet_row, write_table
    from ..taxonomy import get_taxonomy

    tax = get_taxonomy()
    coded = []
    for path, label_column in (
        (args.file_a, args.label_column),
        (args.file_b, args.label_column_b or args.label_column),
    ):
        frame = read_table(path)
        id_col = find_column(frame, args.id_column, path)
        lab_col = find_column(frame, label_column, path)
        labels: dict[str, str | None] = {}
        for i, (key, label) in enumerate(zip(frame[id_col], frame[lab_col], strict=True)):
            key, label = str(key).strip(), str(label).strip()
            if key in labels:
                raise InputDataError(f"duplicate id {key!r}", path=str(path), row=sheet_row(i), column=id_col)
            try:
                labels[key] = tax.validate_label(label) if label else None
            except UnknownLabelError as exc:
                raise InputDataError(str(exc), path=str(path), row=sheet_row(i), column=lab_col) from None
        text_col = args.text_column if args.text_column in frame.columns else None
        texts = dict(zip(frame[id_col].astype(str).str.strip(), frame[text_col], strict=True)) if text_col else {}
        coded.append((labels, texts))
    (a, texts_a), (b, texts_b) = coded
    shared = [k for k in a if k in b]
    if not shared:
        raise InputDataError(f"no id in column {args.id_column!r} occurs in both files")
    result = agreement([a[k] for k in shared], [b[k] for k in shared], ids=shared)
    only_a, only_b = len(set(a) - set(b)), len(set(b) - set(a))
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
        import pandas as pd

        texts = {**texts_b, **texts_a}
        table = pd.DataFrame(
            [
                {"id": d["id"], "text": texts.get(d["id"], ""), "label_a": d["a"], "label_b": d["b"], "adjudicated": ""}
                for d in result["disagreements"]
            ],
            columns=["id", "text", "label_a", "label_b", "adjudicated"],
        )
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
