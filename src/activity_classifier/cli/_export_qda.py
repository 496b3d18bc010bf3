"""``activity-classifier export-qda``: the codebook (.qdc) and coded activities (.qdpx) for QDA programs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._support import writing

__all__ = ["register"]


def run(args: argparse.Namespace) -> int:
    from ..exceptions import InputDataError
    from ..qda import write_codebook, write_project

    if not (args.codebook or args.project):
        raise InputDataError("export-qda needs --codebook FILE.qdc and/or --project FILE.qdpx")
    if args.project and not args.input:
        raise InputDataError("--project needs the predictions or review table to export (INPUT)")
    if args.codebook and args.project and Path(args.codebook).suffix.lower() != ".qdc":
        raise InputDataError("a REFI-QDA codebook is written as a .qdc file", path=args.codebook)
    if args.project:
        s = writing(
            args.project, lambda: write_project(args.input, args.project, text_column=args.text_column, flat=args.flat)
        )
        print(
            f"{s.activities} activities of {s.reports} reports written to {args.project}: {s.reviewed} coded with "
            f"the reviewed label, {s.predicted} with the model's, {s.uncoded} without a label",
            file=sys.stderr,
        )
    if args.codebook:
        writing(args.codebook, lambda: write_codebook(args.codebook, flat=args.flat))
        print(f"codebook of the eleven types in two groups written to {args.codebook}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``export-qda`` sub-command."""
    p = sub.add_parser(
        "export-qda",
        help="write the codebook (.qdc) or coded activities (.qdpx) for ATLAS.ti, MAXQDA, NVivo, QualCoder",
        description="REFI-QDA exchange. --codebook: the eleven types as codes in two groups (informal, formal) "
        "with Dutch and English names, definitions and border rules. --project: the activities of a "
        "predictions or review table as text sources grouped per report, each coded with its label (the "
        "reviewed label where there is one, else the model's). Both validate against the REFI-QDA schemas. "
        "Bring changed codings back with 'import-reviewed PROJECT.qdpx'.",
    )
    p.add_argument("input", nargs="?", metavar="INPUT", help="predictions or review table (.csv/.xlsx)")
    p.add_argument("--project", help="write the project here (.qdpx)")
    p.add_argument("--codebook", help="write the codebook here (.qdc)")
    p.add_argument("--text-column", default="text", help="text column of INPUT")
    p.add_argument(
        "--flat", action="store_true", help="no group codes: the eleven codes side by side, the groups as sets"
    )
    p.set_defaults(func=run)
