"""Which reliability signals help? Ablation on writer-grouped out-of-fold predictions and on the test files.

Runs writer-grouped 5-fold CV of the hybrid policy on the training corpus (each fold's model also
calibrates on folds of its own writers), records the signals of :mod:`activity_classifier.reliability`
for every held-out prediction plus one candidate that is not stored (``nn_similarity``: the highest
cosine similarity to a single training description), fits the full model, and then compares signal sets:

* on the out-of-fold predictions, the expected-correctness model is itself cross-validated by writer;
* on each test file, it is fitted on all out-of-fold predictions and applied to the full model's.

Reported per set: AURC (lower is better), accuracy of the accepted at 90/80/60% coverage, and at the
target 0.95 the share flagged and the accuracy of the accepted. Nothing here is used for training; the
test files are only read.

    .venv/bin/python scripts/reliability_signals.py
"""

from __future__ import annotations

import sys

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GroupKFold

from activity_classifier import ActivityClassifier
from activity_classifier.corpus import load_labelled
from activity_classifier.evaluation import fold_indices
from activity_classifier.reliability import SIGNALS, aurc, build_reliability, item_signals, select_for_target

TESTS = ("data/test_out_of_brief.csv", "data/holdout_activities.csv")
EXTRA = ("nn_similarity",)
ALL = SIGNALS + EXTRA


def _nn(model: ActivityClassifier, train_docs: list, docs: list) -> np.ndarray:
    n_word = len(model.word_vectorizer_.vocabulary_)
    a = model._features(docs)[:, :n_word]
    b = model._features(train_docs)[:, :n_word]
    return np.asarray((a @ b.T).max(axis=1).todense()).ravel()


def _signals(model: ActivityClassifier, train_docs: list, docs: list, texts: list) -> tuple[np.ndarray, list]:
    preds = model.explain(texts, method="hybrid", analysis=docs)
    sig = item_signals(model, docs, preds)
    return np.hstack([sig, _nn(model, train_docs, docs)[:, None]]), preds


def _acc_at(score: np.ndarray, ok: np.ndarray, cov: float) -> float:
    order = np.argsort(-score, kind="stable")
    k = max(1, round(cov * len(score)))
    return float(ok[order[:k]].mean())


def _expected(x: np.ndarray, ok: np.ndarray, use: tuple[str, ...], x_new: np.ndarray) -> np.ndarray:
    rel = build_reliability(x[:, : len(SIGNALS)], ok, use=[u for u in use if u in SIGNALS])
    p = rel.expected_correctness(x_new[:, : len(SIGNALS)])
    if "nn_similarity" in use:  # refit with the extra column appended (the stored model cannot hold it)
        from sklearn.linear_model import LogisticRegression

        cols = [ALL.index(u) for u in use]
        keep = ~np.isnan(x[:, 0])
        m, s = x[keep][:, cols].mean(0), x[keep][:, cols].std(0)
        lr = LogisticRegression(max_iter=1000).fit((x[keep][:, cols] - m) / s, ok[keep])
        p = lr.predict_proba((np.nan_to_num(x_new[:, cols], nan=0.0) - m) / s)[:, 1]
    return p


def _row(name: str, score: np.ndarray, ok: np.ndarray) -> str:
    accept, exp = select_for_target(score, 0.95)
    acc = float(ok[accept].mean()) if accept.any() else float("nan")
    return (
        f"{name:<28} AURC {aurc(score, ok):.4f}  acc@90 {_acc_at(score, ok, 0.9):.3f}  "
        f"acc@80 {_acc_at(score, ok, 0.8):.3f}  acc@60 {_acc_at(score, ok, 0.6):.3f}  "
        f"target .95: flagged {1 - accept.mean():.1%}, accepted acc {acc:.3f} (expected {exp:.3f})"
    )


def main() -> int:
    data = load_labelled(group_column="writer", require_group=True)
    est = ActivityClassifier()
    analyzer = est.build_analyzer()
    docs = analyzer.analyse(data.texts)
    y = np.asarray(data.labels, dtype=object)
    groups = np.asarray(data.groups, dtype=object)
    raw = np.asarray(data.texts, dtype=object)
    x = np.full((len(y), len(ALL)), np.nan)
    pred = np.empty(len(y), dtype=object)
    for train, test in fold_indices(list(y), list(groups), 5, 0):
        model = clone(est).fit(raw[train], y[train], analysis=[docs[i] for i in train], groups=groups[train])
        sig, preds = _signals(model, [docs[i] for i in train], [docs[i] for i in test], list(raw[test]))
        x[test] = sig
        pred[test] = [p.label for p in preds]
        print("fold done", file=sys.stderr)
    ok = pred == y
    full = clone(est).fit(raw, y, analysis=docs, groups=groups)
    tests = {}
    for path in TESTS:
        t = load_labelled(path, group_column=None)
        tdocs = full.analyse(t.texts)
        sig, preds = _signals(full, docs, tdocs, t.texts)
        tests[path] = (sig, np.asarray([p.label for p in preds], dtype=object) == np.asarray(t.labels, dtype=object))
    np.savez("/tmp/reliability_signals.npz", x=x, ok=ok, groups=groups, **{p: v[0] for p, v in tests.items()})
    sets = {"confidence only": ("confidence",), "all stored": SIGNALS, "all + nn_similarity": ALL}
    for s in SIGNALS[1:]:
        sets[f"all stored - {s}"] = tuple(u for u in SIGNALS if u != s)
    print(
        f"hybrid OOF accuracy {ok.mean():.3f}; signal means: "
        + ", ".join(f"{n} {np.nanmean(x[:, i]):.3f}" for i, n in enumerate(ALL))
    )
    for path, (sig, tok) in tests.items():
        print(
            f"{path}: accuracy {tok.mean():.3f}; signal means: "
            + ", ".join(f"{n} {np.nanmean(sig[:, i]):.3f}" for i, n in enumerate(ALL))
        )
    for name, use in sets.items():
        oof = np.zeros(len(y))
        for tr, te in GroupKFold(n_splits=6).split(x, ok, groups):
            oof[te] = _expected(x[tr], ok[tr], use, x[te])
        print("OOF  " + _row(name, oof, ok))
        for path, (sig, tok) in tests.items():
            print(f"{path.split('/')[-1][:8]} " + _row(name, _expected(x, ok, use, sig), tok))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
