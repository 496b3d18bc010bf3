"""Find phrases in a token sequence: what spaCy's ``PhraseMatcher`` on lemmas did, without spaCy.

A :class:`PhraseIndex` maps each phrase's first token to the phrases that start with it, so a text is
scanned with one dictionary look-up per token. Every occurrence is returned, overlapping ones included,
ordered by start, then end, then the order in which the keys were added (PhraseMatcher orders keys of
the same span by their hash; the callers do not depend on that order).

Examples
--------
>>> index = PhraseIndex()
>>> index.add("conference", ("congres",))
>>> index.add("event", ("open", "dag"))
>>> index(("de", "open", "dag", "en", "een", "congres"))
[('event', 1, 3), ('conference', 5, 6)]
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["PhraseIndex"]


class PhraseIndex:
    """Phrases (token tuples) under keys, found by :meth:`__call__` in a token sequence."""

    def __init__(self) -> None:
        # first token -> [(phrase, keys)], shorter phrases first (then in the order added)
        self._by_first: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}

    def add(self, key: str, phrase: Sequence[str]) -> None:
        """Add ``phrase`` under ``key`` (an empty phrase is ignored; a key is stored once per phrase)."""
        tokens = tuple(phrase)
        if not tokens:
            return
        entries = self._by_first.setdefault(tokens[0], [])
        for existing, keys in entries:
            if existing == tokens:
                if key not in keys:
                    keys.append(key)
                return
        entries.append((tokens, [key]))
        entries.sort(key=lambda entry: len(entry[0]))  # stable: keeps the order added within a length

    def __call__(self, tokens: Sequence[str]) -> list[tuple[str, int, int]]:
        """Return ``(key, start, end)`` of every occurrence in ``tokens`` (start, then end order)."""
        by_first = self._by_first
        found: list[tuple[str, int, int]] = []
        n = len(tokens)
        for start, token in enumerate(tokens):
            entries = by_first.get(token)
            if entries is None:
                continue
            for phrase, keys in entries:
                end = start + len(phrase)
                if end <= n and (len(phrase) == 1 or tuple(tokens[start:end]) == phrase):
                    found.extend((key, start, end) for key in keys)
        return found
