"""The pipeline: load and check everything, render, check links, then (and only then) publish."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .assets import Assets, collect_assets
from .caches import RenderCache
from .errors import Problem, SiteError
from .load import ParseMemo, load_site
from .options import BuildOptions
from .precompile import Helper, helper_for
from .values import value_methods
from .write import StagingTree, copy_files, guard_output, publish, write_changed

if TYPE_CHECKING:
    from .links import PageScan
    from .model import Site
    from .render import Progress
    from .urls import Urls


def _import_rendering() -> None:
    """What renders and checks pages (Jinja, the views, the link checker, the Rust Markdown
    parsers: about 0.1 s of imports), imported while the loader's worker parses the record files:
    loading a 1k site left this process waiting 0.06 s for it. (Before that, only what loading
    needs is imported.) Imported here, before workers fork, each worker need not import them
    again (the Markdown parsers were imported with the first page, in every process)."""
    from . import fastmarkdown, links, render, search, stream, urls  # noqa: F401


@value_methods
@dataclass(frozen=True, eq=False, repr=False)
class BuildReport:
    pages: int
    files: int
    seconds: float
    changed: tuple[str, ...] = ()
    """Output paths written by an incremental build (the preview)."""


@dataclass
class Builder:
    """Builds a site, possibly many times: the preview keeps one and reuses its caches."""

    options: BuildOptions
    render_cache: RenderCache = field(default_factory=RenderCache)
    scan_cache: dict[bytes, PageScan] = field(default_factory=dict)
    parse_memo: ParseMemo = field(default_factory=ParseMemo)
    previous: dict[str, bytes] = field(default_factory=dict)
    """Output path -> bytes of the last successful incremental build."""
    process_ends: bool = False
    """The process ends right after this build (build.py's does): what a build holds (the site,
    the plan, the renderer) is then left for the process's end, instead of freed object by object
    when the build returns (0.12 to 0.16 s at 10,000 pages, after the new site is in place)."""

    def build(
        self,
        write: bool = True,
        incremental: bool = False,
        progress: Progress | None = None,
        helper: Helper | None = None,
    ) -> BuildReport:
        """Build the site; raise SiteError with every problem, leaving the output untouched.

        A normal build streams a complete new folder and swaps it in. An incremental build (the
        preview, which owns its folder) keeps pages in memory and writes only those that changed.
        `helper`: what a process forked for this build prepares meanwhile (see factsite.precompile).
        """
        with _cycle_collection_paused():
            return self._build(write, incremental, progress, helper or Helper())

    def _build(self, write: bool, incremental: bool, progress: Progress | None, helper: Helper) -> BuildReport:
        options = self.options
        started = time.perf_counter()
        if write:
            sources = [options.content_dir, options.templates_dir, options.static_dir]
            guard_output(options.output_dir, sources, None if incremental else options.cache_folder())
        assets, asset_problems = collect_assets(options.static_dir, hashed=options.hash_assets)
        try:
            workers = 1 if incremental else options.workers
            site = load_site(options.content_dir, options.include_drafts, self.parse_memo, workers, _import_rendering)
        except SiteError as error:
            from .render import check_page_references

            references = check_page_references(error.partial) if error.partial else []
            raise SiteError(error.problems + references + asset_problems) from None
        from . import pulldown
        from .links import LinkChecker
        from .render import markdown_problems, prepare, template_errors
        from .search import index_site
        from .stream import stream_pages
        from .urls import Urls

        urls = Urls(options.base_url or site.config.base_url)
        if incremental:
            return self._build_in_memory(site, urls, assets, asset_problems, write, progress, started)
        search = options.search and write
        with template_errors(options.templates_dir):
            renderer, plan = prepare(site, options.templates_dir, urls, assets, self.render_cache, search)
            renderer.compile_templates({job.template for job in plan.jobs}, helper.templates())
        files = set(plan.files) | set(assets.files) | {job.output_path for job in plan.jobs}
        checker = LinkChecker(files, urls, plan.markdown_sources, str(options.output_dir))
        published = {page.slug for page in plan.markdown_sources.values()}
        unpublished = [page for page in site.pages if page.slug not in published]

        def fill(staging: StagingTree | None) -> None:
            problems = asset_problems + plan.problems

            def make_files() -> None:  # while the workers render pages
                if staging is not None:  # written at once, not held to the end (6 MB less at the 10k peak)
                    for name in sorted(plan.files):
                        staging.write(name, plan.files[name]())

            problems += stream_pages(
                renderer, plan, checker, staging, options.templates_dir, options.workers, progress, make_files
            )
            for page in unpublished:  # a page whose URL clashed: still report its Markdown problems
                problems += markdown_problems(page, renderer.markdown(page))
            if problems:
                raise SiteError(problems)
            if staging is not None:
                if progress is not None:
                    progress("Writing and indexing" if search else "Writing", len(plan.jobs), len(plan.jobs))
                copy_files(staging, assets.files)

        try:
            pulldown.PREPARED = helper.markdown()  # before workers fork: they take their share of it
            if write:
                index = (lambda folder: index_site(folder, site.config.language)) if search else None
                publish(options.output_dir, fill, options.cache_folder() / "previous-site", index)
            else:
                fill(None)
        finally:
            pulldown.PREPARED = pulldown.PreparedHtml()
        report = BuildReport(len(plan.jobs), len(plan.files) + len(assets.files), time.perf_counter() - started)
        if self.process_ends:
            _left_for_exit.append(locals())
        return report

    def _build_in_memory(
        self,
        site: Site,
        urls: Urls,
        assets: Assets,
        asset_problems: list[Problem],
        write: bool,
        progress: Progress | None,
        started: float,
    ) -> BuildReport:
        from .links import check_links
        from .render import render_site

        options = self.options
        rendered = render_site(
            site, options.templates_dir, urls, assets, self.render_cache, False, options.workers, progress
        )
        problems = asset_problems + rendered.problems
        problems += check_links(
            rendered.pages, assets.files, urls, rendered.markdown_sources, str(options.output_dir), self.scan_cache
        )
        if problems:
            raise SiteError(problems)
        changed = write_changed(options.output_dir, rendered.pages, assets.files, self.previous) if write else ()
        html_pages = sum(1 for path in rendered.pages if path.endswith(".html"))
        other_files = len(rendered.pages) - html_pages + len(assets.files)
        return BuildReport(html_pages, other_files, time.perf_counter() - started, changed)


_left_for_exit: list[object] = []
"""What builds of a process that ends right after them hold on to (see Builder.process_ends)."""


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """A build allocates millions of objects that live to its end (the model, the plan) and makes
    few reference cycles, so the cycle collector, which would traverse the growing heap again and
    again, is paused (it took a third of loading and planning at 10,000 pages). Forked workers
    inherit the pause. Cycles made meanwhile are collected once it is over."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_site(
    options: BuildOptions,
    write: bool = True,
    progress: Progress | None = None,
    process_ends: bool = False,
    helper: Helper | None = None,
) -> BuildReport:
    """Build once: validate everything, render, check links, then swap the new site in.

    `process_ends`: the caller ends the process right after (see Builder.process_ends).
    `helper`: the build's helper, started by the caller (see precompile.helper_for); else started here.

    (Until 2026-11-27 a build told glibc's allocator to keep the memory it freed, mallopt: by
    then it saved no time at 10,000 pages, within noise at 1,000, and cost 20 MB of the peak.)"""
    cache = RenderCache(repeated=False, compiled_dir=options.compiled_templates_folder(write))
    builder = Builder(options, render_cache=cache, process_ends=process_ends)
    with contextlib.nullcontext(helper) if helper is not None else helper_for(options, write) as started:
        return builder.build(write, progress=progress, helper=started)
