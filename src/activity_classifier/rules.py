"""Keyword rules: a researcher-editable lexicon applied with spaCy, one named rule per activity type.

Each rule scores one type from the words and phrases of ``lexicon.toml`` (matched on lemmas with a
phrase index, :class:`activity_classifier._phrases.PhraseIndex`) and from compound heads (``teamvergadering`` ends in
``vergadering``). A rule *abstains* (scores 0) when nothing matches. A match does not count when a
negation precedes it in the same sentence (``geen webinar gevolgd``) or when the sentence dismisses the
activity (``het congres ging niet door``).

A rule set may also be given a :class:`~activity_classifier.gazetteer.Gazetteer`: its matches then add
evidence for their type (a whole term weighs as a strong term, a compound part as a weak one), and the
longest match wins over the lexicon as well: a lexicon term inside a longer gazetteer phrase, or a compound
head of a word that the gazetteer matched whole, does not count (``workshop gegeven`` is the tasks_roles
``workshop geven``, ``examentraining`` is no ``training``).

Examples
--------
>>> from activity_classifier.rules import RuleSet
>>> rules = RuleSet()  # the packaged lexicon
>>> result = rules.apply(["Twee dagen naar het jaarcongres in Utrecht"])[0]
>>> result.top
'conference'
>>> result.matches["conference"]
('jaarcongres',)
>>> rules.apply(["Ik heb geen webinar gevolgd"])[0].abstained
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._phrases import LemmaHits, PhraseIndex
from ._resources import read_toml
from .exceptions import LexiconError
from .gazetteer import Gazetteer, GazetteerMatch
from .taxonomy import get_taxonomy
from .text import CACHE_ENTRIES, SIMPLE, TokenView, clean_text, get_pipeline, split_compound, text_lexicon

__all__ = ["KeywordRule", "RuleResult", "RuleSet", "load_lexicon"]

STRONG_WEIGHT = 2.0
WEAK_WEIGHT = 1.0
_DISMISSAL = "__dismissal__"


def load_lexicon(source: str | Path | Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Read and validate a keyword lexicon.

    Parameters
    ----------
    source : str, Path, mapping or None
        A TOML file, an already parsed mapping, or ``None`` for the packaged ``lexicon.toml``.

    Returns
    -------
    dict
        The lexicon with keys ``types`` (slug -> {strong, weak, heads}), ``negation_window``, ``dismissals``.

    Raises
    ------
    LexiconError
        If the file cannot be parsed, names an unknown type, or a list holds something other than text.
    """
    raw, name = read_toml(source, "lexicon.toml", "lexicon")
    tax = get_taxonomy()
    types = raw.get("types")
    if not isinstance(types, Mapping) or not types:
        raise LexiconError(f"{name}: no [types.<slug>] tables")
    clean: dict[str, dict[str, list[str]]] = {}
    for slug, entry in types.items():
        if slug not in tax:
            raise LexiconError(f"{name}: [types.{slug}]: {tax.unknown_label_message(slug)}")
        clean[slug] = {}
        for key in ("strong", "weak", "heads"):
            values = entry.get(key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                raise LexiconError(f"{name}: [types.{slug}].{key} must be a list of non-empty strings")
            clean[slug][key] = [v.strip().lower() for v in values]
    window = raw.get("negation_window", 4)
    dismissals = raw.get("dismissals", [])
    if not isinstance(window, int) or window < 0:
        raise LexiconError(f"{name}: negation_window must be a non-negative integer")
    if not isinstance(dismissals, list) or not all(isinstance(v, str) for v in dismissals):
        raise LexiconError(f"{name}: dismissals must be a list of strings")
    return {"types": clean, "negation_window": window, "dismissals": [d.lower() for d in dismissals]}


@dataclass(frozen=True)
class RuleResult:
    """What the rule set found in one text.

    Attributes
    ----------
    scores : dict
        Slug -> summed weight of the matched (not negated) terms; every slug is present.
    matches : dict
        Slug -> the matched terms, as they appear in the text, for the slugs that matched.
    negated : tuple of str
        Terms that matched but were ignored because of a negation or a dismissal.
    """

    scores: dict[str, float]
    matches: dict[str, tuple[str, ...]] = field(default_factory=dict)
    negated: tuple[str, ...] = ()

    @property
    def abstained(self) -> bool:
        """True when no rule matched."""
        return not any(self.scores.values())

    @property
    def top(self) -> str | None:
        """The highest-scoring slug (first in typology order on ties), or None when abstaining."""
        if self.abstained:
            return None
        return max(self.scores, key=lambda s: self.scores[s])

    @property
    def margin(self) -> float:
        """Share of the total score held by the top type (1.0 when only one type matched)."""
        total = sum(self.scores.values())
        return max(self.scores.values()) / total if total else 0.0


@dataclass(frozen=True)
class KeywordRule:
    """The rule of one activity type: its strong and weak terms and compound heads.

    Attributes
    ----------
    name : str
        The type's slug.
    strong, weak, heads : tuple of str
        Lexicon entries, lower-cased.
    """

    name: str
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    heads: tuple[str, ...]


class RuleSet:
    """All keyword rules, applied together to texts.

    Parameters
    ----------
    lexicon : mapping, str, Path or None, default=None
        The lexicon (see :func:`load_lexicon`); ``None`` uses the packaged one.
    pipeline : str, default="simple"
        Name of the text pipeline, see :func:`activity_classifier.text.get_pipeline`.
    gazetteer : Gazetteer, optional
        When given, its matches add evidence for their type (see the module docstring).
    """

    def __init__(
        self,
        lexicon: Mapping[str, Any] | str | Path | None = None,
        pipeline: str = SIMPLE,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        self.lexicon = load_lexicon(lexicon)
        self.pipeline = pipeline
        self.gazetteer = gazetteer
        self.slugs = get_taxonomy().slugs
        self.rules = tuple(
            KeywordRule(
                name=slug,
                strong=tuple(entry["strong"]),
                weak=tuple(entry["weak"]),
                heads=tuple(entry["heads"]),
            )
            for slug, entry in self.lexicon["types"].items()
        )
        self._index: PhraseIndex | None = None
        self._weights: dict[tuple[str, str], float] = {}
        self._heads: dict[str, list[str]] = {}
        for rule in self.rules:
            for head in rule.heads:
                self._heads.setdefault(head, []).append(rule.name)

    def __getstate__(self) -> dict[str, Any]:
        # The phrase index is rebuilt after loading instead of stored; so are the term weights (their
        # tuple keys cannot be stored by skops).
        state = self.__dict__.copy()
        state["_index"] = None
        state["_weights"] = {}
        state.pop("_head_hits", None)  # a cache, rebuilt on first use
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("gazetteer", None)  # rule sets saved before the gazetteer existed
        if "_matcher" in state:  # saved when a spaCy PhraseMatcher found the terms
            state = {k: v for k, v in state.items() if k != "_matcher"}
            state["_index"] = None
        self.__dict__.update(state)

    def _build_index(self, process: Callable[[list[str]], Iterable[TokenView]] | None = None) -> PhraseIndex:
        phrases = [term for rule in self.rules for group in (rule.strong, rule.weak) for term in group]
        views = iter((process or get_pipeline(self.pipeline).views)(phrases + list(self.lexicon["dismissals"])))
        index = PhraseIndex()
        for rule in self.rules:
            for terms, weight in ((rule.strong, STRONG_WEIGHT), (rule.weak, WEAK_WEIGHT)):
                for term in terms:
                    key = f"{rule.name}|{term}"
                    self._weights[(rule.name, term)] = max(weight, self._weights.get((rule.name, term), 0.0))
                    index.add(key, next(views).lemma)
        for view in views:
            index.add(_DISMISSAL, view.lemma)
        return index

    def prepare(self, process: Callable[[list[str]], Iterable[TokenView]] | None = None) -> None:
        """Build the phrase index now, processing the lexicon's terms with ``process`` if given.

        ``process`` turns a list of texts into token views exactly as the pipeline does (an
        :class:`~activity_classifier.analysis.Analyzer` passes its own, which knows its lemma table and so
        need not load simplemma's dictionary); the pipeline's ``views`` when omitted.
        """
        if self._index is None:
            self._index = self._build_index(process)

    @property
    def index(self) -> PhraseIndex:
        """The phrase index over lemmas (built on first use)."""
        self.prepare()
        assert self._index is not None
        return self._index

    def _negated(self, view: TokenView, start: int) -> bool:
        words = text_lexicon()
        window = self.lexicon["negation_window"]
        for i in range(max(view.sentence[start], start - window), start):
            if view.lower[i] in words.negations:
                nxt = view.lower[i + 1] if i + 1 < len(view.lower) else ""
                if nxt not in words.negation_exceptions:  # "niet alleen ... maar ook"
                    return True
        return False

    def _head_rules(self, lemma: str) -> tuple[str, ...]:
        """Return the rules whose compound heads end ``lemma`` ("studiedag" -> the rules with head "dag")."""
        parts = split_compound(lemma)
        return tuple(self._heads.get(parts[1], ())) if len(parts) == 2 else ()

    def _compound_hits(self) -> LemmaHits[str]:
        """Return the per-lemma cache of :meth:`_head_rules` (made on first use, never stored with the rules)."""
        hits: LemmaHits[str] | None = self.__dict__.get("_head_hits")
        if hits is None:
            hits = self.__dict__["_head_hits"] = LemmaHits(self._head_rules, CACHE_ENTRIES)
        return hits

    def apply_view(self, view: TokenView, gazetteer_matches: Sequence[GazetteerMatch] | None = None) -> RuleResult:
        """Apply every rule to one processed text.

        ``gazetteer_matches``: what this rule set's gazetteer found in it, if already matched (ignored
        without a gazetteer).
        """
        gaz: Sequence[GazetteerMatch] = ()
        if self.gazetteer is not None:
            gaz = self.gazetteer.match_view(view) if gazetteer_matches is None else gazetteer_matches
        whole = [(m.start, m.end) for m in gaz if not m.part]
        whole_tokens = {i for s, e in whole for i in range(s, e)}

        def inside_longer(start: int, end: int) -> bool:
            return any(s <= start and end <= e and e - s > end - start for s, e in whole)

        raw = self.index(view.lemma)
        dismissed_sents = {view.sentence[s] for key, s, _ in raw if key == _DISMISSAL}
        found: dict[str, dict[str, float]] = {}
        negated: list[str] = []

        def hit(slug: str, term: str, weight: float, start: int) -> None:
            if view.sentence[start] in dismissed_sents or self._negated(view, start):
                negated.append(term)
                return
            found.setdefault(slug, {})
            found[slug][term] = max(weight, found[slug].get(term, 0.0))

        for key, start, end in raw:
            if key == _DISMISSAL:
                continue
            slug, term = key.split("|", 1)
            if whole and inside_longer(start, end):
                continue
            hit(slug, " ".join(view.lower[start:end]), self._weights[(slug, term)], start)
        for m in gaz:
            hit(m.type, m.text, WEAK_WEIGHT if m.part else STRONG_WEIGHT, m.start)
        for i, slugs in self._compound_hits().positions(view.lemma):
            if i in whole_tokens:
                continue
            for slug in slugs:
                hit(slug, view.lower[i], STRONG_WEIGHT, i)
        scores = {slug: 0.0 for slug in self.slugs}
        for slug, terms in found.items():
            scores[slug] = float(sum(terms.values()))
        matches = {slug: tuple(terms) for slug, terms in found.items()}
        return RuleResult(scores=scores, matches=matches, negated=tuple(dict.fromkeys(negated)))

    def apply(self, texts: Iterable[object], batch_size: int = 256) -> list[RuleResult]:
        """Apply the rules to raw texts (cleaned with :func:`activity_classifier.text.clean_text`)."""
        views = get_pipeline(self.pipeline).views((clean_text(t) for t in texts), batch_size)
        return [self.apply_view(view) for view in views]

    def score_matrix(self, results: Sequence[RuleResult]) -> np.ndarray:
        """Stack results into an ``(n_texts, 11)`` array of scores in typology order."""
        return np.array([[r.scores[s] for s in self.slugs] for r in results], dtype=float).reshape(
            len(results), len(self.slugs)
        )
