"""``activity-classifier train``: validate a labelled file, cross-validate, fit and save a model."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from ._support import group_column_arg, require_groups, warn_loudly, writing

__all__ = ["default_output", "register"]

logger = logging.getLogger(__name__)


def default_output(now: datetime | None = None) -> Path:
    """Where ``train`` writes without ``--output``: ``models/<UTC date-time>`` in the current directory.

    Never the shipped default model: ``make model`` asks for ``models/default`` explicitly.

    Examples
    --------
    >>> default_output(datetime(2026, 12, 3, 14, 5, 9, tzinfo=UTC)).as_posix()
    'models/20261203-140509'
    """
    return Path("models") / (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")


def _refuse_package_dir(output: Path) -> None:
    """Refuse a model directory inside the installed package (it would replace or shadow shipped files)."""
    from importlib import resources

    from ..exceptions import InputDataError

    package = Path(str(resources.files("activity_classifier"))).resolve()
    target = output.resolve()
    if target == package or package in target.parents:
        raise InputDataError(
            "refusing to write a model into the installed activity_classifier package; choose another --output",
            path=str(output),
        )


def run(args: argparse.Namespace) -> int:
    """Validate the labelled file, cross-validate, fit on every row and save the model."""
    from ..corpus import load_labelled
    from ..estimator import ActivityClassifier
    from ..evaluation import evaluate_cv
    from ..persistence import save_model

    output = Path(args.output) if args.output else default_output()
    _refuse_package_dir(output)
    data = load_labelled(
        args.data,
        text_column=args.text_column,
        label_column=args.label_column,
        group_column=args.group_column,
    )
    if args.cv >= 2:  # the groups matter only for the cross-validation (--cv 0 fits on every row)
        require_groups(data, args.group_column)
    where = data.path or "bundled corpus"
    print(f"training on {len(data.texts)} rows from {where}", file=sys.stderr)
    if args.dry_run:
        print(f"dry run: the data are valid; nothing trained, nothing written (would write {output})", file=sys.stderr)
        return 0
    estimator = ActivityClassifier(random_state=args.seed)
    # One spaCy pass serves the cross-validation and the final fit.
    docs = estimator.build_analyzer().analyse(data.texts)
    metrics = None
    reliability = None
    if args.cv >= 2:
        if data.groups is None:
            warn_loudly(
                "UNGROUPED cross-validation (--group-column none): texts by one writer can fall in both the "
                "training and the test part of a fold, which overstates accuracy on new writers"
            )
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
            group_column=args.group_column,
        )
        hybrid = metrics.methods["hybrid"]
        how = (
            f"grouped by {args.group_column!r} ({len(set(data.groups))} groups)"
            if data.groups is not None
            else "UNGROUPED (stratified by type only)"
        )
        print(
            f"{args.cv}-fold CV {how} (hybrid): macro-F1 {hybrid.macro_f1:.3f}, kappa {hybrid.cohen_kappa:.3f}",
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
        output,
        lambda: save_model(
            estimator, output, training_data=data.describe(), metrics=metrics, reliability=reliability
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
    group_column_arg(p)
    p.add_argument(
        "--output",
        help="model directory (default: models/<UTC date-time> in the current directory; never the shipped "
        "default model unless asked for by name)",
    )
    p.add_argument("--cv", type=int, default=5, help="folds of the recorded cross-validation (0: skip)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--dry-run", action="store_true", help="validate the data only; train and write nothing")
    p.set_defaults(func=run)
