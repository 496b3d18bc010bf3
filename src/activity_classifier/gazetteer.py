"""A Dutch education gazetteer: names of programmes, events, sources, networks and tools, each with its type.

The packaged, researcher-editable ``gazetteer.toml`` lists terms per activity type and *kind* (a degree
programme, an event, a source, ...). A :class:`Gazetteer` finds them in a processed text the way the keyword
rules find theirs: phrases on lemmas with a phrase index, and one-word terms also
on the parts of hyphenated words and compounds (:func:`activity_classifier.text.split_compound`). The
longest match wins: overlapping phrase matches keep the longest, and a token covered by a whole-term match
is not searched for compound parts, so ``examentraining`` (teaching_coaching) does not also count as the
pd_programme ``training``.

The keyword rules use the matches as evidence for their type, and the estimator can use their counts per
type and per kind as features (see :class:`activity_classifier.ActivityClassifier`).

Examples
--------
>>> from activity_classifier.gazetteer import Gazetteer
>>> gaz = Gazetteer()
>>> [(m.text, m.type, m.kind) for m in gaz.match(["Een examentraining gegeven"])[0]]
[('examentraining', 'teaching_coaching', 'teaching_setting')]
>>> [(m.text, m.term, m.part) for m in gaz.match(["Naar de kenniskringbijeenkomst"])[0]]
[('kenniskringbijeenkomst', 'kenniskring', True)]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._phrases import LemmaHits, PhraseIndex
from ._resources import read_toml
from .exceptions import LexiconError
from .taxonomy import get_taxonomy
from .text import CACHE_ENTRIES, SIMPLE, TokenView, clean_text, get_pipeline, lemma_table, split_compound

__all__ = ["Gazetteer", "GazetteerMatch", "load_gazetteer"]


def load_gazetteer(source: str | Path | Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Read and validate a gazetteer.

    Parameters
    ----------
    source : str, Path, mapping or None
        A TOML file, an already parsed mapping, or ``None`` for the packaged ``gazetteer.toml``.

    Returns
    -------
    dict
        ``{"kinds": {kind: description}, "types": {slug: {kind: [terms]}}}``, terms lower-cased.

    Raises
    ------
    LexiconError
        If the file cannot be parsed, names an unknown type or an undescribed kind, a list holds something
        other than text, or a term occurs twice.
    """
    raw, name = read_toml(source, "gazetteer.toml", "gazetteer")
    kinds = raw.get("kinds")
    if not isinstance(kinds, Mapping) or not all(isinstance(v, str) for v in kinds.values()):
        raise LexiconError(f"{name}: a [kinds] table describing each kind is required")
    tax = get_taxonomy()
    types: dict[str, dict[str, list[str]]] = {}
    seen: dict[str, str] = {}
    for slug, tables in raw.items():
        if slug == "kinds":
            continue
        if slug not in tax:
            raise LexiconError(f"{name}: [{slug}]: {tax.unknown_label_message(slug)}")
        if not isinstance(tables, Mapping):
            raise LexiconError(f"{name}: [{slug}] must hold [{slug}.<kind>] tables")
        for kind, table in tables.items():
            where = f"[{slug}.{kind}]"
            if kind not in kinds:
                raise LexiconError(f"{name}: {where}: kind {kind!r} is not described in [kinds]")
            terms = table.get("terms") if isinstance(table, Mapping) else None
            if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
                raise LexiconError(f"{name}: {where}.terms must be a list of non-empty strings")
            clean = [" ".join(t.lower().split()) for t in terms]
            for term in clean:
                if term in seen:
                    raise LexiconError(f"{name}: {where}: term {term!r} also occurs in {seen[term]}")
                seen[term] = where
            types.setdefault(slug, {})[kind] = clean
    if not types:
        raise LexiconError(f"{name}: no [<type>.<kind>] tables")
    return {"kinds": {str(k): str(v) for k, v in kinds.items()}, "types": types}


@dataclass(frozen=True)
class GazetteerMatch:
    """One gazetteer term found in a text.

    Attributes
    ----------
    term : str
        The gazetteer term.
    text : str
        The matched words as they appear in the (lower-cased) text.
    type, kind : str
        The term's activity type (slug) and kind.
    start, end : int
        Token span of the match.
    part : bool
        True when the term matched a part of a compound or hyphenated word rather than whole words.
    """

    term: str
    text: str
    type: str
    kind: str
    start: int
    end: int
    part: bool = False


