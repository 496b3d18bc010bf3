"""The spaCy pipelines ``"blank"``, ``"auto"`` and installed ones: the only module that imports spaCy.

The default pipeline (``"simple"``, :mod:`activity_classifier.text`) needs none of this; it is imported
only when a model or a caller asks for a spaCy pipeline by name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER, ORTH  # type: ignore[import-not-found]
from spacy.lang.nl import Dutch
from spacy.language import Language
from spacy.tokens import Doc

from ._tokenizer import CACHE_ENTRIES
from .exceptions import PipelineError
from .text import (
    _WORD,
    BLANK,
    MAX_TEXT_CHARS,
    PipelineInfo,
    TextPipeline,
    TokenView,
    ViewEntry,
    _lemmatize_word,
    build_view,
    simplemma_version,
    view_entry,
)

__all__ = ["SimplemmaLemmatizer", "spacy_pipeline", "spacy_tokens"]

logger = logging.getLogger(__name__)

_AUTO_MODEL = "nl_core_news_sm"
_COMPONENT = "simplemma_lemmatizer"


class SimplemmaLemmatizer:
    """spaCy component that sets ``token.lemma_`` with simplemma; needs no POS tags and no download.

    It works on the doc's arrays of string hashes rather than on Token objects (creating those is the
    slowest part of iterating a doc), with a bounded cache from word hash to lemma hash.

    Parameters
    ----------
    lemmatize : callable, optional
        ``word -> lemma`` for lower-cased words; the plain lemmatizer when omitted.
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
                if len(cache) < CACHE_ENTRIES:
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
    start-up.
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


@lru_cache(maxsize=1)
def _blank() -> Language:
    nlp = _LowercaseDutch()
    nlp.add_pipe("simplemma_lemmatizer")
    nlp.max_length = MAX_TEXT_CHARS * 2
    return nlp


def spacy_tokens(text: str) -> list[str]:
    """Return the tokens of ``text`` as the ``"blank"`` pipeline's tokenizer makes them (lower-cased)."""
    return [t.text for t in _blank().make_doc(text)]


def _doc_view(doc: Doc, lemmatize: Callable[[str], str], cache: dict[tuple[int, ...], ViewEntry]) -> TokenView:
    """Read a processed doc once into a :class:`TokenView` (from its arrays, without Token objects)."""
    strings = doc.vocab.strings
    entries = []
    for row in doc.to_array([LOWER, LEMMA, IS_PUNCT, IS_SPACE]).tolist() if len(doc) else []:
        key = tuple(row)
        entry = cache.get(key)
        if entry is None:
            low_hash, lemma_hash, punct, space = row
            text = strings[low_hash]
            lem = (strings[lemma_hash].lower() if lemma_hash else text) or text
            entry = view_entry(text, lem, bool(punct or space), lemmatize)
            if len(cache) < CACHE_ENTRIES:
                cache[key] = entry
        entries.append(entry)
    return build_view(entries)


class _SpacyPipeline(TextPipeline):
    """A spaCy pipeline read into token views."""

    def __init__(self, name: str, nlp: Language, lemmatize: Callable[[str], str] | None = None) -> None:
        self.name = name
        self.nlp = nlp
        self._lemmatize = lemmatize or _lemmatize_word
        # The blank pipeline is its tokenizer and the simplemma component: run a component of our own,
        # which knows this pipeline's lemma table.
        self._component = SimplemmaLemmatizer(self._lemmatize) if nlp.has_pipe(_COMPONENT) else None
        self._cache: dict[tuple[int, ...], ViewEntry] = {}

    def tokens(self, text: str) -> list[str]:
        """Return the lower-cased tokens of a cleaned text."""
        return [t.lower_ for t in self.nlp.make_doc(text)]

    def _docs(self, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
        if self._component is not None:
            component, make_doc = self._component, self.nlp.make_doc
            return (component(make_doc(t)) for t in texts)
        return iter(self.nlp.pipe(texts, batch_size=batch_size))

    def views(self, texts: Iterable[str], batch_size: int = 256) -> Iterator[TokenView]:
        """Process cleaned texts, one :class:`TokenView` per text."""
        for doc in self._docs(texts, batch_size):
            yield _doc_view(doc, self._lemmatize, self._cache)

    def with_lemmatizer(self, lemmatize: Callable[[str], str]) -> TextPipeline:
        """Return the pipeline lemmatizing with ``lemmatize``."""
        return _SpacyPipeline(self.name, self.nlp, lemmatize)

    def info(self) -> PipelineInfo:
        """Describe the pipeline for model metadata."""
        meta = self.nlp.meta
        if self._component is not None:
            lemmatizer, name = simplemma_version(), BLANK
        else:
            lemmatizer, name = "spacy", f"{meta.get('lang', 'nl')}_{meta.get('name', 'pipeline')}"
        return PipelineInfo(
            name=name,
            version=str(meta.get("version", "")),
            spacy_version=spacy.about.__version__,
            lemmatizer=lemmatizer,
            components=tuple(self.nlp.pipe_names),
        )


def spacy_pipeline(model: str) -> TextPipeline:
    """Return the spaCy pipeline ``"blank"``, ``"auto"`` or an installed one by name.

    Raises
    ------
    PipelineError
        If a named pipeline is not installed or cannot be loaded.
    """
    if model == "auto":
        model = _AUTO_MODEL if _is_installed(_AUTO_MODEL) else BLANK
        logger.info("text pipeline 'auto' resolved to %r", model)
    if model == BLANK:
        return _SpacyPipeline(BLANK, _blank())
    if not _is_installed(model):
        raise PipelineError(
            f"spaCy pipeline {model!r} is not installed; install it (python -m spacy download {model} on a "
            f"networked machine) or use the default 'simple'"
        )
    try:
        nlp = spacy.load(model, exclude=["parser", "ner"])
    except (OSError, ValueError) as exc:  # pragma: no cover - depends on a broken installed package
        raise PipelineError(f"cannot load spaCy pipeline {model!r}: {exc}") from exc
    nlp.max_length = MAX_TEXT_CHARS * 2
    return _SpacyPipeline(model, nlp)
