"""The argument parser of ``activity-classifier``: global options and one sub-parser per command.

Each command lives in its own module with a ``register`` function; the modules import their heavy
dependencies (spaCy, scikit-learn, pandas) inside the command, so building the parser stays cheap.
"""

from __future__ import annotations

import argparse

from .._version import __version__
from . import (
    _agreement,
    _evaluate,
    _export_qda,
    _import_reviewed,
    _predict,
    _prelabel,
    _select_for_coding,
    _taxonomy,
    _train,
)

__all__ = ["build_parser"]

_COMMANDS = (
    _taxonomy,
    _train,
    _predict,
    _evaluate,
    _agreement,
    _prelabel,
    _select_for_coding,
    _import_reviewed,
    _export_qda,
)


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
    for command in _COMMANDS:
        command.register(sub)
    # ``-v`` is accepted after the sub-command too (``activity-classifier train -v``); SUPPRESS keeps a
    # sub-command without it from resetting a ``-v`` given before it.
    for choice in sub.choices.values():
        choice.add_argument(
            "-v", "--verbose", action="count", default=argparse.SUPPRESS, help="more log output (-vv: debug)"
        )
    return parser
