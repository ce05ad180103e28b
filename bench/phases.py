"""Where a cold build's time goes: wall time, CPU time and memory of each phase of one build.

    python bench/phases.py                 # a 10,000-page corpus, built in a temporary folder
    python bench/phases.py --size 1000 --runs 3 --workdir /dev/shm

The build runs in this process, as `python build.py build --no-search` would run it, with the
pipeline's steps wrapped to note the clock when each starts and ends: loading, planning,
compiling templates, then rendering, checking and writing (until the last chunk is in) and the
end of the build. CPU time is this process's and, separately, that of its finished children (the
record-file loader and the rendering workers). Each run starts with no output and no cache.

A second table adds up the steps each chunk's pages go through (see factsite.parallel.stream._run_jobs):
Markdown, templates, writing, scanning, checking, with the pages each did and its time per page,
in this process only (with `--workers 1`, that is every page; otherwise the main process's share).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from corpus import make_corpus  # noqa: E402

_importing = time.perf_counter()
from factsite import build  # noqa: E402
from factsite import options as options_module  # noqa: E402
from factsite.check.links import LinkChecker  # noqa: E402
from factsite.parallel import stream  # noqa: E402
from factsite.publish.staging import StagingTree  # noqa: E402
from factsite.render.renderer import PageRenderer  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _importing


class Clock:
    """Marks: (label, wall seconds since the start, own CPU, children's CPU, RSS MB)."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        times = os.times()
        self.own, self.children = times.user + times.system, times.children_user + times.children_system
        self.marks: list[tuple[str, float, float, float, float]] = []

    def mark(self, label: str) -> None:
        times = os.times()
        status = Path("/proc/self/status").read_text().splitlines()
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        self.marks.append(
            (
                label,
                time.perf_counter() - self.start,
                times.user + times.system - self.own,
                times.children_user + times.children_system - self.children,
                rss / 1024,
            )
        )


def wrapped(clock: Clock, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        clock.mark(f"{label} starts")
        try:
            return function(*args, **kwargs)
        finally:
            clock.mark(f"{label} ends")

    return timed


class StepTimes:
    """Calls and seconds of each rendering step, in this process."""

    STEPS = (
        ("Markdown", PageRenderer, "markdown_each"),  # a chunk's pages at a time
        ("templates", PageRenderer, "page_bytes"),  # and encoding, part by part
        ("writing", StagingTree, "write"),
        ("scanning", stream, "scan_page"),
        ("checking", LinkChecker, "check_page"),
    )

    def __init__(self) -> None:
        self.pages = {label: 0 for label, _, _ in self.STEPS}
        """Pages (files, for writing) each step has done."""
        self.seconds = {label: 0.0 for label, _, _ in self.STEPS}

    @contextlib.contextmanager
    def counting(self) -> Iterator[None]:
        originals = [getattr(owner, name) for _, owner, name in self.STEPS]
        for (label, owner, name), original in zip(self.STEPS, originals, strict=True):
            setattr(owner, name, self._timed(label, name, original))
        try:
            yield
        finally:
            for (_, owner, name), original in zip(self.STEPS, originals, strict=True):
                setattr(owner, name, original)

    def _timed(self, label: str, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started
                self.pages[label] += len(args[1]) if name == "markdown_each" else 1

        return timed


def measure(project: Path, workers: int | None, steps: StepTimes | None = None) -> Clock:
    """One cold build of project (content/, templates/, static/), its phases marked."""
    for made in ("_site", ".cache"):
        shutil.rmtree(project / made, ignore_errors=True)
    clock = Clock()
    originals = (build.load_site, build.plan_site, PageRenderer.compile_templates, stream._results)
    build.load_site = wrapped(clock, "loading", build.load_site)  # type: ignore[assignment]
    build.plan_site = wrapped(clock, "planning", build.plan_site)  # type: ignore[assignment]
    PageRenderer.compile_templates = wrapped(clock, "compiling templates", originals[2])  # type: ignore[method-assign]

    def results(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for index, result in enumerate(originals[3](*args, **kwargs)):
            if index == 0:
                clock.mark("first chunk in")
            yield result
        clock.mark("last chunk in")

    stream._results = results
    try:
        options = options_module.BuildOptions(
            project / "content", project / "templates", project / "static", project / "_site", search=False
        )
        if workers is not None:
            options = dataclasses.replace(options, workers=workers)
        with steps.counting() if steps is not None else contextlib.nullcontext():
            build.build_site(options)
        clock.mark("built")
    finally:
        build.load_site, build.plan_site, PageRenderer.compile_templates, stream._results = originals  # type: ignore[assignment, method-assign]
    return clock


def report(clock: Clock) -> None:
    print("| step | at s | own CPU s | children's CPU s | RSS MB |")
    print("|---|---|---|---|---|")
    for label, wall, own, children, rss in clock.marks:
        print(f"| {label} | {wall:.2f} | {own:.2f} | {children:.2f} | {rss:.0f} |")


def report_steps(steps: StepTimes) -> None:
    print("\n| rendering step (this process) | pages | s | µs per page |")
    print("|---|---|---|---|")
    for label, _, _ in StepTimes.STEPS:
        pages, seconds = steps.pages[label], steps.seconds[label]
        print(f"| {label} | {pages:,} | {seconds:.3f} | {1e6 * seconds / max(pages, 1):.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description="Where a cold build's time goes, phase by phase.")
    parser.add_argument("--size", type=int, default=10_000, help="corpus pages")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: the build's default)")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (e.g. /dev/shm)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        project = Path(folder)
        make_corpus(args.size, project / "content")
        shutil.copytree(REPO / "templates", project / "templates")
        shutil.copytree(REPO / "static", project / "static")
        print(f"# Phases of a cold build, {args.size:,} pages, {time.strftime('%Y-%m-%d')}, building in {folder}")
        print(f"\nImporting factsite took {IMPORT_SECONDS:.2f} s")
        for run in range(args.runs):
            print(f"\nRun {run + 1} (CPU of children counts finished children only: workers are reaped at the end)\n")
            steps = StepTimes()
            report(measure(project, args.workers, steps))
            report_steps(steps)


if __name__ == "__main__":
    main()
