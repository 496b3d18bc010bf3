"""Sub-commands of the CLI that need the model, the I/O layer or evaluation (registered by ``cli``)."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the sub-commands to the CLI's sub-parser collection."""
