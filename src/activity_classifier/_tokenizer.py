"""A Dutch tokenizer without spaCy: spaCy's own algorithm applied to its exported Dutch rules.

``resources/tokenizer_nl.json`` holds what ``spacy.blank("nl")`` tokenizes with: the prefix, suffix and
infix patterns, the URL pattern and the lower-case special cases (written by
``scripts/export_tokenizer_rules.py``). :class:`Tokenizer` applies them the way spaCy's
``Tokenizer.explain`` documents: each space-separated chunk is checked against the special cases, prefixes
and suffixes are split off until none is left, the rest is a URL, a special case, split on infixes, or one
token; special cases that the affixes would split (``'s``-forms, ``a.s.``) are then found again in the
chunk's tokens, the longest first. Chunks are cached (bounded by :data:`CACHE_ENTRIES`).

It expects lower-cased text with single spaces (what :func:`activity_classifier.text.clean_text` and the
pipeline give it). ``scripts/tokenizer_identity.py`` measures how often it agrees with spaCy.

Examples
--------
>>> from activity_classifier._tokenizer import get_tokenizer
>>> get_tokenizer()("ik gaf o.a. collega's een les (bpv-bezoek), zie https://x.nl/a.")
('ik', 'gaf', 'o.a.', "collega's", 'een', 'les', '(', 'bpv-bezoek', ')', ',', 'zie', 'https://x.nl/a', '.')
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

__all__ = ["CACHE_ENTRIES", "Tokenizer", "get_tokenizer", "rules_spacy_version"]

#: Letters after which the rules split off a closing mark (:data:`_CLOSING`) as a token of its own.
_PLAIN_LETTERS = "abcdefghijklmnopqrstuvwxyzàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿßœ"
_CLOSING = frozenset(",.;:!?)")

#: Upper bound of every per-word cache of the text pipeline (entries), so memory stays bounded on huge files.
CACHE_ENTRIES = 50_000


class Tokenizer:
    """Split lower-cased text into tokens with spaCy's algorithm and the given rules.

    Parameters
    ----------
    rules : mapping
        ``prefix``, ``suffix``, ``infix``, ``url`` and ``token_match`` (regular expressions or None) and
        ``specials`` (special case -> its tokens), as in ``resources/tokenizer_nl.json``.
    """

    def __init__(self, rules: Mapping[str, Any]) -> None:
        never = re.compile("a^")
        self._prefix = re.compile(rules["prefix"]).search
        self._suffix = re.compile(rules["suffix"]).search
        self._infix = re.compile(rules["infix"]).finditer
        self._url = re.compile(rules["url"]).match
        self._token_match = (re.compile(rules["token_match"]) if rules.get("token_match") else never).match
        self._specials: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in rules["specials"].items()}
        # spaCy's "special matcher": special cases that prefixes, suffixes or infixes would split are
        # matched again on the tokens (by their affix-split form) and merged back.
        self._merged: dict[tuple[str, ...], str] = {}
        for key in self._specials:
            if key.isspace() or " " in key:
                continue  # the text is split on spaces first: such a case never occurs in a chunk
            if self._prefix(key) or self._suffix(key) or next(self._infix(key), None) is not None:
                self._merged.setdefault(tuple(self._split(key, specials=False)), key)
        self._merged_lengths = sorted({len(k) for k in self._merged if len(k) > 1}, reverse=True)
        self._cache: dict[str, tuple[str, ...]] = {}

    def __call__(self, text: str) -> tuple[str, ...]:
        """Return the tokens of lower-cased, single-spaced ``text``."""
        cache = self._cache
        out: list[str] = []
        for chunk in text.split(" "):
            if not chunk:
                continue
            tokens = cache.get(chunk)
            if tokens is None:
                tokens = self.chunk(chunk)
                if len(cache) < CACHE_ENTRIES:
                    cache[chunk] = tokens
            out.extend(tokens)
        return tuple(out)

    def chunk(self, chunk: str) -> tuple[str, ...]:
        """Return the tokens of one space-free chunk of lower-cased text (not cached)."""
        # Two shapes most chunks have, which the rules would split the same way every time (checked by
        # tests/test_tokenizer.py on the corpus' and simplemma's words and on random strings): letters
        # alone are one token; plain letters and one closing mark are two, unless a special case
        # (``bijv.``) joins them again.
        if chunk not in self._specials:
            if chunk.isalpha():
                return (chunk,)
            head, last = chunk[:-1], chunk[-1:]
            if last in _CLOSING and head and not head.strip(_PLAIN_LETTERS) and (head, last) not in self._merged:
                return (head, last)
        tokens = self._split(chunk, specials=True)
        if len(tokens) > 1 and self._merged_lengths:
            tokens = self._merge_specials(tokens)
        return tuple(tokens)

    def _merge_specials(self, tokens: list[str]) -> list[str]:
        # Longest match first, then the earliest (spaCy's filter_spans); matches do not overlap.
        spans: list[tuple[int, int, str]] = []
        taken: set[int] = set()
        for length in self._merged_lengths:
            for start in range(len(tokens) - length + 1):
                key = self._merged.get(tuple(tokens[start : start + length]))
                if key is not None and taken.isdisjoint(range(start, start + length)):
                    spans.append((start, start + length, key))
                    taken.update(range(start, start + length))
        if not spans:
            return tokens
        out: list[str] = []
        i = 0
        for start, end, key in sorted(spans):
            out.extend(tokens[i:start])
            out.extend(self._specials[key])
            i = end
        out.extend(tokens[i:])
        return out

    def _split(self, substring: str, specials: bool) -> list[str]:
        """Tokenize one chunk as spaCy's ``Tokenizer.explain`` does (special cases only when ``specials``)."""
        special = self._specials if specials else {}
        prefix, suffix = self._prefix, self._suffix
        tokens: list[str] = []
        suffixes: list[str] = []
        while substring:
            if substring in special:
                tokens.extend(special[substring])
                substring = ""
                continue
            while prefix(substring) or suffix(substring):
                if self._token_match(substring):
                    tokens.append(substring)
                    substring = ""
                    break
                if substring in special:
                    tokens.extend(special[substring])
                    substring = ""
                    break
                found = prefix(substring)
                if found:
                    split = found.end()
                    if split == 0:
                        break
                    tokens.append(substring[:split])
                    substring = substring[split:]
                    if substring in special:
                        continue
                found = suffix(substring)
                if found:
                    split = found.start()
                    if split == len(substring):
                        break
                    suffixes.append(substring[split:])
                    substring = substring[:split]
            if not substring:
                continue
            if self._token_match(substring) or self._url(substring):
                tokens.append(substring)
            elif substring in special:
                tokens.extend(special[substring])
            else:
                offset = 0
                for match in self._infix(substring):
                    if offset == 0 and match.start() == 0:
                        continue
                    if substring[offset : match.start()]:
                        tokens.append(substring[offset : match.start()])
                    if substring[match.start() : match.end()]:
                        tokens.append(substring[match.start() : match.end()])
                    offset = match.end()
                if substring[offset:]:
                    tokens.append(substring[offset:])
            substring = ""
        tokens.extend(reversed(suffixes))
        return tokens


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    text = resources.files("activity_classifier").joinpath("resources/tokenizer_nl.json").read_text("utf-8")
    rules: dict[str, Any] = json.loads(text)
    return rules


def rules_spacy_version() -> str:
    """Return the spaCy version whose Dutch rules the packaged tokenizer applies."""
    return str(_rules()["spacy_version"])


@lru_cache(maxsize=1)
def get_tokenizer() -> Tokenizer:
    """Return the tokenizer with the packaged Dutch rules (built once per process)."""
    return Tokenizer(_rules())
