"""Evaluation reports: ``metrics.json``, ``report.md`` and a self-contained ``report.html``.

:func:`write_report` turns the dict returned by :func:`~activity_classifier.evaluation.evaluate_cv` or
:func:`~activity_classifier.evaluation.evaluate_test` (its keys are documented in ``docs/metrics.md``) into
three files in one folder::

    metrics.json   the dict itself, as strict JSON (NaN becomes null)
    report.md      headline table, per-type figures, calibration, review workload, learning curve,
                   keyword-rule analysis, likely label errors, misclassified rows, timings
    report.html    the same content with figures (base64 PNG) and inline CSS; no external file or URL

Both reports are rendered from one layout (:func:`_sections`), so they cannot drift apart; blocks missing
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

import base64
import html
import io
import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .taxonomy import get_taxonomy

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["render_html", "render_markdown", "to_json", "write_report"]

logger = logging.getLogger(__name__)

#: Methods of the classifier first, then the baselines; other keys follow in the dict's order.
_METHOD_ORDER = ("hybrid", "model", "rules", "majority", "tfidf_svm")
_METHOD_NAMES = {
    "hybrid": "hybrid (rules + model)",
    "model": "model only",
    "rules": "keyword rules only",
    "majority": "baseline: majority type",
    "tfidf_svm": "baseline: TF-IDF + linear SVM",
}
#: Methods drawn in the per-type F1 figure (the majority baseline is 0 almost everywhere).
_F1_FIGURE_METHODS = ("hybrid", "model", "rules", "tfidf_svm")
_STAGES = {
    "analyse": "text analysis (spaCy, keyword rules)",
    "fit": "model fits",
    "predict": "predictions",
    "baselines": "baselines",
    "metrics": "metrics and bootstrap intervals",
    "learning_curve": "learning curve",
}
#: How many example rows the reports list (metrics.json keeps them all).
MAX_EXAMPLES = 25
#: How many of the least precise keyword-rule terms the reports list.
WEAKEST_TERMS = 15
#: Example texts are cut at a word boundary near this many characters.
TEXT_LIMIT = 180
_DASH = "–"

# --------------------------------------------------------------------------------------------------
# Layout: sections of paragraphs, tables and figures, rendered to Markdown or HTML.


@dataclass(frozen=True)
class _Text:
    """A free text from the user's data: truncated in tables (the HTML keeps it whole in a tooltip)."""

    text: str


@dataclass(frozen=True)
class _Interval:
    """A value with its 95% interval: one line in Markdown, the interval on a second, smaller line in HTML."""

    value: str
    interval: str

    def __str__(self) -> str:
        return f"{self.value} {self.interval}".rstrip()


_Cell = str | _Text | _Interval


@dataclass
class _Table:
    header: list[str]
    rows: list[list[_Cell]]
    numeric: frozenset[int] = frozenset()
    #: Shown only in Markdown (the HTML has a figure with the same numbers).
    markdown_only: bool = False


@dataclass(frozen=True)
class _Para:
    text: str


@dataclass(frozen=True)
class _Figure:
    key: str
    alt: str


@dataclass
class _Section:
    title: str
    blocks: list[_Para | _Table | _Figure] = field(default_factory=list)


