"""``activity-classifier train``: validate a labelled file, cross-validate, fit and save a model."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def own_weight(value: str | float) -> float | str:
    """Parse ``--own-weight``: a positive number or ``auto``; anything else is a one-line input error."""
    from ..exceptions import InputDataError

    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    try:
        weight = float(value)
    except ValueError:
        weight = float("nan")
    if not 0 < weight < float("inf"):
        raise InputDataError(f"--own-weight expects a positive number or 'auto', not {value!r}")
    return weight


def add_bundled_options(p: argparse.ArgumentParser) -> None:
    """Add ``--add-bundled-corpus`` and ``--own-weight`` (shared by ``train`` and ``evaluate``)."""
    p.add_argument(
        "--add-bundled-corpus",
        action="store_true",
        help="also train on the bundled corpus (with --data: your own coded file); in cross-validation it "
        "joins every training fold, never a test fold",
    )
    p.add_argument(
        "--own-weight",
        default="1",
        metavar="W|auto",
        help="with --add-bundled-corpus: sample weight of each row of --data (bundled rows weigh 1); 'auto' "
        "chooses from 1, 2, 4, 8 by grouped CV on --data (default 1)",
    )


def check_bundled_options(args: argparse.Namespace, option: str = "--add-bundled-corpus") -> None:
    """Refuse ``option`` without ``--data`` or with a bad ``--own-weight`` (before anything is read)."""
    from ..exceptions import InputDataError

    if not args.data:
        raise InputDataError(f"{option} needs --data: your own coded file")
    args.own_weight = own_weight(args.own_weight)


def bundled_corpus(args: argparse.Namespace, data: Any, estimator: Any, docs: Any) -> Any:
    """Return the bundled corpus as an analysed ``AddedCorpus`` with the own rows' weight (chosen when ``auto``)."""
    from ..evaluation import AddedCorpus, choose_own_weight

    corpus = AddedCorpus.bundled().analysed(estimator)
    if args.own_weight != "auto":
        return corpus.with_weight(float(args.own_weight))
    folds = max(2, min(5, getattr(args, "cv", 5) or 5))
    choice = choose_own_weight(
        estimator, data.texts, data.labels, data.groups, corpus, n_splits=folds, random_state=args.seed, analysis=docs
    )
    scores = ", ".join(f"{w:g}: {f:.3f}" for w, f in zip(choice.grid, choice.macro_f1, strict=True))
    print(f"own weight by grouped {folds}-fold CV (hybrid macro-F1 {scores}): {choice.weight:g}", file=sys.stderr)
    info = {**corpus.info, "own_weight_choice": choice.to_dict()}
    return AddedCorpus(corpus.texts, corpus.labels, choice.weight, info, corpus.analysis)


def run(args: argparse.Namespace) -> int:
    """Validate the labelled file, cross-validate, fit on every row and save the model."""
    from ..corpus import load_labelled
    from ..estimator import ActivityClassifier
    from ..evaluation import evaluate_cv, fit_with_corpus
    from ..persistence import save_model

    output = Path(args.output) if args.output else default_output()
    _refuse_package_dir(output)
    if args.add_bundled_corpus:
        check_bundled_options(args)
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
    corpus = bundled_corpus(args, data, estimator, docs) if args.add_bundled_corpus else None
    training_data = dict(data.describe())
    if corpus is not None:
        print(
            f"with the bundled corpus ({len(corpus.texts)} rows), own rows weighted {corpus.own_weight:g}",
            file=sys.stderr,
        )
        training_data = {
            **training_data,
            "rows": len(data.texts) + len(corpus.texts),
            "own": data.describe(),
            "added_corpus": corpus.describe(),
        }
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
            added=corpus,
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
    if corpus is None:
        estimator.fit(data.texts, data.labels, analysis=docs, groups=data.groups)
    else:
        # With an added corpus the calibration folds are stratified, not grouped (the added rows carry no groups).
        fit_with_corpus(estimator, data.texts, data.labels, corpus, analysis=docs)
    print(f"fitted in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    out = writing(
        output,
        lambda: save_model(estimator, output, training_data=training_data, metrics=metrics, reliability=reliability),
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
    add_bundled_options(p)
    p.set_defaults(func=run)
