"""Run a fitted model's per-row work on several cores, in chunks, with the rows kept in order.

Each worker process gets the model once, through the pool's initializer: where the ``fork`` start method
exists (Linux) the worker inherits it from the parent's memory without any copying or pickling; elsewhere
it is pickled once per worker, never once per chunk. The chunks are processed independently and returned
in input order, and every row's result depends on that row alone, so the output equals that of one process.
A worker ends when its parent process dies (on Linux), so a killed ``predict`` leaves no workers behind
holding its output pipes open.

Examples
--------
>>> resolve_jobs(1), resolve_jobs(None), resolve_jobs(-1) >= 1
(1, 1, True)
>>> effective_jobs(4, 100), effective_jobs(4, 20_000)
(1, 4)
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["chunked", "effective_jobs", "parallel_chunks", "resolve_jobs"]

T = TypeVar("T")
R = TypeVar("R")

#: Fewer rows than this per worker are not worth a process: the work stays in the calling process.
MIN_ROWS_PER_JOB = 500

# The object a worker's tasks run against (set once per worker by the initializer).
_STATE: Any = None


def resolve_jobs(n_jobs: int | None) -> int:
    """Return the number of processes for ``n_jobs``: None or 1 -> 1, -1 -> all cores, -2 -> all but one."""
    if n_jobs is None or n_jobs == 0:
        return 1
    cores = os.cpu_count() or 1
    return max(1, n_jobs if n_jobs > 0 else cores + 1 + n_jobs)


def effective_jobs(n_jobs: int | None, n_items: int) -> int:
    """Return the processes :func:`parallel_chunks` uses for ``n_items`` (at most one per :data:`MIN_ROWS_PER_JOB`)."""
    return min(resolve_jobs(n_jobs), max(1, n_items // MIN_ROWS_PER_JOB))


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Yield consecutive slices of ``items`` of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


_PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def _end_with_parent(parent: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _init(state: Any, parent: int) -> None:
    global _STATE
    _end_with_parent(parent)
    _STATE = state


def _run(task: tuple[Callable[..., list[R]], Sequence[Any], dict[str, Any]]) -> list[R]:
    func, chunk, kwargs = task
    return func(_STATE, chunk, **kwargs)


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def parallel_chunks(
    func: Callable[..., list[R]],
    state: Any,
    items: Sequence[Any],
    *,
    n_jobs: int | None,
    chunk_size: int,
    **kwargs: Any,
) -> list[R]:
    """Return ``func(state, chunk, **kwargs)`` concatenated over the chunks of ``items``, in order.

    ``func`` must be a module-level function (workers find it by name). With one job, or fewer than
    :data:`MIN_ROWS_PER_JOB` items per job, everything runs in this process.
    """
    jobs = effective_jobs(n_jobs, len(items))
    if jobs == 1:
        return [r for chunk in chunked(items, chunk_size) for r in func(state, chunk, **kwargs)]
    # Small enough chunks that both cores stay busy until the end, large enough to amortise the transfer.
    size = max(1, min(chunk_size, -(-len(items) // (jobs * 4))))
    tasks = [(func, chunk, kwargs) for chunk in chunked(items, size)]
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=_context(), initializer=_init, initargs=(state, os.getpid())
    ) as pool:
        return [r for part in pool.map(_run, tasks) for r in part]
