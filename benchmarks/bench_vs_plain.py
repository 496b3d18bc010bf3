"""``activity-classifier predict`` against a plain scikit-learn pipeline, side by side, as whole processes.

    python benchmarks/bench_vs_plain.py [--runs 3] [--n 20000] [--model DIR]

Both sides read the same CSV of 20,000 *varied* descriptions (``benchmarks/varied.py``: every distinct text
of the bundled CSVs, then distinct sentence pairs) and write a CSV of predictions, each in a fresh process,
so both pay start-up, model loading and I/O:

ours     ``activity-classifier predict FILE --output out.csv`` with the default jobs (all cores) and with
         ``--jobs 1``; hybrid method, full provenance (confidence, alternatives, evidence).
plain    ``TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)) + LinearSVC``, trained beforehand on the
         bundled corpus (``data/labelled_activities.csv``) and saved with joblib; a fresh process loads it,
         reads the CSV with pandas, predicts and writes ``text,label`` with pandas.

Each is run ``--runs`` times (median wall time), the three commands taking turns (plain, ours, ours with
``--jobs 1``, then again), so that a slow spell of the machine weighs on all of them alike. Peak memory is
measured in one more run of each, apart from the timed ones: it is sampled every 20 ms over the process and
all its children, as the sum of their resident set sizes (RSS, which counts pages shared by forked workers
once per process) and as the sum of their proportional set sizes (PSS, shared pages split between the
processes that share them). Sampling is kept out of the timed runs because it is not free: walking /proc and
every process's page tables 50 times a second takes CPU from, and locks the memory map of, what it measures,
which slows a command that keeps both cores busy more than a one-core one. Also: cold start of
``echo text | activity-classifier predict -`` and ``activity-classifier --help`` (median of 5 each). Prints
one table with the targets of issue 9, with the median CPU time (user + system, the process and its
workers) of each, which a busy machine inflates less than the wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from varied import N_DESCRIPTIONS, ROOT, write_csv

TARGETS = {"ratio_default": 1.7, "ratio_jobs1": 1.0, "memory_mb": 600.0, "cold_start": 2.0, "help": 0.5}

PLAIN_PREDICT = """
import sys, joblib, pandas as pd
model = joblib.load(sys.argv[1])
frame = pd.read_csv(sys.argv[2], dtype=str, keep_default_na=False)
frame["label"] = model.predict(frame["text"].tolist())
frame.to_csv(sys.argv[3], index=False)
"""


def train_plain(path: Path) -> None:
    """Fit the plain pipeline on the bundled corpus and save it with joblib (not timed)."""
    import joblib
    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    corpus = pd.read_csv(ROOT / "data" / "labelled_activities.csv", dtype=str, keep_default_na=False)
    pipe = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)), LinearSVC())
    pipe.fit(corpus["text"].tolist(), corpus["label"].tolist())
    joblib.dump(pipe, path)


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _memory(pids: list[int]) -> tuple[float, float]:
    """Return the summed RSS and PSS of ``pids`` in MB (a process that ended counts 0)."""
    rss = pss = 0.0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) / 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) / 1024
        except OSError:
            continue
    return rss, pss


def run(cmd: list[str], stdin: str | None = None, *, memory: bool = False) -> dict[str, float]:
    """Run ``cmd`` once: its wall and CPU time, and with ``memory`` the peak summed RSS and PSS of its tree."""
    peak = {"rss": float("nan"), "pss": float("nan")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss, pss = _memory(_descendants(proc.pid))
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        peak = {"rss": 0.0, "pss": 0.0}
        sampler.start()
    _, err = proc.communicate(stdin)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done.set()
    if memory:
        sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()}")
    return {"seconds": seconds, "cpu": cpu, **peak}


def _summarise(results: list[dict[str, float]], memory: dict[str, float]) -> dict[str, float]:
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "cpu": statistics.median(r["cpu"] for r in results),
        "rss": memory["rss"],
        "pss": memory["pss"],
        "all": [round(r["seconds"], 2) for r in results],  # type: ignore[dict-item]
    }


def median_run(cmd: list[str], runs: int, stdin: str | None = None) -> dict[str, float]:
    """Run ``cmd`` ``runs`` times and once more sampled: median wall and CPU time, peak memory, every run's time."""
    timed = [run(cmd, stdin) for _ in range(runs)]
    return _summarise(timed, run(cmd, stdin, memory=True))


