"""``activity-classifier evaluate``: cross-validation or a held-out test, reports and the quality gate."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ._support import add_jobs, add_trust_model, progress_callback, writing

if TYPE_CHECKING:
    from ..evaluation import EvaluationResult, MethodScores

__all__ = ["register"]


def _fmt_ci(scores: MethodScores, key: str) -> str:
    value = f"{getattr(scores, key):.3f}"
    ci = (scores.ci95 or {}).get(key)
    return f"{value} [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else value


def _print_headline(result: EvaluationResult) -> None:
    header = f"{'method':<10} {'accuracy':>22} {'macro-F1':>22} {'kappa':>22} {'alpha':>7} {'flagged':>8}"
    print(header)
    for name, scores in result.methods.items():
        flagged = scores.flagged_for_review
        print(
            f"{name:<10} {_fmt_ci(scores, 'accuracy'):>22} {_fmt_ci(scores, 'macro_f1'):>22} "
            f"{_fmt_ci(scores, 'cohen_kappa'):>22} {scores.krippendorff_alpha:>7.3f} "
            f"{'' if flagged is None else f'{flagged:.1%}':>8}"
        )
    cal = result.calibration
    if cal is not None:
        print(f"calibration (model probabilities): Brier {cal.brier:.3f}, ECE {cal.ece:.3f}")
    hybrid = result.methods.get("hybrid")
    cov = hybrid.coverage if hybrid is not None else None
    if cov:
        print(
            f"to reach {cov['target']:.0%} accuracy on the rest, review the least confident "
            f"{cov['review_share_for_target']:.1%} (hybrid)"
        )
    if result.learning_curve:
        points = ", ".join(f"{p['rows']:.0f} rows {p['macro_f1']:.3f}" for p in result.learning_curve)
        print("learning curve (hybrid macro-F1): " + points)
    print("seconds: " + ", ".join(f"{k} {v}" for k, v in result.seconds.items()))


def run(args: argparse.Namespace) -> int:
    from ..corpus import load_labelled
    from ..estimator import ActivityClassifier
    from ..evaluation import check_gate, evaluate_cv, evaluate_test
    from ..exceptions import InputDataError, QualityGateError
    from ..persistence import load_model
    from ..tables import find_column

    def ids_of(data: Any) -> list[str] | None:
        try:
            return [str(v) for v in data.frame[find_column(data.frame, args.id_column)]]
        except InputDataError:  # no id column: rows are named by their number only
            return None

    columns = {"text_column": args.text_column, "label_column": args.label_column}
    if args.test:
        test = load_labelled(args.test, group_column=args.group_column, **columns)
        model = load_model(args.model, trust=args.trust_model)
        baseline = None
        if not args.no_baselines:
            train = load_labelled(args.data, group_column=None, **columns) if args.data else load_labelled()
            baseline = (train.texts, train.labels)
        print(
            f"evaluating {args.model or 'the default model'} on {len(test.texts)} rows of {test.path}", file=sys.stderr
        )
        metrics: EvaluationResult = evaluate_test(
            model,
            test.texts,
            test.labels,
            groups=test.groups,
            ids=ids_of(test),
            baseline_data=baseline,
            n_bootstrap=args.bootstrap,
            random_state=args.seed,
            data_info=test.describe(),
            n_jobs=args.jobs,
        )
    else:
        data = load_labelled(
            args.data, group_column=args.group_column, require_group=args.group_column != "teacher_id", **columns
        )
        grouped = "grouped " if data.groups is not None else ""
        print(f"{grouped}{args.cv}-fold cross-validation on {len(data.texts)} rows of {data.path}", file=sys.stderr)
        metrics = evaluate_cv(
            ActivityClassifier(random_state=args.seed),
            data.texts,
            data.labels,
            data.groups,
            n_splits=args.cv,
            ids=ids_of(data),
            n_bootstrap=args.bootstrap,
            with_learning_curve=args.learning_curve,
            random_state=args.seed,
            data_info=data.describe(),
            progress=progress_callback(),
        )
    _print_headline(metrics)
    if args.report:
        from ..evaluation.report import write_report

        out = writing(args.report, lambda: write_report(metrics, args.report))
        print(f"report written to {out}", file=sys.stderr)
    failures = check_gate(
        metrics,
        min_macro_f1=args.min_macro_f1,
        min_kappa=args.min_kappa,
        min_recall=args.min_recall,
        method=args.gate_method,
    )
    if failures:
        raise QualityGateError("; ".join(failures))
    if any(v is not None for v in (args.min_macro_f1, args.min_kappa, args.min_recall)):
        print("quality gate passed", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``evaluate`` sub-command."""
    p = sub.add_parser(
        "evaluate",
        help="measure agreement with human coders: grouped CV, or a trained model on a held-out file",
        description="Without --test: grouped, stratified k-fold cross-validation of every method and two "
        "baselines on a labelled file. With --test: a trained model on a held-out labelled file. Prints the "
        "headline table; --report writes metrics.json, report.md and report.html. Gate options make the "
        "command exit 1 when a figure falls short.",
    )
    p.add_argument("--data", help="labelled .csv/.xlsx (default: the bundled corpus); with --test: baselines' data")
    p.add_argument("--test", help="held-out labelled file to evaluate a trained model on")
    p.add_argument("--model", help="model directory for --test (default: the shipped default model)")
    p.add_argument("--cv", type=int, default=5, help="cross-validation folds (default 5)")
    p.add_argument("--group-column", default="teacher_id", help="groups for grouped folds (default teacher_id)")
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label")
    p.add_argument("--id-column", default="id", help="row ids reported with errors (default id)")
    p.add_argument("--bootstrap", type=int, default=1000, help="resamples for 95%% intervals (0: none)")
    p.add_argument("--learning-curve", action="store_true", help="also compute the learning curve (slower)")
    p.add_argument("--no-baselines", action="store_true", help="with --test: skip the two baselines")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--report", metavar="DIR", help="write metrics.json, report.md and report.html here")
    p.add_argument("--min-macro-f1", type=float, help="gate: minimum macro-F1")
    p.add_argument("--min-kappa", type=float, help="gate: minimum Cohen's kappa")
    p.add_argument("--min-recall", type=float, help="gate: minimum recall of every type")
    p.add_argument("--gate-method", default="hybrid", choices=["hybrid", "model", "rules"])
    add_trust_model(p)
    add_jobs(p)
    p.set_defaults(func=run)
