"""Keyword-rule analysis: every rule measured against gold labels, as snorkel's labeling-function analysis does."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..rules import RuleResult
from ..taxonomy import get_taxonomy

__all__ = ["rule_analysis"]


def rule_analysis(
    results: Sequence[RuleResult], gold: Sequence[str], texts: Sequence[str] | None = None, max_errors: int = 20
) -> dict[str, Any]:
    """Measure every keyword rule against gold labels, as snorkel's labeling-function analysis does.

    Parameters
    ----------
    results : sequence of RuleResult
        The rule set's output for each text.
    gold : sequence of str
        Gold labels.
    texts : sequence of str, optional
        The texts, to list the rows a rule got wrong.
    max_errors : int, default=20
        How many wrong rows to list per rule.

    Returns
    -------
    dict
        ``rules``: per type ``coverage`` (share of texts where the rule fires), ``precision`` (share of its
        firings on texts of its type), ``recall``, ``overlaps`` (share of its firings where another rule
        also fires), ``conflicts`` (share where another rule scores at least as high), ``wins`` and
        ``win_accuracy`` (how often it is the top rule and then right), ``errors`` (firings on other types).
        ``terms``: per matched term, how often it fired and its precision. ``abstain_rate``: share of texts
        where no rule fires.
    """
    tax = get_taxonomy()
    n = len(gold)
    report: dict[str, Any] = {}
    term_hits: dict[tuple[str, str], list[int]] = {}
    for slug in tax.slugs:
        fired = [i for i, r in enumerate(results) if r.scores.get(slug, 0.0) > 0]
        right = [i for i in fired if gold[i] == slug]
        others = [i for i in fired if sum(1 for s, v in results[i].scores.items() if v > 0 and s != slug)]
        conflicts = [
            i for i in fired if any(v >= results[i].scores[slug] for s, v in results[i].scores.items() if s != slug)
        ]
        wins = [i for i, r in enumerate(results) if r.top == slug]
        errors = [
            {
                "index": i,
                "gold": gold[i],
                "matched": list(results[i].matches.get(slug, ())),
                "text": texts[i] if texts else None,
            }
            for i in fired
            if gold[i] != slug
        ][:max_errors]
        support = sum(1 for g in gold if g == slug)
        report[slug] = {
            "coverage": len(fired) / n if n else 0.0,
            "precision": len(right) / len(fired) if fired else 0.0,
            "recall": len(right) / support if support else 0.0,
            "overlaps": len(others) / len(fired) if fired else 0.0,
            "conflicts": len(conflicts) / len(fired) if fired else 0.0,
            "wins": len(wins),
            "win_accuracy": sum(1 for i in wins if gold[i] == slug) / len(wins) if wins else 0.0,
            "errors": errors,
        }
        for i in fired:
            for term in results[i].matches.get(slug, ()):
                term_hits.setdefault((slug, term), []).append(i)
    terms: list[dict[str, Any]] = sorted(
        (
            {
                "type": slug,
                "term": term,
                "fired": len(rows),
                "precision": sum(1 for i in rows if gold[i] == slug) / len(rows),
            }
            for (slug, term), rows in term_hits.items()
        ),
        key=lambda t: (t["precision"], -t["fired"]),
    )
    return {
        "rules": report,
        "terms": terms,
        "abstain_rate": sum(1 for r in results if r.abstained) / n if n else 0.0,
    }