def _number(x: Any) -> float | None:
    """Return ``x`` as a finite float, or None for missing values, NaN and non-numbers."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x) if math.isfinite(x) else None


def _fmt(x: Any, digits: int = 3) -> str:
    v = _number(x)
    return _DASH if v is None else f"{v:.{digits}f}"


def _pct(x: Any, digits: int = 1) -> str:
    v = _number(x)
    return _DASH if v is None else f"{100 * v:.{digits}f}%"


def _int(x: Any) -> str:
    v = _number(x)
    return _DASH if v is None else f"{v:.0f}"


def _with_ci(x: Any, ci: Any) -> _Interval:
    """Format a value with its 95% interval, e.g. ``0.924 [0.905, 0.940]``."""
    if isinstance(ci, Sequence) and len(ci) == 2 and all(_number(c) is not None for c in ci):
        return _Interval(_fmt(x), f"[{_fmt(ci[0])}, {_fmt(ci[1])}]")
    return _Interval(_fmt(x), "")


def _dict(x: Any) -> Mapping[str, Any]:
    return x if isinstance(x, Mapping) else {}


def _list(x: Any) -> list[Any]:
    return list(x) if isinstance(x, list | tuple) else []


def _type_label(slug: Any) -> str:
    """``"I1 teaching_coaching"`` for a taxonomy slug; anything else as it is."""
    tax = get_taxonomy()
    text = str(slug)
    return f"{tax[text].id} {text}" if text in tax else text


def _truncate(text: str, limit: int = TEXT_LIMIT) -> str:
    """Collapse white space and cut at a word boundary, marking the cut with an ellipsis.

    Examples
    --------
    >>> _truncate("Met Wim   de nieuwe instroom besproken", limit=20)
    'Met Wim de nieuwe…'
    """
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def _methods(metrics: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    blocks = _dict(metrics.get("methods"))
    order = [m for m in _METHOD_ORDER if m in blocks] + [m for m in blocks if m not in _METHOD_ORDER]
    return [(m, _dict(blocks[m])) for m in order]


def _ordered_types(slugs: Iterable[str]) -> list[str]:
    """Taxonomy order first, then unknown labels (e.g. ``(none)``) in their given order."""
    present = list(dict.fromkeys(slugs))
    known = [s for s in get_taxonomy().slugs if s in present]
    return known + [s for s in present if s not in known]


# --------------------------------------------------------------------------------------------------
# Content.


def _intro(metrics: Mapping[str, Any]) -> list[_Para]:
    blocks: list[_Para] = []
    data = _dict(metrics.get("data"))
    settings = _dict(metrics.get("settings"))
    if data:
        parts = [str(data["file"])] if data.get("file") else []
        if data.get("rows") is not None:
            parts.append(f"{_int(data['rows'])} rows")
        if data.get("groups") is not None:
            parts.append(f"{_int(data['groups'])} groups")
        if data.get("sha256"):
            parts.append(f"SHA-256 {str(data['sha256'])[:16]}…")
        if parts:
            blocks.append(_Para("Data: " + ", ".join(parts) + "."))
    model = _dict(metrics.get("model"))
    if model:
        package = _dict(model.get("package"))
        trained = _dict(model.get("training_data"))
        text = f"Model: {package.get('name', 'activity-classifier')} {package.get('version', '')}".rstrip()
        if model.get("created"):
            text += f", created {model['created']}"
        if trained:
            text += f", trained on {trained.get('file', 'unknown data')} ({_int(trained.get('rows'))} rows)"
        blocks.append(_Para(text + "."))
    if metrics.get("kind") == "cross_validation" or "cv_folds" in settings:
        grouped = settings.get("grouped")
        how = "grouped (no group in both the training and the test part) " if grouped else ""
        text = f"Evaluation: {_int(settings.get('cv_folds'))}-fold {how}cross-validation; out-of-fold predictions."
    else:
        text = "Evaluation: held-out test set."
    if _number(settings.get("bootstrap_resamples")):
        # Only cross-validation records whether groups were used (then whole groups are resampled).
        whole = " of whole groups" if settings.get("grouped") else ""
        text += f" 95% intervals: percentile bootstrap with {_int(settings['bootstrap_resamples'])} resamples{whole}."
    if settings.get("random_state") is not None:
        text += f" Random state {settings['random_state']}."
    blocks.append(_Para(text))
    estimator = _dict(settings.get("estimator"))
    if estimator:
        blocks.append(_Para("Estimator settings: " + ", ".join(f"{k}={v}" for k, v in estimator.items()) + "."))
    if "schema_version" in metrics:
        blocks.append(_Para(f"metrics.json schema version {metrics['schema_version']} (see docs/metrics.md)."))
    return blocks


def _headline(metrics: Mapping[str, Any]) -> _Section:
    section = _Section("Headline")
    methods = _methods(metrics)
    if not methods:
        section.blocks.append(_Para("No method results in these metrics."))
        return section
    rows: list[list[_Cell]] = []
    for name, b in methods:
        ci = _dict(b.get("ci95"))
        group = _dict(b.get("group_level"))
        rows.append(
            [
                _METHOD_NAMES.get(name, name),
                _int(b.get("n")),
                _with_ci(b.get("accuracy"), ci.get("accuracy")),
                _with_ci(b.get("macro_f1"), ci.get("macro_f1")),
                _fmt(b.get("weighted_f1")),
                _with_ci(b.get("cohen_kappa"), ci.get("cohen_kappa")),
                _fmt(b.get("krippendorff_alpha")),
                _fmt(group.get("cohen_kappa")),
                _pct(b.get("flagged_for_review")),
                _int(b.get("abstained")),
            ]
        )
    header = ["Method", "n", "Accuracy", "Macro-F1", "Weighted F1", "Cohen's κ", "Krippendorff's α"]
    header += ["Group-level κ", "Flagged", "Abstained"]
    section.blocks.append(_Table(header, rows, numeric=frozenset(range(1, 10))))
    section.blocks.append(
        _Para(
            "95% intervals in brackets where computed. Group-level κ: agreement on informal versus formal "
            "learning. Flagged: share of items the method sends to a person for review. Abstentions (no "
            "label) count as errors in every figure."
        )
    )
    cv = _dict(_dict(metrics.get("model")).get("cv_metrics"))
    cv_rows: list[list[_Cell]] = [
        [_METHOD_NAMES.get(m, m), *(_fmt(_dict(cv[m]).get(k)) for k in ("accuracy", "macro_f1", "cohen_kappa"))]
        for m in cv
        if isinstance(cv[m], Mapping)
    ]
    if cv_rows:
        section.blocks.append(_Para("For comparison, the cross-validated figures stored with the model:"))
        section.blocks.append(_Table(["Method", "Accuracy", "Macro-F1", "Cohen's κ"], cv_rows, frozenset({1, 2, 3})))
    return section


def _per_type(metrics: Mapping[str, Any]) -> _Section | None:
    hybrid = _dict(_dict(metrics.get("methods")).get("hybrid"))
    per_type = _dict(hybrid.get("per_type"))
    confusion = _dict(hybrid.get("confusion"))
    if not per_type and not confusion and not _f1_methods(metrics):
        return None
    section = _Section("Per type")
    tax = get_taxonomy()
    if per_type:
        rows: list[list[_Cell]] = []
        for slug in _ordered_types(per_type):
            r = _dict(per_type[slug])
            name = tax[slug].name_en if slug in tax else ""
            row: list[_Cell] = [_type_label(slug), name]
            row += [_fmt(r.get(k)) for k in ("precision", "recall", "f1")]
            rows.append([*row, _int(r.get("support"))])
        header = ["Type", "Name", "Precision", "Recall", "F1", "Support"]
        section.blocks.append(_Para("Hybrid method:"))
        section.blocks.append(_Table(header, rows, numeric=frozenset({2, 3, 4, 5})))
    if _f1_methods(metrics):
        section.blocks.append(_Figure("f1", "F1 per type for each method"))
    labels, matrix = _list(confusion.get("labels")), _list(confusion.get("matrix"))
    if labels and len(matrix) == len(labels):
        ids = [tax[str(x)].id if str(x) in tax else str(x) for x in labels]
        section.blocks.append(
            _Para("Confusion matrix of the hybrid method: rows are gold types, columns predicted types.")
        )
        cm_rows: list[list[_Cell]] = [
            [_type_label(lab), *(_int(v) for v in _list(row))] for lab, row in zip(labels, matrix, strict=True)
        ]
        section.blocks.append(
            _Table(["Gold \\ predicted", *ids], cm_rows, frozenset(range(1, len(ids) + 1)), markdown_only=True)
        )
        section.blocks.append(_Figure("confusion", "Confusion matrix of the hybrid method"))
    return section


def _calibration(metrics: Mapping[str, Any]) -> _Section | None:
    cal = _dict(metrics.get("calibration"))
    if not cal:
        return None
    section = _Section("Calibration (model probabilities)")
    section.blocks.append(
        _Para(
            f"Brier score {_fmt(cal.get('brier'))} (0 is perfect); expected calibration error "
            f"{_fmt(cal.get('ece'))} (mean gap between confidence and accuracy, weighted by bin size)."
        )
    )
    table = [_dict(r) for r in _list(cal.get("reliability"))]
    if table:
        rows: list[list[_Cell]] = [
            [
                f"{_fmt(r.get('low'), 1)}–{_fmt(r.get('high'), 1)}",
                _int(r.get("count")),
                _fmt(r.get("confidence")),
                _fmt(r.get("accuracy")),
            ]
            for r in table
        ]
        section.blocks.append(
            _Table(["Confidence bin", "Items", "Mean confidence", "Accuracy"], rows, frozenset({1, 2, 3}))
        )
        section.blocks.append(_Figure("reliability", "Reliability diagram of the model's top-label confidence"))
    return section


def _coverage(metrics: Mapping[str, Any]) -> _Section | None:
    covered = [(m, _dict(b.get("coverage"))) for m, b in _methods(metrics) if _dict(b.get("coverage"))]
    if not covered:
        return None
    section = _Section("Review workload")
    for name, cov in covered:
        target = _number(cov.get("target"))
        share = _number(cov.get("review_share_for_target"))
        if target is None or share is None:
            continue
        goal = f"{100 * target:.0f}%"
        if share >= 1.0:
            text = f"{name}: {goal} accuracy is not reached at any confidence; a person reviews all items."
        else:
            text = f"{name}: to reach {goal} accuracy a person reviews {_pct(share)} of items (the least confident)."
        flagged = _dict(dict(_methods(metrics))[name]).get("flagged_for_review")
        if _number(flagged) is not None:
            text += f" The method itself flags {_pct(flagged)} for review."
        section.blocks.append(_Para(text))
    hybrid = _dict(_dict(_dict(metrics.get("methods")).get("hybrid")).get("coverage"))
    curve = [_dict(r) for r in _list(hybrid.get("curve"))]
    if curve:
        tenths = [r for r in curve if _number(r.get("threshold")) is not None and round(r["threshold"] * 100) % 10 == 0]
        rows: list[list[_Cell]] = [
            [_fmt(r.get("threshold"), 2), _pct(r.get("accepted")), _fmt(r.get("accuracy"))] for r in tenths or curve
        ]
        section.blocks.append(_Para("Hybrid: items accepted without review at each confidence threshold."))
        section.blocks.append(_Table(["Threshold", "Accepted", "Accuracy of accepted"], rows, frozenset({0, 1, 2})))
        section.blocks.append(_Figure("coverage", "Accepted share and accuracy against the confidence threshold"))
    return section


def _learning_curve(metrics: Mapping[str, Any]) -> _Section | None:
    curve = [_dict(r) for r in _list(metrics.get("learning_curve"))]
    if not curve:
        return None
    rows: list[list[_Cell]] = [
        [_pct(r.get("fraction"), 0), _fmt(r.get("rows"), 0), _fmt(r.get("macro_f1")), _fmt(r.get("macro_f1_sd"))]
        for r in curve
    ]
    return _Section(
        "Learning curve",
        [
            _Para(
                "Hybrid macro-F1 when each fold's model is trained on a share of its training groups (mean over folds)."
            ),
            _Table(["Share of training data", "Training rows", "Macro-F1", "SD"], rows, frozenset({0, 1, 2, 3})),
            _Figure("learning_curve", "Learning curve: macro-F1 against training rows"),
        ],
    )


def _rules(metrics: Mapping[str, Any]) -> _Section | None:
    analysis = _dict(metrics.get("rules"))
    if not analysis:
        return None
    section = _Section("Keyword rules")
    if _number(analysis.get("abstain_rate")) is not None:
        section.blocks.append(_Para(f"No rule fires on {_pct(analysis['abstain_rate'])} of the texts."))
    per_type = _dict(analysis.get("rules"))
    if per_type:
        rows: list[list[_Cell]] = []
        for slug in _ordered_types(per_type):
            r = _dict(per_type[slug])
            rows.append(
                [
                    _type_label(slug),
                    _pct(r.get("coverage")),
                    _fmt(r.get("precision")),
                    _fmt(r.get("recall")),
                    _pct(r.get("overlaps")),
                    _pct(r.get("conflicts")),
                    _int(r.get("wins")),
                    _fmt(r.get("win_accuracy")),
                ]
            )
        header = ["Type", "Coverage", "Precision", "Recall", "Overlaps", "Conflicts", "Wins", "Win accuracy"]
        section.blocks.append(_Table(header, rows, frozenset(range(1, 8))))
        section.blocks.append(
            _Para(
                "Coverage: share of texts where the type's rule fires. Overlaps and conflicts: share of its "
                "firings where another rule also fires, or scores at least as high. Wins: how often it is the "
                "top rule; win accuracy: how often it is then right."
            )
        )
    terms = [_dict(t) for t in _list(analysis.get("terms"))]
    if terms:
        weakest = sorted(terms, key=lambda t: (_number(t.get("precision")) or 0.0, -(_number(t.get("fired")) or 0.0)))
        rows = [
            [_type_label(t.get("type")), _Text(str(t.get("term", ""))), _int(t.get("fired")), _fmt(t.get("precision"))]
            for t in weakest[:WEAKEST_TERMS]
        ]
        section.blocks.append(_Para(f"The {min(WEAKEST_TERMS, len(terms))} least precise of {len(terms)} terms:"))
        section.blocks.append(_Table(["Type", "Term", "Fired", "Precision"], rows, frozenset({2, 3})))
    return section


def _plain(x: Any) -> str:
    return _DASH if x is None else str(x)


_Column = tuple[str, str, Callable[[Any], str]]
#: Header, key and formatter of the columns that identify an example row.
_ROW_COLUMNS: tuple[_Column, ...] = (
    ("Row", "row", _plain),
    ("Id", "id", _plain),
    ("Gold", "gold", _plain),
    ("Predicted", "predicted", _plain),
)


def _examples(title: str, intro: str, items: list[Any], columns: Sequence[_Column]) -> _Section:
    section = _Section(title)
    if not items:
        section.blocks.append(_Para("None."))
        return section
    shown = items[:MAX_EXAMPLES]
    more = f" Showing {len(shown)} of {len(items)}; metrics.json has them all." if len(items) > len(shown) else ""
    section.blocks.append(_Para(intro + more))
    rows: list[list[_Cell]] = []
    for item in (_dict(x) for x in shown):
        cells: list[_Cell] = [fmt(item.get(key)) for _, key, fmt in columns]
        rows.append([*cells, _Text(str(item.get("text") or ""))])
    header = [name for name, _, _ in columns] + ["Text"]
    numeric = frozenset(i for i, (_, key, _) in enumerate(columns) if key not in ("id", "gold", "predicted"))
    section.blocks.append(_Table(header, rows, numeric))
    return section


def _timing(metrics: Mapping[str, Any]) -> _Section | None:
    seconds = _dict(metrics.get("seconds"))
    if not seconds:
        return None
    total = _number(seconds.get("total"))
    rows: list[list[_Cell]] = []
    for stage, value in seconds.items():
        if stage == "total":
            continue
        v = _number(value)
        share = v / total if v is not None and total else None
        rows.append([_STAGES.get(stage, stage), _fmt(v, 1), _pct(share, 0)])
    if total is not None:
        rows.append(["total", _fmt(total, 1), "100%"])
    return _Section("Where the time went", [_Table(["Stage", "Seconds", "Share"], rows, frozenset({1, 2}))])


def _sections(metrics: Mapping[str, Any]) -> list[_Section]:
    sections = [_headline(metrics)]
    for build in (_per_type, _calibration, _coverage, _learning_curve, _rules):
        section = build(metrics)
        if section is not None:
            sections.append(section)
    if "likely_label_errors" in metrics:
        sections.append(
            _examples(
                "Likely label errors",
                "Rows where the model, not trained on them, gives another type high probability and the gold "
                "type almost none: check the gold label first.",
                _list(metrics["likely_label_errors"]),
                [*_ROW_COLUMNS, ("p(predicted)", "p_predicted", _fmt), ("p(gold)", "p_gold", _fmt)],
            )
        )
    if "misclassified" in metrics:
        sections.append(
            _examples(
                "Misclassified (hybrid)",
                "Wrong predictions of the hybrid method, most confident first. Row: spreadsheet row (header is row 1).",
                _list(metrics["misclassified"]),
                [*_ROW_COLUMNS, ("Confidence", "confidence", _fmt)],
            )
        )
    timing = _timing(metrics)
    if timing is not None:
        sections.append(timing)
    return sections


def _title(metrics: Mapping[str, Any]) -> str:
    kind = metrics.get("kind")
    what = {"cross_validation": "cross-validation", "test": "held-out test"}.get(str(kind), str(kind or ""))
    return f"Evaluation report: {what}" if what else "Evaluation report"


# --------------------------------------------------------------------------------------------------
# Markdown.


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


# --------------------------------------------------------------------------------------------------
# HTML.

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2328;
       margin: 0; background: #fff; line-height: 1.45; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 1.7em; margin: 0.4em 0 0.3em; }
h2 { font-size: 1.3em; margin: 1.8em 0 0.5em; padding-bottom: 0.2em; border-bottom: 1px solid #d0d7de; }
p { margin: 0.4em 0 0.8em; }
p.meta { color: #57606a; font-size: 0.92em; margin: 0.15em 0; }
.scroll { overflow-x: auto; margin: 0.5em 0 1em; }
table { border-collapse: collapse; font-size: 0.88em; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; text-align: left; }
th { background: #f6f8fa; font-weight: 600; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
th.num { text-align: right; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td:first-child { white-space: nowrap; }
span.ci { color: #57606a; font-size: 0.85em; }
td.text { min-width: 320px; max-width: 560px; }
figure { margin: 0.8em 0 1.6em; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #eaeef2; }
figcaption { color: #57606a; font-size: 0.9em; margin-top: 0.3em; }
"""
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
        f"<title>{esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )


