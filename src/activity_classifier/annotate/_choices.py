"""What annotators see: the eleven types as Dutch drop-down items, definitions and border rules.

The review workbook's drop-down and the Label Studio choices show each type as ``"F4 - conferentie"``
(id and short Dutch name, both from ``taxonomy.toml``); the Codebook sheet adds the Dutch definition and
border rules. Whatever an annotator puts back (such an item, a slug, an id or a Dutch name, in any case)
is read back as the slug by :func:`review_label`.

Examples
--------
>>> from activity_classifier.annotate import review_choices, review_label
>>> review_choices()[9].item
'F4 - conferentie'
>>> review_label("f4 - Conferentie"), review_label("F4"), review_label(" conference ")
('conference', 'conference', 'conference')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from .._resources import read_toml
from ..exceptions import UnknownLabelError
from ..taxonomy import get_taxonomy

__all__ = ["ReviewChoice", "needs_review_text", "parse_needs_review", "review_choices", "review_label"]

#: How ``needs_review`` is shown to annotators, and read back.
_YES_NO = {True: "ja", False: "nee"}
_TRUE = frozenset({"ja", "j", "yes", "y", "true", "waar", "1"})
_FALSE = frozenset({"nee", "n", "no", "false", "onwaar", "0", ""})


@dataclass(frozen=True)
class ReviewChoice:
    """One type as annotators see it.

    Attributes
    ----------
    id, slug : str
        As in the taxonomy (``F4``, ``conference``).
    item : str
        The drop-down item: ``"<id> - <short_nl>"``.
    short_nl, name_nl, definition_nl : str
        Short and full Dutch names and the Dutch definition.
    border_rules_nl : tuple of str
        The border rules in Dutch.
    """

    id: str
    slug: str
    item: str
    short_nl: str
    name_nl: str
    definition_nl: str
    border_rules_nl: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the fields as a dict (border rules as a list)."""
        out = asdict(self)
        out["border_rules_nl"] = list(self.border_rules_nl)
        return out


@lru_cache(maxsize=1)
def review_choices() -> tuple[ReviewChoice, ...]:
    """Return the eleven types in typology order, with the annotator's Dutch from ``taxonomy.toml``.

    A type without ``short_nl`` or ``definition_nl`` falls back to its ``name_nl`` and ``definition``.
    """
    raw, _ = read_toml(None, "taxonomy.toml", "taxonomy")
    extra = {t["slug"]: t for t in raw.get("type", [])}
    out = []
    for t in get_taxonomy():
        e = extra.get(t.slug, {})
        short = str(e.get("short_nl") or t.name_nl)
        out.append(
            ReviewChoice(
                id=t.id,
                slug=t.slug,
                item=f"{t.id} - {short}",
                short_nl=short,
                name_nl=t.name_nl,
                definition_nl=str(e.get("definition_nl") or t.definition),
                border_rules_nl=tuple(str(r) for r in e.get("border_rules_nl", ())),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in review_choices():
        for key in (c.slug, c.id, c.item, c.short_nl, c.name_nl, f"{c.id} {c.short_nl}", f"{c.id} {c.name_nl}"):
            out[" ".join(key.split()).casefold()] = c.slug
    return out


def review_label(value: object) -> str:
    """Return the slug an annotator's label stands for.

    Accepted, ignoring case and extra white space: the drop-down item (``"F4 - conferentie"``), the slug,
    the id, the short or full Dutch name, and ``"<id> <Dutch name>"`` (the Label Studio hint).

    Raises
    ------
    UnknownLabelError
        If ``value`` is none of these.
    """
    key = " ".join(str(value).split()).casefold() if isinstance(value, str) else None
    slug = _lookup().get(key) if key else None
    if slug is None:
        raise UnknownLabelError(get_taxonomy().unknown_label_message(value))
    return slug


def needs_review_text(value: object) -> str:
    """Show a ``needs_review`` flag as ``ja`` or ``nee``.

    Examples
    --------
    >>> needs_review_text(True), needs_review_text(False)
    ('ja', 'nee')
    """
    return _YES_NO[bool(value)]


def parse_needs_review(value: object) -> bool | None:
    """Read ``needs_review`` back: ``ja``/``nee`` (or true/false, 1/0, yes/no); None if unreadable.

    Examples
    --------
    >>> parse_needs_review("Ja"), parse_needs_review("nee"), parse_needs_review("True"), parse_needs_review("?")
    (True, False, True, None)
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None
