"""The eleven activity types, loaded from the packaged ``taxonomy.toml``.

Examples
--------
>>> from activity_classifier.taxonomy import get_taxonomy
>>> tax = get_taxonomy()
>>> tax["conference"].id
'F4'
>>> tax["F4"].slug
'conference'
>>> [t.group for t in tax].count("informal"), [t.group for t in tax].count("formal")
(6, 5)
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal

from .exceptions import UnknownLabelError

__all__ = ["ActivityType", "Group", "Taxonomy", "get_taxonomy"]

Group = Literal["informal", "formal"]


@dataclass(frozen=True)
class ActivityType:
    """One type of professional-development activity.

    Attributes
    ----------
    id : str
        Short code from the typology, ``I1``..``I6`` (informal) and ``F1``..``F5`` (formal).
    slug : str
        The label used by this package, e.g. ``"teaching_coaching"``.
    group : {"informal", "formal"}
        Whether the activity is informal or formal learning.
    name_nl, name_en : str
        Display names in Dutch and English.
    definition : str
        A one-sentence summary of what the type covers.
    """

    id: str
    slug: str
    group: Group
    name_nl: str
    name_en: str
    definition: str

    def name(self, language: Literal["nl", "en"] = "nl") -> str:
        """Return the display name in ``"nl"`` or ``"en"``."""
        return self.name_nl if language == "nl" else self.name_en


class Taxonomy:
    """An ordered, immutable collection of :class:`ActivityType`.

    Look types up by slug or id with ``taxonomy[key]``; iterate in the typology's order (I1..I6, F1..F5).

    Parameters
    ----------
    types : sequence of ActivityType
        The types, in display order. Slugs and ids must be unique.
    source : str, default=""
        Citation of the typology.
    """

    def __init__(self, types: list[ActivityType] | tuple[ActivityType, ...], source: str = "") -> None:
        self._types = tuple(types)
        self.source = source
        self._index: dict[str, ActivityType] = {}
        for t in self._types:
            for key in (t.slug, t.id):
                if key in self._index:
                    raise ValueError(f"duplicate taxonomy key {key!r}")
                self._index[key] = t

    def __iter__(self) -> Iterator[ActivityType]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._index

    def __getitem__(self, key: str) -> ActivityType:
        try:
            return self._index[key]
        except (KeyError, TypeError):
            raise UnknownLabelError(self.unknown_label_message(key)) from None

    @property
    def slugs(self) -> tuple[str, ...]:
        """The eleven labels, in typology order."""
        return tuple(t.slug for t in self._types)

    def validate_label(self, label: object) -> str:
        """Return ``label`` as a slug (ids are accepted too), or raise :class:`UnknownLabelError`.

        Case is ignored: ``f4``, ``F4`` and ``Conference`` are accepted.

        Examples
        --------
        >>> get_taxonomy().validate_label(" f4 ")
        'conference'
        """
        key = label.strip() if isinstance(label, str) else label
        if isinstance(key, str) and key not in self._index:
            key = next((k for k in self._index if k.casefold() == key.casefold()), key)
        return self[key].slug  # type: ignore[index]

    def unknown_label_message(self, label: object) -> str:
        """One-line message for an unknown label that lists the valid ones."""
        return f"unknown label {label!r}; valid labels are: {', '.join(self.slugs)}"


@lru_cache(maxsize=1)
def get_taxonomy() -> Taxonomy:
    """Load the packaged taxonomy (cached).

    Returns
    -------
    Taxonomy
        The eleven types in typology order.
    """
    text = resources.files("activity_classifier").joinpath("resources/taxonomy.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    types = [
        ActivityType(
            id=t["id"],
            slug=t["slug"],
            group=t["group"],
            name_nl=t["name_nl"],
            name_en=t["name_en"],
            definition=t["definition"],
        )
        for t in raw["type"]
    ]
    return Taxonomy(types, source=raw.get("source", ""))
