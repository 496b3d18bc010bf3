"""Speed and memory of the default model on this machine; prints a table against the targets.

Each measurement runs in a fresh subprocess, so start-up, caches and peak memory are its own.

    python benchmarks/bench_predict.py            # all measurements
    python benchmarks/bench_predict.py --check    # exit 1 when a target is missed

Measurements
------------
throughput   descriptions per second of ``explain`` (full provenance, hybrid) on 20,000 descriptions in one
             process: the 2,120 distinct texts of the bundled corpus and holdout, cycled
cold start   wall time of ``activity-classifier predict -`` for one description (median of 5 runs)
training     wall time of ``ActivityClassifier().fit`` on the bundled corpus (no cross-validation)
memory       peak resident memory of the throughput run
artifact     size of the shipped model directory
"""

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N_DESCRIPTIONS = 20_000
TARGETS = {"throughput": 2000.0, "cold_start": 3.0, "training": 60.0, "memory": 600.0}


def _texts() -> list[str]:
    import pandas as pd

    frames = [
        pd.read_csv(ROOT / "data" / name, dtype=str) for name in ("labelled_activities.csv", "holdout_activities.csv")
    ]
    return pd.concat(frames)["text"].tolist()


def task_throughput() -> dict[str, float]:
    from activity_classifier.persistence import load_model

    model = load_model()
    distinct = _texts()
    texts = (distinct * (N_DESCRIPTIONS // len(distinct) + 1))[:N_DESCRIPTIONS]
    model.explain(distinct[:10])  # pipeline and matcher built once, as in any long-running process
    t0 = time.perf_counter()
    model.explain(texts)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"throughput": N_DESCRIPTIONS / seconds, "memory": peak, "seconds": seconds}


def task_training() -> dict[str, float]:
    from activity_classifier import ActivityClassifier
    from activity_classifier.corpus import load_labelled

    data = load_labelled()
    t0 = time.perf_counter()
    ActivityClassifier().fit(data.texts, data.labels)
    return {
        "training": time.perf_counter() - t0,
        "rows": len(data.texts),
        "training_memory": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def cold_start(runs: int = 5) -> float:
    exe = shutil.which("activity-classifier") or str(Path(sys.executable).with_name("activity-classifier"))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [exe, "predict", "-"], input="Webinar over feedback gevolgd\n", capture_output=True, text=True, check=True
        )
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_task(name: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--task", name], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=["throughput", "training"], help=argparse.SUPPRESS)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if args.task:
        print(json.dumps(task_throughput() if args.task == "throughput" else task_training()))
        return 0

    from activity_classifier.persistence import default_model_dir

    thr = run_task("throughput")
    trn = run_task("training")
    cold = cold_start()
    size = sum(p.stat().st_size for p in default_model_dir().iterdir()) / 2**20
    rows = [
        (
            "predict throughput (explain, 20,000 descriptions)",
            f"{thr['throughput']:,.0f} /s",
            ">= 2,000 /s",
            thr["throughput"] >= TARGETS["throughput"],
        ),
        (
            "cold start: predict - with one description (median of 5)",
            f"{cold:.2f} s",
            "< 3 s",
            cold < TARGETS["cold_start"],
        ),
        (
            f"training on the corpus ({trn['rows']:.0f} rows, no CV)",
            f"{trn['training']:.1f} s",
            "< 60 s",
            trn["training"] < TARGETS["training"],
        ),
        ("peak memory, throughput run", f"{thr['memory']:.0f} MB", "< 600 MB", thr["memory"] < TARGETS["memory"]),
        (
            "peak memory, training run",
            f"{trn['training_memory']:.0f} MB",
            "< 600 MB",
            trn["training_memory"] < TARGETS["memory"],
        ),
        ("artifact size (models/default)", f"{size:.1f} MB", "-", True),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':{width}}  {'result':>12}  {'target':>12}  ok")
    for name, result, target, ok in rows:
        print(f"{name:{width}}  {result:>12}  {target:>12}  {'yes' if ok else 'NO'}")
    missed = [r[0] for r in rows if not r[3]]
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