# --------------------------------------------------------------------------------------------------
# Figures (matplotlib, object-oriented API only).

_COLOURS = {"hybrid": "#1f77b4", "model": "#ff7f0e", "rules": "#2ca02c", "tfidf_svm": "#7f7f7f"}


def _f1_methods(metrics: Mapping[str, Any]) -> list[str]:
    blocks = _dict(metrics.get("methods"))
    return [m for m in _F1_FIGURE_METHODS if _dict(_dict(blocks.get(m)).get("per_type"))]


def _nan(x: Any) -> float:
    v = _number(x)
    return math.nan if v is None else v


def _new_figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _plot_confusion(metrics: Mapping[str, Any]) -> Figure:
    import numpy as np

    confusion = _dict(_dict(_dict(metrics.get("methods")).get("hybrid")).get("confusion"))
    labels = [str(x) for x in _list(confusion.get("labels"))]
    counts = np.array([[_number(v) or 0.0 for v in _list(row)] for row in _list(confusion.get("matrix"))])
    totals = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    n = len(labels)
    fig = _new_figure(max(6.0, 0.62 * n + 4.2), max(5.0, 0.55 * n + 2.6))
    ax = fig.add_subplot()
    image = ax.imshow(share, cmap="Blues", vmin=0.0, vmax=1.0)
    for i in range(n):
        for j in range(n):
            value = int(counts[i, j])
            colour = "white" if share[i, j] > 0.55 else ("#1f2328" if value else "#c0c0c0")
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8.5, color=colour)
    ticks = [_type_label(x) for x in labels]
    ax.set_xticks(range(n), labels=ticks, rotation=40, ha="right", rotation_mode="anchor", fontsize=8.5)
    ax.set_yticks(range(n), labels=ticks, fontsize=8.5)
    ax.set_xlabel("Predicted type")
    ax.set_ylabel("Gold type")
    ax.set_title("Confusion matrix, hybrid (numbers: counts; colour: share of the gold row)")
    fig.colorbar(image, ax=ax, shrink=0.8, label="Share of the gold type's rows")
    return fig


