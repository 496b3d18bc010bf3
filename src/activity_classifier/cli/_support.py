"""What every command shares: exit codes, the output guard, the model trust and CSV dialect options, progress."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .._progress import Progress, progress_bars

if TYPE_CHECKING:
    from ..tables import CsvDialect

__all__ = [
    "EXIT_GATE",
    "EXIT_OK",
    "EXIT_USAGE",
    "add_csv_dialect",
    "add_trust_model",
    "csv_dialect",
    "finish_stdout",
    "progress_callback",
    "writing",
]

EXIT_OK = 0
EXIT_GATE = 1
EXIT_USAGE = 2

T = TypeVar("T")


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


def _silence_stdout() -> None:
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
    except (OSError, ValueError) as exc:
        _silence_stdout()
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


def progress_callback() -> Progress | None:
    """Return the progress adaptor (tqdm bars) when stderr is a terminal, else None."""
    return progress_bars()
