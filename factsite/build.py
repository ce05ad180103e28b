"""The pipeline: load and check everything, plan every page, render and check each, then (and only
then) publish the new site in place of the old."""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass

from .check.links import LinkChecker
from .content.load import load_site
from .content.model import Site
from .content.provenance import QuoteCount, count_verified
from .errors import Problem, SiteError
from .options import BuildOptions
from .parallel.helper import Helper, helper_for
from .parallel.stream import Progress, stream_pages
from .plan.jobs import Plan
from .plan.pages import plan_site
from .plan.urls import Urls
from .publish.assets import Assets, collect_assets
from .publish.publish import guard_output, publish
from .publish.search import index_site
from .publish.staging import StagingTree, copy_files
from .render.renderer import PageRenderer, explain_failed_load, make_environment, make_renderer, markdown_problems
from .render.templates import template_errors


@dataclass(frozen=True)
class BuildReport:
    pages: int
    files: int
    seconds: float
    quotes: QuoteCount
    site: Site
    """What was built (`check --external` then reads its links)."""


def build_site(
    options: BuildOptions, write: bool = True, progress: Progress | None = None, helper: Helper | None = None
) -> BuildReport:
    """Build once: validate everything, render, check links, then swap the new site in (or, if
    not `write`, check only). Raises SiteError with every problem, leaving the output untouched.

    `helper`: the build's helper process, if the caller started it (see parallel.helper)."""
    started = time.perf_counter()
    with _given_or_started(helper, options, write) as helper, _cycle_collection_paused():
        if write:
            sources = [options.content_dir, options.templates_dir, options.static_dir]
            guard_output(options.output_dir, sources, options.cache_folder())
        assets, asset_problems = collect_assets(options.static_dir, hashed=options.hash_assets)
        site = _load(options, asset_problems)
        urls = Urls(options.base_url or site.config.base_url)
        plan = plan_site(site, urls, assets.output_path_of, search=options.search and write)
        renderer = _prepare_renderer(site, plan, urls, assets, options, write, helper)
        checker = _link_checker(plan, assets, urls, options)
        rendering = _Rendering(site, plan, renderer, checker, assets, asset_problems + plan.problems, options, progress)
        if write:
            _publish(rendering, options, site.config.language)
        else:
            rendering.into(None)
    files = len(plan.files) + len(assets.files)
    return BuildReport(len(plan.jobs), files, time.perf_counter() - started, count_verified(site), site)


def _given_or_started(
    helper: Helper | None, options: BuildOptions, write: bool
) -> contextlib.AbstractContextManager[Helper]:
    return contextlib.nullcontext(helper) if helper is not None else helper_for(options, write)


def _load(options: BuildOptions, asset_problems: list[Problem]) -> Site:
    """The loaded site; or SiteError with every problem, Markdown references included."""
    try:
        return load_site(options.content_dir, options.include_drafts, workers=options.workers)
    except SiteError as error:
        raise explain_failed_load(error, asset_problems) from None


def _prepare_renderer(
    site: Site, plan: Plan, urls: Urls, assets: Assets, options: BuildOptions, write: bool, helper: Helper
) -> PageRenderer:
    """The renderer, every template it needs compiled (by the helper where it could), and the
    pages' Markdown the helper has parsed meanwhile."""
    with template_errors(options.templates_dir):
        compiled_dir = options.compiled_templates_folder(write)
        env = make_environment(options.templates_dir, urls, assets.output_path_of, compiled_dir=compiled_dir)
        renderer = make_renderer(site, plan, urls, env, helper.markdown())
        renderer.compile_templates({job.template for job in plan.jobs}, helper.templates())
    return renderer


def _link_checker(plan: Plan, assets: Assets, urls: Urls, options: BuildOptions) -> LinkChecker:
    """A checker that knows every file the build writes (links to each are checked)."""
    files = set(plan.files) | set(assets.files) | {job.output_path for job in plan.jobs}
    return LinkChecker(files, urls, plan.markdown_sources, str(options.output_dir))


def _publish(rendering: _Rendering, options: BuildOptions, language: str) -> None:
    """Render into a staging folder, index it for search, then swap it in for the output folder."""
    index = (lambda folder: index_site(folder, language)) if options.search else None
    publish(options.output_dir, rendering.into, options.cache_folder() / "previous-site", index)


@dataclass
class _Rendering:
    """Renders and checks every page, writing it into the staging tree given (none: `check`)."""

    site: Site
    plan: Plan
    renderer: PageRenderer
    checker: LinkChecker
    assets: Assets
    problems: list[Problem]
    """Found before rendering (static files, the plan): reported with the pages' problems."""
    options: BuildOptions
    progress: Progress | None

    def into(self, staging: StagingTree | None) -> None:
        plan, options = self.plan, self.options

        def write_files() -> None:  # while workers render pages
            if staging is not None:
                for name in sorted(plan.files):
                    staging.write(name, plan.files[name]())

        problems = self.problems + stream_pages(
            self.renderer,
            plan,
            self.checker,
            staging,
            options.templates_dir,
            options.workers,
            self.progress,
            write_files,
        )
        problems += self.unpublished_page_problems()
        if problems:
            raise SiteError(problems)
        if staging is not None:
            if self.progress is not None:
                step = "Writing and indexing" if options.search else "Writing"
                self.progress(step, len(plan.jobs), len(plan.jobs))
            copy_files(staging, self.assets.files)

    def unpublished_page_problems(self) -> list[Problem]:
        """The Markdown problems of pages that got no page (their URL clashed): reported anyway."""
        published = {page.slug for page in self.plan.markdown_sources.values()}
        unpublished = [page for page in self.site.pages if page.slug not in published]
        return [problem for page in unpublished for problem in markdown_problems(page, self.renderer.markdown(page))]


@contextlib.contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """A build makes millions of objects that live to its end and few reference cycles: the cycle
    collector, which would go over the growing heap again and again, is paused (forked workers
    inherit that), and collects once the build is over."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