class Gazetteer:
    """Gazetteer terms matched on lemmas and compound parts, longest match first.

    Parameters
    ----------
    source : str, Path, mapping or None, default=None
        The gazetteer (see :func:`load_gazetteer`); ``None`` uses the packaged one.
    pipeline : str, default="simple"
        Name of the text pipeline that lemmatizes the terms, see :func:`activity_classifier.text.get_pipeline`.

    Attributes
    ----------
    data : dict
        The validated gazetteer (what :func:`load_gazetteer` returns).
    slugs : tuple of str
        The eleven types in typology order.
    kinds : tuple of str
        The kinds, in the order of ``[kinds]``.
    """

    def __init__(self, source: str | Path | Mapping[str, Any] | None = None, pipeline: str = SIMPLE) -> None:
        self.data = load_gazetteer(source)
        self.pipeline = pipeline
        self.slugs = get_taxonomy().slugs
        self.kinds = tuple(self.data["kinds"])
        self.entries = {
            term: (slug, kind)
            for slug, tables in self.data["types"].items()
            for kind, terms in tables.items()
            for term in terms
        }
        self._index: PhraseIndex | None = None
        self._single: dict[str, str] = {}
        self._parts = LemmaHits(self._part_terms, CACHE_ENTRIES)

    def __len__(self) -> int:
        return len(self.entries)

    def __getstate__(self) -> dict[str, Any]:
        # The phrase index is rebuilt after loading instead of stored. The terms are stored as
        # one JSON string (skops writes containers entry by entry, slow to read back) and re-indexed on load.
        return {"data": json.dumps(self.data, ensure_ascii=False), "pipeline": self.pipeline}

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "entries" in state:  # pickled before the state was made compact (and held a PhraseMatcher)
            state = {k: v for k, v in state.items() if k != "_matcher"}
            self.__dict__.update(state, _index=None)
            self._parts = LemmaHits(self._part_terms, CACHE_ENTRIES)
            return
        data = json.loads(state["data"])
        raw = {"kinds": data["kinds"]}
        raw |= {
            slug: {kind: {"terms": terms} for kind, terms in tables.items()} for slug, tables in data["types"].items()
        }
        self.__init__(raw, state["pipeline"])  # type: ignore[misc]

    def prepare(self, process: Callable[[list[str]], Iterable[TokenView]] | None = None) -> None:
        """Build the phrase index now, processing the terms with ``process`` if given.

        ``process`` turns a list of texts into token views exactly as the pipeline does (see
        :meth:`activity_classifier.rules.RuleSet.prepare`); the pipeline's ``views`` when omitted.
        """
        if self._index is not None:
            return
        index = PhraseIndex()
        single: dict[str, str] = {}
        views = (process or get_pipeline(self.pipeline).views)(list(self.entries))
        for term, view in zip(self.entries, views, strict=True):
            index.add(term, view.lemma)
            if len(view.lemma) == 1:
                # One-word terms are also looked up among compound parts, by their lemma.
                single.setdefault(view.lemma[0], term)
                single.setdefault(term, term)
        self._single = single
        self._index = index

    @property
    def index(self) -> PhraseIndex:
        """The phrase index over lemmas (built on first use)."""
        self.prepare()
        assert self._index is not None
        return self._index

    def _part_terms(self, lemma: str) -> tuple[str, ...]:
        """Return the one-word terms found among the parts of a token's lemma (cached per lemma by ``_parts``)."""
        found: list[str] = []
        # A hyphenated word is searched part by part ("pdg-module" -> "pdg"), each part also as a
        # compound; a plain word only as a compound (as a whole it was a phrase candidate already).
        hyphenated = "-" in lemma
        pieces = [p for p in lemma.split("-") if p] if hyphenated else [lemma]
        for piece in pieces:
            whole = self._single.get(lemma_table([piece])[piece]) if hyphenated else None
            if whole is not None:
                found.append(whole)
                continue
            parts = split_compound(piece)
            for p in parts if len(parts) == 2 else ():
                part_term = self._single.get(p)
                if part_term is not None:
                    found.append(part_term)
        return tuple(found)

    def _make(self, term: str, text: str, start: int, end: int, part: bool) -> GazetteerMatch:
        slug, kind = self.entries[term]
        return GazetteerMatch(term=term, text=text, type=slug, kind=kind, start=start, end=end, part=part)

    def match_view(self, view: TokenView) -> tuple[GazetteerMatch, ...]:
        """Return the matches in one processed text.

        Overlapping phrase matches keep the longest (then the first); tokens that no phrase covers are
        searched for terms among the parts of hyphenated words and compounds.
        """
        spans = sorted(((s, e, term) for term, s, e in self.index(view.lemma)), key=lambda x: (x[0] - x[1], x[0]))
        covered: set[int] = set()
        found: list[GazetteerMatch] = []
        for start, end, term in spans:
            if covered.isdisjoint(range(start, end)):
                covered.update(range(start, end))
                found.append(self._make(term, " ".join(view.lower[start:end]), start, end, part=False))
        for i, terms in self._parts.positions(view.lemma):
            if i in covered:
                continue
            for term in terms:
                found.append(self._make(term, view.lower[i], i, i + 1, part=True))
        return tuple(sorted(found, key=lambda m: m.start))

    def match(self, texts: Iterable[object]) -> list[tuple[GazetteerMatch, ...]]:
        """Match raw texts (cleaned with :func:`activity_classifier.text.clean_text`)."""
        views = get_pipeline(self.pipeline).views(clean_text(t) for t in texts)
        return [self.match_view(view) for view in views]

    def feature_names(self) -> list[str]:
        """Names of the columns of :meth:`count_matrix`: ``gaz:type:<slug>`` then ``gaz:kind:<kind>``."""
        return [f"gaz:type:{s}" for s in self.slugs] + [f"gaz:kind:{k}" for k in self.kinds]

    def count_matrix(self, matches: Sequence[Sequence[GazetteerMatch]]) -> np.ndarray:
        """Count matches per type and per kind: shape ``(n_texts, 11 + n_kinds)``."""
        col = {s: j for j, s in enumerate(self.slugs)}
        kcol = {k: len(self.slugs) + j for j, k in enumerate(self.kinds)}
        out = np.zeros((len(matches), len(col) + len(kcol)))
        for i, found in enumerate(matches):
            for m in found:
                out[i, col[m.type]] += 1
                out[i, kcol[m.kind]] += 1
        return out
