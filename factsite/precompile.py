"""Templates compiled in a forked process while this one loads and plans the build.

Compiling our templates takes about 0.1 s (Jinja parses them and generates and compiles Python),
on one core, while the other waits; before that, loading leaves the second core idle part of the
time, and planning all of it. So, for a big site, a process forked at the start of the build
compiles every .html template meanwhile and sends back what Jinja's bytecode cache would store;
the renderer takes each one whose source is still the same and compiles the rest itself (a
template with a mistake is reported as always, by the build's own compile). Interleaved cold
builds of 1,000 pages: 0.09 s less wall time (median of 16 paired runs; faster in 10 of them); at
10,000, 0.24 s less (faster in 4 of 5).

The helper is a plain fork with a pipe, not a process pool: a pool keeps threads running in this
process, and the loader forks its own worker meanwhile (forking while other threads may hold locks
is how children deadlock)."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

from .workers import can_fork, fork_child

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
    reader, writer = os.pipe()
    helper = fork_child()
    if helper == 0:
        _help(templates_dir, compiled_dir, reader, writer)  # never returns
    os.close(writer)
    received: list[dict[str, bytes]] = []

    def compiled() -> dict[str, bytes]:
        if not received:
            with open(reader, "rb", closefd=False) as pipe:
                data = pipe.read()
            try:
                received.append(pickle.loads(data))
            except Exception:  # the helper failed or was lost: it cost only its head start
                received.append({})
        return received[0]

    try:
        yield compiled
    finally:
        if not received:  # the build stopped before taking them
            with contextlib.suppress(OSError):
                os.kill(helper, signal.SIGKILL)
        os.close(reader)
        os.waitpid(helper, 0)


def _help(templates_dir: Path, compiled_dir: Path | None, reader: int, writer: int) -> NoReturn:
    """The forked helper: compile, send, and end without running anything of the build's."""
    try:
        os.close(reader)
        from .templates import compile_every_template  # (Jinja only: this process imports it meanwhile too)

        data = pickle.dumps(compile_every_template(templates_dir, compiled_dir), pickle.HIGHEST_PROTOCOL)
        with open(writer, "wb") as pipe:
            pipe.write(data)
    finally:
        os._exit(0)
