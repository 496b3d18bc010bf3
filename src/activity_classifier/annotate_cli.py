"""Sub-commands for annotators: ``prelabel``, ``import-reviewed``, ``export-qda`` (registered by ``cli``).

Heavy imports happen inside the command functions, so that ``activity-classifier --help`` stays fast.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

__all__ = ["register"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_KIND_NAMES = {"email": "e-mail address", "phone": "phone number", "student_number": "student number"}
#: How many changed or skipped items ``import-reviewed`` lists on standard error.
_MAX_LISTED = 20


def _writing(path: str | Path, write: Callable[[], T]) -> T:
    """Run ``write``; a failure of the file system becomes a one-line error naming the output."""
    from .exceptions import InputDataError

    try:
        return write()
    except OSError as exc:
        raise InputDataError(f"cannot write the output ({exc.strerror or exc})", path=str(path)) from exc


def _split_columns(value: str | None) -> list[str] | None:
    return [c.strip() for c in value.split(",") if c.strip()] if value else None


def _cmd_prelabel(args: argparse.Namespace) -> int:
    from .artifacts import load_model
    from .export import format_for, write_output
    from .prelabel import prelabel

    fmt = format_for(args.output, args.format)  # fail on a bad output name before reading anything
    t0 = time.perf_counter()
    result = prelabel(
        args.inputs,
        model=load_model(args.model),
        method=args.method,
        redact_personal_data=args.redact,
        text_column=args.text_column,
        activity_columns=_split_columns(args.activity_columns),
        report_column=args.report_column,
        teacher_column=args.teacher_column,
        layout=args.layout,
    )
    for note in result.ingested.notes:
        print(f"read {note}", file=sys.stderr)
    if result.personal_data:
        found = ", ".join(
            f"{n} {_KIND_NAMES[k]}{'s' if n > 1 else ''}" for k, n in sorted(result.personal_data.items())
        )
        rows = int((result.frame["personal_data"] != "").sum())
        if args.redact:
            print(f"redacted {found} in {rows} activities", file=sys.stderr)
        else:
            print(
                f"warning: personal data found: {found} in {rows} activities (column personal_data); "
                "use --redact to replace them in the output",
                file=sys.stderr,
            )
    written = _writing(
        args.output,
        lambda: write_output(
            result.frame, args.output, fmt, model_version=result.model_version, inputs=result.ingested.files
        ),
    )
    frame = result.frame
    n_empty = int((frame["review_reason"].str.contains("empty_text")).sum())
    flagged = int(frame["needs_review"].sum())
    print(
        f"{len(frame)} activities from {len(result.ingested.files)} files pre-labelled in "
        f"{time.perf_counter() - t0:.1f} s: {flagged} flagged for review"
        + (f" ({n_empty} empty)" if n_empty else "")
        + f"; written to {', '.join(str(p) for p in written)}",
        file=sys.stderr,
    )
    return 0


def _cmd_import_reviewed(args: argparse.Namespace) -> int:
    from .exceptions import InputDataError
    from .review import merge_reviewed, read_reviewed
    from .tables import read_table, write_table

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
    if args.report:
        _writing(args.report, lambda: write_table(report.frame(), args.report, inputs=[args.reviewed, into]))
    if args.dry_run:
        print(f"dry run, nothing written: {report.summary()}", file=sys.stderr)
        return 0
    _writing(output, lambda: write_table(report.merged, output, inputs=[args.reviewed]))
    print(f"{report.summary()}; {len(report.merged)} rows written to {output}", file=sys.stderr)
    return 0


def _cmd_export_qda(args: argparse.Namespace) -> int:
    from .exceptions import InputDataError
    from .qda import write_codebook, write_project

    if not (args.codebook or args.project):
        raise InputDataError("export-qda needs --codebook FILE.qdc and/or --project FILE.qdpx")
    if args.project and not args.input:
        raise InputDataError("--project needs the predictions or review table to export (INPUT)")
    if args.codebook and args.project and Path(args.codebook).suffix.lower() != ".qdc":
        raise InputDataError("a REFI-QDA codebook is written as a .qdc file", path=args.codebook)
    if args.project:
        s = _writing(
            args.project, lambda: write_project(args.input, args.project, text_column=args.text_column, flat=args.flat)
        )
        print(
            f"{s.activities} activities of {s.reports} reports written to {args.project}: {s.reviewed} coded with "
            f"the reviewed label, {s.predicted} with the model's, {s.uncoded} without a label",
            file=sys.stderr,
        )
    if args.codebook:
        _writing(args.codebook, lambda: write_codebook(args.codebook, flat=args.flat))
        print(f"codebook of the eleven types in two groups written to {args.codebook}", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``prelabel``, ``import-reviewed`` and ``export-qda`` sub-commands to the CLI."""
    p = sub.add_parser(
        "prelabel",
        help="pre-label learner reports (.docx, .txt, .csv, .xlsx, folders) for annotators",
        description="Read learner reports, split free-text reports into activities, classify every activity "
        "and write one row per activity for review: uncertain ones first, with an empty label_reviewed "
        "column. Formats: xlsx (drop-down of the eleven types, codebook sheet), csv, labelstudio (tasks "
        "JSON with predictions plus <stem>_config.xml) and doccano (JSONL).",
    )
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders of learner reports")
    p.add_argument("--output", "-o", required=True, help="file to write (.xlsx, .csv, .json or .jsonl)")
    p.add_argument(
        "--format",
        choices=["xlsx", "csv", "labelstudio", "doccano"],
        help="output format (default: from the output's suffix)",
    )
    p.add_argument("--redact", action="store_true", help="replace e-mail addresses, phone and student numbers")
    p.add_argument("--text-column", help="tables: the column with one activity a row (long layout)")
    p.add_argument(
        "--activity-columns",
        help="tables: comma-separated activity columns of a wide layout, or a prefix such as 'activiteit_*'",
    )
    p.add_argument("--report-column", help="tables: column with the report id")
    p.add_argument("--teacher-column", help="tables: column with the teacher id")
    p.add_argument("--layout", choices=["auto", "long", "wide"], default="auto", help="tables: force a layout")
    p.add_argument("--method", choices=["hybrid", "model", "rules"], default="hybrid")
    p.add_argument("--model", help="model directory (default: the shipped default model)")
    p.set_defaults(func=_cmd_prelabel)

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
    p.add_argument("--dry-run", action="store_true", help="report what would happen, write nothing")
    p.set_defaults(func=_cmd_import_reviewed)

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
    p.set_defaults(func=_cmd_export_qda)
