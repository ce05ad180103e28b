"""Templates compiled in a forked process while this one loads and plans the build.

Compiling our templates takes about 0.1 s (Jinja parses them and generates and compiles Python),
on one core, while the other waits; before that, loading leaves the second core idle part of the
time, and planning all of it. So, for a big site, a process forked at the start of the build
compiles every template meanwhile and sends back what Jinja's bytecode cache would store; the
renderer takes each one whose source is still the same and compiles the rest itself (a template
with a mistake is reported as always, by the build's own compile). Interleaved cold builds of
1,000 pages: 0.09 s less wall time (median of 16 paired runs; faster in 10 of them); at 10,000,
0.24 s less (faster in 4 of 5)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from .render import compile_every_template
from .workers import can_fork, fork_pool

Compiled = Callable[[], dict[str, bytes]]
"""Waits for the compiled templates (empty if they could not be had)."""


@contextlib.contextmanager
def templates_compiled_meanwhile(
    templates_dir: Path, compiled_dir: Path | None, workers: int, worth_it: bool
) -> Iterator[Compiled]:
    """Within this block, every template not kept compiled in `compiled_dir` is being compiled
    in another process (only if `worth_it` and this platform forks: otherwise the block waits
    for nothing)."""
    if not (worth_it and can_fork(workers)):
        yield dict
        return
    with fork_pool(1) as pool:
        future = pool.submit(compile_every_template, templates_dir, compiled_dir)

        def compiled() -> dict[str, bytes]:
            try:
                return future.result()
            except Exception:  # a lost helper costs only its head start
                return {}

        yield compiled
        compiled()
