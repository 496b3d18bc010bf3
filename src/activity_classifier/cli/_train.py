"""``activity-classifier train``: validate a labelled file, cross-validate, fit and save a model."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ._support import writing

__all__ = ["register"]

DEFAULT_OUTPUT = Path("models") / "default"


def run(args: argparse.Namespace) -> int:
    """Validate the labelled file, cross-validate, fit on every row and save the model."""
    from ..corpus import load_labelled
    from ..estimator import ActivityClassifier
    from ..evaluation import evaluate_cv
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
    metrics = None
    reliability = None
    if args.cv >= 2:
        # The figures stored with the model have the schema of metrics.json, without bootstrap intervals,
        # baselines or example rows (no training text is copied into the metadata).
        metrics = evaluate_cv(
            estimator,
            data.texts,
            data.labels,
            data.groups,
            n_splits=args.cv,
            n_bootstrap=0,
            baselines=(),
            examples=False,
            random_state=args.seed,
            data_info=data.describe(),
            analysis=docs,
        )
        hybrid = metrics.methods["hybrid"]
        print(
            f"grouped {args.cv}-fold CV (hybrid): macro-F1 {hybrid.macro_f1:.3f}, kappa {hybrid.cohen_kappa:.3f}",
            file=sys.stderr,
        )
        reliability = metrics.reliability_model
        if reliability is not None:
            print(
                f"reliability from the out-of-fold predictions: {', '.join(reliability.signals)}; "
                f"AURC {metrics.methods['hybrid'].risk_coverage['aurc']:.4f}",  # type: ignore[index]
                file=sys.stderr,
            )
    t0 = time.perf_counter()
    estimator.fit(data.texts, data.labels, analysis=docs, groups=data.groups)
    print(f"fitted in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    out = writing(
        args.output,
        lambda: save_model(
            estimator, args.output, training_data=data.describe(), metrics=metrics, reliability=reliability
        ),
    )
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
