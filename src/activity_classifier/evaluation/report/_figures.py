"""The report's figures, drawn with matplotlib's object-oriented API (never ``pyplot``) and returned as PNG."""

from __future__ import annotations

import io
import logging
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from ._layout import _METHOD_NAMES, _dict, _f1_methods, _fmt, _int, _list, _number, _ordered_types, _pct, _type_label

logger = logging.getLogger(__name__)

_COLOURS = {"hybrid": "#1f77b4", "model": "#ff7f0e", "rules": "#2ca02c", "tfidf_svm": "#7f7f7f"}


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


def _plot_risk_coverage(metrics: Mapping[str, Any]) -> Figure:
    fig = _new_figure(8.0, 4.6)
    ax = fig.add_subplot()
    for name, block in _dict(metrics.get("methods")).items():
        risk = _dict(_dict(block).get("risk_coverage"))
        curve = [_dict(r) for r in _list(risk.get("curve"))]
        if not curve:
            continue
        ax.plot(
            [_nan(r.get("coverage")) for r in curve],
            [_nan(r.get("accuracy")) for r in curve],
            marker="o",
            ms=3,
            label=f"{name} (AURC {_fmt(risk.get('aurc'), 4)})",
        )
    shift = _dict(metrics.get("shift"))
    target = _number(shift.get("target_accuracy"))
    if target is not None:
        ax.axhline(target, color="#57606a", linestyle="--", linewidth=1, label=f"Target accuracy {100 * target:.0f}%")
    ax.set_xlim(0.0, 1.02)
    ax.set_xlabel("Coverage (share accepted, most confident first)")
    ax.set_ylabel("Accuracy of the accepted")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left")
    ax.set_title("Risk-coverage")
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


def _plot_adaptation_curve(metrics: Mapping[str, Any]) -> Figure:
    import numpy as np

    points = [_dict(p) for p in _list(_dict(metrics.get("adaptation_curve")).get("points"))]
    fig = _new_figure(9.0, 4.4)
    axes = fig.subplots(1, 2, sharex=True)
    styles = {False: ("own rows only", "#ff7f0e"), True: ("own + bundled corpus", "#1f77b4")}
    for ax, key, name in zip(axes, ("macro_f1", "cohen_kappa"), ("Macro-F1", "Cohen's kappa"), strict=True):
        for with_corpus, (label, colour) in styles.items():
            pts = [p for p in points if bool(p.get("with_corpus")) == with_corpus]
            if not pts:
                continue
            # Size 0 (the corpus alone) sits at x = 1 on the log axis.
            rows = np.array([max(1.0, _nan(p.get("rows"))) for p in pts])
            value = np.array([_nan(p.get(key)) for p in pts])
            ci = [_list(p.get(f"{key}_ci95")) for p in pts]
            low = np.array([_nan(c[0]) if len(c) == 2 else v for c, v in zip(ci, value, strict=True)])
            high = np.array([_nan(c[1]) if len(c) == 2 else v for c, v in zip(ci, value, strict=True)])
            ax.fill_between(rows, low, high, color=colour, alpha=0.15)
            ax.plot(rows, value, marker="o", color=colour, label=label)
        ax.set_xscale("log", base=2)
        ax.set_xlabel("Own coded rows (log scale; 1 = none)")
        ax.set_ylabel(name)
        ax.set_ylim(top=1.0)
        ax.grid(alpha=0.3)
    forecast = _dict(_dict(metrics.get("adaptation_curve")).get("forecast"))
    if forecast:
        rows_total = (_number(forecast.get("rows_now")) or 0) + (_number(forecast.get("rows_more")) or 0)
        ci = _list(forecast.get("kappa_ci95"))
        k = _nan(forecast.get("kappa"))
        err = [[k - _nan(ci[0])], [_nan(ci[1]) - k]] if len(ci) == 2 else None
        axes[1].errorbar([rows_total], [k], yerr=err, fmt="s", color="#2ca02c", capsize=4, label="forecast")
    axes[0].legend(loc="lower right", fontsize=8.5)
    if forecast:
        axes[1].legend(loc="lower right", fontsize=8.5)
    fig.suptitle("Adaptation curve (mean over folds, 95% intervals)")
    return fig


_PLOTS: dict[str, Callable[[Mapping[str, Any]], Figure]] = {
    "confusion": _plot_confusion,
    "f1": _plot_f1,
    "coverage": _plot_coverage,
    "risk_coverage": _plot_risk_coverage,
    "reliability": _plot_reliability,
    "learning_curve": _plot_learning_curve,
    "adaptation_curve": _plot_adaptation_curve,
}


def _figure_svg(metrics: Mapping[str, Any], key: str) -> bytes:
    """Draw one figure and return it as SVG bytes (text kept as text, no date: the same input, the same file)."""
    fig = _PLOTS[key](metrics)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, transparent=False)
    return buffer.getvalue()


def _figure_png(metrics: Mapping[str, Any], key: str) -> bytes:
    """Draw one figure and return it as PNG bytes."""
    fig = _PLOTS[key](metrics)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None})
    logger.debug("drew figure %s (%d bytes)", key, buffer.tell())
    return buffer.getvalue()
