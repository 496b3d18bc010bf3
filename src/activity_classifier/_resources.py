"""Read a researcher-editable TOML resource: the packaged file, another file, or an already parsed mapping."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .exceptions import LexiconError

__all__ = ["read_toml"]


def read_toml(source: str | Path | Mapping[str, Any] | None, packaged: str, what: str) -> tuple[Mapping[str, Any], str]:
    """Return the parsed resource and the name to use in error messages.

    Parameters
    ----------
    source : str, Path, mapping or None
        A TOML file, an already parsed mapping, or None for the packaged ``resources/<packaged>``.
    packaged : str
        File name of the packaged resource, e.g. ``"lexicon.toml"``.
    what : str
        What the resource is (``"lexicon"``, ``"gazetteer"``), for the messages.

    Raises
    ------
    LexiconError
        If the file cannot be read or parsed.

    Examples
    --------
    >>> raw, name = read_toml({"kinds": {}}, "gazetteer.toml", "gazetteer")
    >>> name
    'gazetteer mapping'
    """
    name = f"packaged {packaged}"
    try:
        if source is None:
            text = resources.files("activity_classifier").joinpath(f"resources/{packaged}").read_text("utf-8")
            return tomllib.loads(text), name
        if isinstance(source, str | Path):
            name = str(source)
            return tomllib.loads(Path(source).read_text("utf-8")), name
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"{name}: cannot read {what}: {exc}") from exc
    return source, f"{what} mapping"
