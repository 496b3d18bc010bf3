"""Regenerate the golden metrics files of the report tests (tests/data/metrics_cv.json, metrics_test.json).

python scripts/golden_metrics.py            write both files
python scripts/golden_metrics.py --check    exit 1 if they differ from what evaluation produces now

They are real outputs of ``evaluate_cv`` (grouped 5-fold, with learning curve) on the wave-1 rows of the
bundled corpus (1,746 rows: the whole corpus would make the check take minutes) and of ``evaluate_test`` of the
default model on the holdout, with 200 bootstrap resamples and the long example
lists trimmed; ``seconds`` is the one block that differs between runs, and is not compared.
"""

import argparse
import json
import math
import sys
import tempfile
from pathlib import Path
from typing import Any

from activity_classifier import ActivityClassifier, load_model
from activity_classifier.corpus import load_labelled
from activity_classifier.evaluation import evaluate_cv, evaluate_test

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data"
N_BOOTSTRAP = 200


def trim(metrics: dict[str, Any]) -> dict[str, Any]:
    """Keep the first rows of the example lists (the files stay small; the structure stays complete)."""
    metrics = json.loads(json.dumps(metrics))  # a deep copy (NaN survives the round trip)
    for key in ("likely_label_errors", "misclassified"):
        if key in metrics:
            metrics[key] = metrics[key][:30]
    metrics["rules"]["terms"] = metrics["rules"]["terms"][:60]
    for rule in metrics["rules"]["rules"].values():
        rule["errors"] = rule["errors"][:1]
    return metrics


def ids(data: Any) -> list[str]:
    return [str(v) for v in data.frame["id"]]


def wave1(tmp: Path) -> Any:
    """The wave-1 rows of the bundled corpus, read back from a file of a fixed name (so its hash is stable)."""
    frame = load_labelled().frame
    path = tmp / "wave1_activities.csv"
    frame[frame["genre"] == "leerverslag"].to_csv(path, index=False)
    return load_labelled(path)


def generate() -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = wave1(Path(tmp))
    holdout = load_labelled(ROOT / "data" / "holdout_activities.csv")
    cv = evaluate_cv(
        ActivityClassifier(),
        corpus.texts,
        corpus.labels,
        corpus.groups,
        ids=ids(corpus),
        n_bootstrap=N_BOOTSTRAP,
        with_learning_curve=True,
        data_info=corpus.describe(),
    )
    test = evaluate_test(
        load_model(),
        holdout.texts,
        holdout.labels,
        groups=holdout.groups,
        ids=ids(holdout),
        baseline_data=(corpus.texts, corpus.labels),
        n_bootstrap=N_BOOTSTRAP,
        data_info=holdout.describe(),
    )
    return {"cv": trim(cv.to_dict()), "test": trim(test.to_dict())}


def comparable(metrics: dict[str, Any]) -> dict[str, Any]:
    """The metrics without the run-dependent timings and record, with NaN as None (as JSON stores it)."""

    def fix(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        return None if isinstance(value, float) and math.isnan(value) else value

    # The reproducibility record holds the date and the versions: run-dependent like the timings.
    return fix({k: v for k, v in metrics.items() if k not in ("seconds", "reproducibility")})


def differences(stored: Any, fresh: Any, where: str = "") -> list[str]:
    """Where two :func:`comparable` metrics differ; floats within 1e-9 (relative) count as equal.

    Floating-point sums in NumPy and BLAS round differently on different CPUs (seen: 1e-14 between two
    machines of the same kind), so an exact comparison would fail on a machine that did nothing wrong.
    """
    if isinstance(stored, dict) and isinstance(fresh, dict):
        if stored.keys() != fresh.keys():
            return [f"{where or '/'}: keys {sorted(set(stored) ^ set(fresh))}"]
        return [d for k in stored for d in differences(stored[k], fresh[k], f"{where}/{k}")]
    if isinstance(stored, list) and isinstance(fresh, list):
        if len(stored) != len(fresh):
            return [f"{where}: {len(stored)} items, now {len(fresh)}"]
        return [
            d for i, (a, b) in enumerate(zip(stored, fresh, strict=True)) for d in differences(a, b, f"{where}/{i}")
        ]
    both_numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (stored, fresh))
    if both_numbers and (isinstance(stored, float) or isinstance(fresh, float)):
        return [] if math.isclose(stored, fresh, rel_tol=1e-9, abs_tol=1e-12) else [f"{where}: {stored!r} != {fresh!r}"]
    return [] if stored == fresh else [f"{where}: {stored!r} != {fresh!r}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    fresh = generate()
    stale = []
    for kind, metrics in fresh.items():
        path = OUT / f"metrics_{kind}.json"
        if args.check:
            if differences(comparable(json.loads(path.read_text("utf-8"))), comparable(metrics)):
                stale.append(path.name)
        else:
            # Plain json.dumps keeps NaN: the report tests check that metrics.json writes it as null.
            path.write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", "utf-8")
            print(f"wrote {path}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python scripts/golden_metrics.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
