"""Text analysis: one pass of the text pipeline per text, read once into an :class:`Analysis`.

An :class:`Analyzer` turns raw texts into :class:`Analysis` objects: the cleaned text, its lemmas and what
the keyword rules found. It is the only builder of its :class:`~activity_classifier.rules.RuleSet`, and it
owns its lemma table (a fitted model's vocabulary), so nothing it does depends on another model loaded in
the same process. Each Analysis records which analyzer made it (:attr:`Analyzer.key`), so a classifier can
refuse an analysis made with another lexicon or pipeline instead of using it silently.

Examples
--------
>>> from activity_classifier.analysis import Analyzer
>>> (doc,) = Analyzer().analyse(["Twee dagen naar het jaarcongres"])
>>> doc.lemmas
('twee', 'dag', 'naar', 'het', 'jaarcongres')
>>> doc.rules.top
'conference'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .gazetteer import Gazetteer, GazetteerMatch
from .rules import RuleResult, RuleSet
from .text import MAX_TEXT_CHARS, SIMPLE, Lemmatizer, TextPipeline, TokenView, clean_text, get_pipeline

__all__ = ["Analysis", "Analyzer"]


@dataclass(frozen=True)
class Analysis:
    """A processed text: the cleaned text, its lemmas and what the keyword rules found.

    Attributes
    ----------
    text : str
        The cleaned text (see :func:`activity_classifier.text.clean_text`).
    lemmas : tuple of str
        Lower-cased lemmas without punctuation.
    rules : RuleResult
        The keyword rules' scores and matches.
    truncated : bool
        True when the raw text was longer than :data:`activity_classifier.text.MAX_TEXT_CHARS`.
    analyzer : str
        :attr:`Analyzer.key` of the analyzer that made it.
    gazetteer : tuple of GazetteerMatch
        The gazetteer terms found (empty when the analyzer has no gazetteer).
    """

    text: str
    lemmas: tuple[str, ...]
    rules: RuleResult
    truncated: bool = False
    analyzer: str = ""
    gazetteer: tuple[GazetteerMatch, ...] = ()


class Analyzer:
    """Process raw texts with one text pipeline, one lemma table and one keyword rule set.

    Parameters
    ----------
    lexicon : mapping, str, Path or None, default=None
        The keyword-rule lexicon (see :func:`activity_classifier.rules.load_lexicon`); None: the packaged one.
    pipeline : str, default="simple"
        Name of the text pipeline, see :func:`activity_classifier.text.get_pipeline`.
    lemmas : mapping, optional
        ``word -> lemma`` pairs known in advance (a fitted model's vocabulary, see
        :func:`activity_classifier.text.lemma_table`); they give the same lemmas as simplemma, faster.
    gazetteer : Gazetteer, optional
        Matched in every text (:attr:`Analysis.gazetteer`); None: no gazetteer.
    gazetteer_rules : bool, default=False
        Also let the gazetteer's matches add evidence to the keyword rules.

    Attributes
    ----------
    rules : RuleSet
        The keyword rules, built from ``lexicon`` (and given the gazetteer with ``gazetteer_rules``).
    key : str
        Identifies the lexicon, gazetteer and pipeline: two analyzers with the same key analyse texts alike.
    """

    def __init__(
        self,
        lexicon: Mapping[str, Any] | str | Path | None = None,
        pipeline: str = SIMPLE,
        lemmas: Mapping[str, str] | None = None,
        gazetteer: Gazetteer | None = None,
        gazetteer_rules: bool = False,
    ) -> None:
        self.rules = RuleSet(lexicon, pipeline=pipeline, gazetteer=gazetteer if gazetteer_rules else None)
        self.pipeline = pipeline
        self.gazetteer = gazetteer
        self.lemmas = dict(lemmas or {})
        self.key = self._key()
        self._reset()

    @classmethod
    def _from_rules(
        cls, rules: RuleSet, lemmas: Mapping[str, str] | None = None, gazetteer: Gazetteer | None = None
    ) -> Analyzer:
        """Wrap an existing rule set (for models saved before analyzers existed)."""
        analyzer = cls.__new__(cls)
        analyzer.rules = rules
        analyzer.pipeline = rules.pipeline
        analyzer.gazetteer = gazetteer
        analyzer.lemmas = dict(lemmas or {})
        analyzer.key = analyzer._key()
        analyzer._reset()
        return analyzer

    def with_lemmas(self, lemmas: Mapping[str, str]) -> Analyzer:
        """Return an analyzer with the same rules and gazetteer (shared) and these known lemmas."""
        return Analyzer._from_rules(self.rules, lemmas, self.gazetteer)

    def _key(self) -> str:
        settings: dict[str, Any] = {"lexicon": self.rules.lexicon, "pipeline": self.pipeline}
        if self.gazetteer is not None:
            # Only then, so that analyzers without a gazetteer keep the keys they had before it existed.
            settings["gazetteer"] = self.gazetteer.data
            settings["gazetteer_rules"] = self.rules.gazetteer is not None
        blob = json.dumps(settings, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def _reset(self) -> None:
        self._lemmatize = Lemmatizer(self.lemmas)
        self._text: TextPipeline | None = None  # built on first use: a spaCy pipeline takes a while

    def __getstate__(self) -> dict[str, Any]:
        # The lemmatizer and the caches are rebuilt after loading instead of being stored. The lemma table
        # is stored as one JSON string: skops writes a dict entry by entry, which is slow to read back.
        state = {k: v for k, v in self.__dict__.items() if k not in ("_lemmatize", "_text")}
        state["lemmas"] = json.dumps(self.lemmas, ensure_ascii=False)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("gazetteer", None)  # analyzers saved before the gazetteer existed
        if isinstance(state.get("lemmas"), str):
            state = dict(state, lemmas=json.loads(state["lemmas"]))
        self.__dict__.update(state)
        self._reset()

    def _pipeline(self) -> TextPipeline:
        # The named pipeline, lemmatizing with this analyzer's own lemma table and caches.
        if self._text is None:
            self._text = get_pipeline(self.pipeline).with_lemmatizer(self._lemmatize)
        return self._text

    def _process(self, texts: list[str]) -> Iterator[TokenView]:
        return self._pipeline().views(texts)

    def prepare(self) -> None:
        """Build the pipeline and the phrase matchers now (otherwise built on first use).

        The matchers' terms are processed by this analyzer, with its lemma table: for a fitted model's
        analyzer that holds every lexicon and gazetteer word, so simplemma's dictionary is not loaded.
        """
        self._pipeline()
        self.rules.prepare(self._process)
        if self.gazetteer is not None:
            self.gazetteer.prepare(self._process)

    def analyse(self, texts: Iterable[object], batch_size: int = 256) -> list[Analysis]:
        """Process raw texts and apply the rules.

        Parameters
        ----------
        texts : iterable
            Raw texts; missing values become empty texts.
        batch_size : int, default=256
            Texts per batch (for a trained spaCy pipeline).

        Returns
        -------
        list of Analysis
            One per input, in order.
        """
        self.prepare()
        raw = ["" if t is None else str(t) for t in texts]
        cleaned = [clean_text(t) for t in raw]
        out = []
        for original, text, view in zip(raw, cleaned, self._pipeline().views(cleaned, batch_size), strict=True):
            gaz = self.gazetteer.match_view(view) if self.gazetteer is not None else ()
            out.append(
                Analysis(
                    text=text,
                    lemmas=view.words,
                    rules=self.rules.apply_view(view, gazetteer_matches=gaz),
                    truncated=len(" ".join(original.split())) > MAX_TEXT_CHARS,
                    analyzer=self.key,
                    gazetteer=gaz,
                )
            )
        return out

    def check(self, analysis: Sequence[Analysis], n_texts: int | None = None) -> list[Analysis]:
        """Return ``analysis`` as a list after checking that this analyzer's settings made it.

        Raises
        ------
        ValueError
            If an item is not an :class:`Analysis`, was made by an analyzer with another lexicon or
            pipeline, or (with ``n_texts``) the number of items differs.
        """
        docs = list(analysis)
        if n_texts is not None and len(docs) != n_texts:
            raise ValueError(f"analysis has {len(docs)} items but X has {n_texts} texts")
        for i, doc in enumerate(docs):
            if not isinstance(doc, Analysis):
                raise ValueError(f"analysis item {i} is a {type(doc).__name__}, not an Analysis")
            if doc.analyzer != self.key:
                raise ValueError(
                    f"analysis item {i} was made with another lexicon or pipeline; analyse the texts with "
                    "this estimator's build_analyzer() (or its analyse method once fitted)"
                )
        return docs
