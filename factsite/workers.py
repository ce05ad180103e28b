"""Worker processes, forked: they inherit the loaded site, templates and plan instead of
receiving them pickled. Where the platform cannot fork, everything runs in one process.

multiprocessing and concurrent.futures are imported only when workers start: together they are
30 to 40 ms of every start, a tenth of a small site's build, which never forks."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

PARALLEL_MINIMUM = 200
"""Below this many pages to render, starting workers costs more than it saves."""


class WorkerLost(Exception):
    """A worker process died in the middle of a build (killed, e.g. by the out-of-memory killer).
    Its share of the work is lost, so the build stops instead of publishing, or waiting, forever."""


def can_fork(workers: int) -> bool:
    return workers > 1 and hasattr(os, "fork")  # where multiprocessing offers its "fork" start method


@contextlib.contextmanager
def fork_pool(processes: int) -> Iterator[ProcessPoolExecutor]:
    """Forked workers that die with this process, and whose death stops the build (WorkerLost)
    instead of leaving it waiting for their results (what multiprocessing.Pool does)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"), initializer=_start_worker)
    finished = False
    try:
        _start_workers(pool)
        yield pool
        finished = True
    except BrokenProcessPool:
        raise WorkerLost("a worker process stopped unexpectedly (was it killed, perhaps for lack of memory?)") from None
    finally:
        if not finished:  # an error or an interrupt: the work still queued is of no use
            for process in list(pool._processes.values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=not finished)


def _start_workers(pool: ProcessPoolExecutor) -> None:
    """Fork the workers now (with the fork start method the pool forks them all within its first
    `submit`), with Ctrl-C held back meanwhile: they inherit that, and ignore it before letting it
    through (see _start_worker), so a Ctrl-C that lands just as a worker starts cannot print its
    traceback. This process gets the Ctrl-C as soon as they are forked; it does not wait for the
    first task to come back (10 to 20 ms: a worker starts on its chunks when it is ready)."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pool.submit(int)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _start_worker() -> None:
    """Ctrl-C reaches every process in the terminal's group. The build's main process stops its
    workers itself, so they ignore it instead of each printing a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    die_with_parent()


_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In a child process, before it starts work: if the build is killed, the child dies too,
    instead of writing on into a staging folder the next build removes, or waiting forever."""
    import ctypes  # (here, in the child: 4 ms of imports the build's own start does without)

    with contextlib.suppress(OSError, AttributeError):  # not Linux's libc: nothing to do
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