def _plot_f1(metrics: Mapping[str, Any]) -> Figure:
    import numpy as np

    blocks = _dict(metrics.get("methods"))
    methods = _f1_methods(metrics)
    types = _ordered_types(s for m in methods for s in _dict(_dict(blocks[m]).get("per_type")))
    fig = _new_figure(9.0, max(4.0, 0.48 * len(types) + 1.6))
    ax = fig.add_subplot()
    y = np.arange(len(types))
    height = 0.8 / len(methods)
    for k, m in enumerate(methods):
        per_type = _dict(_dict(blocks[m]).get("per_type"))
        f1 = [_nan(_dict(per_type.get(t)).get("f1")) for t in types]
        offset = (k - (len(methods) - 1) / 2) * height
        ax.barh(y + offset, f1, height, label=_METHOD_NAMES.get(m, m), color=_COLOURS.get(m))
    ax.set_yticks(y, labels=[_type_label(t) for t in types], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("F1")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title("F1 per type")
    fig.legend(loc="outside lower center", ncols=len(methods), frameon=False)
    return fig


def _plot_coverage(metrics: Mapping[str, Any]) -> Figure:
    coverage = _dict(_dict(_dict(metrics.get("methods")).get("hybrid")).get("coverage"))
    curve = [_dict(r) for r in _list(coverage.get("curve"))]
    thresholds = [_nan(r.get("threshold")) for r in curve]
    fig = _new_figure(8.0, 4.6)
    ax = fig.add_subplot()
    ax.plot(thresholds, [_nan(r.get("accepted")) for r in curve], marker="o", ms=3.5, label="Share accepted")
    ax.plot(thresholds, [_nan(r.get("accuracy")) for r in curve], marker="o", ms=3.5, label="Accuracy of accepted")
    target = _number(coverage.get("target"))
    title = "Review workload, hybrid"
    if target is not None:
        ax.axhline(target, color="#57606a", linestyle="--", linewidth=1, label=f"Target accuracy {100 * target:.0f}%")
        share = _number(coverage.get("review_share_for_target"))
        if share is not None:
            title += f": reviewing {100 * share:.1f}% of items reaches {100 * target:.0f}% accuracy"
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("Confidence threshold (items at or above it are accepted)")
    ax.set_ylabel("Share")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    ax.set_title(title)
    return fig


def _plot_reliability(metrics: Mapping[str, Any]) -> Figure:
    calibration = _dict(metrics.get("calibration"))
    table = [_dict(r) for r in _list(calibration.get("reliability"))]
    fig = _new_figure(6.4, 5.6)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="#57606a", linestyle="--", linewidth=1, label="Perfect calibration")
    lows = [_nan(r.get("low")) for r in table]
    widths = [_nan(r.get("high")) - low for r, low in zip(table, lows, strict=True)]
    accuracy = [_nan(r.get("accuracy")) for r in table]
    ax.bar(
        lows,
        accuracy,
        width=widths,
        align="edge",
        color="#1f77b4",
        alpha=0.35,
        edgecolor="#1f77b4",
        label="Accuracy per bin",
    )
    ax.plot(
        [_nan(r.get("confidence")) for r in table], accuracy, "o", color="#1f77b4", label="Mean confidence, accuracy"
    )
    for r, low, width, acc in zip(table, lows, widths, accuracy, strict=True):
        if math.isfinite(acc):
            ax.text(
                low + width / 2, acc + 0.015, f"n={_int(r.get('count'))}", ha="center", fontsize=7.5, color="#57606a"
            )
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.08)
    ax.set_xlabel("Top-label confidence of the model")
    ax.set_ylabel("Accuracy")
    ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncols=3, frameon=False, fontsize=8.5)
    ax.set_title(f"Reliability: ECE {_fmt(calibration.get('ece'))}, Brier {_fmt(calibration.get('brier'))}")
    return fig


