"""The Dutch text pipeline: one spaCy pipeline factory and the normalisation every feature uses.

Which lemmatizer, and why
-------------------------
Without a trained model a spaCy pipeline has no POS tags, so spaCy's rule lemmatizer silently returns the
lower-cased word, and its lookup lemmatizer needs the ``spacy-lookups-data`` package and got 0.835 of lemmas
right on a Dutch UD sample. ``simplemma`` got 0.947 on the same sample, is about eight times faster and
needs no download, so the default pipeline is ``spacy.blank("nl")`` plus a small registered component,
``simplemma_lemmatizer``, that sets ``token.lemma_`` from simplemma (with a packaged table of overrides for
this domain). When a trained pipeline such as ``nl_core_news_sm`` is installed it can be asked for by name;
its own lemmatizer is then used.

Normalisation keeps negation words (spaCy's Dutch stop list contains ``niet``, ``geen`` and ``zonder``;
removing them would turn "geen webinar" into "webinar"), splits hyphenated words, and can split compounds
on a packaged list of heads (``teamvergadering`` -> ``team`` + ``vergadering``).

The default pipeline tokenizes lower-cased text (see :class:`_LowercaseDutch`): no feature uses case.

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

import logging
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, ClassVar

import numpy as np
import simplemma
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER, ORTH  # type: ignore[import-not-found]
from spacy.lang.nl import Dutch
from spacy.language import Language
from spacy.tokens import Doc

from .exceptions import PipelineError

#: Entries of every cache keyed by a word (lemmas, views, character n-grams, compound splits, gazetteer
#: parts): the caches only save work, and this cap keeps memory flat however many distinct words a file has.
WORD_CACHE_SIZE = 50_000

__all__ = [
    "BLANK",
    "MAX_TEXT_CHARS",
    "Lemmatizer",
    "PipelineInfo",
    "TextLexicon",
    "TokenView",
    "clean_text",
    "get_pipeline",
    "lemma_table",
    "lemmas",
    "pipeline_info",
    "split_compound",
    "text_lexicon",
    "token_view",
]

logger = logging.getLogger(__name__)

#: Name of the default pipeline: ``spacy.blank("nl")`` with the simplemma lemmatizer.
BLANK = "blank"
#: Texts are cut to this many characters before processing (an activity is a paragraph, not a book).
MAX_TEXT_CHARS = 5_000
_SURROGATE = re.compile("[\ud800-\udfff]")
_AUTO_MODEL = "nl_core_news_sm"
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


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _lemmatize_word(word: str) -> str:
    overrides = text_lexicon().lemma_overrides
    if word in overrides:
        return overrides[word]
    lemma: str = simplemma.lemmatize(word, lang="nl")
    if lemma == word and len(word) >= 8 and not simplemma.is_known(word, lang="nl"):
        lemma = _lemmatize_compound(word)
    return lemma.lower()


class Lemmatizer:
    """``word -> lemma`` for lower-cased words: the packaged overrides, then known lemmas, then simplemma.

    A fitted model brings the lemmas of its training vocabulary (``known``), so that predicting usually
    never loads simplemma's dictionary, which costs about 0.3 s at start-up. The table belongs to the
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
        if simplemma.is_known(tail, lang="nl"):
            tail_lemma: str = simplemma.lemmatize(tail, lang="nl")
            return word[:i] + tail_lemma
    return word


class SimplemmaLemmatizer:
    """spaCy component that sets ``token.lemma_`` with simplemma; needs no POS tags and no download.

    It works on the doc's arrays of string hashes rather than on Token objects (creating those is the
    slowest part of iterating a doc), with a cache from word hash to lemma hash.

    Parameters
    ----------
    lemmatize : callable, optional
        ``word -> lemma`` for lower-cased words; a plain :class:`Lemmatizer` when omitted.
    """

    def __init__(self, lemmatize: Callable[[str], str] | None = None) -> None:
        self._lemmatize = lemmatize or _lemmatize_word
        self._cache: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        cache = self._cache
        arr = doc.to_array([ORTH, LOWER])
        out = np.empty((len(doc), 1), dtype=np.uint64)
        for i, (orth, low) in enumerate(arr.tolist()):
            lemma_hash = cache.get(orth)
            if lemma_hash is None:
                text = strings[orth]
                lemma = self._lemmatize(strings[low]) if _WORD.search(text) else text
                lemma_hash = strings.add(lemma)
                if len(cache) < WORD_CACHE_SIZE:
                    cache[orth] = lemma_hash
            out[i, 0] = lemma_hash
        doc.from_array([LEMMA], out)  # type: ignore[arg-type]
        return doc


@Language.factory("simplemma_lemmatizer")
def _make_simplemma_lemmatizer(nlp: Language, name: str) -> SimplemmaLemmatizer:
    return SimplemmaLemmatizer()


class _LowercaseDutch(Dutch):  # type: ignore[no-untyped-call]
    """``spacy.blank("nl")`` that tokenizes lower-cased text with only the lower-case tokenizer exceptions.

    Every feature and rule of this package works on lower-cased words, so nothing is lost, and building
    the tokenizer's 1,646 lower-case special cases instead of all 4,670 case variants saves about 0.35 s at
    start-up (a third of the cold start of ``activity-classifier predict``).
    """

    class Defaults(Dutch.Defaults):  # type: ignore[misc,valid-type]
        tokenizer_exceptions: ClassVar[dict[str, Any]] = {
            k: v for k, v in Dutch.Defaults.tokenizer_exceptions.items() if k == k.lower()
        }

    def make_doc(self, text: str) -> Doc:
        """Tokenize the lower-cased text."""
        doc: Doc = self.tokenizer(text.lower())
        return doc


