"""Evaluation reports: ``metrics.json``, ``report.md`` and a self-contained ``report.html``.

:func:`write_report` turns the dict returned by :func:`~activity_classifier.evaluation.evaluate_cv` or
:func:`~activity_classifier.evaluation.evaluate_test` (its keys are documented in ``docs/metrics.md``) into
three files in one folder::

    metrics.json   the dict itself, as strict JSON (NaN becomes null)
    report.md      headline table, per-type figures, calibration, review workload, learning curve,
                   keyword-rule analysis, likely label errors, misclassified rows, timings
    report.html    the same content with figures (base64 PNG) and inline CSS; no external file or URL

Both reports are rendered from one layout (``_layout._sections``), so they cannot drift apart; blocks missing
from the dict (baselines, calibration, learning curve, ...) are left out. Everything is rendered in memory
before the first file is written, and each file is written atomically, so a failure leaves no
half-written file behind.

Figures use matplotlib's object-oriented API (``matplotlib.figure.Figure``), never ``pyplot``: the
caller's backend and open figures are untouched. matplotlib is imported only when figures are drawn,
which keeps the command line quick to start.

Texts in the metrics come from users' files: they are HTML-escaped in ``report.html`` (which also forbids
scripts and remote content with a Content-Security-Policy) and in ``report.md``.
"""

from __future__ import annotations

from ._files import to_json, write_report
from ._html import render_html
from ._markdown import render_markdown

__all__ = ["render_html", "render_markdown", "to_json", "write_report"]
