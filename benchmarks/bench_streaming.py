"""Memory of ``activity-classifier predict`` on large files: 1,000,000 rows and a ~200 MB CSV, streamed.

Generates the inputs from :mod:`varied`'s descriptions (the 1,000,000-row file cycles through distinct
varied texts; the ~200 MB file joins consecutive ones into long texts of about 1,000 characters), runs
``activity-classifier predict FILE --output OUT.csv`` as a whole process, samples the summed RSS and PSS of
its process tree (the command and its worker processes) every 20 ms, and prints wall time, CPU time, rows/s,
the peak memory and whether the peak PSS stays under the bound.

    python benchmarks/bench_streaming.py                      # 1,000,000 rows, then ~200 MB (long texts)
    python benchmarks/bench_streaming.py --rows 50000 --megabytes 0   # a quick run
    python benchmarks/bench_streaming.py --rows 0 --dry-run           # reading the ~200 MB file only
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

from bench_vs_plain import run  # the one process-tree sampler
from varied import varied_texts

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "activity_classifier.cli"]
#: Distinct varied texts the inputs cycle through (more would only slow the generation down).
POOL = 100_000


def write_rows(path: Path, rows: int) -> Path:
    """Write ``rows`` descriptions (``id``, ``text``), cycling through :data:`POOL` varied texts."""
    texts = varied_texts(min(rows, POOL))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text"])
        for i in range(rows):
            writer.writerow([i, texts[i % len(texts)]])
    return path


def write_megabytes(path: Path, megabytes: int, length: int = 1_000) -> tuple[Path, int]:
    """Write a CSV of about ``megabytes`` MB of long texts (varied texts joined to ``length`` characters)."""
    texts = varied_texts(POOL)
    limit, rows, i = megabytes * 2**20, 0, 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text"])
        while fh.tell() < limit:
            parts: list[str] = []
            while sum(len(p) + 1 for p in parts) < length:
                parts.append(texts[i % len(texts)])
                i += 1
            writer.writerow([rows, " ".join(parts)])
            rows += 1
    return path, rows


def measure(label: str, src: Path, rows: int, args: argparse.Namespace) -> bool:
    out = src.with_name(src.stem + "_predicted.csv")
    cmd = [*CLI, "predict", str(src), "--output", str(out), "--jobs", str(args.jobs)]
    if args.chunk_rows:
        cmd += ["--chunk-rows", str(args.chunk_rows)]
    if args.dry_run:
        cmd += ["--dry-run"]  # reads and checks every row, classifies nothing
    size = src.stat().st_size / 2**20
    result = run(cmd)
    ok = result["pss"] < args.bound_mb
    print(
        f"{label}{' (--dry-run)' if args.dry_run else ''}: {rows:,} rows, {size:.0f} MB in, "
        f"{out.stat().st_size / 2**20 if out.exists() else 0:.0f} MB out; "
        f"wall {result['seconds']:.0f} s, CPU {result['cpu']:.0f} s, {rows / result['seconds']:,.0f} rows/s; "
        f"peak RSS {result['rss']:.0f} MB, peak PSS {result['pss']:.0f} MB "
        f"({'under' if ok else 'OVER'} the bound of {args.bound_mb:.0f} MB); load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    out.unlink(missing_ok=True)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the first file (0: skip it)")
    parser.add_argument("--megabytes", type=int, default=200, help="size of the long-text file (0: skip it)")
    parser.add_argument("--bound-mb", type=float, default=1024.0, help="peak PSS the run must stay under")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunk-rows", type=int, default=0, help="--chunk-rows of predict (0: its default)")
    parser.add_argument("--folder", help="where to write the inputs (default: a temporary folder)")
    parser.add_argument("--dry-run", action="store_true", help="pass --dry-run: measure reading only")
    args = parser.parse_args(argv)
    folder = Path(args.folder or tempfile.mkdtemp(prefix="bench_streaming_"))
    folder.mkdir(parents=True, exist_ok=True)
    ok = True
    if args.rows:
        ok &= measure("rows", write_rows(folder / "rows.csv", args.rows), args.rows, args)
    if args.megabytes:
        path, rows = write_megabytes(folder / "long.csv", args.megabytes)
        ok &= measure("long texts", path, rows, args)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
