"""Run a fitted model's per-row work on several cores, in chunks, with the rows kept in order.

Each worker process gets the model once, through the pool's initializer: where the ``fork`` start method
exists (Linux) the worker inherits it from the parent's memory without any copying or pickling; elsewhere
it is pickled once per worker, never once per chunk. The chunks are processed independently and returned
in input order, and every row's result depends on that row alone, so the output equals that of one process.

Examples
--------
>>> resolve_jobs(1), resolve_jobs(None), resolve_jobs(-1) >= 1
(1, 1, True)
>>> effective_jobs(4, 100), effective_jobs(4, 20_000)
(1, 4)
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["chunked", "effective_jobs", "parallel_chunks", "resolve_jobs", "tapered"]

T = TypeVar("T")
R = TypeVar("R")

#: Fewer rows than this per worker are not worth a process: the work stays in the calling process.
MIN_ROWS_PER_JOB = 500

#: Linux's prctl(2) option that sends a signal to a process when its parent ends.
_PR_SET_PDEATHSIG = 1

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


def tapered(items: Sequence[T], size: int, jobs: int) -> Iterator[Sequence[T]]:
    """Yield consecutive slices of ``items`` of at most ``size`` items, smaller and smaller towards the end.

    A slice holds at most a ``2 * jobs``-th of the items left (and at least an eighth of ``size``), so the
    last slices are small: the workers finish at about the same time instead of one of them still working
    through a whole slice while the others wait.

    Examples
    --------
    >>> [len(s) for s in tapered(range(4000), 1000, 2)]
    [1000, 750, 563, 422, 317, 237, 178, 134, 125, 125, 125, 24]
    """
    smallest = max(1, size // 8)
    start = 0
    while start < len(items):
        step = min(size, max(smallest, -(-(len(items) - start) // (2 * jobs))))
        yield items[start : start + step]
        start += step


def _die_with_parent() -> None:
    """Have the kernel end this worker when its parent dies (Linux), so a killed command leaves no orphans.

    A worker waits for tasks on a pipe whose writing end it inherited itself, so it would never see the
    parent go: after ``kill -9`` of ``predict`` it would keep running, holding the terminal's output open.
    """
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: nothing to set
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # the parent died before the setting took effect
        os._exit(1)


def _init(state: Any) -> None:
    global _STATE
    _die_with_parent()
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
    on_chunk: Callable[[int], None] | None = None,
    **kwargs: Any,
) -> list[R]:
    """Return ``func(state, chunk, **kwargs)`` concatenated over the chunks of ``items``, in order.

    ``func`` must be a module-level function (workers find it by name). With one job, or fewer than
    :data:`MIN_ROWS_PER_JOB` items per job, everything runs in this process. ``on_chunk(done)``, if
    given, is called with the number of items done after each chunk, in order.
    """
    jobs = effective_jobs(n_jobs, len(items))
    if jobs == 1:
        parts: Iterator[list[R]] = (func(state, chunk, **kwargs) for chunk in chunked(items, chunk_size))
        return _collect(parts, on_chunk)
    # Small enough chunks that both cores stay busy until the end, large enough to amortise the transfer.
    size = max(1, min(chunk_size, -(-len(items) // (jobs * 4))))
    tasks = [(func, chunk, kwargs) for chunk in tapered(items, size, jobs)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_init, initargs=(state,)) as pool:
        return _collect(pool.map(_run, tasks), on_chunk)


def _collect(parts: Iterator[list[R]], on_chunk: Callable[[int], None] | None) -> list[R]:
    out: list[R] = []
    for part in parts:
        out.extend(part)
        if on_chunk is not None:
            on_chunk(len(out))
    return out
