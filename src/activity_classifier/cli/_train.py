"""``activity-classifier train``: validate a labelled file, cross-validate, fit and save a model."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

__all__ = ["register"]

DEFAULT_OUTPUT = Path("models") / "default"


def run(args: argparse.Namespace) -> int:
    from ..corpus import load_labelled
    from ..estimator import ActivityClassifier
    from ..evaluation import classification_metrics, cross_validate, expected_calibration_error
    from ..persistence import save_model

    data = load_labelled(
        args.data,
        text_column=args.text_column,
        label_column=args.label_column,
        group_column=args.group_column,
        require_group=args.group_column != "teacher_id",
    )
    where = data.path or "bundled corpus"
    print(f"training on {len(data.texts)} rows from {where}", file=sys.stderr)
    estimator = ActivityClassifier(random_state=args.seed)
    # One spaCy pass serves the cross-validation and the final fit.
    docs = estimator.build_analyzer().analyse(data.texts)
    metrics: dict[str, object] = {}
    if args.cv >= 2:
        t0 = time.perf_counter()
        result = cross_validate(estimator, data.texts, data.labels, data.groups, n_splits=args.cv, analysis=docs)
        metrics = {
            "cv_folds": args.cv,
            "grouped": data.groups is not None,
            "seconds": round(time.perf_counter() - t0, 1),
            "expected_calibration_error": round(
                expected_calibration_error(result.labels, result.proba, result.classes), 4
            ),
        }
        for method in ("hybrid", "model", "rules"):
            m = classification_metrics(result.labels, result.predicted(method))
            metrics[method] = {k: round(m[k], 4) for k in ("accuracy", "macro_f1", "weighted_f1", "cohen_kappa")}
        h = metrics["hybrid"]
        assert isinstance(h, dict)
        print(
            f"grouped {args.cv}-fold CV (hybrid): macro-F1 {h['macro_f1']:.3f}, kappa {h['cohen_kappa']:.3f}",
            file=sys.stderr,
        )
    t0 = time.perf_counter()
    estimator.fit(data.texts, data.labels, analysis=docs)
    print(f"fitted in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    out = save_model(estimator, args.output, training_data=data.describe(), metrics=metrics)
    print(f"model written to {out}")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``train`` sub-command."""
    p = sub.add_parser(
        "train",
        help="train a model on a labelled CSV/XLSX file (default: the bundled corpus)",
        description="Validate a labelled file, estimate accuracy by grouped cross-validation, fit on all "
        "rows and save a verified model directory.",
    )
    p.add_argument("--data", help="labelled .csv or .xlsx (default: the bundled corpus)")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label")
    p.add_argument("--group-column", default="teacher_id", help="groups for grouped CV (default teacher_id)")
    p.add_argument("--output", default=str(DEFAULT_OUTPUT), help="model directory (default models/default)")
    p.add_argument("--cv", type=int, default=5, help="folds of the recorded cross-validation (0: skip)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.set_defaults(func=run)
