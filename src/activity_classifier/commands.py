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
from typing import Any

__all__ = ["register"]

logger = logging.getLogger(__name__)

DEFAULT_OUTPUT = Path("models") / "default"


def _cmd_train(args: argparse.Namespace) -> int:
    from .artifacts import save_model
    from .corpus import load_labelled
    from .evaluation import cross_validate
    from .features import analyse
    from .metrics import classification_metrics, expected_calibration_error
    from .model import ActivityClassifier
    from .rules import RuleSet

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
    docs = analyse(data.texts, RuleSet(estimator.lexicon, pipeline=estimator.pipeline))
    metrics: dict[str, object] = {}
    if args.cv >= 2:
        t0 = time.perf_counter()
        result = cross_validate(estimator, data.texts, data.labels, data.groups, n_splits=args.cv, docs=docs)
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
    estimator.fit(docs, data.labels)
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


def _progress() -> Any:
    """Return a tqdm-backed progress callback when stderr is a terminal, else None."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, leave=False)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def _fmt_ci(block: dict[str, Any], key: str) -> str:
    value = f"{block[key]:.3f}"
    ci = block.get("ci95", {}).get(key)
    return f"{value} [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else value


def _print_headline(metrics: dict[str, Any]) -> None:
    header = f"{'method':<10} {'accuracy':>22} {'macro-F1':>22} {'kappa':>22} {'alpha':>7} {'flagged':>8}"
    print(header)
    for name, block in metrics["methods"].items():
        flagged = block.get("flagged_for_review")
        print(
            f"{name:<10} {_fmt_ci(block, 'accuracy'):>22} {_fmt_ci(block, 'macro_f1'):>22} "
            f"{_fmt_ci(block, 'cohen_kappa'):>22} {block['krippendorff_alpha']:>7.3f} "
            f"{'' if flagged is None else f'{flagged:.1%}':>8}"
        )
    cal = metrics.get("calibration")
    if cal:
        print(f"calibration (model probabilities): Brier {cal['brier']:.3f}, ECE {cal['ece']:.3f}")
    cov = metrics["methods"].get("hybrid", {}).get("coverage")
    if cov:
        print(
            f"to reach {cov['target']:.0%} accuracy on the rest, review the least confident "
            f"{cov['review_share_for_target']:.1%} (hybrid)"
        )
    curve = metrics.get("learning_curve")
    if curve:
        print(
            "learning curve (hybrid macro-F1): " + ", ".join(f"{p['rows']:.0f} rows {p['macro_f1']:.3f}" for p in curve)
        )
    print("seconds: " + ", ".join(f"{k} {v}" for k, v in metrics["seconds"].items()))


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .artifacts import load_model
    from .corpus import load_labelled
    from .evaluation import check_gate, evaluate_cv, evaluate_test
    from .exceptions import QualityGateError
    from .model import ActivityClassifier
    from .tables import find_column

    def ids_of(data: Any) -> list[str] | None:
        try:
            return [str(v) for v in data.frame[find_column(data.frame, args.id_column)]]
        except Exception:
            return None

    columns = {"text_column": args.text_column, "label_column": args.label_column}
    if args.test:
        test = load_labelled(args.test, group_column=args.group_column, **columns)
        model = load_model(args.model)
        baseline = None
        if not args.no_baselines:
            train = load_labelled(args.data, group_column=None, **columns) if args.data else load_labelled()
            baseline = (train.texts, train.labels)
        print(
            f"evaluating {args.model or 'the default model'} on {len(test.texts)} rows of {test.path}", file=sys.stderr
        )
        metrics = evaluate_test(
            model,
            test.texts,
            test.labels,
            groups=test.groups,
            ids=ids_of(test),
            baseline_data=baseline,
            n_bootstrap=args.bootstrap,
            random_state=args.seed,
            data_info=test.describe(),
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
            progress=_progress(),
        )
    _print_headline(metrics)
    if args.report:
        from .reports import write_report

        out = write_report(metrics, args.report)
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


def _cmd_agreement(args: argparse.Namespace) -> int:
    from .exceptions import InputDataError
    from .metrics import agreement
    from .tables import find_column, read_table, sheet_row, write_table
    from .taxonomy import get_taxonomy

    tax = get_taxonomy()
    coded = []
    for path, label_column in (
        (args.file_a, args.label_column),
        (args.file_b, args.label_column_b or args.label_column),
    ):
        frame = read_table(path)
        id_col = find_column(frame, args.id_column, path)
        lab_col = find_column(frame, label_column, path)
        labels: dict[str, str | None] = {}
        for i, (key, label) in enumerate(zip(frame[id_col], frame[lab_col], strict=True)):
            key, label = str(key).strip(), str(label).strip()
            if key in labels:
                raise InputDataError(f"duplicate id {key!r}", path=str(path), row=sheet_row(i), column=id_col)
            if label and label not in tax:
                raise InputDataError(tax.unknown_label_message(label), path=str(path), row=sheet_row(i), column=lab_col)
            labels[key] = tax[label].slug if label else None
        text_col = args.text_column if args.text_column in frame.columns else None
        texts = dict(zip(frame[id_col].astype(str).str.strip(), frame[text_col], strict=True)) if text_col else {}
        coded.append((labels, texts))
    (a, texts_a), (b, texts_b) = coded
    shared = [k for k in a if k in b]
    if not shared:
        raise InputDataError(f"no id in column {args.id_column!r} occurs in both files")
    result = agreement([a[k] for k in shared], [b[k] for k in shared], ids=shared)
    only_a, only_b = len(set(a) - set(b)), len(set(b) - set(a))
    print(f"{len(shared)} units coded in both files ({only_a} only in A, {only_b} only in B)")
    print(
        f"percent agreement {result['percent_agreement']:.3f}, Cohen's kappa {result['cohen_kappa']:.3f}, "
        f"Krippendorff's alpha {result['krippendorff_alpha']:.3f}"
    )
    print(f"{'type':<28} {'A':>5} {'B':>5} {'agreed':>7} {'specific':>9}")
    for slug, row in result["per_type"].items():
        print(f"{slug:<28} {row['a']:>5} {row['b']:>5} {row['agreed']:>7} {row['specific_agreement']:>9.3f}")
    print(f"{len(result['disagreements'])} disagreements")
    if args.output:
        import pandas as pd

        texts = {**texts_b, **texts_a}
        table = pd.DataFrame(
            [
                {"id": d["id"], "text": texts.get(d["id"], ""), "label_a": d["a"], "label_b": d["b"], "adjudicated": ""}
                for d in result["disagreements"]
            ],
            columns=["id", "text", "label_a", "label_b", "adjudicated"],
        )
        write_table(table, args.output, inputs=[args.file_a, args.file_b])
        print(f"disagreement table written to {args.output}", file=sys.stderr)
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
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser(
        "agreement",
        help="agreement between two coders (people, or a person and the model)",
        description="Percent agreement, Cohen's kappa, Krippendorff's alpha and per-type agreement between "
        "the labels of two files, matched on an id column; --output writes the disagreements for adjudication.",
    )
    p.add_argument("file_a", metavar="FILE_A")
    p.add_argument("file_b", metavar="FILE_B")
    p.add_argument("--id-column", default="id")
    p.add_argument("--label-column", default="label")
    p.add_argument("--label-column-b", help="label column of FILE_B when it differs (e.g. a predictions file)")
    p.add_argument("--text-column", default="text", help="shown in the disagreement table when present")
    p.add_argument("--output", help=".csv or .xlsx disagreement table")
    p.set_defaults(func=_cmd_agreement)
