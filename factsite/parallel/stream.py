"""Render, check and write a whole site without holding it: the published build's page loop.

Pages are rendered in chunks, in forked worker processes when there are enough of them (workers
inherit the loaded site, the templates and the plan; nothing big is pickled to them). Each page
is scanned for links and written into the staging folder where it is rendered, then dropped, so
memory follows a chunk, not the site, and no page travels between processes. A worker sends back
the chunk's problems, the ids each page offers, the links that need an anchor on another page,
and what it wrote. A link to an anchor on another page is checked as soon as that page has been
rendered.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..check.links import Deferred, LinkChecker, add_links, scan_page
from ..errors import Problem, SiteError
from ..plan.jobs import PageJob, Plan
from ..publish.staging import StagingTree
from ..render.renderer import PageRenderer, markdown_problems
from ..render.templates import template_errors
from .pool import PARALLEL_MINIMUM, SharedCounter, can_fork, fork_pool

Progress = Callable[[str, int, int], None]
"""Called as (step, done, total) while rendering, for a progress display."""

CHUNK = 64
"""Pages per unit of work at most: large enough that handing chunks out costs nothing, small
enough to balance the load (a timeline page can take as long as a hundred article pages)."""
SMALLEST_CHUNK = 4
MOST_CHUNKS = 8192
"""Chunks are made bigger than CHUNK for a site with more pages than this many chunks of it hold
(half a million): the chunks' numbers must fit in a pipe (see workers.SharedCounter)."""


@dataclass
class ChunkResult:
    problems: list[Problem] = field(default_factory=list)
    ids: dict[str, frozenset[str]] = field(default_factory=dict)
    deferred: Deferred = field(default_factory=dict)
    fatal: list[Problem] = field(default_factory=list)
    """A template error: the build stops."""
    written: list[str] = field(default_factory=list)
    """Output paths written (the main process's staging tree learns of a worker's writes so)."""


@dataclass(frozen=True)
class _Work:
    renderer: PageRenderer
    checker: LinkChecker
    chunks: list[list[PageJob]]
    staging: StagingTree | None
    templates_dir: Path


_work: _Work | None = None
"""What forked workers render: inherited from the parent process, never pickled."""


def stream_pages(
    renderer: PageRenderer,
    plan: Plan,
    checker: LinkChecker,
    staging: StagingTree | None,
    templates_dir: Path,
    workers: int,
    progress: Progress | None = None,
    meanwhile: Callable[[], None] = lambda: None,
) -> list[Problem]:
    """Render every job of the plan (writing it into `staging` unless None) and check its links;
    `meanwhile` runs in this process while workers render. The renderer has compiled the plan's
    templates already (else each worker compiles them again).

    Returns the problems; raises SiteError for a template error.
    """
    global _work
    chunks = chunked(plan.jobs, workers)
    _work = _Work(renderer, checker, chunks, staging, templates_dir)
    problems: list[Problem] = []
    ids: dict[str, frozenset[str]] = {}
    waiting: Deferred = {}
    """Links to anchors on pages not rendered yet (record lists come early in the plan, so few
    wait, and memory stays small)."""
    done = 0
    jobs: dict[str, PageJob] = {}
    """Output path -> job, made only if a broken link's page must be rendered again."""

    def page_html(output_path: str) -> bytes:
        """A page rendered again (the same bytes: builds are deterministic) for a broken link's
        href or line."""
        if not jobs:
            jobs.update((job.output_path, job) for job in plan.jobs)
        job = jobs[output_path]
        return renderer.page_bytes(job, renderer.markdown(job.markdown) if job.markdown is not None else None)

    try:
        for chunk_index, result in _results(len(chunks), workers, len(plan.jobs), meanwhile):
            if result.fatal:
                raise SiteError(result.fatal)
            problems += result.problems
            if staging is not None:
                staging.wrote(result.written)
            ids.update(result.ids)
            ready: Deferred = {target: waiting.pop(target) for target in result.ids.keys() & waiting.keys()}
            for target, links in result.deferred.items():
                add_links(ready if target in ids else waiting, target, links)
            problems += checker.check_anchors(ready, ids, page_html)
            done += len(chunks[chunk_index])
            if progress is not None:
                progress("Rendering pages", done, len(plan.jobs))
    finally:
        _work = None
    return problems + checker.check_anchors(waiting, ids, page_html)


