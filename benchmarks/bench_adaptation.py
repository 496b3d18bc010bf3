"""Simulate a research team adapting the classifier to its own reports: code, retrain, choose the next batch.

The "team's reports" are a labelled file no model was trained on (default: the out-of-brief test set,
440 rows by writers T301-T304). Per seed, its teachers are split in half: a *pool* the team codes from and
a fixed *evaluation* half that is never coded (scoring on "the rows not yet coded" instead would favour
the selection: it takes the hard rows out of the test part). Then, per round of ``--batch`` rows:

``selected``
    ``select_for_coding`` with the current model (the bundled corpus alone in round 1) picks the batch
    from the uncoded pool; the model is retrained on the coded rows plus the bundled corpus.
``random``
    The same number of pool rows drawn at random (nested over rounds), retrained the same way; also
    trained on the coded rows alone.

Every model is scored on the evaluation half (hybrid macro-F1 and Cohen's kappa). Cheap setting: the
estimator is fitted without probability calibration (``calibration=None``, softmax of the SVM's decision
values; a third of the fitting time), otherwise the package defaults. No parallel jobs.

    .venv/bin/python benchmarks/bench_adaptation.py --seeds 5
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from activity_classifier import ActivityClassifier
from activity_classifier.annotate import select_for_coding
from activity_classifier.corpus import load_labelled
from activity_classifier.evaluation import AddedCorpus, classification_metrics, fit_with_corpus

ROOT = Path(__file__).resolve().parents[1]


def score(model, texts, labels, docs):
    pred = [p.label for p in model.explain(texts, method="hybrid", analysis=docs)]
    m = classification_metrics(labels, pred)
    return {"macro_f1": float(m["macro_f1"]), "kappa": float(m["cohen_kappa"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "data" / "test_out_of_brief.csv"))
    parser.add_argument("--group-column", default="teacher_id")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=4, help="selection rounds (default 4: up to 100 rows)")
    parser.add_argument("--random-sizes", default="25,50,75,100,200", help="sizes of the random batches")
    parser.add_argument("--own-weight", type=float, default=1.0)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()

    t_start = time.perf_counter()
    data = load_labelled(args.data, group_column=args.group_column, require_group=True)
    texts = np.asarray(data.texts, dtype=object)
    labels = np.asarray(data.labels, dtype=object)
    groups = np.asarray(data.groups)
    estimator = ActivityClassifier(calibration=None)
    corpus = AddedCorpus.bundled(args.own_weight).analysed(estimator)
    docs = estimator.build_analyzer().analyse(list(texts))
    bundled_model = ActivityClassifier(calibration=None).fit(
        list(corpus.texts), list(corpus.labels), analysis=list(corpus.analysis or ())
    )
    sizes = [int(s) for s in args.random_sizes.split(",")]
    runs = []
    for seed in range(args.seeds):
        rng = np.random.default_rng(seed)
        teachers = rng.permutation(np.unique(groups))
        pool_teachers = set(teachers[: len(teachers) // 2].tolist())
        pool = np.flatnonzero([g in pool_teachers for g in groups])
        held = np.flatnonzero([g not in pool_teachers for g in groups])
        ev = (list(texts[held]), list(labels[held]), [docs[i] for i in held])

        def fit(rows, with_corpus=True):
            model = ActivityClassifier(calibration=None)
            x, y, d = list(texts[rows]), list(labels[rows]), [docs[i] for i in rows]
            return fit_with_corpus(model, x, y, corpus, analysis=d) if with_corpus else model.fit(x, y, analysis=d)

        run = {"seed": seed, "pool": len(pool), "evaluation": len(held), "bundled": score(bundled_model, *ev)}
        order = rng.permutation(pool)
        run["random"] = {}
        for n in sizes:
            if n > len(pool):
                continue
            rows = order[:n]
            run["random"][n] = {"own+bundled": score(fit(rows), *ev), "own": score(fit(rows, False), *ev)}
        coded: list[int] = []
        model = bundled_model
        run["selected"] = {}
        for _ in range(args.rounds):
            free = np.asarray([i for i in pool if i not in set(coded)])
            pick = select_for_coding(list(texts[free]), model, args.batch, seed=seed, analysis=[docs[i] for i in free])
            coded.extend(int(free[j]) for j in pick.indices)
            rows = np.asarray(coded)
            model = fit(rows)
            run["selected"][len(coded)] = {"own+bundled": score(model, *ev), "own": score(fit(rows, False), *ev)}
        runs.append(run)
        print(f"seed {seed} done after {time.perf_counter() - t_start:.0f} s", file=sys.stderr)

    def stats(values):
        arr = np.asarray(values, dtype=float)
        return f"{arr.mean():.3f} ± {arr.std(ddof=1) if len(arr) > 1 else 0.0:.3f}"

    print(
        f"\n{args.data}: {len(texts)} rows; {args.seeds} seeds; pool/evaluation split by {args.group_column}; "
        f"own weight {args.own_weight:g}; mean ± SD over seeds"
    )
    print(
        f"bundled corpus alone (0 own rows): macro-F1 {stats([r['bundled']['macro_f1'] for r in runs])}, "
        f"kappa {stats([r['bundled']['kappa'] for r in runs])}"
    )
    print(
        f"{'own rows':>8} | {'own alone F1':>14} {'kappa':>14} | {'own+bundled F1':>14} {'kappa':>14} | "
        f"{'selected F1':>14} {'kappa':>14}"
    )
    all_sizes = sorted({n for r in runs for n in (*r["random"], *r["selected"])})
    for n in all_sizes:
        cells = []
        for strategy, key in (("random", "own"), ("random", "own+bundled"), ("selected", "own+bundled")):
            got = [r[strategy][n][key] for r in runs if n in r[strategy]]
            cells.append(
                f"{stats([g['macro_f1'] for g in got]):>14} {stats([g['kappa'] for g in got]):>14}"
                if got
                else f"{'':>14} {'':>14}"
            )
        print(f"{n:>8} | " + " | ".join(cells))
    for n in sizes:
        if all(n in r["random"] for r in runs):
            both = [r["random"][n]["own+bundled"]["macro_f1"] for r in runs]
            beats = sum(
                b > max(r["random"][n]["own"]["macro_f1"], r["bundled"]["macro_f1"])
                for b, r in zip(both, runs, strict=True)
            )
            print(f"{n} random rows: own+bundled beats both alone (macro-F1) in {beats} of {len(runs)} seeds")
    for n in (50, 100):
        if all(n in r["selected"] and n in r["random"] for r in runs):
            for metric in ("macro_f1", "kappa"):
                diff = [r["selected"][n]["own+bundled"][metric] - r["random"][n]["own+bundled"][metric] for r in runs]
                print(
                    f"selected - random at {n} rows ({metric}): {stats(diff)}; per seed "
                    + ", ".join(f"{d:+.3f}" for d in diff)
                )
    print(f"total {time.perf_counter() - t_start:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
