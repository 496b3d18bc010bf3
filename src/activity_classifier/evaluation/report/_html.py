"""Rendering the report as one self-contained HTML page: inline CSS (``report.css``), figures as data URLs."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping
from importlib import resources
from typing import Any

from ._figures import _figure_png
from ._layout import _Interval, _intro, _Para, _sections, _Table, _Text, _title, _truncate

__all__ = ["render_html"]


def _css() -> str:
    """Return the report's style sheet, a packaged file next to this module."""
    return "\n" + resources.files(__package__).joinpath("report.css").read_text("utf-8")


# Defence in depth: even if some text escaped escaping, no script runs and nothing is fetched.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _html_table(table: _Table) -> str:
    esc = html.escape
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in table.numeric else f"<th>{esc(h)}</th>"
        for i, h in enumerate(table.header)
    )
    body = []
    for row in table.rows:
        cells = []
        for i, c in enumerate(row):
            if isinstance(c, _Text):
                short = _truncate(c.text)
                title = f' title="{esc(c.text)}"' if short != c.text else ""
                cells.append(f'<td class="text"{title}>{esc(short)}</td>')
            elif isinstance(c, _Interval):
                interval = f'<br><span class="ci">{esc(c.interval)}</span>' if c.interval else ""
                cells.append(f'<td class="num">{esc(c.value)}{interval}</td>')
            elif i in table.numeric:
                cells.append(f'<td class="num">{esc(c)}</td>')
            else:
                cells.append(f"<td>{esc(c)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def render_html(metrics: Mapping[str, Any]) -> str:
    """Render the evaluation report as one self-contained HTML page with figures.

    Figures are PNG images embedded as ``data:`` URLs and the CSS is inline, so the file can be mailed or
    archived on its own. Every text is HTML-escaped.

    Parameters
    ----------
    metrics : dict
        As for :func:`render_markdown`.

    Returns
    -------
    str
    """
    esc = html.escape
    title = _title(metrics)
    parts = [f"<h1>{esc(title)}</h1>"]
    parts += [f'<p class="meta">{esc(b.text)}</p>' for b in _intro(metrics)]
    for section in _sections(metrics):
        parts.append(f"<section><h2>{esc(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, _Para):
                parts.append(f"<p>{esc(block.text)}</p>")
            elif isinstance(block, _Table):
                if not block.markdown_only:
                    parts.append(_html_table(block))
            else:
                png = base64.b64encode(_figure_png(metrics, block.key)).decode("ascii")
                parts.append(
                    f'<figure><img src="data:image/png;base64,{png}" alt="{esc(block.alt)}">'
                    f"<figcaption>{esc(block.alt)}</figcaption></figure>"
                )
        parts.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{_css()}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )
