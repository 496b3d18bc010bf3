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

A :class:`LemmaHits` caches what a function of one lemma finds (a compound's known head, say) and returns the
positions of a text where it found something; most tokens find nothing, and set operations skip them
without a Python-level step per token:

>>> heads = LemmaHits(lambda lemma: ("event",) if lemma.endswith("dag") else ())
>>> heads.positions(("de", "studiedag", "en", "een", "congres", "studiedag"))
[(1, ('event',)), (5, ('event',))]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from ._tokenizer import CACHE_ENTRIES

__all__ = ["LemmaHits", "PhraseIndex"]

T = TypeVar("T")


class PhraseIndex:
    """Phrases (token tuples) under keys, found by :meth:`__call__` in a token sequence."""

    def __init__(self) -> None:
        # first token -> [(phrase, keys)], shorter phrases first (then in the order added)
        self._by_first: dict[str, list[tuple[tuple[str, ...], list[str]]]] = {}
        self._firsts: set[str] = set()  # the keys of _by_first, as a set (intersected with a text's tokens)

    def add(self, key: str, phrase: Sequence[str]) -> None:
        """Add ``phrase`` under ``key`` (an empty phrase is ignored; a key is stored once per phrase)."""
        tokens = tuple(phrase)
        if not tokens:
            return
        entries = self._by_first.setdefault(tokens[0], [])
        self._firsts.add(tokens[0])
        for existing, keys in entries:
            if existing == tokens:
                if key not in keys:
                    keys.append(key)
                return
        entries.append((tokens, [key]))
        entries.sort(key=lambda entry: len(entry[0]))  # stable: keeps the order added within a length

    def __call__(self, tokens: Sequence[str]) -> list[tuple[str, int, int]]:
        """Return ``(key, start, end)`` of every occurrence in ``tokens`` (start, then end order)."""
        # Most tokens start no phrase: find the ones that do with one set intersection, then look only there.
        firsts = self._firsts.intersection(tokens)
        if not firsts:
            return []
        by_first = self._by_first
        found: list[tuple[str, int, int]] = []
        n = len(tokens)
        for start in [i for i, token in enumerate(tokens) if token in firsts]:
            for phrase, keys in by_first[tokens[start]]:
                end = start + len(phrase)
                if end <= n and (len(phrase) == 1 or tuple(tokens[start:end]) == phrase):
                    found.extend((key, start, end) for key in keys)
        return found


class LemmaHits(Generic[T]):
    """What ``find(lemma)`` returns for each lemma of a text, where it is not empty, cached per lemma.

    Parameters
    ----------
    find : callable
        ``lemma -> tuple`` (empty when nothing is found); it must depend on the lemma alone.
    limit : int, default=CACHE_ENTRIES
        Lemmas kept; once full, lemmas not yet seen are computed each time they occur.
    """

    def __init__(self, find: Callable[[str], tuple[T, ...]], limit: int = CACHE_ENTRIES) -> None:
        self._find, self._limit = find, limit
        self._cache: dict[str, tuple[T, ...]] = {}
        self._found: set[str] = set()  # the cached lemmas with a non-empty result

    def positions(self, lemmas: Sequence[str]) -> list[tuple[int, tuple[T, ...]]]:
        """Return ``(position, find(lemma))`` for every position whose lemma finds something, in order."""
        distinct = set(lemmas)
        cache = self._cache
        extra: dict[str, tuple[T, ...]] = {}
        for lemma in distinct.difference(cache):
            result = self._find(lemma)
            if len(cache) < self._limit:
                cache[lemma] = result
                if result:
                    self._found.add(lemma)
            elif result:
                extra[lemma] = result
        hits = distinct & self._found
        if extra:  # the cache is full: the new lemmas' results are only here
            hits |= extra.keys()
            return [(i, extra[m] if m in extra else cache[m]) for i, m in enumerate(lemmas) if m in hits]
        if not hits:
            return []
        return [(i, cache[lemma]) for i, lemma in enumerate(lemmas) if lemma in hits]
