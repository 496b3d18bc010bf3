"""What every command shares: exit codes, the output guard, the model trust and CSV dialect options, progress."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .._progress import Progress, progress_bars

if TYPE_CHECKING:
    from ..tables import CsvDialect

__all__ = [
    "EXIT_GATE",
    "EXIT_OK",
    "EXIT_USAGE",
    "NO_GROUPS",
    "add_csv_dialect",
    "add_jobs",
    "add_trust_model",
    "command_line",
    "csv_dialect",
    "finish_stdout",
    "group_column_arg",
    "positive_int",
    "progress_callback",
    "require_groups",
    "silence_stdout",
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
    except UnicodeEncodeError as exc:  # a lone surrogate from an API caller cannot be written as UTF-8
        raise InputDataError(
            f"cannot write the output: a text holds a character that cannot be encoded ({exc.reason})", path=str(path)
        ) from exc


def silence_stdout() -> None:
    """Point standard output at the null device, so Python's own flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def finish_stdout(code: int, *, reported: bool = False) -> int:
    """Flush standard output before exit; a failure (disk full, closed pipe) becomes one line and exit 2.

    Without this, a full disk or a closed pipe under ``> file`` shows Python's "Exception ignored" traceback
    at exit. ``reported`` says the command already printed its error (then only the exit flush is silenced).
    """
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (``predict - | head``): not an error (Python docs, "Note on SIGPIPE").
        silence_stdout()
        return code
    except (OSError, ValueError) as exc:
        silence_stdout()
        if not reported:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            print(f"activity-classifier: error: cannot write to standard output ({why})", file=sys.stderr)
        return EXIT_USAGE
    return code


def add_trust_model(parser: argparse.ArgumentParser) -> None:
    """Add ``--trust-model``: also load an old-format model (a pickle) from outside the package."""
    parser.add_argument(
        "--trust-model",
        action="store_true",
        help="also load an old-format model (model.joblib, a pickle that can run code when loaded) from "
        "outside the package; only for a folder whose writer you trust",
    )


def add_csv_dialect(parser: argparse.ArgumentParser) -> None:
    """Add ``--csv-dialect {excel,excel-nl}`` for commands that write CSV."""
    parser.add_argument(
        "--csv-dialect",
        choices=["excel", "excel-nl"],
        help="CSV output: excel (comma, UTF-8 with BOM, CRLF) or excel-nl (semicolon, UTF-8 with BOM, CRLF: "
        "what Excel with Dutch regional settings opens on a double click)",
    )


def csv_dialect(name: str | None) -> CsvDialect | None:
    """Return the named CSV dialect, or None when none was asked for."""
    from ..tables import CSV_DIALECTS

    return None if name is None else CSV_DIALECTS[name]


def add_target_accuracy(parser: argparse.ArgumentParser) -> None:
    """Add ``--target-accuracy A`` (see :func:`target_for`)."""
    parser.add_argument(
        "--target-accuracy",
        type=float,
        metavar="A",
        help="flag the fewest rows such that the accepted ones are expected to reach accuracy A, in (0, 1] "
        "(default 0.95, when the model stores a risk-coverage curve)",
    )


def target_for(value: float | None, model: Any) -> float | None:
    """Return the target accuracy to apply: ``value`` checked, else 0.95 when ``model`` has a reliability block.

    A model without one (trained before the target accuracy existed, or saved without cross-validation)
    falls back to the policy's own flags when no target was asked for, and is refused when one was.
    """
    from ..exceptions import InputDataError
    from ..reliability import DEFAULT_TARGET_ACCURACY, check_target, model_reliability

    has_curve = model_reliability(model) is not None
    if value is None:
        return DEFAULT_TARGET_ACCURACY if has_curve else None
    target = check_target(value)
    if not has_curve:
        raise InputDataError(
            "--target-accuracy: this model stores no risk-coverage curve (trained by an older version or "
            "without cross-validation); retrain it with 'activity-classifier train' or leave the option out"
        )
    return target


def add_jobs(parser: argparse.ArgumentParser) -> None:
    """Add ``--jobs N``: processes to classify with (default: all cores; 1: in this process)."""
    parser.add_argument(
        "--jobs",
        type=positive_int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes to classify with (default: all %(default)s cores; 1: in this process); the output "
        "does not depend on it",
    )


def positive_int(value: str) -> int:
    """Parse a whole number of at least 1 (argparse ``type``)."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value!r}")
    return number


def progress_callback() -> Progress | None:
    """Return the progress adaptor (tqdm bars) when stderr is a terminal, else None."""
    return progress_bars()
