"""Feature extraction from analysed texts: lemma word n-grams, character n-grams within words.

The vectorizers read :class:`~activity_classifier.analysis.Analysis` objects. The default analyzers are
module-level functions so that fitted vectorizers persist (saved models refer to them by this module's
path: keep their names). Other n-gram ranges and compound splitters use the small classes
:class:`WordNgrams` and :class:`CharNgrams`, whose settings are plain attributes (saved models name them,
and :data:`activity_classifier.persistence.TRUSTED_TYPES` lists them). :func:`word_analyzer` and
:func:`char_analyzer` pick one or the other, so a model with the default settings holds exactly what it
held before these settings existed. Their TF-IDF weighting at prediction time is that of
:class:`activity_classifier._runtime.Featurizer` (equal to the fitted vectorizers' ``transform``, tested).

Examples
--------
>>> from activity_classifier.analysis import Analyzer
>>> doc = Analyzer().analyse(["Teamvergadering gehad"])[0]
>>> word_ngrams(doc)
['teamvergadering', 'hebben', 'teamvergadering hebben', 'part:vergadering']
>>> WordNgrams((1, 1), compound_splitter=None)(doc)
['teamvergadering', 'hebben']
>>> CharNgrams((4, 4)).word_ngrams("team")
(' tea', 'team', 'eam ')
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import lru_cache

from .analysis import Analysis
from .text import CACHE_ENTRIES, split_compound

__all__ = [
    "COMPOUND_SPLITTERS",
    "CharNgrams",
    "WordNgrams",
    "char_analyzer",
    "char_ngrams",
    "word_analyzer",
    "word_ngrams",
]

CHAR_MIN = 3
CHAR_MAX = 5
#: The defaults of :func:`word_ngrams` and :func:`char_ngrams`.
WORD_RANGE = (1, 2)
CHAR_RANGE = (CHAR_MIN, CHAR_MAX)
#: Names of the compound splitters whose heads become ``part:`` features (None: no compound heads).
COMPOUND_SPLITTERS = ("lexicon", "wordfreq", None)
DEFAULT_SPLITTER = "lexicon"


def word_ngrams(doc: Analysis) -> list[str]:
    """Lemma unigrams and bigrams, plus the head of every compound (``part:vergadering``)."""
    toks = doc.lemmas
    feats = list(toks)
    feats.extend(f"{a} {b}" for a, b in itertools.pairwise(toks))
    for t in toks:
        parts = split_compound(t)
        if len(parts) == 2:
            feats.append(f"part:{parts[1]}")
    return feats


@lru_cache(maxsize=CACHE_ENTRIES)
def _word_char_ngrams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    n = len(padded)
    return tuple(padded[i : i + k] for k in range(CHAR_MIN, CHAR_MAX + 1) for i in range(n - k + 1))


#: Punctuation stripped from both ends of a lower-cased word before its character n-grams are taken.
CHAR_STRIP = ".,;:!?()[]\"'"


def _char_words(doc: Analysis) -> list[str]:
    return [w.strip(CHAR_STRIP) for w in doc.text.lower().split()]


def char_ngrams(doc: Analysis) -> list[str]:
    """Character 3- to 5-grams within each lower-cased word (like ``char_wb``), cached per word.

    Character n-grams of the surface words catch Dutch compounds and spelling variants
    (``teamoverleg``, ``team-overleg``, ``teamoverlegje``) that lemma features miss.
    """
    feats: list[str] = []
    for word in _char_words(doc):
        feats.extend(_word_char_ngrams(word))
    return feats


def _splitter(name: str | None) -> Callable[[str], tuple[str, ...]] | None:
    if name == "lexicon":
        return split_compound
    if name == "wordfreq":
        from ._compounds import split_compound_wordfreq

        return split_compound_wordfreq
    if name is None:
        return None
    raise ValueError(f"compound_splitter must be one of {COMPOUND_SPLITTERS}, not {name!r}")


class WordNgrams:
    """Lemma n-grams of a range of lengths, plus the head of every compound a splitter finds.

    The analyzer of the word vectorizer for settings other than the default (:func:`word_ngrams`).

    Parameters
    ----------
    ngram_range : tuple of int, default=(1, 2)
        Shortest and longest lemma n-gram.
    compound_splitter : {"lexicon", "wordfreq"} or None, default="lexicon"
        ``"lexicon"``: :func:`activity_classifier.text.split_compound` (a packaged list of heads);
        ``"wordfreq"``: :func:`activity_classifier._compounds.split_compound_wordfreq` (word frequencies);
        None: no compound-head features.
    """

    def __init__(self, ngram_range: tuple[int, int] = WORD_RANGE, compound_splitter: str | None = DEFAULT_SPLITTER):
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.compound_splitter = compound_splitter

    def __call__(self, doc: Analysis) -> list[str]:
        """Return the features of one analysed text."""
        toks = doc.lemmas
        lo, hi = self.ngram_range
        feats: list[str] = []
        for n in range(lo, hi + 1):
            feats.extend(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
        split = _splitter(self.compound_splitter)
        if split is not None:
            for t in toks:
                parts = split(t)
                if len(parts) == 2:
                    feats.append(f"part:{parts[1]}")
        return feats


@lru_cache(maxsize=CACHE_ENTRIES)
def _range_char_ngrams(word: str, lo: int, hi: int) -> tuple[str, ...]:
    padded = f" {word} "
    n = len(padded)
    return tuple(padded[i : i + k] for k in range(lo, hi + 1) for i in range(n - k + 1))


class CharNgrams:
    """Character n-grams of a range of lengths within each lower-cased word (see :func:`char_ngrams`).

    The analyzer of the character vectorizer for ranges other than the default 3-5.

    Parameters
    ----------
    ngram_range : tuple of int, default=(3, 5)
        Shortest and longest character n-gram (the word is padded with one space on each side).
    """

    def __init__(self, ngram_range: tuple[int, int] = CHAR_RANGE):
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))

    def word_ngrams(self, word: str) -> tuple[str, ...]:
        """Return the n-grams of one lower-cased word (cached)."""
        return _range_char_ngrams(word, *self.ngram_range)

    def __call__(self, doc: Analysis) -> list[str]:
        """Return the features of one analysed text."""
        feats: list[str] = []
        for word in _char_words(doc):
            feats.extend(self.word_ngrams(word))
        return feats


def word_analyzer(
    ngram_range: tuple[int, int] = WORD_RANGE, compound_splitter: str | None = DEFAULT_SPLITTER
) -> Callable[[Analysis], list[str]]:
    """Return the word vectorizer's analyzer: :func:`word_ngrams` for the defaults, else a :class:`WordNgrams`."""
    if tuple(ngram_range) == WORD_RANGE and compound_splitter == DEFAULT_SPLITTER:
        return word_ngrams
    _splitter(compound_splitter)  # refuses an unknown name now rather than at the first document
    return WordNgrams(ngram_range, compound_splitter)


def char_analyzer(ngram_range: tuple[int, int] = CHAR_RANGE) -> Callable[[Analysis], list[str]]:
    """Return the character vectorizer's analyzer: :func:`char_ngrams` for 3-5, else a :class:`CharNgrams`."""
    if tuple(ngram_range) == CHAR_RANGE:
        return char_ngrams
    return CharNgrams(ngram_range)
