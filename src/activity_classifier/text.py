"""The Dutch text pipeline: tokens, lemmas and the normalisation every feature uses.

Which tokenizer and lemmatizer, and why
---------------------------------------
Without a trained model a spaCy pipeline has no POS tags, so spaCy's rule lemmatizer silently returns the
lower-cased word, and its lookup lemmatizer needs the ``spacy-lookups-data`` package and got 0.835 of lemmas
right on a Dutch UD sample. ``simplemma`` got 0.947 on the same sample, is about eight times faster and
needs no download. The default pipeline, ``"simple"``, is the package's own tokenizer (spaCy's Dutch rules
applied without spaCy, see :mod:`activity_classifier._tokenizer`) plus simplemma with a packaged table of
overrides for this domain; it tokenizes lower-cased text (no feature uses case) and never imports spaCy.
``"blank"`` is the same with ``spacy.blank("nl")`` (models saved before ``"simple"`` existed use it), and a
trained spaCy pipeline such as ``nl_core_news_sm`` can be asked for by name; its own lemmatizer is then
used. Only :mod:`activity_classifier._spacy` imports spaCy.

Normalisation keeps negation words (spaCy's Dutch stop list contains ``niet``, ``geen`` and ``zonder``;
removing them would turn "geen webinar" into "webinar"), splits hyphenated words, and can split compounds
on a packaged list of heads (``teamvergadering`` -> ``team`` + ``vergadering``).

Examples
--------
>>> from activity_classifier.text import get_pipeline, lemmas
>>> nlp = get_pipeline()
>>> lemmas(nlp("Ik heb geen webinars gevolgd"))
['ik', 'hebben', 'geen', 'webinar', 'volgen']
>>> split_compound("teamvergadering")
('team', 'vergadering')
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain, compress, count
from typing import Any

import simplemma

from . import _simplemma
from ._tokenizer import CACHE_ENTRIES, get_tokenizer, rules_spacy_version
from ._version import __version__

__all__ = [
    "BLANK",
    "CACHE_ENTRIES",
    "MAX_TEXT_CHARS",
    "SIMPLE",
    "Lemmatizer",
    "PipelineInfo",
    "TextLexicon",
    "TextPipeline",
    "TokenView",
    "clean_text",
    "get_pipeline",
    "lemma_table",
    "lemmas",
    "pipeline_info",
    "split_compound",
    "text_lexicon",
]

#: Name of the default pipeline: the package's own tokenizer with the simplemma lemmatizer (no spaCy).
SIMPLE = "simple"
#: Name of the earlier default: ``spacy.blank("nl")`` with the simplemma lemmatizer.
BLANK = "blank"
#: Texts are cut to this many characters before processing (an activity is a paragraph, not a book).
MAX_TEXT_CHARS = 5_000
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class TextLexicon:
    """Word lists of the text pipeline, read from the packaged ``text.toml``."""

    lemma_overrides: dict[str, str]
    negations: frozenset[str]
    negation_exceptions: frozenset[str]
    compound_heads: tuple[str, ...]


@lru_cache(maxsize=1)
def text_lexicon() -> TextLexicon:
    """Return the packaged word lists (cached)."""
    raw = tomllib.loads(resources.files("activity_classifier").joinpath("resources/text.toml").read_text("utf-8"))
    heads = sorted({h.lower() for h in raw["compound_heads"]}, key=len, reverse=True)
    return TextLexicon(
        lemma_overrides={k.lower(): v.lower() for k, v in raw["lemma_overrides"].items()},
        negations=frozenset(w.lower() for w in raw["negations"]),
        negation_exceptions=frozenset(w.lower() for w in raw["negation_exceptions"]),
        compound_heads=tuple(heads),
    )


def lemma_table(words: Iterable[str]) -> dict[str, str]:
    """Return ``word -> lemma`` for lower-cased words, computed exactly as the pipeline does."""
    return {w: _lemmatize_word(w) for w in words}


@lru_cache(maxsize=CACHE_ENTRIES)
def _lemmatize_word(word: str) -> str:
    overrides = text_lexicon().lemma_overrides
    if word in overrides:
        return overrides[word]
    lemma = _simplemma.lemmatize(word)
    if lemma == word and len(word) >= 8 and not _simplemma.is_known(word):
        lemma = _lemmatize_compound(word)
    return lemma.lower()


class Lemmatizer:
    """``word -> lemma`` for lower-cased words: the packaged overrides, then known lemmas, then simplemma.

    A fitted model brings the lemmas of its training vocabulary (``known``), so that predicting usually
    never loads simplemma's dictionary (about 1.4 s to decode, 0.2 s from the cache file of
    :mod:`activity_classifier._simplemma`). The table belongs to the
    lemmatizer that was given it, never to the process.

    Parameters
    ----------
    known : mapping, optional
        ``word -> lemma`` pairs computed earlier with :func:`lemma_table`.

    Examples
    --------
    >>> Lemmatizer()("webinars"), Lemmatizer({"webinars": "webinar"})("webinars")
    ('webinar', 'webinar')
    """

    def __init__(self, known: Mapping[str, str] | None = None) -> None:
        self.known = dict(known or {})

    def __call__(self, word: str) -> str:
        """Return the lemma of a lower-cased word."""
        overrides = text_lexicon().lemma_overrides
        if word in overrides:
            return overrides[word]
        lemma = self.known.get(word)
        return lemma if lemma is not None else _lemmatize_word(word)


def _lemmatize_compound(word: str) -> str:
    # simplemma knows few compounds ("mentorgesprekken" stays as it is). Dutch compounds inflect on
    # their last part, so lemmatize the longest known tail and keep the rest: "mentor" + "gesprek".
    for i in range(3, len(word) - 3):
        tail = word[i:]
        if _simplemma.is_known(tail):
            tail_lemma = _simplemma.lemmatize(tail)
            return word[:i] + tail_lemma
    return word


def _is_punct(token: str) -> bool:
    """Return True when every character of ``token`` is punctuation (as spaCy's ``is_punct``)."""
    return all(unicodedata.category(c).startswith("P") for c in token)


@dataclass(frozen=True)
class PipelineInfo:
    """What a model's metadata records about its text pipeline.

    ``spacy_version`` is the spaCy release that ran the pipeline, or for ``"simple"`` the release whose
    Dutch tokenizer rules it applies.
    """

    name: str
    version: str
    spacy_version: str
    lemmatizer: str
    components: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return {
            "name": self.name,
            "version": self.version,
            "spacy_version": self.spacy_version,
            "lemmatizer": self.lemmatizer,
            "components": list(self.components),
        }


def simplemma_version() -> str:
    """Return ``"simplemma <version>"``, as pipeline metadata records the lemmatizer."""
    return f"simplemma {getattr(simplemma, '__version__', 'unknown')}"


class TextPipeline(ABC):
    """Turns cleaned texts into :class:`TokenView` objects: tokens, lemmas, sentences and feature words.

    Get one with :func:`get_pipeline`; :meth:`with_lemmatizer` gives one that lemmatizes with a model's
    own lemma table and keeps its own per-word caches (bounded).
    """

    name: str

    @abstractmethod
    def tokens(self, text: str) -> list[str]:
        """Return the lower-cased tokens of a cleaned text (before lemmatizing)."""

    @abstractmethod
    def views(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[TokenView]:
        """Process cleaned texts (see :func:`clean_text`), one :class:`TokenView` per text, in order."""

    @abstractmethod
    def with_lemmatizer(self, lemmatize: Callable[[str], str]) -> TextPipeline:
        """Return this pipeline lemmatizing with ``lemmatize`` (a :class:`Lemmatizer`), with fresh caches."""

    @abstractmethod
    def info(self) -> PipelineInfo:
        """Describe the pipeline for model metadata."""

    def __call__(self, text: str) -> TokenView:
        """Process one cleaned text."""
        return next(self.views([text]))


class _SimplePipeline(TextPipeline):
    """The default: the package's own tokenizer (spaCy's Dutch rules, no spaCy) and simplemma."""

    name = SIMPLE

    def __init__(self, lemmatize: Callable[[str], str] | None = None) -> None:
        self._tokenize = get_tokenizer()
        self._lemmatize = lemmatize or _lemmatize_word
        # space-separated chunk -> the entries of its tokens (the tokenizer splits chunk by chunk)
        self._cache = _ChunkCache(self._chunk_entries)

    def tokens(self, text: str) -> list[str]:
        """Return the lower-cased tokens of a cleaned text."""
        return list(self._tokenize(text.lower()))

    def _entry(self, token: str) -> ViewEntry:
        # view_entry(token, lemma, punctuation-or-space, ...) with each test made once: a token without a
        # word character is its own lemma and has no feature words; one with a word character is never
        # space, and all punctuation only when that character is "_" (the one word character that is).
        if not _WORD.search(token):
            return token, token, ()
        lemmatize = self._lemmatize
        lem = lemmatize(token) or token
        if "_" in token and _is_punct(token):
            return token, lem, ()
        return token, lem, tuple(_word_lemmas(token, lem, lemmatize))

    def _chunk_entries(self, chunk: str) -> tuple[ViewEntry, ...]:
        return tuple(self._entry(token) for token in self._tokenize.chunk(chunk)) if chunk else ()

    def views(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[TokenView]:
        """Process cleaned texts, one :class:`TokenView` per text."""
        entries = self._cache.__getitem__
        for text in texts:
            yield build_view(chain.from_iterable(map(entries, text.lower().split(" "))))

    def with_lemmatizer(self, lemmatize: Callable[[str], str]) -> TextPipeline:
        """Return the pipeline lemmatizing with ``lemmatize``."""
        return _SimplePipeline(lemmatize)

    def info(self) -> PipelineInfo:
        """Describe the pipeline for model metadata."""
        return PipelineInfo(
            name=SIMPLE,
            version=__version__,
            spacy_version=rules_spacy_version(),
            lemmatizer=simplemma_version(),
            components=("tokenizer_nl", "simplemma_lemmatizer"),
        )


@lru_cache(maxsize=4)
def get_pipeline(model: str = SIMPLE) -> TextPipeline:
    """Return the text pipeline of this name (cached per name).

    Parameters
    ----------
    model : str, default="simple"
        ``"simple"``: the package's own Dutch tokenizer and simplemma; needs no spaCy (the default).
        ``"blank"``: ``spacy.blank("nl")`` with the simplemma lemmatizer (the default of models saved
        before ``"simple"`` existed; it tokenizes as ``"simple"`` does).
        ``"auto"``: ``nl_core_news_sm`` when it is installed, else ``"blank"``.
        Any other value: the name of an installed spaCy pipeline package, loaded without parser and NER.

    Returns
    -------
    TextPipeline
        Sentences are found from end punctuation, the same way for every pipeline.

    Raises
    ------
    PipelineError
        If a named pipeline is not installed or cannot be loaded.

    Examples
    --------
    >>> get_pipeline()("Ik gaf lessen.").lemma
    ('ik', 'geven', 'les', '.')
    """
    if model == SIMPLE:
        return _SimplePipeline()
    from ._spacy import spacy_pipeline  # only here: the default pipeline never imports spaCy

    return spacy_pipeline(model)


def pipeline_info(nlp: TextPipeline) -> PipelineInfo:
    """Describe ``nlp`` for model metadata (name, version, lemmatizer).

    Examples
    --------
    >>> pipeline_info(get_pipeline()).lemmatizer.startswith("simplemma")
    True
    """
    return nlp.info()


def clean_text(text: object) -> str:
    r"""Normalise a raw cell to text: Unicode NFC, collapsed white space, cut to :data:`MAX_TEXT_CHARS`.

    Missing values (``None``, NaN) become the empty string; a lone surrogate becomes U+FFFD.

    Examples
    --------
    >>> clean_text("  Webinar\u00a0 gevolgd\n")
    'Webinar gevolgd'
    >>> clean_text(None)
    ''
    >>> clean_text("a\ud800b") == "a\ufffdb"  # a lone surrogate becomes the replacement character
    True
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    s = str(text)
    if not s.isascii():
        # A lone surrogate (from a broken decoder or an API caller) cannot be encoded: make it U+FFFD.
        s = _SURROGATE.sub("\ufffd", s)
    s = unicodedata.normalize("NFC", s)
    s = " ".join(s.split())
    return s[:MAX_TEXT_CHARS]


def _word_lemmas(lower: str, lemma: str, lemmatize: Callable[[str], str]) -> list[str]:
    """Return the feature lemmas of one word token (not punctuation or space)."""
    if "-" in lower and len(lower) > 2:
        # "BPV-bezoeken" and "e-learning": keep the parts, lemmatized one by one.
        return [lemmatize(p) for p in lower.split("-") if _WORD.search(p)]
    return [lemma]


_SENTENCE_END = frozenset({".", "!", "?", "…"})


@dataclass(frozen=True)
class TokenView:
    """Per-token strings of a processed doc, read in one pass (iterating a spaCy doc is the slow part).

    Attributes
    ----------
    lower : tuple of str
        Lower-cased token texts.
    lemma : tuple of str
        Lower-cased lemmas, one per token.
    sentence : tuple of int
        Index of the first token of each token's sentence (a sentence ends after ``.``, ``!``, ``?``).
    words : tuple of str
        The normalised lemmas used as features: no punctuation, hyphenated words split, negations kept.
    """

    lower: tuple[str, ...]
    lemma: tuple[str, ...]
    sentence: tuple[int, ...]
    words: tuple[str, ...]


#: One token's entry in a view: its lower-cased text, its lemma and its feature words.
ViewEntry = tuple[str, str, tuple[str, ...]]


class _ChunkCache(dict[str, tuple[ViewEntry, ...]]):
    """``chunk -> the entries of its tokens``, made on first look-up (at most :data:`CACHE_ENTRIES` kept)."""

    def __init__(self, make: Callable[[str], tuple[ViewEntry, ...]]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, chunk: str) -> tuple[ViewEntry, ...]:
        found = self.make(chunk)
        if len(self) < CACHE_ENTRIES:
            self[chunk] = found
        return found


def view_entry(text: str, lemma: str, skip: bool, lemmatize: Callable[[str], str]) -> ViewEntry:
    """Return a token's :data:`ViewEntry`; ``skip``: punctuation or space (no feature words)."""
    words = tuple(_word_lemmas(text, lemma, lemmatize)) if not skip and _WORD.search(text) else ()
    return text, lemma, words


def build_view(entries: Iterable[ViewEntry]) -> TokenView:
    """Assemble a :class:`TokenView` from its tokens' entries (a sentence ends after ``.``, ``!``, ``?``)."""
    items = tuple(entries)
    if not items:
        return TokenView((), (), (), ())
    lower, lemma, words = zip(*items, strict=True)
    # Each token gets the position of its sentence's first token: the position after the last end before it.
    sentence: list[int] = []
    start = 0
    for end in compress(count(1), map(_SENTENCE_END.__contains__, lower)):
        sentence += [start] * (end - start)
        start = end
    sentence += [start] * (len(lower) - start)
    return TokenView(lower, lemma, tuple(sentence), tuple(chain.from_iterable(words)))


def lemmas(view: TokenView) -> list[str]:
    """Return the lower-cased lemmas of a processed text, without punctuation; negations are kept."""
    return list(view.words)


_LINKING_S = ("ings", "heids", "teits", "schaps")


@lru_cache(maxsize=CACHE_ENTRIES)
def split_compound(word: str) -> tuple[str, ...]:
    """Split a Dutch compound on the longest known head; return ``(word,)`` when it is not a compound.

    A linking ``s`` after the suffixes that take one (``-ing``, ``-heid``, ``-teit``, ``-schap``) is dropped
    from the modifier (``opleidingsplan`` -> ``opleiding`` + ``plan``; ``onderwijscongres`` keeps ``onderwijs``).

    Examples
    --------
    >>> split_compound("masteropleiding")
    ('master', 'opleiding')
    >>> split_compound("opleidingsmanager")
    ('opleidingsmanager',)
    >>> split_compound("vergadering")
    ('vergadering',)
    """
    w = word.lower()
    for head in text_lexicon().compound_heads:
        if w.endswith(head) and len(w) - len(head) >= 4:
            modifier = w[: -len(head)]
            if modifier.endswith(_LINKING_S):
                modifier = modifier[:-1]
            return (modifier, head)
    return (w,)
