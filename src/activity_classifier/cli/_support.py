"""What every command shares: exit codes, the output guard, the model trust option, the progress adaptor."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .._progress import Progress, progress_bars

__all__ = ["EXIT_GATE", "EXIT_OK", "EXIT_USAGE", "add_trust_model", "progress_callback", "writing"]

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


def progress_callback() -> Progress | None:
    """Return the progress adaptor (tqdm bars) when stderr is a terminal, else None."""
    return progress_bars()