def _plot_learning_curve(metrics: Mapping[str, Any]) -> Figure:
    import numpy as np

    curve = [_dict(r) for r in _list(metrics.get("learning_curve"))]
    rows = np.array([_nan(r.get("rows")) for r in curve])
    f1 = np.array([_nan(r.get("macro_f1")) for r in curve])
    sd = np.nan_to_num(np.array([_nan(r.get("macro_f1_sd")) for r in curve]))
    fig = _new_figure(8.0, 4.6)
    ax = fig.add_subplot()
    ax.fill_between(rows, f1 - sd, f1 + sd, color="#1f77b4", alpha=0.2, label="± 1 SD over folds")
    ax.plot(rows, f1, marker="o", color="#1f77b4", label="Hybrid macro-F1")
    for r, x, v in zip(curve, rows, f1, strict=True):
        if math.isfinite(x) and math.isfinite(v):
            ax.annotate(
                _pct(r.get("fraction"), 0), (x, v), textcoords="offset points", xytext=(0, -14), ha="center", fontsize=8
            )
    finite = f1[np.isfinite(f1)]
    low = float(np.min(finite - 0.05)) if finite.size else 0.0
    ax.set_ylim(max(0.0, low), 1.0)
    ax.set_xlim(left=0)
    ax.set_xlabel("Training rows (mean over folds)")
    ax.set_ylabel("Macro-F1")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    ax.set_title("Learning curve")
    return fig