def _is_installed(name: str) -> bool:
    return bool(spacy.util.is_package(name))


@lru_cache(maxsize=4)
def get_pipeline(model: str = BLANK) -> Language:
    """Return the spaCy pipeline used for all text work (cached per name).

    Parameters
    ----------
    model : str, default="blank"
        ``"blank"``: ``spacy.blank("nl")`` with the simplemma lemmatizer (works everywhere, no download).
        ``"auto"``: ``nl_core_news_sm`` when it is installed, else ``"blank"``.
        Any other value: the name of an installed spaCy pipeline package, loaded without parser and NER.

    Returns
    -------
    spacy.language.Language
        A pipeline that sets ``token.lemma_``. Sentences are found by :func:`token_view` from end
        punctuation, the same way for every pipeline.

    Raises
    ------
    PipelineError
        If a named pipeline is not installed or cannot be loaded.
    """
    if model == "auto":
        model = _AUTO_MODEL if _is_installed(_AUTO_MODEL) else BLANK
        logger.info("text pipeline 'auto' resolved to %r", model)
    nlp: Language
    if model == BLANK:
        nlp = _LowercaseDutch()
        nlp.add_pipe("simplemma_lemmatizer")
        nlp.max_length = MAX_TEXT_CHARS * 2
        return nlp
    if not _is_installed(model):
        raise PipelineError(
            f"spaCy pipeline {model!r} is not installed; install it (python -m spacy download {model} on a "
            f"networked machine) or use the default {BLANK!r}"
        )
    try:
        nlp = spacy.load(model, exclude=["parser", "ner"])
    except (OSError, ValueError) as exc:  # pragma: no cover - depends on a broken installed package
        raise PipelineError(f"cannot load spaCy pipeline {model!r}: {exc}") from exc
    nlp.max_length = MAX_TEXT_CHARS * 2
    return nlp


@dataclass(frozen=True)
class PipelineInfo:
    """What a model's metadata records about its text pipeline."""

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


def pipeline_info(nlp: Language) -> PipelineInfo:
    """Describe ``nlp`` for model metadata (name, version, lemmatizer).

    Examples
    --------
    >>> pipeline_info(get_pipeline()).lemmatizer.startswith("simplemma")
    True
    """
    meta = nlp.meta
    if nlp.has_pipe("simplemma_lemmatizer"):
        lemmatizer = f"simplemma {getattr(simplemma, '__version__', 'unknown')}"
        name = BLANK
    else:
        lemmatizer = "spacy"
        name = f"{meta.get('lang', 'nl')}_{meta.get('name', 'pipeline')}"
    return PipelineInfo(
        name=name,
        version=str(meta.get("version", "")),
        spacy_version=spacy.about.__version__,
        lemmatizer=lemmatizer,
        components=tuple(nlp.pipe_names),
    )


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


#: Per-token entries of :func:`token_view`, keyed by the token's string hashes and flags.
ViewCache = dict[tuple[int, int, int, int], tuple[str, str, tuple[str, ...]]]
# The cache of the plain lemmatizer; its entries depend on nothing but the installed word lists.
_VIEW_CACHE: ViewCache = {}


def _view_entry(strings: Any, row: Sequence[int], lemmatize: Callable[[str], str]) -> tuple[str, str, tuple[str, ...]]:
    low_hash, lemma_hash, is_punct, is_space = row
    text = strings[low_hash]
    lem = (strings[lemma_hash].lower() if lemma_hash else text) or text
    words = tuple(_word_lemmas(text, lem, lemmatize)) if not is_punct and not is_space and _WORD.search(text) else ()
    return text, lem, words


def token_view(doc: Doc, lemmatize: Callable[[str], str] | None = None, cache: ViewCache | None = None) -> TokenView:
    """Read a processed doc once into a :class:`TokenView` (from its arrays, without Token objects).

    Parameters
    ----------
    doc : spacy.tokens.Doc
        A processed doc.
    lemmatize : callable, optional
        Lemmatizes the parts of hyphenated words; the plain :class:`Lemmatizer` when omitted.
    cache : dict, optional
        Entries computed earlier with the same ``lemmatize``; required when ``lemmatize`` is given.
    """
    if lemmatize is None:
        lemmatize, cache = _lemmatize_word, _VIEW_CACHE
    elif cache is None:
        raise ValueError("token_view: pass the cache that belongs to this lemmatize function")
    strings = doc.vocab.strings
    lower: list[str] = []
    lemma: list[str] = []
    sentence: list[int] = []
    words: list[str] = []
    start = 0
    rows = doc.to_array([LOWER, LEMMA, IS_PUNCT, IS_SPACE]).tolist() if len(doc) else []
    for i, row in enumerate(rows):
        key = tuple(row)
        entry = cache.get(key)
        if entry is None:
            entry = _view_entry(strings, row, lemmatize)
            if len(cache) < WORD_CACHE_SIZE:
                cache[key] = entry
        text, lem, feats = entry
        lower.append(text)
        lemma.append(lem)
        sentence.append(start)
        words.extend(feats)
        if text in _SENTENCE_END:
            start = i + 1
    return TokenView(tuple(lower), tuple(lemma), tuple(sentence), tuple(words))


def lemmas(doc: Doc) -> list[str]:
    """Return the lower-cased lemmas of a processed doc, without punctuation; negations are kept."""
    return list(token_view(doc).words)


_LINKING_S = ("ings", "heids", "teits", "schaps")


@lru_cache(maxsize=WORD_CACHE_SIZE)
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
