"""``activity-classifier evaluate``: cross-validation or a held-out test, reports and the quality gate."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._support import (
    add_jobs,
    add_target_accuracy,
    add_trust_model,
    command_line,
    group_column_arg,
    progress_callback,
    require_groups,
    target_for,
    unit_interval,
    warn_loudly,
    writing,
)
from ._train import add_bundled_options, bundled_corpus, check_bundled_options

if TYPE_CHECKING:
    from ..evaluation import EvaluationResult, MethodScores

__all__ = ["register"]

logger = logging.getLogger(__name__)


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
    risk = hybrid.risk_coverage if hybrid is not None else None
    if risk:
        at = risk["accuracy_at_coverage"]
        print(
            f"risk-coverage (hybrid): AURC {risk['aurc']:.4f}; accuracy of the most confident "
            + ", ".join(f"{float(k):.0%}: {v:.3f}" for k, v in at.items())
        )
    if result.shift:
        from ..reliability import BatchReport

        shift = result.shift
        print("batch: " + BatchReport.from_dict(shift).summary())
        if shift.get("accepted_accuracy") is not None:
            print(
                f"accepted rows: measured accuracy {shift['accepted_accuracy']:.3f} "
                f"({shift['flagged_share']:.1%} flagged)"
            )
    if result.learning_curve:
        points = ", ".join(f"{p['rows']:.0f} rows {p['macro_f1']:.3f}" for p in result.learning_curve)
        print("learning curve (hybrid macro-F1): " + points)
    if result.adaptation_curve:
        for with_corpus in (False, True):
            pts = [p for p in result.adaptation_curve["points"] if p["with_corpus"] == with_corpus]
            if pts:
                name = "own + bundled" if with_corpus else "own rows only"
                line = ", ".join(f"{p['rows']:.0f}: {p['macro_f1']:.3f}/{p['cohen_kappa']:.3f}" for p in pts)
                print(f"adaptation curve, {name} (own rows: macro-F1/kappa): {line}")
        print(result.adaptation_curve["sentence"])
    print("seconds: " + ", ".join(f"{k} {v}" for k, v in result.seconds.items()))


def _baseline_data(args: argparse.Namespace, model: Any, columns: dict[str, str]) -> tuple[Any, dict[str, Any]] | None:
    """Find the baselines' training data: ``--data``, else the model's own training data when it is at hand.

    Returns None (and says why) when the model's training data is unknown: the baselines are then left
    out rather than trained on something the model never saw.
    """
    from ..corpus import bundled_corpus_path, load_labelled
    from ..persistence import file_sha256

    trained_on = dict(getattr(model, "metadata_", {}).get("training_data") or {})
    if args.data:
        data = load_labelled(
            args.data, text_column=columns["text_column"], label_column=columns["label_column"], group_column=None
        )
        source = "--data"
        if trained_on.get("sha256") and trained_on["sha256"] != data.sha256:
            warn_loudly(
                f"the baselines are trained on {data.path}, but the model was trained on other data "
                f"({trained_on.get('file')}, sha256 {str(trained_on['sha256'])[:12]}...): not like for like"
            )
            source = "--data (not the model's training data)"
        else:
            source = "--data (the model's training data, same SHA-256)"
        return data, {"source": source, "file": data.path.name if data.path else None, "sha256": data.sha256}
    bundled = bundled_corpus_path()
    if trained_on.get("sha256") and bundled.is_file() and file_sha256(bundled) == trained_on["sha256"]:
        data = load_labelled()
        source = "the model's training data (the bundled corpus)"
        return data, {"source": source, "file": bundled.name, "sha256": data.sha256}
    print(
        "baselines left out: the model's training data "
        f"({trained_on.get('file') or 'unknown file'}, sha256 {str(trained_on.get('sha256') or 'unknown')[:12]}) "
        "is not at hand; pass it with --data to compare the baselines on the same training data",
        file=sys.stderr,
    )
    return None


def _check_not_training_data(args: argparse.Namespace, model: Any, test: Any, baseline: Any) -> dict[str, Any]:
    """Refuse (or, with --allow-training-data, warn loudly about) a test file the model was trained on."""
    from ..evaluation import training_overlap
    from ..exceptions import InputDataError

    trained_on = dict(getattr(model, "metadata_", {}).get("training_data") or {})
    same_file = bool(trained_on.get("sha256")) and trained_on.get("sha256") == test.sha256
    overlap = None
    if baseline is not None and baseline[1].get("sha256") == trained_on.get("sha256"):
        overlap = training_overlap(test.texts, baseline[0].texts)
    found = {"same_file": same_file, "share_of_rows_in_training_data": overlap}
    if same_file or (overlap is not None and overlap > args.max_training_overlap):
        what = (
            "is the model's training file (same SHA-256)"
            if same_file
            else f"shares {overlap:.0%} of its rows with the model's training data"
        )
        if not args.allow_training_data:
            raise InputDataError(
                f"this test file {what}: figures on it say nothing about new data (pass --allow-training-data "
                "to evaluate anyway)",
                path=str(test.path),
            )
        warn_loudly(f"THE TEST FILE {what.upper()}: these figures measure memory, not accuracy on new data")
    elif overlap:
        logger.warning("%.1f%% of the test rows also occur in the model's training data", 100 * overlap)
    return found


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, "utf-8")


def _print_gate(checks: list[dict[str, Any]]) -> None:
    for c in checks:
        verdict = "ok  " if c["passed"] else "FAIL"
        sign = ">=" if c["passed"] else "<"
        print(f"gate {verdict} {c['method']} {c['figure']:<34} {c['value']:.3f} {sign} {c['threshold']}")


def run(args: argparse.Namespace) -> int:
    from ..corpus import load_labelled
    from ..estimator import ActivityClassifier
    from ..evaluation import evaluate_cv, evaluate_test, gate_checks
    from ..exceptions import InputDataError, QualityGateError
    from ..persistence import load_model
    from ..tables import atomic_write, find_column

    def ids_of(data: Any) -> list[str] | None:
        try:
            return [str(v) for v in data.frame[find_column(data.frame, args.id_column)]]
        except InputDataError:  # no id column: rows are named by their number only
            return None

    columns = {"text_column": args.text_column, "label_column": args.label_column}
    if args.test and (args.add_bundled_corpus or args.adaptation_curve):
        raise InputDataError("--add-bundled-corpus and --adaptation-curve go with --cv, not --test")
    if args.add_bundled_corpus:
        check_bundled_options(args)
    if args.adaptation_curve:
        check_bundled_options(args, "--adaptation-curve")
    if args.test:
        test = load_labelled(args.test, group_column=args.group_column, **columns)
        model = load_model(args.model, trust=args.trust_model)
        found = _baseline_data(args, model, columns) if not args.no_baselines else None
        overlap = _check_not_training_data(args, model, test, found)
        if args.dry_run:
            print(f"dry run: {len(test.texts)} test rows valid; nothing evaluated, nothing written", file=sys.stderr)
            return 0
        print(
            f"evaluating {args.model or 'the default model'} on {len(test.texts)} rows of {test.path}", file=sys.stderr
        )
        metrics: EvaluationResult = evaluate_test(
            model,
            test.texts,
            test.labels,
            groups=test.groups,
            ids=ids_of(test),
            baseline_data=None if found is None else (found[0].texts, found[0].labels),
            baseline_info=None if found is None else found[1],
            n_bootstrap=args.bootstrap,
            random_state=args.seed,
            data_info=test.describe(),
            target_accuracy=target_for(args.target_accuracy, model),
            n_jobs=args.jobs,
        )
        if metrics.model is not None:
            metrics.model["training_data_overlap"] = overlap
    else:
        data = load_labelled(args.data, group_column=args.group_column, **columns)
        require_groups(data, args.group_column)
        how = f"grouped by {args.group_column!r}" if data.groups is not None else "UNGROUPED (--group-column none)"
        print(f"{args.cv}-fold cross-validation {how} on {len(data.texts)} rows of {data.path}", file=sys.stderr)
        if args.dry_run:
            print("dry run: the data are valid; nothing evaluated, nothing written", file=sys.stderr)
            return 0
        estimator = ActivityClassifier(random_state=args.seed)
        docs = estimator.build_analyzer().analyse(data.texts)
        corpus = None
        if args.add_bundled_corpus or args.adaptation_curve:
            corpus = bundled_corpus(args, data, estimator, docs)
            if args.add_bundled_corpus:
                print(f"the bundled corpus ({len(corpus.texts)} rows) joins every training fold", file=sys.stderr)
        metrics = evaluate_cv(
            estimator,
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
            group_column=args.group_column,
            analysis=docs,
            added=corpus if args.add_bundled_corpus else None,
        )
        if args.adaptation_curve:
            from ..evaluation import adaptation_curve

            curve = adaptation_curve(
                estimator,
                data.texts,
                data.labels,
                data.groups,
                corpus=corpus,
                n_splits=args.cv,
                random_state=args.seed,
                analysis=docs,
                progress=progress_callback(),
            )
            metrics.adaptation_curve = curve.to_dict()
    if metrics.reproducibility is not None:
        metrics.reproducibility["command"] = command_line(args)
    if args.json == "-":  # standard output carries the gate's JSON only
        with contextlib.redirect_stdout(sys.stderr):
            _print_headline(metrics)
    else:
        _print_headline(metrics)
    if args.report:
        from ..evaluation.report import write_report

        out = writing(args.report, lambda: write_report(metrics, args.report))
        print(f"report written to {out}", file=sys.stderr)
    thresholds = {"min_macro_f1": args.min_macro_f1, "min_kappa": args.min_kappa, "min_recall": args.min_recall}
    checks = gate_checks(metrics, method=args.gate_method, **thresholds)
    failures = [c["message"] for c in checks if not c["passed"]]
    with contextlib.redirect_stdout(sys.stderr) if args.json == "-" else contextlib.nullcontext():
        _print_gate(checks)  # with the headline table on standard output
    if args.json:
        gate = {"passed": not failures, "method": args.gate_method, "thresholds": thresholds, "checks": checks}
        text = json.dumps(gate, ensure_ascii=False, indent=2) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            writing(args.json, lambda: atomic_write(args.json, lambda tmp: _write_text(tmp, text)))
    if failures:
        raise QualityGateError("; ".join(failures))
    if checks:
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
    group_column_arg(p)
    p.add_argument("--text-column", default="text")
    p.add_argument("--label-column", default="label")
    p.add_argument("--id-column", default="id", help="row ids reported with errors (default id)")
    p.add_argument("--bootstrap", type=int, default=1000, help="resamples for 95%% intervals (0: none)")
    p.add_argument("--learning-curve", action="store_true", help="also compute the learning curve (slower)")
    p.add_argument(
        "--adaptation-curve",
        action="store_true",
        help="with --data (your own coded file): macro-F1 and kappa against the number of own coded rows, with "
        "and without the bundled corpus, and how many more to code (many fits: slow)",
    )
    p.add_argument("--no-baselines", action="store_true", help="with --test: skip the two baselines")
    add_target_accuracy(p)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--report", metavar="DIR", help="write metrics.json, report.md and report.html here")
    p.add_argument("--min-macro-f1", type=unit_interval, help="gate: minimum macro-F1 (0..1)")
    p.add_argument("--min-kappa", type=unit_interval, help="gate: minimum Cohen's kappa (0..1)")
    p.add_argument("--min-recall", type=unit_interval, help="gate: minimum recall of every type (0..1)")
    p.add_argument("--gate-method", default="hybrid", choices=["hybrid", "model", "rules"])
    p.add_argument(
        "--json",
        metavar="FILE",
        help="write the gate result (each threshold, its value, passed) as JSON to FILE; '-': standard output "
        "(the headline table then goes to standard error)",
    )
    p.add_argument(
        "--allow-training-data",
        action="store_true",
        help="with --test: evaluate even when the test file is (or largely overlaps) the model's training data",
    )
    p.add_argument(
        "--max-training-overlap",
        type=unit_interval,
        default=0.2,
        help="with --test: largest share of test rows also in the model's training data before refusing (default 0.2)",
    )
    p.add_argument("--dry-run", action="store_true", help="validate the inputs only; evaluate and write nothing")
    add_trust_model(p)
    add_bundled_options(p)
    add_jobs(p)
    p.set_defaults(func=run)