def chunked(jobs: list[PageJob], processes: int) -> list[list[PageJob]]:
    """The jobs in chunks of CHUNK, and smaller ones towards the end (each a quarter of what is
    left per process, down to SMALLEST_CHUNK), so the processes finish together."""
    largest = max(CHUNK, len(jobs) // MOST_CHUNKS)
    chunks = []
    start = 0
    while start < len(jobs):
        size = max(SMALLEST_CHUNK, min(largest, (len(jobs) - start) // (4 * processes)))
        chunks.append(jobs[start : start + size])
        start += size
    return chunks


def _results(count: int, workers: int, pages: int, meanwhile: Callable[[], None]) -> Iterator[tuple[int, ChunkResult]]:
    # Everything made so far lives to the end of the build: frozen, the cycle collector no longer
    # looks at it (so collecting after each chunk stays cheap) and forked workers share it instead
    # of copying the memory its bookkeeping would touch.
    gc.freeze()
    try:
        if can_fork(workers) and pages >= PARALLEL_MINIMUM:
            yield from _shared_with_workers(count, workers - 1, meanwhile)
        else:
            meanwhile()
            for index in range(count):
                yield _run_chunk(index)
    finally:
        gc.unfreeze()


def _shared_with_workers(count: int, helpers: int, meanwhile: Callable[[], None]) -> Iterator[tuple[int, ChunkResult]]:
    """Chunks rendered by `helpers` forked workers and by this process, each taking the next
    chunk whenever it is free (a SharedCounter). A worker is asked for ASKED_AHEAD chunks at
    first, so it never waits to be asked while this process makes the site's other files; between
    its own chunks this process takes what the workers have sent back and asks them again. A
    worker asked once too often finds nothing left: no harm.

    This process renders rather than one more worker: a worker copies much of the site it
    inherits (Python writes reference counts even where it only reads), which this process holds
    already."""
    global _counter
    _counter = SharedCounter(count)
    try:
        with fork_pool(helpers) as pool:
            for _ in range(ASKED_AHEAD * helpers):
                pool.submit(_run_next_chunk)
            meanwhile()
            while (index := _counter.take()) is not None:
                yield _run_chunk(index)
                for task in pool.finished():
                    if (result := task.result()) is not None:  # raises what the worker raised
                        yield result
                        pool.submit(_run_next_chunk)
            while finished := pool.next_finished():  # the chunks the workers are finishing
                for task in finished:
                    if (result := task.result()) is not None:
                        yield result
    finally:
        _counter.close()
        _counter = None


ASKED_AHEAD = 8
_counter: SharedCounter | None = None
"""The chunks' numbers, for whichever process is free (workers inherit it)."""


def _run_next_chunk() -> tuple[int, ChunkResult] | None:
    """In a worker: render the next chunk nobody has taken yet, if any is left."""
    assert _counter is not None
    index = _counter.take()
    return None if index is None else _run_chunk(index)


def _run_chunk(index: int) -> tuple[int, ChunkResult]:
    assert _work is not None
    result = ChunkResult()
    # The build runs with the cycle collector paused (build._cycle_collection_paused; forked
    # workers inherit that). Whatever cycles a chunk makes are collected after it (only the young
    # objects: the rest is frozen).
    try:
        with template_errors(_work.templates_dir):
            _run_jobs(_work, _work.chunks[index], result)
    except SiteError as error:
        result.fatal = error.problems
    finally:
        gc.collect(0)
    return index, result


def _run_jobs(work: _Work, jobs: list[PageJob], result: ChunkResult) -> None:
    """Render, write and check a chunk's pages one step at a time: every page's Markdown, then
    every page's template, and so on. Each step is a different body of code, which stays in the
    processor's caches while it runs over the chunk (a page taken through every step in turn
    took markedly longer: docs/performance.md). A chunk's pages are held until checked: 64 at
    most."""
    renderer, staging = work.renderer, work.staging
    sources = [job.markdown for job in jobs if job.markdown is not None]
    rendered = renderer.markdown_each(sources)
    for source, body in zip(sources, rendered, strict=True):
        result.problems += markdown_problems(source, body)
    bodies = iter(rendered)
    written = [renderer.page_bytes(job, None if job.markdown is None else next(bodies)) for job in jobs]
    del rendered, bodies
    if staging is not None:
        for job, data in zip(jobs, written, strict=True):
            staging.write(job.output_path, data)
            result.written.append(job.output_path)
    for job, data in zip(jobs, written, strict=True):
        scan = scan_page(data)
        result.ids[job.output_path] = scan.ids
        result.problems += work.checker.check_page(job.output_path, scan, data, result.deferred)
