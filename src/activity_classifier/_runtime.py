"""The inference runtime: everything prediction needs, in NumPy arrays, with no scikit-learn, SciPy or skops.

A fitted :class:`~activity_classifier.estimator.ActivityClassifier` is exported into a :class:`Predictor`:
the vocabularies and IDF weights of its vectorizers, the coefficients and intercepts of its linear model,
its probability calibration, the per-type word centroids of the reliability signals, the thresholds of
the policy and the settings of its text analysis. The estimator's own ``explain``, ``predict_proba`` and
``predict`` run this code, so there is one inference path; :func:`~activity_classifier.persistence.save_model`
also writes it to two files beside ``model.skops``::

    inference.npz    the arrays (read with ``allow_pickle=False``: loading runs no code)
    inference.json   vocabularies, lemma table, lexicon, gazetteer and settings

and :func:`~activity_classifier.persistence.load_predictor` reads only these, which takes a fraction of
the time of unpacking the skops file and imports neither scikit-learn nor SciPy.

The features are those of the estimator: per vectorizer ``(1 + log tf) * idf``, L2-normalised per row, then
the optional rule and gazetteer blocks; the decision values are the features times the coefficients plus the
intercepts; the probabilities are calibrated as scikit-learn's ``CalibratedClassifierCV`` does (temperature,
sigmoid or isotonic) and mixed with :data:`PROBA_FLOOR` of a uniform distribution.

Examples
--------
>>> from activity_classifier import ActivityClassifier
>>> texts = ["Webinar over feedback gevolgd", "Twee dagen op het onderwijscongres",
...          "Workshop formatief toetsen gevolgd", "Keynotes en parallelsessies bijgewoond"]
>>> clf = ActivityClassifier(calibration=None).fit(texts, ["pd_programme", "conference"] * 2)
>>> predictor = as_predictor(clf)
>>> [p.label for p in predictor.explain(["Een webinar over motivatie"])]
['pd_programme']
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Mapping, Sequence, Sized
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

import numpy as np

from ._parallel import effective_jobs, parallel_chunks
from .analysis import Analysis, Analyzer
from .features import CHAR_STRIP, CharNgrams, _word_char_ngrams, char_analyzer, word_analyzer, word_ngrams
from .gazetteer import Gazetteer
from .policy import METHODS, Method, PolicySettings, Prediction, decide_many, rule_proba
from .text import split_compound

if TYPE_CHECKING:
    from .estimator import ActivityClassifier
    from .reliability import BatchReport

__all__ = [
    "ARRAYS_FILE",
    "CHUNK_SIZE",
    "PROBA_FLOOR",
    "RUNTIME_VERSION",
    "SETTINGS_FILE",
    "FeatureRows",
    "Featurizer",
    "Predictor",
    "as_predictor",
]

#: Version of the runtime files (the ``runtime`` block of a model's metadata names it).
RUNTIME_VERSION = 1
ARRAYS_FILE = "inference.npz"
SETTINGS_FILE = "inference.json"
#: Probabilities are mixed with this much of a uniform distribution, so that no type ever gets exactly 0.
PROBA_FLOOR = 1e-3
#: Texts analysed, featurised and explained at a time (bounded memory; the unit of work of a worker).
CHUNK_SIZE = 1_000
_T = TypeVar("_T")

#: Words whose character n-gram columns are cached per featurizer.
_CACHE_WORDS = 500_000


@dataclass(frozen=True)
class FeatureRows:
    """A sparse matrix in compressed-row form (what ``scipy.sparse.csr_matrix`` holds), rows in order."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_cols: int

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return len(self.indptr) - 1

    def row_ids(self) -> np.ndarray:
        """Return the row of every stored value."""
        return np.repeat(np.arange(self.n_rows, dtype=np.int64), np.diff(self.indptr))

    def dot(self, coef: np.ndarray, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Return ``rows[:, start:stop] @ coef[:, start:stop].T``, shape ``(n_rows, len(coef))``."""
        stop = self.n_cols if stop is None else stop
        rows, cols, data = self.row_ids(), self.indices, self.data
        if start > 0 or stop < self.n_cols:
            keep = (cols >= start) & (cols < stop)
            rows, cols, data = rows[keep], cols[keep], data[keep]
        out = np.empty((self.n_rows, len(coef)))
        for k, weights in enumerate(coef):
            out[:, k] = np.bincount(rows, weights=data * weights[cols], minlength=self.n_rows)
        return out

    @classmethod
    def hstack(cls, blocks: Sequence[FeatureRows]) -> FeatureRows:
        """Put blocks of the same rows side by side (columns of later blocks shifted past the earlier)."""
        n_rows = blocks[0].n_rows
        counts = [np.diff(b.indptr) for b in blocks]
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(sum(counts), out=indptr[1:])
        cols = np.empty(int(indptr[-1]), dtype=np.int64)
        data = np.empty(int(indptr[-1]), dtype=np.float64)
        # Row by row, and within a row block by block: each block's entries go straight to their place.
        start, offset = indptr[:-1].copy(), 0
        for block, count in zip(blocks, counts, strict=True):
            dest = np.repeat(start - block.indptr[:-1], count) + np.arange(len(block.data))
            cols[dest] = block.indices + offset
            data[dest] = block.data
            start += count
            offset += block.n_cols
        return cls(indptr, cols, data, offset)

    @classmethod
    def from_dense(cls, values: np.ndarray) -> FeatureRows:
        """Return the non-zero entries of a dense ``(n_rows, n_cols)`` array."""
        rows, cols = np.nonzero(values)
        indptr = np.zeros(len(values) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(values)), out=indptr[1:])
        return cls(indptr, cols.astype(np.int64), values[rows, cols].astype(np.float64), values.shape[1])


def _tfidf(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int, idf: np.ndarray) -> FeatureRows:
    """Sublinear TF-IDF rows, L2-normalised, from the row and column of every feature occurrence."""
    # One sort for all rows: the count of each (row, column) pair, rows in order, columns sorted. In 32
    # bits when the keys fit (twice as fast to sort), and the rows found by bisection, not division.
    dtype = np.int32 if n_rows * n_cols < 2**31 else np.int64
    keys = np.sort(rows.astype(dtype) * n_cols + cols.astype(dtype))  # n_cols: a Python int keeps the dtype
    first = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=len(keys))
    keys = keys[starts]
    indptr = np.searchsorted(keys, np.arange(n_rows + 1, dtype=np.int64) * n_cols).astype(np.int64)
    row_of = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(indptr))
    cols = keys.astype(np.int64) - row_of * n_cols
    data = (np.log(counts) + 1.0) * idf[cols]
    norms = np.sqrt(np.bincount(row_of, weights=data * data, minlength=n_rows))
    data /= norms[row_of]
    return FeatureRows(indptr, cols, data, n_cols)


def _lengths(groups: Sequence[Sized]) -> np.ndarray:
    return np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))


class _CharColumns(dict[str, int]):
    """The character n-gram columns of words, computed on first sight and kept one after the other in a pool.

    Maps a word, as split from the lower-cased text (before its punctuation is stripped, so that a lookup
    strips nothing), to its slot: where its columns start in the pool and how many there are. A chunk's
    words then cost one dict lookup each and their columns one gather, where one small array per word
    cost most of the time to concatenate. The pool starts afresh before a chunk once it holds more than
    :data:`_CACHE_WORDS` words.
    """

    def __init__(self, vocabulary: Mapping[str, int], ngrams: Callable[[str], tuple[str, ...]]) -> None:
        super().__init__()
        self.vocabulary, self.ngrams = vocabulary, ngrams
        self._clear()

    def _clear(self) -> None:
        self.clear()
        self.start = np.zeros(1 << 12, dtype=np.int64)
        self.length = np.zeros(1 << 12, dtype=np.int64)
        self.pool = np.empty(1 << 16, dtype=np.int64)
        self.used = 0

    def __missing__(self, word: str) -> int:
        vocab = self.vocabulary
        cols = [vocab[g] for g in self.ngrams(word.strip(CHAR_STRIP)) if g in vocab]
        slot, used, end = len(self), self.used, self.used + len(cols)
        if slot == len(self.start):
            self.start = np.concatenate([self.start, np.zeros_like(self.start)])
            self.length = np.concatenate([self.length, np.zeros_like(self.length)])
        if end > len(self.pool):
            self.pool = np.concatenate([self.pool, np.empty(max(end, len(self.pool)), dtype=np.int64)])
        self.pool[used:end] = cols
        self.start[slot], self.length[slot], self.used = used, len(cols), end
        self[word] = slot
        return slot

    def columns(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Return the columns of ``words`` one word after the other, and how many each word has."""
        if len(self) > _CACHE_WORDS:
            self._clear()
        slots = np.fromiter(map(self.__getitem__, words), dtype=np.int64, count=len(words))
        lengths = self.length[slots]
        ends = np.cumsum(lengths)
        total = int(ends[-1]) if len(ends) else 0
        # Position k of word w is pool[start[w] + k]: one arange, shifted word by word.
        return self.pool[np.arange(total) + np.repeat(self.start[slots] - ends + lengths, lengths)], lengths


class _WordColumns(dict[str, int]):
    """The columns of :func:`~activity_classifier.features.word_ngrams`' features, found lemma by lemma.

    Maps a lemma (computed on first sight, at most :data:`_CACHE_WORDS` kept) to one int holding the
    column of the lemma itself, that of its compound head's ``part:`` feature and its id among the words
    of the vocabulary's bigrams (each plus one, 0 for none, in base :attr:`stride`). A chunk's lemmas then
    cost one dict lookup each, and its bigrams are found in NumPy: the pair of ids of two consecutive
    lemmas is a key of the sorted :attr:`pair_keys` exactly when ``f"{a} {b}"`` is a term, so no bigram
    string is built, hashed and looked up.
    """

    def __init__(self, vocabulary: Mapping[str, int]) -> None:
        super().__init__()
        self.vocabulary = vocabulary
        self.tokens: dict[str, int] | None = None
        self.stride = 0
        self.pair_keys = self.pair_cols = np.empty(0, dtype=np.int64)

    def prepare(self) -> None:
        """Split every vocabulary term at each of its spaces (once; forked workers inherit it)."""
        if self.tokens is not None:
            return
        tokens: dict[str, int] = {}
        pairs: list[int] = []
        cols: list[int] = []
        for term, col in self.vocabulary.items():
            start = term.find(" ")
            while start >= 0:
                pairs.append(tokens.setdefault(term[:start], len(tokens)))
                pairs.append(tokens.setdefault(term[start + 1 :], len(tokens)))
                cols.append(col)
                start = term.find(" ", start + 1)
        self.stride = max(len(self.vocabulary), len(tokens)) + 1
        ids = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        keys = ids[:, 0] * self.stride + ids[:, 1]
        order = np.argsort(keys)
        self.pair_keys, self.pair_cols = keys[order], np.array(cols, dtype=np.int64)[order]
        self.tokens = tokens

    def __missing__(self, lemma: str) -> int:
        self.prepare()
        assert self.tokens is not None
        vocab, stride = self.vocabulary, self.stride
        parts = split_compound(lemma)
        part = vocab.get(f"part:{parts[1]}", -1) if len(parts) == 2 else -1
        code = ((vocab.get(lemma, -1) + 1) * stride + part + 1) * stride + self.tokens.get(lemma, -1) + 1
        if len(self) < _CACHE_WORDS:
            self[lemma] = code
        return code

    def occurrences(self, lemmas: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Return the row and column of every occurrence of a known feature of the texts' ``lemmas``."""
        self.prepare()
        n_lemmas = _lengths(lemmas)
        lookup = map(self.__getitem__, chain.from_iterable(lemmas))
        codes = np.fromiter(lookup, dtype=np.int64, count=int(n_lemmas.sum()))
        rest, ids = np.divmod(codes, self.stride)
        unigrams, parts = np.divmod(rest, self.stride)
        rows = np.repeat(np.arange(len(lemmas), dtype=np.int64), n_lemmas)
        ids -= 1
        # Bigrams: two consecutive lemmas of one text, both words of some bigram term.
        first, second = ids[:-1], ids[1:]
        pair = np.flatnonzero((rows[:-1] == rows[1:]) & (first >= 0) & (second >= 0))
        keys = first[pair] * self.stride + second[pair]
        at = np.minimum(np.searchsorted(self.pair_keys, keys), max(len(self.pair_keys) - 1, 0))
        found = self.pair_keys[at] == keys if len(self.pair_keys) else np.zeros(len(keys), dtype=bool)
        cols = np.concatenate([unigrams - 1, parts - 1, self.pair_cols[at[found]] if found.any() else at[:0]])
        rows = np.concatenate([rows, rows, rows[pair[found]]])
        known = cols >= 0
        return rows[known], cols[known]


class Featurizer:
    """Turn analysed texts into the model's feature rows (lemma n-grams, character n-grams, rules, gazetteer).

    Parameters
    ----------
    settings : mapping
        ``word_ngram_range``, ``compound_splitter``, ``char_ngram_range`` (None: no character features),
        ``rule_features``, ``rule_weight``, ``gazetteer_features``, ``gazetteer_weight``.
    word_terms, char_terms : list of str
        The vocabularies in column order (``char_terms`` None without character features).
    word_idf, char_idf : ndarray
        Their IDF weights.
    analyzer : Analyzer
        The analysis the texts come from (its rule set and gazetteer name the rule and gazetteer columns).
    """

    def __init__(
        self,
        settings: Mapping[str, Any],
        word_terms: list[str],
        word_idf: np.ndarray,
        char_terms: list[str] | None,
        char_idf: np.ndarray | None,
        analyzer: Analyzer,
    ) -> None:
        self.settings = dict(settings)
        self.word_terms, self.char_terms = word_terms, char_terms
        self.word_idf = np.asarray(word_idf, dtype=np.float64)
        self.char_idf = None if char_idf is None else np.asarray(char_idf, dtype=np.float64)
        self.word_vocabulary = {t: i for i, t in enumerate(word_terms)}
        self.char_vocabulary = {t: i for i, t in enumerate(char_terms or ())}
        self._words = word_analyzer(tuple(settings["word_ngram_range"]), settings["compound_splitter"])
        char_range = settings["char_ngram_range"]
        chars = char_analyzer(tuple(char_range)) if char_range is not None else None
        self._char_ngrams = chars.word_ngrams if isinstance(chars, CharNgrams) else _word_char_ngrams
        self._char_columns = _CharColumns(self.char_vocabulary, self._char_ngrams)
        self._word_columns = _WordColumns(self.word_vocabulary)
        self.rules = analyzer.rules
        self.gazetteer: Gazetteer | None = analyzer.gazetteer
        tail: list[str] = []
        if settings["rule_features"]:
            tail += [f"rule:{s}" for s in self.rules.slugs]
        if settings["gazetteer_features"]:
            tail += self._gazetteer().feature_names()
        self._tail = tail
        #: Number of columns.
        self.n_features = self.n_word + self.n_char + len(tail)
        #: True for the columns shown as evidence (all but the character n-grams, named ``char:...``).
        self.readable = np.ones(self.n_features, dtype=bool)
        self.readable[self.n_word : self.n_word + self.n_char] = False
        self.readable[[i for i, t in enumerate(word_terms) if t.startswith("char:")]] = False
        self._names: list[str] | None = None

    @property
    def names(self) -> list[str]:
        """The name of every column (built on first use: prediction needs only :meth:`name`)."""
        if self._names is None:
            self._names = list(self.word_terms) + ["char:" + t for t in self.char_terms or ()] + self._tail
        return self._names

    def name(self, col: int) -> str:
        """Return the name of one column."""
        if col < self.n_word:
            return self.word_terms[col]
        if col >= self.n_word + self.n_char:
            return self._tail[col - self.n_word - self.n_char]
        assert self.char_terms is not None
        return "char:" + self.char_terms[col - self.n_word]

    def _gazetteer(self) -> Gazetteer:
        if self.gazetteer is None:  # pragma: no cover - the estimator builds one whenever the features are on
            raise RuntimeError("gazetteer features need a gazetteer")
        return self.gazetteer

    @property
    def n_word(self) -> int:
        """Number of word (lemma n-gram) columns, the first block."""
        return len(self.word_terms)

    @property
    def n_char(self) -> int:
        """Number of character n-gram columns, the second block."""
        return len(self.char_vocabulary)

    def prepare(self) -> None:
        """Build the bigram table (on first use otherwise), so that forked workers inherit it."""
        if self._words is word_ngrams:
            self._word_columns.prepare()

    def _word_occurrences(self, docs: Sequence[Analysis]) -> tuple[np.ndarray, np.ndarray]:
        """Return the row and column of every occurrence of a known word feature (in no particular order)."""
        if self._words is word_ngrams:
            # By kind of feature rather than text by text: the TF-IDF counts do not depend on the order.
            return self._word_columns.occurrences([d.lemmas for d in docs])
        feats = [self._words(d) for d in docs]
        cols = np.fromiter(map(self.word_vocabulary.get, chain.from_iterable(feats), repeat(-1)), dtype=np.int64)
        rows = np.repeat(np.arange(len(docs), dtype=np.int64), _lengths(feats))
        known = cols >= 0
        return rows[known], cols[known]

    def transform(self, docs: Sequence[Analysis]) -> FeatureRows:
        """Return the feature rows of ``docs``."""
        n = len(docs)
        # Whole-chunk arrays rather than one small array per text: the per-text overhead dominated.
        blocks = [_tfidf(*self._word_occurrences(docs), n, self.n_word, self.word_idf)]
        if self.char_idf is not None:
            words = [d.text.lower().split() for d in docs]
            cols, per_word = self._char_columns.columns(list(chain.from_iterable(words)))
            rows = np.repeat(np.repeat(np.arange(n, dtype=np.int64), _lengths(words)), per_word)
            blocks.append(_tfidf(rows, cols, n, self.n_char, self.char_idf))
        if self.settings["rule_features"]:
            scores = self.rules.score_matrix([d.rules for d in docs])
            # log1p keeps many weak matches from outweighing one strong one.
            blocks.append(FeatureRows.from_dense(np.log1p(scores) * self.settings["rule_weight"]))
        if self.settings["gazetteer_features"]:
            counts = self._gazetteer().count_matrix([d.gazetteer for d in docs])
            blocks.append(FeatureRows.from_dense(np.log1p(counts) * self.settings["gazetteer_weight"]))
        return FeatureRows.hstack(blocks)


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def _top_terms(
    rows: FeatureRows, coef: np.ndarray, labels: np.ndarray, name: Callable[[int], str], n: int
) -> list[list[str]]:
    """Return the features of each row that pushed most towards its label (row ``labels[i]`` of ``coef``).

    At most ``n`` per row, those with a positive contribution, largest first (ties in column order); none
    for a row whose label is -1. One sort for the whole chunk: per row, it cost more than the rest.
    """
    row_of = rows.row_ids()
    lab = labels[row_of]
    contrib = rows.data * coef[np.maximum(lab, 0), rows.indices]
    # Only positive contributions are shown, and in a row sorted from the largest they come first: sort
    # those alone. Rows in order and, within a row, contributions from the largest (lexsort is stable, so
    # equal ones keep their column order, as an argsort(kind="stable") of the row alone does).
    pos = np.flatnonzero((contrib > 0) & (lab >= 0))
    order = pos[np.lexsort((-contrib[pos], row_of[pos]))]
    sorted_rows = row_of[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_rows, sorted_rows)
    keep = order[rank < n]
    out: list[list[str]] = [[] for _ in range(rows.n_rows)]
    for i, col in zip(row_of[keep].tolist(), rows.indices[keep].tolist(), strict=True):
        out[i].append(name(col))
    return out


def _run_chunk(
    predictor: Predictor,
    texts: Sequence[object],
    method: Method,
    n_terms: int,
    signals: frozenset[str] | None,
    convert: Callable[[Prediction], Any] | None = None,
) -> list[tuple[Any, list[float] | None]]:
    """Analyse, featurise, decide, explain and (when asked) compute the reliability signals of one chunk.

    Each prediction is passed through ``convert`` when given, and the signals are plain lists: both are
    pickled back from a worker, and tuples of strings and floats cost a fraction of Prediction objects
    and of one small array per row.
    """
    from .reliability import item_signals

    docs = predictor.analyzer.analyse(texts)
    rows = predictor.featurizer.transform(docs) if method != "rules" and docs else None
    preds = predictor._explain(docs, method, n_terms, rows)
    out: list[Any] = preds if convert is None else list(map(convert, preds))
    if signals is None:
        return [(p, None) for p in out]
    values = item_signals(predictor, docs, preds, needed=signals, rows=rows)
    return list(zip(out, np.asarray(values, dtype=float).tolist(), strict=True))


def _analyse_chunk(predictor: Predictor, texts: Sequence[object]) -> list[Analysis]:
    return predictor.analyzer.analyse(texts)


class Predictor:
    """A fitted model's inference state, in NumPy arrays: analysis, features, linear model, calibration, policy.

    Build one with :func:`as_predictor` (from a fitted estimator) or
    :func:`~activity_classifier.persistence.load_predictor` (from a model folder).

    Parameters
    ----------
    analyzer : Analyzer
        The text analysis (keyword rules, gazetteer, lemma table).
    featurizer : Featurizer
    classes : list of str
        The types, in the order of the columns of ``coef``.
    coef : ndarray of shape (n_classes, n_features)
        Coefficients of the linear model (a binary model's one row is stored as two, negated and not).
    intercept : ndarray of shape (n_classes,)
    calibration : mapping
        ``method`` (``temperature``, ``sigmoid``, ``isotonic`` or None) and its arrays.
    policy : PolicySettings
    method : {"hybrid", "model", "rules"}
        The default policy.
    centroids : ndarray of shape (n_classes, n_word) or None
        L2-normalised mean word TF-IDF vector of each type's training texts.
    metadata : mapping, optional
        The model folder's metadata (``metadata_``; its ``reliability`` block gives a target accuracy).
    """

    def __init__(
        self,
        analyzer: Analyzer,
        featurizer: Featurizer,
        classes: list[str],
        coef: np.ndarray,
        intercept: np.ndarray,
        calibration: Mapping[str, Any],
        policy: PolicySettings,
        method: Method,
        centroids: np.ndarray | None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.featurizer = featurizer
        self.classes = classes
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.calibration = dict(calibration)
        self.policy = policy
        self.method = method
        self.centroids = centroids
        self.metadata_: dict[str, Any] = dict(metadata or {})

    # -- the model ---------------------------------------------------------------------------------
    def decision(self, rows: FeatureRows) -> np.ndarray:
        """Decision values of the linear model, shape ``(n_rows, n_classes)``."""
        return self.coef_dot(rows) + self.intercept

    def coef_dot(self, rows: FeatureRows, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Return the decision values of the columns ``start:stop`` alone, without the intercept."""
        return rows.dot(self.coef, start, stop)

    def proba(self, rows: FeatureRows) -> np.ndarray:
        """Calibrated probabilities (every entry > 0), shape ``(n_rows, n_classes)``."""
        scores = self.decision(rows)
        cal = self.calibration
        method = cal.get("method")
        binary = len(self.classes) == 2
        if method == "temperature":
            proba = _softmax(float(cal["beta"]) * scores)
        elif method in ("sigmoid", "isotonic"):
            columns = [1] if binary else range(len(self.classes))
            proba = np.zeros_like(scores)
            for j, k in enumerate(columns):
                if method == "sigmoid":
                    proba[:, k] = 1.0 / (1.0 + np.exp(cal["a"][j] * scores[:, k] + cal["b"][j]))
                else:
                    lo, hi = cal["offsets"][j], cal["offsets"][j + 1]
                    proba[:, k] = np.interp(scores[:, k], cal["x"][lo:hi], cal["y"][lo:hi])
            if binary:
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                total = proba.sum(axis=1, keepdims=True)
                proba = np.divide(proba, total, out=np.full_like(proba, 1 / len(self.classes)), where=total != 0)
        else:
            proba = _softmax(scores)
        return np.asarray((1 - PROBA_FLOOR) * proba + PROBA_FLOOR / proba.shape[1])

    def model_proba(self, docs: Sequence[Analysis]) -> np.ndarray:
        """Calibrated model probabilities of analysed texts."""
        return self.proba(self.featurizer.transform(docs))

    def rule_proba(self, docs: Sequence[Analysis]) -> np.ndarray:
        """Return the rules' normalised scores (uniform when they abstain), shape ``(n, n_classes)``."""
        return np.array([rule_proba(d.rules, self.classes) for d in docs]).reshape(len(docs), len(self.classes))

    # -- predictions -------------------------------------------------------------------------------
    def _explain(
        self, docs: Sequence[Analysis], method: Method, n_terms: int, rows: FeatureRows | None
    ) -> list[Prediction]:
        proba = self.proba(rows) if rows is not None else None
        top_terms_for: Callable[[np.ndarray], list[list[str]]] | None = None
        if rows is not None:
            # Only readable columns are evidence: drop the character n-grams of the whole chunk at once.
            keep = self.featurizer.readable[rows.indices]
            counts = np.bincount(rows.row_ids()[keep], minlength=rows.n_rows)
            indptr = np.zeros(rows.n_rows + 1, dtype=np.int64)
            np.cumsum(counts, out=indptr[1:])
            readable = FeatureRows(indptr, rows.indices[keep], rows.data[keep], rows.n_cols)

            def top_terms_for(labels: np.ndarray) -> list[list[str]]:
                return _top_terms(readable, self.coef, labels, self.featurizer.name, n_terms)

        return decide_many(
            method,
            self.classes,
            [d.rules for d in docs],
            proba,
            self.policy,
            empty=[not d.lemmas for d in docs],
            truncated=[d.truncated for d in docs],
            top_terms_for=top_terms_for,
        )

    def explain_docs(
        self, docs: Sequence[Analysis], method: Method | None = None, n_terms: int = 5
    ) -> list[Prediction]:
        """Predictions with provenance for analysed texts (see :meth:`ActivityClassifier.explain`)."""
        method = self._method(method)
        docs = list(docs)
        rows = self.featurizer.transform(docs) if method != "rules" and docs else None
        return self._explain(docs, method, n_terms, rows)

    def _method(self, method: Method | None) -> Method:
        method = method or self.method
        if method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {method!r}")
        return method

    @overload
    def run(
        self,
        texts: Sequence[object],
        *,
        method: Method | None = ...,
        n_terms: int = ...,
        n_jobs: int | None = ...,
        signals: frozenset[str] | None = ...,
        progress: Callable[[int], None] | None = ...,
        chunk_size: int = ...,
        convert: None = ...,
    ) -> tuple[list[Prediction], np.ndarray | None]: ...

    @overload
    def run(
        self,
        texts: Sequence[object],
        *,
        method: Method | None = ...,
        n_terms: int = ...,
        n_jobs: int | None = ...,
        signals: frozenset[str] | None = ...,
        progress: Callable[[int], None] | None = ...,
        chunk_size: int = ...,
        convert: Callable[[Prediction], _T],
    ) -> tuple[list[_T], np.ndarray | None]: ...

    def run(
        self,
        texts: Sequence[object],
        *,
        method: Method | None = None,
        n_terms: int = 5,
        n_jobs: int | None = 1,
        signals: frozenset[str] | None = None,
        progress: Callable[[int], None] | None = None,
        chunk_size: int = CHUNK_SIZE,
        convert: Callable[[Prediction], Any] | None = None,
    ) -> tuple[list[Any], np.ndarray | None]:
        """Predict raw texts in chunks of at most ``chunk_size``, on ``n_jobs`` processes, rows in order.

        Each chunk is analysed, featurised, decided and explained where it is processed; with ``signals``
        (names of :data:`~activity_classifier.reliability.SIGNALS`) their values are computed there too and
        returned as an array (else None). ``progress(done)`` is called after each chunk. The result does not
        depend on ``n_jobs``. With ``convert`` (a module-level function: workers find it by name) the first
        item holds ``convert(prediction)`` for every row instead of the predictions, converted where they
        are made, so that what a worker sends back is cheap to pickle.
        """
        method = self._method(method)
        jobs = effective_jobs(n_jobs, len(texts))
        if jobs > 1:
            self.prepare()
            gc.freeze()  # forked workers then share the loaded model's pages instead of copying them
        try:
            results = parallel_chunks(
                _run_chunk,
                self,
                texts,
                n_jobs=n_jobs,
                chunk_size=chunk_size,
                on_chunk=progress,
                method=method,
                n_terms=n_terms,
                signals=signals,
                convert=convert,
            )
        finally:
            if jobs > 1:
                gc.unfreeze()
        preds = [p for p, _ in results]
        if signals is None:
            return preds, None
        from .reliability import SIGNALS

        values = np.array([s for _, s in results], dtype=float).reshape(len(results), len(SIGNALS))
        return preds, values

    def explain(
        self, texts: Sequence[object], method: Method | None = None, n_terms: int = 5, *, n_jobs: int | None = 1
    ) -> list[Prediction]:
        """Predictions with provenance for raw texts, on ``n_jobs`` processes."""
        return self.run(texts, method=method, n_terms=n_terms, n_jobs=n_jobs)[0]

    def analyse(self, texts: Sequence[object], *, n_jobs: int | None = 1) -> list[Analysis]:
        """Analyse raw texts on ``n_jobs`` processes (rows in order)."""
        if effective_jobs(n_jobs, len(texts)) > 1:
            self.prepare()
        return parallel_chunks(_analyse_chunk, self, texts, n_jobs=n_jobs, chunk_size=CHUNK_SIZE)

    def predict_reviewed(
        self,
        texts: Sequence[object],
        *,
        method: Method | None = None,
        target: float | None,
        n_jobs: int | None = 1,
        progress: Callable[[int], None] | None = None,
        chunk_size: int = CHUNK_SIZE,
    ) -> tuple[list[Prediction], BatchReport]:
        """Predict raw texts and flag the fewest such that the accepted reach ``target`` accuracy.

        See :func:`activity_classifier.reliability.review_to_target`; the signals are computed where the
        chunks are processed.
        """
        from .reliability import flag_to_target, model_reliability, needed_signals

        rel = model_reliability(self)
        preds, values = self.run(
            texts, method=method, n_jobs=n_jobs, signals=needed_signals(rel), progress=progress, chunk_size=chunk_size
        )
        assert values is not None
        return flag_to_target(preds, values, rel, target)

    def prepare(self) -> None:
        """Build what is built on first use (pipeline, phrase matchers), so that forked workers inherit it."""
        self.analyzer.prepare()
        self.featurizer.prepare()

    # -- export ------------------------------------------------------------------------------------
    @classmethod
    def from_estimator(cls, model: ActivityClassifier) -> Predictor:
        """Export a fitted estimator (scikit-learn is needed here, not when the files are loaded back)."""
        from sklearn.calibration import CalibratedClassifierCV

        linear = model._linear_model()
        coef = np.asarray(linear.coef_, dtype=np.float64)
        intercept = np.asarray(linear.intercept_, dtype=np.float64).reshape(-1)
        if len(model.classes_) == 2 and coef.shape[0] == 1:
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        calibration: dict[str, Any] = {"method": None}
        est = model.estimator_
        if isinstance(est, CalibratedClassifierCV):
            calibrators = est.calibrated_classifiers_[0].calibrators
            calibration["method"] = est.method
            if est.method == "temperature":
                calibration["beta"] = np.float64(calibrators[0].beta_)
            elif est.method == "sigmoid":
                calibration["a"] = np.array([c.a_ for c in calibrators], dtype=np.float64)
                calibration["b"] = np.array([c.b_ for c in calibrators], dtype=np.float64)
            else:
                xs = [np.asarray(c.X_thresholds_, dtype=np.float64) for c in calibrators]
                calibration["x"] = np.concatenate(xs)
                calibration["y"] = np.concatenate([np.asarray(c.y_thresholds_, dtype=np.float64) for c in calibrators])
                calibration["offsets"] = np.cumsum([0] + [len(x) for x in xs])
        centroids = getattr(model, "centroids_", None)
        return cls(
            model.analyzer_,
            model._featurizer(),
            [str(c) for c in model.classes_],
            coef,
            intercept,
            calibration,
            PolicySettings(model.accept_threshold, model.review_threshold, model.tie_margin),
            model.method,
            None if centroids is None else np.asarray(centroids.todense(), dtype=np.float32),
        )

    def save(self, directory: Path) -> dict[str, str]:
        """Write :data:`ARRAYS_FILE` and :data:`SETTINGS_FILE` into ``directory``; return their names."""
        f = self.featurizer
        arrays: dict[str, np.ndarray] = {"coef": self.coef, "intercept": self.intercept, "word_idf": f.word_idf}
        if f.char_idf is not None:
            arrays["char_idf"] = f.char_idf
        if self.centroids is not None:
            arrays["centroids"] = self.centroids
        arrays.update({f"calibration_{k}": np.asarray(v) for k, v in self.calibration.items() if k != "method"})
        np.savez(directory / ARRAYS_FILE, **arrays)  # type: ignore[arg-type]  # numpy stubs type **kwds as bool
        analyzer = self.analyzer
        settings = {
            "version": RUNTIME_VERSION,
            "classes": self.classes,
            "method": self.method,
            "policy": {
                "accept_threshold": self.policy.accept_threshold,
                "review_threshold": self.policy.review_threshold,
                "tie_margin": self.policy.tie_margin,
            },
            "calibration": self.calibration.get("method"),
            "features": f.settings,
            "analysis": {
                "key": analyzer.key,
                "pipeline": analyzer.pipeline,
                "lexicon": analyzer.rules.lexicon,
                "gazetteer": None if analyzer.gazetteer is None else _gazetteer_source(analyzer.gazetteer.data),
                "gazetteer_rules": analyzer.rules.gazetteer is not None,
                "lemmas": analyzer.lemmas,
            },
            "word_terms": f.word_terms,
            "char_terms": f.char_terms,
        }
        text = json.dumps(settings, ensure_ascii=False, separators=(",", ":"), default=_json_default)
        (directory / SETTINGS_FILE).write_text(text, "utf-8")
        return {"arrays": ARRAYS_FILE, "settings": SETTINGS_FILE}

    @classmethod
    def load(cls, directory: Path, files: Mapping[str, Mapping[str, Any]], metadata: Mapping[str, Any]) -> Predictor:
        """Read the files :meth:`save` wrote (``files``: role -> entry with ``name``); no code is run.

        The caller has checked the files' hashes.

        Raises
        ------
        ValueError
            If a file is malformed (the caller turns it into a one-line error naming the file).
        """
        settings = json.loads((directory / str(files["settings"]["name"])).read_text("utf-8"))
        if not isinstance(settings, dict) or settings.get("version") != RUNTIME_VERSION:
            raise ValueError(f"not a version {RUNTIME_VERSION} runtime file")
        with np.load(directory / str(files["arrays"]["name"]), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        a = settings["analysis"]
        gazetteer = None if a["gazetteer"] is None else Gazetteer(a["gazetteer"], pipeline=a["pipeline"])
        analyzer = Analyzer(
            a["lexicon"],
            pipeline=a["pipeline"],
            lemmas=a["lemmas"],
            gazetteer=gazetteer,
            gazetteer_rules=a["gazetteer_rules"],
        )
        if analyzer.key != a["key"]:
            raise ValueError("its lexicon, gazetteer and pipeline do not give the analysis the model was trained with")
        featurizer = Featurizer(
            settings["features"],
            list(settings["word_terms"]),
            arrays["word_idf"],
            None if settings["char_terms"] is None else list(settings["char_terms"]),
            arrays.get("char_idf"),
            analyzer,
        )
        calibration: dict[str, Any] = {"method": settings["calibration"]}
        calibration.update(
            {k.removeprefix("calibration_"): v for k, v in arrays.items() if k.startswith("calibration_")}
        )
        coef = arrays["coef"]
        if coef.shape != (len(settings["classes"]), featurizer.n_features):
            raise ValueError(f"coefficients of shape {coef.shape} do not fit the vocabularies")
        policy = PolicySettings(**settings["policy"])
        return cls(
            analyzer,
            featurizer,
            [str(c) for c in settings["classes"]],
            coef,
            arrays["intercept"],
            calibration,
            policy,
            settings["method"],
            arrays.get("centroids"),
            metadata,
        )


def _gazetteer_source(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return a validated gazetteer (:func:`~activity_classifier.gazetteer.load_gazetteer`) in its TOML layout."""
    tables = {slug: {kind: {"terms": terms} for kind, terms in kinds.items()} for slug, kinds in data["types"].items()}
    return {"kinds": data["kinds"], **tables}


def _json_default(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, np.integer | np.floating):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def as_predictor(model: ActivityClassifier | Predictor) -> Predictor:
    """Return the :class:`Predictor` of a fitted estimator (built once and kept), or ``model`` if it is one."""
    if isinstance(model, Predictor):
        return model
    return model._runtime()
