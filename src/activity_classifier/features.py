"""Feature extraction: one spaCy pass per text, then word, character and rule features.

Every text is processed once (:func:`analyse`) into an :class:`Analysis` that holds its lemmas and its
keyword-rule result; the vectorizers and the rules all read from it. The analyzers are module-level
functions so that fitted vectorizers pickle.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .rules import RuleResult, RuleSet
from .text import MAX_TEXT_CHARS, clean_text, get_pipeline, lemmas, split_compound

__all__ = ["Analysis", "analyse", "char_ngrams", "word_ngrams"]

CHAR_MIN = 3
CHAR_MAX = 5


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
    """

    text: str
    lemmas: tuple[str, ...]
    rules: RuleResult
    truncated: bool = False


def analyse(texts: Iterable[object], rules: RuleSet, batch_size: int = 256) -> list[Analysis]:
    """Process raw texts with the rule set's spaCy pipeline and apply the rules.

    Parameters
    ----------
    texts : iterable
        Raw texts; missing values become empty texts.
    rules : RuleSet
        The keyword rules; their pipeline name selects the spaCy pipeline.
    batch_size : int, default=256
        Texts per ``nlp.pipe`` batch.

    Returns
    -------
    list of Analysis
        One per input, in order.
    """
    raw = ["" if t is None else str(t) for t in texts]
    cleaned = [clean_text(t) for t in raw]
    nlp = get_pipeline(rules.pipeline)
    out = []
    for original, text, doc in zip(raw, cleaned, nlp.pipe(cleaned, batch_size=batch_size), strict=True):
        out.append(
            Analysis(
                text=text,
                lemmas=tuple(lemmas(doc)),
                rules=rules.apply_doc(doc),
                truncated=len(" ".join(original.split())) > MAX_TEXT_CHARS,
            )
        )
    return out


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


def char_ngrams(doc: Analysis) -> list[str]:
    """Character 3- to 5-grams within each lower-cased word (like ``char_wb``), cached per word.

    Character n-grams of the surface words catch Dutch compounds and spelling variants
    (``teamoverleg``, ``team-overleg``, ``teamoverlegje``) that lemma features miss.
    """
    feats: list[str] = []
    for word in doc.text.lower().split():
        feats.extend(_word_char_ngrams(word.strip(".,;:!?()[]\"'")))
    return feats


def texts_of(docs: Sequence[Analysis]) -> list[str]:
    """Return the cleaned texts of analyses."""
    return [d.text for d in docs]
