"""What every command shares: exit codes, the guard for writing outputs, and the progress adaptor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .._progress import Progress, progress_bars

__all__ = ["EXIT_GATE", "EXIT_OK", "EXIT_USAGE", "progress_callback", "writing"]

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


def progress_callback() -> Progress | None:
    """Return the progress adaptor (tqdm bars) when stderr is a terminal, else None."""
    return progress_bars()