_PLOTS: dict[str, Callable[[Mapping[str, Any]], Figure]] = {
    "confusion": _plot_confusion,
    "f1": _plot_f1,
    "coverage": _plot_coverage,
    "reliability": _plot_reliability,
    "learning_curve": _plot_learning_curve,
}


def _figure_png(metrics: Mapping[str, Any], key: str) -> bytes:
    """Draw one figure and return it as PNG bytes."""
    fig = _PLOTS[key](metrics)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    logger.debug("drew figure %s (%d bytes)", key, buffer.tell())
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------
# Files.


def _json_safe(value: Any) -> Any:
    """Replace NaN and infinities by None, tuples by lists, and NumPy values by Python ones."""
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):
        return _json_safe(value.tolist())
    return value


def to_json(metrics: Mapping[str, Any]) -> str:
    """Serialise metrics as strict JSON: indented, UTF-8 text kept readable, NaN written as null.

    Examples
    --------
    >>> print(to_json({"accuracy": float("nan"), "type": "conférence"}))
    {
      "accuracy": null,
      "type": "conférence"
    }
    """
    return json.dumps(_json_safe(metrics), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_report(metrics: Mapping[str, Any], directory: str | Path) -> Path:
    """Write ``metrics.json``, ``report.md`` and ``report.html`` into ``directory``.

    All three are rendered before anything is written, and each file is replaced atomically (written to a
    temporary file in ``directory``, then renamed), so a failure never leaves a half-written file.

    Parameters
    ----------
    metrics : dict
        The dict returned by :func:`~activity_classifier.evaluation.evaluate_cv` or
        :func:`~activity_classifier.evaluation.evaluate_test` (or read back from ``metrics.json``).
    directory : str or Path
        Output folder; created if needed. Existing report files in it are replaced.

    Returns
    -------
    Path
        The folder.
    """
    from .tables import atomic_write

    dest = Path(directory)
    contents = {
        "metrics.json": to_json(metrics),
        "report.md": render_markdown(metrics),
        "report.html": render_html(metrics),
    }
    dest.mkdir(parents=True, exist_ok=True)
    for name, text in contents.items():
        atomic_write(dest / name, _writer(text.encode("utf-8")))
    logger.info("wrote evaluation report to %s", dest)
    return dest


def _writer(data: bytes) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return write
