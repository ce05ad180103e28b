"""Worker processes, forked: they inherit the loaded site, templates and plan instead of
receiving them pickled. Where the platform cannot fork, everything runs in one process."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool

PARALLEL_MINIMUM = 200
"""Below this many pages to render, starting workers costs more than it saves."""


def can_fork(workers: int) -> bool:
    return workers > 1 and "fork" in multiprocessing.get_all_start_methods()


def fork_pool(processes: int) -> multiprocessing.pool.Pool:
    return multiprocessing.get_context("fork").Pool(processes)
