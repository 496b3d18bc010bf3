"""Rendering the report as Markdown (tables only; the figures are in the HTML report)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._layout import _Cell, _intro, _Para, _sections, _Table, _Text, _title, _truncate

__all__ = ["render_markdown"]


def _md_escape(text: str) -> str:
    """Make a text safe inside a Markdown table cell (and inert if the Markdown is rendered as HTML)."""
    text = re.sub(r"\s+", " ", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def _md_table(table: _Table) -> list[str]:
    def cell(c: _Cell) -> str:
        return _md_escape(_truncate(c.text) if isinstance(c, _Text) else str(c))

    align = ["---:" if i in table.numeric else "---" for i in range(len(table.header))]
    lines = ["| " + " | ".join(_md_escape(h) for h in table.header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in table.rows]
    return lines


def render_markdown(metrics: Mapping[str, Any]) -> str:
    """Render the evaluation report as Markdown (tables only; the figures are in the HTML report).

    Parameters
    ----------
    metrics : dict
        The ``metrics.json`` dict of :func:`~activity_classifier.evaluation.evaluate_cv` or
        :func:`~activity_classifier.evaluation.evaluate_test`; missing blocks are left out.

    Returns
    -------
    str

    Examples
    --------
    >>> md = render_markdown({"kind": "test", "methods": {"hybrid": {"n": 4, "accuracy": 0.75}}})
    >>> print(md.splitlines()[0])
    # Evaluation report: held-out test
    >>> "| hybrid (rules + model) | 4 | 0.750 |" in md
    True
    """
    lines = [f"# {_md_escape(_title(metrics))}", ""]
    for para in _intro(metrics):
        lines += [_md_escape(para.text), ""]
    lines += ["Figures are in report.html, next to this file.", ""]
    for section in _sections(metrics):
        lines += [f"## {_md_escape(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, _Para):
                lines += [_md_escape(block.text), ""]
            elif isinstance(block, _Table):
                lines += [*_md_table(block), ""]
    return "\n".join(lines).rstrip() + "\n"
