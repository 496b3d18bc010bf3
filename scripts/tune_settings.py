"""Choose the estimator's settings by writer-grouped 5-fold cross-validation on the training corpus only.

Every writer's rows stay in one fold, so a setting is judged on writing styles it did not see (grouping by
teacher puts one writer's style on both sides of a fold and flatters settings that learn that style). The
holdout and the out-of-brief test set are never read here.

The search is one factor at a time around the defaults, not a grid (the machine is small and shared): each
variant changes one setting of ``ActivityClassifier()``: C, the character n-gram range, the lemma n-gram
range, the compound splitter, the gazetteer uses, the rule features, the class weights. Every variant is
scored on the same five folds, so its per-fold differences from the defaults are paired; a variant "wins
clearly" only if its mean gain exceeds the standard deviation of those paired differences. For each variant
the table gives macro-F1 of the model and the hybrid, the hybrid's per-fold spread, the paired difference,
the number of features, the fit and prediction time, and the wall time.

Usage: python scripts/tune_settings.py [--data FILE] [--group-column writer] [--only NAME,NAME]
       [--output docs/settings_search.md] [--thresholds]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from pathlib import Path
from typing import Any

from activity_classifier import ActivityClassifier
from activity_classifier.analysis import Analysis
from activity_classifier.corpus import load_labelled
from activity_classifier.evaluation import classification_metrics, cross_validate

#: One change from the defaults per variant (name -> settings passed to ActivityClassifier).
VARIANTS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "C=0.5": {"C": 0.5},
    "C=2": {"C": 2.0},
    "char (2,4)": {"char_ngram_range": (2, 4)},
    "char (2,5)": {"char_ngram_range": (2, 5)},
    "char (3,6)": {"char_ngram_range": (3, 6)},
    "no char n-grams": {"char_features": False},
    "lemma (1,1)": {"word_ngram_range": (1, 1)},
    "lemma (1,3)": {"word_ngram_range": (1, 3)},
    "splitter wordfreq": {"compound_splitter": "wordfreq"},
    "no compound heads": {"compound_splitter": None},
    "no gazetteer": {"gazetteer_rules": False, "gazetteer_features": False},
    "rule features": {"rule_features": True},
    "class_weight None": {"class_weight": None},
}
METHODS = ("model", "hybrid")


def _fold_scores(res: Any, method: str) -> list[float]:
    predicted = res.predicted(method)
    return [
        classification_metrics([res.labels[i] for i in test], [predicted[i] for i in test])["macro_f1"]
        for _, test in res.folds
    ]


def _n_features(estimator: ActivityClassifier, texts: list[str], labels: list[str], docs: list[Analysis]) -> int:
    """Features of a model fitted on all rows (uncalibrated: only the vectorizers matter here)."""
    model = estimator.set_params(calibration=None).fit(texts, labels, analysis=docs)
    return len(model._feature_names())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="labelled file (default: the bundled training corpus)")
    parser.add_argument("--group-column", default="writer")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", help="comma-separated variant names (default: all)")
    parser.add_argument("--output", help="write the results table (markdown) here")
    parser.add_argument("--thresholds", action="store_true", help="also sweep the hybrid thresholds")
    args = parser.parse_args()
    data = load_labelled(args.data, group_column=args.group_column, require_group=True)
    texts, labels = list(data.texts), list(data.labels)
    n_groups = len(set(data.groups or []))
    print(f"{len(texts)} rows, {n_groups} groups ({args.group_column}), {args.folds} folds", flush=True)
    names = args.only.split(",") if args.only else list(VARIANTS)
    if "defaults" not in names:
        names.insert(0, "defaults")
    analyses: dict[str, list[Analysis]] = {}  # one spaCy pass per analyzer (the gazetteer changes it)
    rows: list[dict[str, Any]] = []
    base: list[float] = []
    start = time.perf_counter()
    for name in names:
        params = VARIANTS[name]
        t0 = time.perf_counter()
        estimator = ActivityClassifier(**params)
        analyzer = estimator.build_analyzer()
        key = "gazetteer" if estimator.gazetteer_rules or estimator.gazetteer_features else "plain"
        if key not in analyses:
            analyses[key] = analyzer.analyse(texts)
        docs = analyses[key]
        res = cross_validate(estimator, texts, labels, data.groups, n_splits=args.folds, methods=METHODS, analysis=docs)
        f1 = {m: classification_metrics(res.labels, res.predicted(m))["macro_f1"] for m in METHODS}
        folds = _fold_scores(res, "hybrid")
        if name == "defaults":
            base = folds
        diffs = [a - b for a, b in zip(folds, base, strict=True)]
        n_features = _n_features(ActivityClassifier(**params), texts, labels, docs)
        row = {
            "name": name,
            "params": params,
            "model": f1["model"],
            "hybrid": f1["hybrid"],
            "fold_min": min(folds),
            "fold_max": max(folds),
            "fold_sd": statistics.stdev(folds),
            "diff_mean": statistics.mean(diffs),
            "diff_sd": statistics.stdev(diffs),
            "features": n_features,
            "fit_s": res.seconds["fit"],
            "predict_ms": 1000 * res.seconds["predict"] / len(texts),
            "wall_s": time.perf_counter() - t0,
        }
        rows.append(row)
        print(
            f"{name:18s} model {row['model']:.4f}  hybrid {row['hybrid']:.4f}  folds {row['fold_min']:.3f}-"
            f"{row['fold_max']:.3f}  diff {row['diff_mean']:+.4f} (sd {row['diff_sd']:.4f})  "
            f"{n_features} features  fit {row['fit_s']:.0f} s  predict {row['predict_ms']:.2f} ms/text  "
            f"({row['wall_s']:.0f} s)",
            flush=True,
        )
    total = time.perf_counter() - start
    print(f"total wall time {total:.0f} s")
    if args.output:
        _write_table(Path(args.output), rows, len(texts), n_groups, args, total)
    if not args.thresholds:
        return
    best = max(rows, key=lambda r: r["hybrid"])
    for accept, tie in itertools.product([0.4, 0.5, 0.6, 0.7], [0.1, 0.25, 0.4]):
        res = cross_validate(
            ActivityClassifier(**best["params"], accept_threshold=accept, tie_margin=tie),
            texts,
            labels,
            data.groups,
            methods=("hybrid",),
        )
        m = classification_metrics(res.labels, res.predicted("hybrid"))
        review = sum(p.needs_review for p in res.predictions["hybrid"]) / len(res.labels)
        print(f"accept {accept} tie {tie}: hybrid macro-F1 {m['macro_f1']:.4f}, flagged {review:.3f}", flush=True)


def _write_table(path: Path, rows: list[dict[str, Any]], n: int, n_groups: int, args: Any, total: float) -> None:
    lines = [
        "# Settings search (writer-grouped cross-validation, training corpus only)",
        "",
        "Written by `python scripts/tune_settings.py --output docs/settings_search.md` "
        f"({n} rows, {n_groups} {args.group_column}s, {args.folds} grouped folds, seed 0; the holdout and the",
        "out-of-brief test set are never read). One setting changed from `ActivityClassifier()` per row.",
        "Macro-F1 over all out-of-fold predictions; *folds*: range and standard deviation of the hybrid's",
        "per-fold macro-F1; *Δ vs defaults*: mean and standard deviation of the hybrid's per-fold differences",
        "from the defaults on the same folds (a change is clear only when the mean exceeds the deviation);",
        "*features*: of a model fitted on all rows; *fit*: seconds for the five fold models (calibration",
        "included); *predict*: milliseconds per text for featurising and predicting the test folds with both",
        "methods. Times were taken on a shared two-core machine and vary with its load.",
        "",
        "| variant | setting | model | hybrid | folds (sd) | Δ vs defaults (sd) | features | fit s | predict ms/text |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        setting = ", ".join(f"{k}={v!r}" for k, v in r["params"].items()) or "(defaults)"
        lines.append(
            f"| {r['name']} | `{setting}` | {r['model']:.4f} | {r['hybrid']:.4f} | "
            f"{r['fold_min']:.3f}–{r['fold_max']:.3f} ({r['fold_sd']:.3f}) | "
            f"{r['diff_mean']:+.4f} ({r['diff_sd']:.4f}) | {r['features']:,} | {r['fit_s']:.0f} | "
            f"{r['predict_ms']:.2f} |"
        )
    lines += ["", f"Total wall time: {total:.0f} s.", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("\n".join(lines), "utf-8")
    tmp.replace(path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
