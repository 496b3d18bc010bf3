"""Command-line interface: ``activity-classifier``.

This is the only module that configures logging. Exit codes: 0 success, 1 a quality gate failed,
2 bad input or usage (a one-line message on standard error, never a traceback).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import sys
from collections.abc import Sequence

from ._version import __version__
from .exceptions import ActivityClassifierError, QualityGateError
from .taxonomy import get_taxonomy

__all__ = ["main"]

EXIT_OK = 0
EXIT_GATE = 1
EXIT_USAGE = 2

logger = logging.getLogger("activity_classifier")


def _taxonomy_table(fmt: str) -> str:
    tax = get_taxonomy()
    cols = ["id", "slug", "group", "name_nl", "name_en"]
    rows = [[t.id, t.slug, t.group, t.name_nl, t.name_en] for t in tax]
    if fmt == "json":
        return json.dumps([dict(zip(cols, r, strict=True)) for r in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows(rows)
        return buf.getvalue().rstrip("\n")
    if fmt == "markdown":
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols[:3])]
    out = ["  ".join(c.ljust(w) for c, w in zip(cols[:3], widths, strict=True)) + "  name_nl"]
    out += ["  ".join(v.ljust(w) for v, w in zip(r[:3], widths, strict=True)) + "  " + r[3] for r in rows]
    return "\n".join(out)


def _cmd_taxonomy(args: argparse.Namespace) -> int:
    print(_taxonomy_table(args.format))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="activity-classifier",
        description="Classify Dutch descriptions of MBO teachers' professional-development activities "
        "into the eleven types of Hagedoorn et al. (2023).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv: debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("taxonomy", help="print the eleven activity types")
    p.add_argument("--format", choices=["table", "json", "csv", "markdown"], default="table")
    p.set_defaults(func=_cmd_taxonomy)

    from . import commands  # the heavier commands live beside the CLI, imported lazily for start-up time

    commands.register(sub)
    from . import annotate_cli  # prelabel and import-reviewed, imported lazily like commands

    annotate_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; ``sys.argv[1:]`` when omitted.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=[logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)],
        format="%(levelname)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except QualityGateError as exc:
        print(f"activity-classifier: quality gate failed: {exc}", file=sys.stderr)
        return EXIT_GATE
    except ActivityClassifierError as exc:
        print(f"activity-classifier: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        print("activity-classifier: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
