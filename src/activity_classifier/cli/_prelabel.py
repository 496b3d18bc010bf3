"""``activity-classifier prelabel``: learner reports in, one row per activity out, for review."""

from __future__ import annotations

import argparse
import sys
import time

from ._support import add_csv_dialect, add_jobs, add_target_accuracy, add_trust_model, csv_dialect, target_for, writing

__all__ = ["register"]

_KIND_NAMES = {"email": "e-mail address", "phone": "phone number", "student_number": "student number"}


def _split_columns(value: str | None) -> tuple[str, ...] | None:
    return tuple(c.strip() for c in value.split(",") if c.strip()) if value else None


def run(args: argparse.Namespace) -> int:
    from ..annotate import TableOptions, format_for, prelabel, write_output
    from ..persistence import load_model
    from ..policy import ReviewReason

    fmt = format_for(args.output, args.format)  # fail on a bad output name before reading anything
    t0 = time.perf_counter()
    model = load_model(args.model, trust=args.trust_model)
    result = prelabel(
        args.inputs,
        model=model,
        target_accuracy=target_for(args.target_accuracy, model),
        method=args.method,
        n_jobs=args.jobs,
        redact_personal_data=args.redact,
        table=TableOptions(
            text_column=args.text_column,
            activity_columns=_split_columns(args.activity_columns),
            report_column=args.report_column,
            teacher_column=args.teacher_column,
            layout=args.layout,
        ),
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
    written = writing(
        args.output,
        lambda: write_output(
            result.frame,
            args.output,
            fmt,
            model_version=result.model_version,
            inputs=result.ingested.files,
            csv_dialect=csv_dialect(args.csv_dialect),
            info=None if result.batch_report is None else result.batch_report.to_dict(),
        ),
    )
    frame = result.frame
    n_empty = int((frame["review_reason"].str.contains(ReviewReason.EMPTY_TEXT)).sum())
    flagged = int(frame["needs_review"].sum())
    print(
        f"{len(frame)} activities from {len(result.ingested.files)} files pre-labelled in "
        f"{time.perf_counter() - t0:.1f} s: {flagged} flagged for review"
        + (f" ({n_empty} empty)" if n_empty else "")
        + f"; written to {', '.join(str(p) for p in written)}",
        file=sys.stderr,
    )
    if result.batch_report is not None:
        print(result.batch_report.summary(), file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``prelabel`` sub-command."""
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
    add_target_accuracy(p)
    add_trust_model(p)
    add_csv_dialect(p)
    add_jobs(p)
    p.set_defaults(func=run)
