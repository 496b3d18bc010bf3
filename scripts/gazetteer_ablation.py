"""Ablation of the gazetteer: writer-grouped 5-fold cross-validation on the training corpus only.

Prints macro-F1 of the model, hybrid and rules methods without the gazetteer, with its matches as rule
evidence (``gazetteer_rules``), as model features (``gazetteer_features``), and with both. The test sets
(``data/test_out_of_brief.csv``, ``data/holdout_activities.csv``) are never read here.

Usage: python scripts/gazetteer_ablation.py [--data data/labelled_activities.csv] [--group-column writer]
       [--configs none,rules,features,both]

Results (3,108 rows + the wave-1 rows of data/labelled_activities.csv, groups = writer, 5 folds, seed 0,
other settings at their defaults; filled in below by the run recorded in the commit):

RESULTS
"""

from __future__ import annotations

import argparse
import time

from activity_classifier import ActivityClassifier
from activity_classifier.corpus import load_labelled
from activity_classifier.evaluation import classification_metrics, cross_validate

CONFIGS = {
    "none": {},
    "rules": {"gazetteer_rules": True},
    "features": {"gazetteer_features": True},
    "both": {"gazetteer_rules": True, "gazetteer_features": True},
    # the gazetteer features at a smaller and a larger scale (rule_weight scales only them here)
    "features_w0.1": {"gazetteer_features": True, "rule_weight": 0.1},
    "features_w1.0": {"gazetteer_features": True, "rule_weight": 1.0},
}
METHODS = ("model", "hybrid", "rules")


def main(argv: list[str] | None = None) -> None:
    """Run the ablation and print one line per configuration."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data/labelled_activities.csv")
    parser.add_argument("--group-column", default="writer")
    parser.add_argument("--configs", default="none,rules,features,both")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    data = load_labelled(args.data, group_column=args.group_column, require_group=True)
    print(f"{len(data.texts)} rows, {len(set(data.groups or []))} groups ({args.group_column}), {args.folds} folds")
    for name in args.configs.split(","):
        t0 = time.perf_counter()
        estimator = ActivityClassifier(**CONFIGS[name])  # type: ignore[arg-type]
        res = cross_validate(estimator, data.texts, data.labels, data.groups, n_splits=args.folds, methods=METHODS)
        f1 = {m: classification_metrics(res.labels, res.predicted(m))["macro_f1"] for m in METHODS}
        cells = "  ".join(f"{m} {f1[m]:.4f}" for m in METHODS)
        print(f"{name:9s} {cells}  ({time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
