"""The report's layout: sections of paragraphs, tables and figures built from a ``metrics.json`` dict.

Both renderers (:mod:`._markdown` and :mod:`._html`) walk the same :func:`_sections`, so the two reports
cannot drift apart; blocks missing from the dict (baselines, calibration, learning curve, ...) are left
out.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..._output import shorten
from ...taxonomy import get_taxonomy

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
    "adaptation_curve": "adaptation curve",
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
    """Shorten a text for a report cell (see :func:`activity_classifier._output.shorten`).

    Examples
    --------
    >>> _truncate("Met Wim   de nieuwe instroom besproken", limit=20)
    'Met Wim de nieuwe…'
    """
    return shorten(text, limit)


def _methods(metrics: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    blocks = _dict(metrics.get("methods"))
    order = [m for m in _METHOD_ORDER if m in blocks] + [m for m in blocks if m not in _METHOD_ORDER]
    return [(m, _dict(blocks[m])) for m in order]


def _ordered_types(slugs: Iterable[str]) -> list[str]:
    """Taxonomy order first, then unknown labels (e.g. ``(none)``) in their given order."""
    present = list(dict.fromkeys(slugs))
    known = [s for s in get_taxonomy().slugs if s in present]
    return known + [s for s in present if s not in known]


def _f1_methods(metrics: Mapping[str, Any]) -> list[str]:
    """Return the methods drawn in the per-type F1 figure: those with per-type figures."""
    blocks = _dict(metrics.get("methods"))
    return [m for m in _F1_FIGURE_METHODS if _dict(_dict(blocks.get(m)).get("per_type"))]


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
    baselines = _dict(metrics.get("baseline_training"))
    if baselines:
        seen = []
        for name, b in baselines.items():
            info = _dict(b)
            what = str(info.get("source", "unknown data"))
            if info.get("file"):
                what += f": {info['file']}"
            if info.get("rows") is not None:
                what += f", {_int(info['rows'])} rows"
            if info.get("sha256"):
                what += f", SHA-256 {str(info['sha256'])[:16]}…"
            seen.append(f"{_METHOD_NAMES.get(name, name)} trained on {what}")
        blocks.append(_Para("Baselines: " + "; ".join(seen) + "."))
    if metrics.get("kind") == "cross_validation" or "cv_folds" in settings:
        grouped = settings.get("grouped")
        column = f" by {settings['group_column']!r}" if settings.get("group_column") else ""
        how = f"grouped{column} (no group in both the training and the test part) " if grouped else "UNGROUPED "
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
    # Models store the metrics.json of their cross-validation; older ones stored the methods at the top.
    cv = _dict(cv.get("methods")) if "methods" in cv else cv
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
            ci = _dict(r.get("ci95"))
            row += [_with_ci(r.get(k), ci.get(k)) if ci else _fmt(r.get(k)) for k in ("precision", "recall", "f1")]
            rows.append([*row, _int(r.get("support"))])
        header = ["Type", "Name", "Precision", "Recall", "F1", "Support"]
        with_ci = any(_dict(per_type[t]).get("ci95") for t in per_type)
        section.blocks.append(_Para("Hybrid method" + (" (95% bootstrap intervals in brackets):" if with_ci else ":")))
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


def _risk_coverage(metrics: Mapping[str, Any]) -> _Section | None:
    blocks = [(m, _dict(b.get("risk_coverage"))) for m, b in _methods(metrics) if _dict(b.get("risk_coverage"))]
    if not blocks:
        return None
    section = _Section("Risk and coverage")
    section.blocks.append(
        _Para(
            "Accepting the most confident items first: the accuracy of the accepted at 90%, 80% and 60% coverage, "
            "and the area under the risk-coverage curve (AURC, the mean error rate of the accepted; lower is better)."
        )
    )
    rows: list[list[_Cell]] = []
    for name, risk in blocks:
        at = _dict(risk.get("accuracy_at_coverage"))
        rows.append([name, _fmt(risk.get("aurc"), 4), *(_fmt(at.get(k)) for k in ("0.9", "0.8", "0.6"))])
    section.blocks.append(_Table(["Method", "AURC", "At 90%", "At 80%", "At 60%"], rows, frozenset({1, 2, 3, 4})))
    shift = _dict(metrics.get("shift"))
    if shift:
        text = f"This batch: {_int(shift.get('accepted'))} of {_int(shift.get('rows'))} rows accepted"
        if _number(shift.get("target_accuracy")) is not None:
            text += (
                f" at the target accuracy {_pct(shift.get('target_accuracy'), 0)} (expected accuracy "
                f"{_fmt(shift.get('expected_accuracy'))}, measured {_fmt(shift.get('accepted_accuracy'))})"
            )
        text += (
            f"; unknown-word share {_pct(shift.get('unknown_word_share'))} against the training data's "
            f"{_pct(shift.get('training_unknown_word_share'))}."
        )
        if shift.get("advice"):
            text += f" {str(shift['advice']).capitalize()}."
        section.blocks.append(_Para(text))
    section.blocks.append(_Figure("risk_coverage", "Accuracy of the accepted against coverage"))
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


def _adaptation_curve(metrics: Mapping[str, Any]) -> _Section | None:
    curve = _dict(metrics.get("adaptation_curve"))
    points = [_dict(p) for p in _list(curve.get("points"))]
    if not points:
        return None
    settings = _dict(curve.get("settings"))
    added = _dict(settings.get("added_corpus"))

    def with_ci(p: Mapping[str, Any], key: str) -> _Cell:
        ci = _list(p.get(f"{key}_ci95"))
        interval = f"[{_fmt(ci[0])}, {_fmt(ci[1])}]" if len(ci) == 2 else ""
        return _Interval(_fmt(p.get(key)), interval)

    rows: list[list[_Cell]] = [
        [
            "own + bundled corpus" if p.get("with_corpus") else "own rows only",
            str(p.get("size")),
            _fmt(p.get("rows"), 0),
            with_ci(p, "macro_f1"),
            with_ci(p, "cohen_kappa"),
        ]
        for p in points
    ]
    text = (
        f"Hybrid macro-F1 and Cohen's kappa on your own rows ({_int(settings.get('rows'))}, "
        f"{_int(settings.get('cv_folds'))}-fold {'grouped ' if settings.get('grouped') else ''}cross-validation) "
        "when each fold's model is trained on that many of the fold's own training rows"
    )
    if added:
        text += (
            f", alone and with the added corpus ({_int(added.get('rows'))} rows, own rows weighted "
            f"{_fmt(added.get('own_weight'), 2)}; it never enters a test fold)"
        )
    text += ". Intervals: 95% t-intervals over the folds (folds share rows, so a rough guide)."
    return _Section(
        "Adaptation curve",
        [
            _Para(text),
            _Table(["Training data", "Size", "Own rows", "Macro-F1", "Kappa"], rows, frozenset({1, 2, 3, 4})),
            _Figure("adaptation_curve", "Macro-F1 and kappa against the number of own coded rows"),
            _Para(str(curve.get("sentence", ""))),
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
    for build in (_per_type, _calibration, _coverage, _risk_coverage, _learning_curve, _adaptation_curve, _rules):
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
    record = _reproducibility(metrics)
    if record is not None:
        sections.append(record)
    return sections


def _reproducibility(metrics: Mapping[str, Any]) -> _Section | None:
    record = _dict(metrics.get("reproducibility"))
    if not record:
        return None
    rows: list[list[_Cell]] = [["date (UTC)", str(record.get("date") or _DASH)]]
    rows.append(["command", str(record.get("command") or "library call (no command line)")])
    rows += [[name, str(v or "not installed")] for name, v in _dict(record.get("versions")).items()]
    rows.append(["platform", str(record.get("platform") or _DASH)])
    for d in _list(record.get("data")):
        info = _dict(d)
        sha = info.get("sha256") or _DASH
        what = f"{info.get('file') or 'unknown file'}, {_int(info.get('rows'))} rows, SHA-256 {sha}"
        rows.append([f"data ({info.get('role', 'data')})", what])
    return _Section(
        "Reproducibility",
        [
            _Para("What produced these figures; cite the versions and SHA-256 hashes to pin them."),
            _Table(["Item", "Value"], rows),
        ],
    )


def figure_keys(metrics: Mapping[str, Any]) -> list[str]:
    """Return the names of the figures the report of ``metrics`` shows, in order."""
    return [b.key for section in _sections(metrics) for b in section.blocks if isinstance(b, _Figure)]


def _title(metrics: Mapping[str, Any]) -> str:
    kind = metrics.get("kind")
    what = {"cross_validation": "cross-validation", "test": "held-out test"}.get(str(kind), str(kind or ""))
    return f"Evaluation report: {what}" if what else "Evaluation report"
