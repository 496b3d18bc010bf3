"""Sub-commands of the CLI that need the model, the I/O layer or evaluation (registered by ``cli``).

Heavy imports (spaCy, scikit-learn, pandas) happen inside the command functions, so that
``activity-classifier --help`` and ``taxonomy`` stay fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

__all__ = ["register"]

logger = logging.getLogger(__name__)

DEFAULT_OUTPUT = Path("models") / "default"


def _cmd_train(args: argparse.Namespace) -> int:
    from .artifacts import save_model
    from .corpus import load_labelled
    from .evaluation import cross_validate
    from .metrics import classification_metrics, expected_calibration_error
    from .model import ActivityClassifier

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
    metrics: dict[str, object] = {}
    if args.cv >= 2:
        t0 = time.perf_counter()
        result = cross_validate(estimator, data.texts, data.labels, data.groups, n_splits=args.cv)
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
    estimator.fit(data.texts, data.labels)
    print(f"fitted in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    out = save_model(estimator, args.output, training_data=data.describe(), metrics=metrics)
    print(f"model written to {out}")
    return 0


def _cmd_predict(args: argparse.Namespace) -> int:
    from .api import classify
    from .artifacts import load_model
    from .exceptions import InputDataError
    from .tables import find_column, read_table, write_table

    model = load_model(args.model)
    if args.input == "-":
        lines = [line.rstrip("\n") for line in sys.stdin]
        preds = model.explain(lines, method=args.method)
        for text, pred in zip(lines, preds, strict=True):
            print(json.dumps({"text": text, **pred.as_dict()}, ensure_ascii=False))
        return 0
    if not args.output:
        raise InputDataError("--output is required unless INPUT is '-'")
    frame = read_table(args.input)
    find_column(frame, args.text_column, args.input)
    result = classify(frame, text_column=args.text_column, model=model, method=args.method)
    write_table(result, args.output, inputs=[args.input])
    flagged = int(result["needs_review"].sum())
    print(
        f"{len(result)} rows classified, {flagged} flagged for review; written to {args.output}",
        file=sys.stderr,
    )
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the sub-commands to the CLI's sub-parser collection."""
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
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser(
        "predict",
        help="classify the texts of a CSV/XLSX file (or stdin)",
        description="Add the columns label, label_nl, group, confidence, source, needs_review, "
        "review_reason, alternatives and evidence to every row of INPUT. With INPUT '-', read one "
        "description per line from standard input and print JSON lines.",
    )
    p.add_argument("input", metavar="INPUT", help=".csv or .xlsx file, or - for standard input")
    p.add_argument("--output", help=".csv or .xlsx file to write (atomically)")
    p.add_argument("--text-column", default="text")
    p.add_argument("--method", choices=["hybrid", "model", "rules"], default="hybrid")
    p.add_argument("--model", help="model directory (default: the shipped default model)")
    p.set_defaults(func=_cmd_predict)
