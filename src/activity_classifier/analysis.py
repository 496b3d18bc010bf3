"""Text analysis: one spaCy pass per text, read once into an :class:`Analysis`.

Every text is processed once (:func:`analyse`) into an :class:`Analysis` that holds its cleaned text, its
lemmas and its keyword-rule result; the vectorizers (:mod:`activity_classifier.features`), the rules and
the policy all read from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .rules import RuleResult, RuleSet
from .text import MAX_TEXT_CHARS, clean_text, get_pipeline, token_view

__all__ = ["Analysis", "analyse"]


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
        view = token_view(doc)
        out.append(
            Analysis(
                text=text,
                lemmas=view.words,
                rules=rules.apply_doc(doc, view),
                truncated=len(" ".join(original.split())) > MAX_TEXT_CHARS,
            )
        )
    return out
