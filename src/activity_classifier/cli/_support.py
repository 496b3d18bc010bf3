"""What every command shares: exit codes, the output guard, the model trust option, the progress adaptor."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .._progress import Progress, progress_bars

__all__ = [
    "EXIT_GATE",
    "EXIT_OK",
    "EXIT_USAGE",
    "NO_GROUPS",
    "add_trust_model",
    "command_line",
    "group_column_arg",
    "progress_callback",
    "require_groups",
    "unit_interval",
    "warn_loudly",
    "writing",
]

EXIT_OK = 0
EXIT_GATE = 1
EXIT_USAGE = 2

T = TypeVar("T")

#: ``--group-column none``: the only way to ask for ungrouped cross-validation.
NO_GROUPS = "none"


def _group_column(value: str) -> str | None:
    return None if value.strip().lower() == NO_GROUPS else value


def group_column_arg(parser: argparse.ArgumentParser) -> None:
    """Add ``--group-column`` (default ``teacher_id``; ``none`` for ungrouped folds)."""
    parser.add_argument(
        "--group-column",
        type=_group_column,
        default="teacher_id",
        metavar="COLUMN",
        help="groups for grouped CV: no group in both the training and the test part of a fold (default "
        "teacher_id; a missing column is an error; 'none' asks for ungrouped folds)",
    )


def require_groups(data: Any, group_column: str | None) -> None:
    """Raise when the group column asked for is not in the file (the only fallback is ``--group-column none``)."""
    from ..exceptions import InputDataError

    if group_column is not None and data.groups is None:
        raise InputDataError(
            f"no group column {group_column!r} for grouped cross-validation; name it with --group-column, or "
            "pass --group-column none for ungrouped folds (which overstate accuracy on new writers)",
            path=str(data.path) if data.path else "bundled corpus",
            column=group_column,
        )


def command_line(args: argparse.Namespace) -> str:
    """Return the command line that was run, shell-quoted (``main`` stores its arguments as ``args.argv``)."""
    import shlex

    return shlex.join(["activity-classifier", *getattr(args, "argv", [])])


def warn_loudly(message: str) -> None:
    """Print a warning a reader must see on standard error, whatever the logging level."""
    import sys

    print(f"activity-classifier: WARNING: {message}", file=sys.stderr)


def unit_interval(value: str) -> float:
    """Parse a threshold between 0 and 1 (argparse ``type``)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is outside 0..1 (figures are shares, not percentages)")
    return number


def writing(path: str | Path, write: Callable[[], T]) -> T:
    """Run ``write``; a failure of the file system becomes a one-line error naming the output."""
    from ..exceptions import InputDataError

    try:
        return write()
    except OSError as exc:
        raise InputDataError(f"cannot write the output ({exc.strerror or exc})", path=str(path)) from exc


def add_trust_model(parser: argparse.ArgumentParser) -> None:
    """Add ``--trust-model``: also load an old-format model (a pickle) from outside the package."""
    parser.add_argument(
        "--trust-model",
        action="store_true",
        help="also load an old-format model (model.joblib, a pickle that can run code when loaded) from "
        "outside the package; only for a folder whose writer you trust",
    )


def progress_callback() -> Progress | None:
    """Return the progress adaptor (tqdm bars) when stderr is a terminal, else None."""
    return progress_bars()
