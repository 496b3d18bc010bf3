"""The reproducibility record that every evaluation carries: versions, date, command line, data hashes.

Examples
--------
>>> record = reproducibility_record([{"role": "evaluated", "file": "x.csv", "sha256": "ab", "rows": 3}])
>>> sorted(record)
['command', 'data', 'date', 'platform', 'versions']
>>> sorted(record["versions"])[:3]
['activity-classifier', 'nl_core_news_sm', 'numpy']
"""

from __future__ import annotations

import platform
import shlex
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

__all__ = ["reproducibility_record"]

#: Distributions whose versions decide the figures (``None`` when one is not installed).
_DISTRIBUTIONS = ("activity-classifier", "nl_core_news_sm", "numpy", "pandas", "scikit-learn", "spacy")


def _version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def reproducibility_record(
    data: Sequence[Mapping[str, Any]] = (), command: Sequence[str] | str | None = None
) -> dict[str, Any]:
    """Return what a reader needs to repeat an evaluation.

    Parameters
    ----------
    data : sequence of mapping
        The data involved, each with ``role`` (``evaluated``, ``model training``, ``baseline training``),
        ``file``, ``sha256`` and ``rows`` where known.
    command : sequence of str or str, optional
        The command line (``activity-classifier evaluate ...``); None for a library call.

    Returns
    -------
    dict
        ``versions`` (distribution -> version or None; Python under ``python``), ``platform``, ``date``
        (UTC, ISO 8601), ``command`` (a shell-quoted string or None) and ``data`` (a list).
    """
    versions: dict[str, str | None] = {name: _version(name) for name in _DISTRIBUTIONS}
    versions["python"] = platform.python_version()
    if command is not None and not isinstance(command, str):
        command = shlex.join(command)
    return {
        "versions": versions,
        "platform": platform.platform(terse=True),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "data": [dict(d) for d in data],
    }