def interleaved_runs(cmds: list[list[str]], runs: int) -> list[dict[str, float]]:
    """Run the commands in turn, ``runs`` rounds of one run each, and summarise each as :func:`median_run` does.

    Taking turns spreads a machine's slow and fast spells over all the commands, so that the ratios
    between them do not depend on which one happened to run during a slow spell.
    """
    results: list[list[dict[str, float]]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            results[i].append(run(cmd))
    return [_summarise(res, run(cmd, memory=True)) for res, cmd in zip(results, cmds, strict=True)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--n", type=int, default=N_DESCRIPTIONS)
    parser.add_argument("--model", help="model directory for ours (default: the shipped default model)")
    args = parser.parse_args()
    model = ["--model", args.model] if args.model else []
    exe = shutil.which("activity-classifier") or str(Path(sys.executable).with_name("activity-classifier"))
    with tempfile.TemporaryDirectory() as tmp:
        data = write_csv(Path(tmp) / "varied.csv", args.n)
        plain_model = Path(tmp) / "plain.joblib"
        train_plain(plain_model)
        plain_script = Path(tmp) / "plain_predict.py"
        plain_script.write_text(PLAIN_PREDICT, "utf-8")
        out = str(Path(tmp) / "out.csv")
        plain, ours, ours1 = interleaved_runs(
            [
                [sys.executable, str(plain_script), str(plain_model), str(data), out],
                [exe, "predict", str(data), "--output", out, *model],
                [exe, "predict", str(data), "--output", out, "--jobs", "1", *model],
            ],
            args.runs,
        )
        cold = median_run([exe, "predict", "-", *model], 5, stdin="Webinar over feedback gevolgd\n")
        helps = median_run([exe, "--help"], 5)
    rate = {name: args.n / r["seconds"] for name, r in (("plain", plain), ("ours", ours), ("ours1", ours1))}
    rows = [
        ("plain char_wb(2,5) + LinearSVC", f"{rate['plain']:,.0f} /s", "-", plain, None),
        (
            f"ours, default jobs ({os.cpu_count()})",
            f"{rate['ours']:,.0f} /s = {rate['ours'] / rate['plain']:.2f}x",
            f">= {TARGETS['ratio_default']}x",
            ours,
            rate["ours"] / rate["plain"] >= TARGETS["ratio_default"],
        ),
        (
            "ours, --jobs 1",
            f"{rate['ours1']:,.0f} /s = {rate['ours1'] / rate['plain']:.2f}x",
            f">= {TARGETS['ratio_jobs1']}x",
            ours1,
            rate["ours1"] / rate["plain"] >= TARGETS["ratio_jobs1"],
        ),
        ("cold start: predict - (median of 5)", f"{cold['seconds']:.2f} s", "< 2 s", cold, cold["seconds"] < 2.0),
        ("--help (median of 5)", f"{helps['seconds']:.2f} s", "< 0.5 s", helps, helps["seconds"] < 0.5),
    ]
    print(f"{args.n:,} varied descriptions, median of {args.runs} runs; load average {os.getloadavg()[0]:.2f}")
    print(f"{'measurement':38} {'result':>20} {'target':>9} {'ok':>3} {'peak RSS/PSS MB':>17} {'CPU s':>6}  runs (s)")
    for name, result, target, r, ok in rows:
        flag = "-" if ok is None else ("yes" if ok else "NO")
        mem = f"{r['rss']:.0f}/{r['pss']:.0f}"
        print(f"{name:38} {result:>20} {target:>9} {flag:>3} {mem:>17} {r['cpu']:6.1f}  {r['all']}")
    worst = max(ours["pss"], ours1["pss"])
    print(f"peak memory (PSS, process tree) of ours: {worst:.0f} MB (target < {TARGETS['memory_mb']:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
