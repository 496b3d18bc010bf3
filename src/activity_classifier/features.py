"""Feature extraction from analysed texts: lemma word n-grams, character n-grams within words.

The vectorizers read :class:`~activity_classifier.analysis.Analysis` objects. The analyzers are
module-level functions so that fitted vectorizers pickle (saved models refer to them by this module's
path: keep their names).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .analysis import Analysis
from .text import split_compound

__all__ = ["CharTransformer", "char_ngrams", "word_ngrams"]

CHAR_MIN = 3
CHAR_MAX = 5


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


@lru_cache(maxsize=200_000)
def _word_char_ngrams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    n = len(padded)
    return tuple(padded[i : i + k] for k in range(CHAR_MIN, CHAR_MAX + 1) for i in range(n - k + 1))


def _char_words(doc: Analysis) -> list[str]:
    return [w.strip(".,;:!?()[]\"'") for w in doc.text.lower().split()]


def char_ngrams(doc: Analysis) -> list[str]:
    """Character 3- to 5-grams within each lower-cased word (like ``char_wb``), cached per word.

    Character n-grams of the surface words catch Dutch compounds and spelling variants
    (``teamoverleg``, ``team-overleg``, ``teamoverlegje``) that lemma features miss.
    """
    feats: list[str] = []
    for word in _char_words(doc):
        feats.extend(_word_char_ngrams(word))
    return feats


class CharTransformer:
    """Fast ``transform`` for a fitted :class:`TfidfVectorizer` whose analyzer is :func:`char_ngrams`.

    scikit-learn looks every n-gram of every document up in the vocabulary, in Python; this looks up the
    n-grams of each distinct word once and caches the column indices, then applies the same sublinear
    TF, IDF weighting and L2 normalisation. The result equals ``vectorizer.transform`` (a test checks it).

    Parameters
    ----------
    vectorizer : TfidfVectorizer
        Fitted, with ``analyzer=char_ngrams``, ``sublinear_tf=True`` and ``norm="l2"``.
    """

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer = vectorizer
        self._cache: dict[str, np.ndarray] = {}

    def _columns(self, word: str) -> np.ndarray:
        cols = self._cache.get(word)
        if cols is None:
            vocab = self.vectorizer.vocabulary_
            cols = np.fromiter((vocab[g] for g in _word_char_ngrams(word) if g in vocab), dtype=np.int64)
            if len(self._cache) < 500_000:
                self._cache[word] = cols
        return cols

    def transform(self, docs: Sequence[Analysis]) -> sp.csr_matrix:
        """Return the TF-IDF matrix of ``docs``."""
        n_features = len(self.vectorizer.vocabulary_)
        empty = np.empty(0, dtype=np.int64)
        per_doc = [[self._columns(w) for w in _char_words(doc)] for doc in docs]
        lengths = np.fromiter((sum(len(c) for c in parts) for parts in per_doc), dtype=np.int64, count=len(docs))
        cols = np.concatenate([c for parts in per_doc for c in parts]) if lengths.sum() else empty
        rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        # One sort for all rows instead of one np.unique per row: the counts of each (row, column) pair,
        # in the canonical order (rows, then sorted columns) that np.unique gave per row.
        keys, counts = np.unique(rows * n_features + cols, return_counts=True)
        row_of = keys // n_features
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(np.bincount(row_of, minlength=len(docs)), out=indptr[1:])
        matrix = sp.csr_matrix(
            (counts.astype(np.float64), keys - row_of * n_features, indptr), shape=(len(docs), n_features)
        )
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1.0
        matrix = matrix @ sp.diags(self.vectorizer.idf_)
        return normalize(matrix, norm="l2", copy=False).tocsr()
