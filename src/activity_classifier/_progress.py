"""The one progress adaptor: ``progress(stage, done, total)`` callbacks drawn as tqdm bars on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

__all__ = ["Progress", "progress_bars"]

#: ``progress(stage, done, total)``: called by long-running library functions after each step.
Progress = Callable[[str, int, int], None]


def progress_bars(enabled: bool | None = None) -> Progress | None:
    """Return a callback that draws one tqdm bar per stage on standard error, or None when not shown.

    Parameters
    ----------
    enabled : bool, optional
        Force the bars on or off; by default they are shown only when standard error is a terminal.
    """
    if not (sys.stderr.isatty() if enabled is None else enabled):
        return None
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, leave=False)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update
