"""--jobs / n_jobs: several processes give exactly the output of one, rows in order."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from activity_classifier._parallel import MIN_ROWS_PER_JOB, chunked, effective_jobs, parallel_chunks, resolve_jobs
from activity_classifier.cli import main
from activity_classifier.corpus import load_labelled

# Enough rows for two workers; the corpus texts reversed, so the order of the output is tested too.
N_ROWS = 2 * MIN_ROWS_PER_JOB + 37


@pytest.fixture(scope="module")
def texts():
    return list(reversed(load_labelled().texts))[:N_ROWS]


def _square_chunk(state, chunk, offset):
    return [state * x + offset for x in chunk]


def test_parallel_chunks_keeps_order_and_runs_in_workers():
    items = list(range(3 * MIN_ROWS_PER_JOB))
    expected = [3 * x + 1 for x in items]
    assert parallel_chunks(_square_chunk, 3, items, n_jobs=1, chunk_size=100, offset=1) == expected
    assert parallel_chunks(_square_chunk, 3, items, n_jobs=3, chunk_size=100, offset=1) == expected
    assert effective_jobs(3, len(items)) == 3
    assert effective_jobs(8, MIN_ROWS_PER_JOB - 1) == 1  # too few rows: stays in this process
    assert [list(c) for c in chunked([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]
    assert resolve_jobs(None) == resolve_jobs(0) == 1
    assert resolve_jobs(-1) >= 1 and resolve_jobs(5) == 5


def test_explain_and_analyse_with_two_jobs_equal_one_job(default_model, texts):
    one = default_model.explain(texts, n_jobs=1)
    two = default_model.explain(texts, n_jobs=2)
    assert len(two) == len(texts)
    assert two == one
    assert default_model.analyse(texts, n_jobs=2) == default_model.analyse(texts)


def test_cli_predict_output_is_byte_identical_with_jobs(texts, tmp_path, capsys):
    import pandas as pd

    src = tmp_path / "in.csv"
    pd.DataFrame({"id": range(len(texts)), "text": texts}).to_csv(src, index=False)
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out_{jobs}.csv"
        assert main(["predict", str(src), "--output", str(out), "--jobs", jobs]) == 0
        outputs[jobs] = out.read_bytes()
    assert outputs["1"] == outputs["2"]
    frame = pd.read_csv(tmp_path / "out_2.csv")
    assert frame["id"].tolist() == list(range(len(texts)))


def test_cli_predict_stdin_is_identical_with_jobs(texts, monkeypatch, capsys):
    lines = [" ".join(t.split()) for t in texts]
    printed = {}
    for jobs in ("1", "2"):
        data = ("\n".join(lines) + "\n").encode("utf-8")
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        assert main(["predict", "-", "--jobs", jobs]) == 0
        printed[jobs] = capsys.readouterr().out
    assert printed["1"] == printed["2"]
    assert len(printed["2"].splitlines()) == len(lines)


@pytest.mark.parametrize("bad", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(bad, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["predict", "-", "--jobs", bad])
    assert exc.value.code == 2
    assert "expected a positive whole number" in capsys.readouterr().err


def test_workers_end_when_their_parent_is_killed(tmp_path):
    """A SIGKILLed parent leaves no workers behind (they would hold its output pipes open)."""
    import signal
    import time

    pids = tmp_path / "pids"
    code = (
        "import os, time\n"
        "from activity_classifier._parallel import parallel_chunks\n"
        "def work(state, chunk):\n"
        f"    with open({str(pids)!r}, 'a') as fh:\n"
        "        fh.write(f'{os.getpid()}\\n')\n"
        "    time.sleep(60)\n"
        "    return list(chunk)\n"
        "if __name__ == '__main__':\n"
        "    parallel_chunks(work, None, list(range(2000)), n_jobs=2, chunk_size=1000)\n"
    )
    script = tmp_path / "run.py"
    script.write_text(code, "utf-8")
    proc = subprocess.Popen([sys.executable, str(script)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not pids.exists() or len(pids.read_text().split()) < 2):
        time.sleep(0.1)
    workers = [int(p) for p in pids.read_text().split()]
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [p for p in workers if os.path.exists(f"/proc/{p}") and "Z" not in _state(p)]
    assert alive == []


def _state(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
