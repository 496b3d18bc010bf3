"""``activity-classifier train``: validate a labelled file, cross-validate, fit and save a model."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from ._support import writing

__all__ = ["register"]

DEFAULT_OUTPUT = Path("models") / "default"


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

    if args.add_bundled_corpus:
        check_bundled_options(args)
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
            added=corpus,
        )
        hybrid = metrics.methods["hybrid"]
        print(
            f"grouped {args.cv}-fold CV (hybrid): macro-F1 {hybrid.macro_f1:.3f}, kappa {hybrid.cohen_kappa:.3f}",
            file=sys.stderr,
        )
    t0 = time.perf_counter()
    if corpus is None:
        estimator.fit(data.texts, data.labels, analysis=docs)
    else:
        fit_with_corpus(estimator, data.texts, data.labels, corpus, analysis=docs)
    print(f"fitted in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    out = writing(args.output, lambda: save_model(estimator, args.output, training_data=training_data, metrics=metrics))
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
    add_bundled_options(p)
    p.set_defaults(func=run)
