"""simplemma's Dutch lemmas, its dictionary kept in a per-user cache file that loads several times faster.

simplemma ships each dictionary as an LZMA-compressed front-coded stream that can only be decoded record by
record in Python: about 1.4 s for Dutch (some 370,000 entries) in every process that meets a word the
model's lemma table does not hold, every forked worker included. The first process that needs the
dictionary decodes it the way simplemma does and writes its entries to a cache file in the user's cache
directory (:func:`cache_dir`); later processes read that file instead. The lemmas are simplemma's own: the
same strategies (:class:`simplemma.strategies.DefaultStrategy`) run on the same entries, only loaded from
elsewhere (``tests/test_simplemma_cache.py`` compares them with :func:`simplemma.lemmatize` and
:func:`simplemma.is_known`).

The cache file holds text only: a header naming the simplemma release and the SHA-256 of the dictionary
file it was decoded from, then the words and their lemmas as two blocks of lines. A file that does not
match the installed dictionary, does not parse or cannot be read is ignored and rewritten (atomically);
nothing in it is ever executed. Set :data:`CACHE_ENV` to another directory, or to an empty value to keep
no cache at all.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import simplemma
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries import DefaultDictionaryFactory, DictionaryFactory

__all__ = ["CACHE_ENV", "SortedEntries", "cache_dir", "dictionary", "is_known", "lemmatize"]

logger = logging.getLogger(__name__)

#: Environment variable naming the cache directory (an empty value: no cache file).
CACHE_ENV = "ACTIVITY_CLASSIFIER_CACHE_DIR"
_LANG = "nl"
_MAGIC = b"activity-classifier simplemma cache 1\n"
#: simplemma's dictionary file, inside its package.
_SOURCE = ("strategies", "dictionaries", "data", f"{_LANG}.plzma")


def cache_dir() -> Path | None:
    """Return the directory of the cache file: :data:`CACHE_ENV`, else the user's cache directory; None: no cache."""
    value = os.environ.get(CACHE_ENV)
    if value is not None:
        return Path(value) if value.strip() else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("activity-classifier", appauthor=False))


def _fingerprint() -> str | None:
    """Name the installed dictionary: simplemma's release and the SHA-256 of its file (None if not found)."""
    try:
        source = resources.files("simplemma").joinpath(*_SOURCE).read_bytes()
    except OSError:
        return None
    version = simplemma.__version__  # not importlib.metadata: importing it costs each process 50 ms
    return f"simplemma {version} {_LANG} sha256 {hashlib.sha256(source).hexdigest()}"


def _decode() -> dict[str, str]:
    """Decode simplemma's own dictionary (the slow path) into a plain ``word -> lemma`` dict."""
    entries = DefaultDictionaryFactory(cache_max_size=1).get_dictionary(_LANG)
    return {word: entries[word] for word in entries}


class SortedEntries(Mapping[str, str]):
    """A read-only ``word -> lemma`` mapping over two parallel lists, the words in sorted order (found by bisection).

    Reading the cache into two lists takes a third of the time of building a dict of the same entries,
    and the few thousand look-ups a batch makes cost less than the difference.

    Examples
    --------
    >>> entries = SortedEntries(["huizen", "liep"], ["huis", "lopen"])
    >>> entries["liep"], entries.get("loopt"), len(entries), "huizen" in entries
    ('lopen', None, 2, True)
    """

    __slots__ = ("_lemmas", "_words")

    def __init__(self, words: list[str], lemmas: list[str]) -> None:
        self._words, self._lemmas = words, lemmas

    def __getitem__(self, word: str) -> str:
        i = bisect_left(self._words, word)
        if i < len(self._words) and self._words[i] == word:
            return self._lemmas[i]
        raise KeyError(word)

    def get(self, word: str, default: Any = None) -> Any:  # faster than Mapping's, which catches KeyError
        i = bisect_left(self._words, word)
        if i < len(self._words) and self._words[i] == word:
            return self._lemmas[i]
        return default

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.get(word) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


def _read(path: Path, fingerprint: str) -> SortedEntries | None:
    """Return the entries of a cache file made from the installed dictionary, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        if not data.startswith(_MAGIC):
            return None
        header_end = data.index(b"\n", len(_MAGIC))
        header = json.loads(data[len(_MAGIC) : header_end])
        if not isinstance(header, dict) or header.get("source") != fingerprint:
            return None
        n, key_bytes = int(header["entries"]), int(header["key_bytes"])
        body = data[header_end + 1 :]
        words = body[:key_bytes].decode("utf-8").split("\n")
        lemmas = body[key_bytes:].decode("utf-8").split("\n")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    if len(words) != n or len(lemmas) != n or any(a >= b for a, b in pairwise(words)):
        return None
    return SortedEntries(words, lemmas)


def _write(path: Path, fingerprint: str, entries: Mapping[str, str]) -> None:
    """Write the cache file atomically (a temporary file renamed into place); give up quietly on any error."""
    words = sorted(entries)
    lemmas = [entries[w] for w in words]
    if any("\n" in w for w in words) or any("\n" in v for v in lemmas):
        return  # cannot be written as lines: keep no cache
    keys = "\n".join(words).encode("utf-8")
    header = json.dumps({"source": fingerprint, "entries": len(words), "key_bytes": len(keys)})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_MAGIC + header.encode("ascii") + b"\n" + keys + "\n".join(lemmas).encode("utf-8"))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        logger.debug("no simplemma cache written to %s: %s", path, exc)


def dictionary() -> Mapping[str, str]:
    """Return simplemma's Dutch ``word -> lemma`` entries: the cache file's if it matches, else decoded (and cached)."""
    directory, fingerprint = cache_dir(), _fingerprint()
    if directory is None or fingerprint is None:
        return _decode()
    path = directory / f"simplemma-{_LANG}.txt"
    cached = _read(path, fingerprint)
    if cached is not None:
        return cached
    entries = _decode()
    _write(path, fingerprint, entries)
    return entries


class _CachedFactory(DictionaryFactory):
    """simplemma's dictionary factory protocol, serving the Dutch entries of :func:`dictionary` (loaded once)."""

    def __init__(self) -> None:
        self._entries: Mapping[str, str] | None = None
        self._others = DefaultDictionaryFactory()

    def get_dictionary(self, lang: str) -> Mapping[str, str]:
        if lang != _LANG:  # pragma: no cover - only Dutch is asked for
            return self._others.get_dictionary(lang)
        if self._entries is None:
            self._entries = dictionary()
        return self._entries


_FACTORY = _CachedFactory()
_LEMMATIZER = Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_FACTORY))
_LOOKUP = DictionaryLookupStrategy(_FACTORY)


def lemmatize(word: str) -> str:
    """Return ``simplemma.lemmatize(word, lang="nl")``."""
    lemma: str = _LEMMATIZER.lemmatize(word, _LANG)
    return lemma


def is_known(word: str) -> bool:
    """Return ``simplemma.is_known(word, lang="nl")``."""
    return _LOOKUP.get_lemma(unicodedata.normalize("NFC", word), _LANG) is not None
