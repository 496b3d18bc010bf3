"""What every command shares: exit codes, the output guard, the model trust option, the progress adaptor."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .._progress import Progress, progress_bars

__all__ = ["EXIT_GATE", "EXIT_OK", "EXIT_USAGE", "add_jobs", "add_trust_model", "progress_callback", "writing"]

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


def add_trust_model(parser: argparse.ArgumentParser) -> None:
    """Add ``--trust-model``: also load an old-format model (a pickle) from outside the package."""
    parser.add_argument(
        "--trust-model",
        action="store_true",
        help="also load an old-format model (model.joblib, a pickle that can run code when loaded) from "
        "outside the package; only for a folder whose writer you trust",
    )


def add_jobs(parser: argparse.ArgumentParser) -> None:
    """Add ``--jobs N``: processes to classify with (default: all cores; 1: in this process)."""
    parser.add_argument(
        "--jobs",
        type=_positive_int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes to classify with (default: all %(default)s cores; 1: in this process); the output "
        "does not depend on it",
    )


def _positive_int(value: str) -> int:
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
