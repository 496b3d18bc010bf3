"""``activity-classifier agreement``: agreement between two or more coders, and their disagreements."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._support import writing

if TYPE_CHECKING:
    import pandas as pd

    from ..evaluation import FileAgreement

__all__ = ["register"]


def _fmt(result: dict[str, Any], key: str) -> str:
    value = result[key]
    ci = (result.get("ci95") or {}).get(key)
    return f"{value:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else f"{value:.3f}"


def _print_two(found: FileAgreement) -> None:
    result = found.result
    print(f"{result['n']} units coded in both files ({found.only_a} only in A, {found.only_b} only in B)")
    if result["n_missing"]:
        print(f"{result['n_missing']} more units in both files are missing a code in one (not counted as coded)")
    print(
        f"percent agreement {_fmt(result, 'percent_agreement')}, Cohen's kappa {_fmt(result, 'cohen_kappa')}, "
        f"Krippendorff's alpha {_fmt(result, 'krippendorff_alpha')}"
    )
    print(f"{'type':<28} {'A':>5} {'B':>5} {'agreed':>7} {'specific':>9}")
    for slug, row in result["per_type"].items():
        print(f"{slug:<28} {row['a']:>5} {row['b']:>5} {row['agreed']:>7} {row['specific_agreement']:>9.3f}")
    labels, matrix = result["confusion"]["labels"], result["confusion"]["matrix"]
    if labels:
        width = max(4, *(len(s) for s in labels))
        print("confusion (rows: coder A, columns: coder B; numbered as the rows)")
        print(f"{'':<{width + 3}} " + " ".join(f"{k + 1:>4}" for k in range(len(labels))))
        for k, (slug, row) in enumerate(zip(labels, matrix, strict=True)):
            print(f"{k + 1:>2} {slug:<{width}} " + " ".join(f"{v:>4}" for v in row))
    print(f"{len(result['disagreements'])} disagreements, {len(result['missing'])} missing codes")


def _print_many(found: FileAgreement) -> None:
    result = found.result
    for letter, path in zip(found.coders, found.files, strict=True):
        print(f"coder {letter.upper()}: {path}")
    print(f"{len(found.shared)} units with an id in every file")
    print(f"{result['n']} units coded by all {len(found.coders)} coders, {result['n_missing']} missing a code")
    print(
        f"percent agreement (all coders) {_fmt(result, 'percent_agreement')}, Fleiss' kappa "
        f"{_fmt(result, 'fleiss_kappa')}, Krippendorff's alpha {_fmt(result, 'krippendorff_alpha')}"
    )
    for pair, row in result["pairwise"].items():
        x, y = pair.split("|")
        print(f"Cohen's kappa {x.upper()}-{y.upper()} {row['cohen_kappa']:.3f} (n={row['n']})")
    print(f"{len(result['disagreements'])} disagreements, {len(result['missing'])} missing codes")


def _write_workbook(path: Path, disagreements: pd.DataFrame, missing: pd.DataFrame) -> None:
    """Write the adjudication workbook: a frozen header and a drop-down of the eleven labels."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..tables import string_cells
    from ..taxonomy import get_taxonomy

    slugs = get_taxonomy().slugs
    wb = Workbook()
    ws = wb.active
    ws.title = "disagreements"
    for sheet, table in ((ws, disagreements), (wb.create_sheet("missing codes"), missing)):
        sheet.append(string_cells(sheet, [str(c) for c in table.columns]))
        for row in table.itertuples(index=False, name=None):
            sheet.append(string_cells(sheet, row))
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["B"].width = 80
    labels = wb.create_sheet("labels")
    labels.append(string_cells(labels, ["label"]))
    for slug in slugs:
        labels.append(string_cells(labels, [slug]))
    column = disagreements.columns.get_loc("adjudicated") + 1
    letter = ws.cell(row=1, column=column).column_letter
    check = DataValidation(
        type="list",
        formula1=f"labels!$A$2:$A${len(slugs) + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Unknown label",
        error="Choose one of the eleven labels.",
    )
    ws.add_data_validation(check)
    check.add(f"{letter}2:{letter}{max(2, len(disagreements) + 1)}")
    wb.save(path)


def run(args: argparse.Namespace) -> int:
    from ..evaluation import agreement_from_files
    from ..exceptions import InputDataError
    from ..tables import atomic_write, write_table

    files = [args.file_a, args.file_b, *args.more_files]
    found = agreement_from_files(
        *files,
        id_column=args.id_column,
        label_column=args.label_column,
        label_column_b=args.label_column_b,
        text_column=args.text_column,
        n_bootstrap=args.bootstrap,
        random_state=args.seed,
    )
    (_print_two if len(files) == 2 else _print_many)(found)
    if args.output:
        out = Path(args.output)
        if out.suffix.lower() not in (".csv", ".tsv", ".xlsx"):
            raise InputDataError("the disagreement table must be .csv, .tsv or .xlsx", path=str(out))
        if args.dry_run:
            print(f"dry run: nothing written (would write {out})", file=sys.stderr)
            return 0
        table, missing = found.disagreements(), found.missing()
        if out.suffix.lower() == ".xlsx":
            writing(out, lambda: atomic_write(out, lambda tmp: _write_workbook(tmp, table, missing), inputs=files))
            print(f"disagreements and missing codes written to {out} (two sheets)", file=sys.stderr)
        else:
            writing(out, lambda: write_table(table, out, inputs=files))
            print(f"disagreement table written to {out} (missing codes: use .xlsx for them)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``agreement`` sub-command."""
    p = sub.add_parser(
        "agreement",
        help="agreement between two or more coders (people, or a person and the model)",
        description="Percent agreement, Cohen's kappa (Fleiss' kappa for three or more coders), "
        "Krippendorff's alpha with 95%% bootstrap intervals, per-type agreement and the coder-by-coder "
        "confusion matrix between the labels of two or more files, matched on an id column. A unit a coder "
        "left empty is a missing code, reported apart from the disagreements. --output writes the "
        "disagreements for adjudication (.xlsx: a drop-down of the labels, and a sheet of missing codes).",
    )
    p.add_argument("file_a", metavar="FILE_A")
    p.add_argument("file_b", metavar="FILE_B")
    p.add_argument("more_files", metavar="FILE", nargs="*", help="more coders' files")
    p.add_argument("--id-column", default="id")
    p.add_argument("--label-column", default="label")
    p.add_argument("--label-column-b", help="label column of the other files when it differs (e.g. predictions)")
    p.add_argument("--text-column", default="text", help="shown in the disagreement table when present")
    p.add_argument("--bootstrap", type=int, default=1000, help="resamples of the units for 95%% intervals (0: none)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--output", help=".csv or .xlsx disagreement table")
    p.add_argument("--dry-run", action="store_true", help="compute and print; write nothing")
    p.set_defaults(func=run)
