"""The preview's builds: into a folder it owns, again and again, redoing only what changed.

Each build gives what a clean build would (tests hold it to the same bytes), but starts from the
latest good build: it reads only the files that changed, plans again only if more than the text
of pages changed (reusing every view that came out equal), renders again only the pages whose
inputs differ (see PageJob), checks only the links a change can break, and writes only files
whose bytes changed. A build with problems changes nothing, not even what the next build starts
from.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ..check.incremental import LinkCheck, LinkState
from ..check.links import scan_page
from ..content.files import resolved_path
from ..content.incremental import ContentState
from ..content.model import Site
from ..errors import Problem, SiteError
from ..options import BuildOptions
from ..plan.jobs import PageJob, Plan, only_bodies_differ
from ..plan.pages import plan_site
from ..plan.urls import Urls
from ..publish.assets import Assets, collect_assets
from ..publish.publish import guard_output
from ..render.cards import Cards
from ..render.markdown import RenderResult
from ..render.renderer import (
    PageRenderer,
    SiteResolver,
    explain_failed_load,
    make_environment,
    make_renderer,
    markdown_problems,
)
from ..render.templates import template_errors
from .markdown_state import MarkdownState
from .write import FolderUpdate, PreviewFolder


@dataclass(frozen=True)
class Rebuild:
    """What a preview build did."""

    changed: tuple[str, ...]
    """Output paths written or removed."""
    seconds: float


@dataclass(frozen=True, slots=True)
class _PageInputs:
    """What a page was rendered from, but the settings every page shares (see PageJob)."""

    template: str
    maker: str
    args: tuple[Any, ...]
    markdown: bytes | None
    """Digest of its rendered Markdown."""


@dataclass
class _LastGood:
    """What the latest good build was made from: the next one compares with it."""

    site: Site | None = None
    urls: Urls | None = None
    plan: Plan | None = None
    assets: Assets | None = None
    shared: tuple[Any, ...] = ()
    """What every page shares: settings, URLs, templates."""
    pages: dict[str, _PageInputs] = field(default_factory=dict)
    links: LinkState = field(default_factory=LinkState)


@dataclass
class _Build:
    """One build in progress: its output staged, its pages' inputs, its link check and problems."""

    update: FolderUpdate
    links: LinkCheck
    pages: dict[str, _PageInputs] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class Rebuilder:
    """Builds a site into `options.output_dir` again and again, redoing only what changed."""

    def __init__(self, options: BuildOptions) -> None:
        self.options = options
        self.content = ContentState(options.content_dir, options.include_drafts)
        self.markdown = MarkdownState()
        self.folder = PreviewFolder(options.output_dir)
        self.good = _LastGood()
        self.assets: tuple[Assets, list[Problem]] | None = None
        self.environment: tuple[object, jinja2.Environment] | None = None
        """The Jinja environment, and what it was made for (folder, base URL, static files)."""
        self.cards = Cards()
        """The record cards, kept from one build to the next."""

    def build(self, changed_sources: Collection[Path] | None = None) -> Rebuild:
        """Build, after `changed_sources` changed (None: anything may have); raise SiteError with
        every problem, leaving the folder as it was."""
        started = time.perf_counter()
        options = self.options
        guard_output(options.output_dir, [options.content_dir, options.templates_dir, options.static_dir])
        changed = None if changed_sources is None else [resolved_path(path) for path in changed_sources]
        with _collection_paused():
            assets, problems = self.collect_assets(changed)
            site = self.load(changed, problems)
            urls = Urls(options.base_url or site.config.base_url)
            plan, replanned = self.plan(site, urls, assets)
            wanted = [job.output_path for job in plan.jobs] + list(plan.files) + list(assets.files)
            links = self.good.links.start(wanted, urls, plan.markdown_sources, str(options.output_dir))
            build = _Build(self.folder.update(), links, problems=problems + plan.problems)
            try:
                written = self.render_and_write(site, urls, plan, replanned, assets, build, wanted)
            finally:
                build.update.discard()
        return Rebuild(written, time.perf_counter() - started)

    def collect_assets(self, changed_sources: Collection[Path] | None) -> tuple[Assets, list[Problem]]:
        """The static files, listed again only if something under static/ changed."""
        static_dir = self.options.static_dir.resolve()
        if self.assets is None or _any_within(changed_sources, static_dir):
            self.assets = collect_assets(self.options.static_dir, hashed=self.options.hash_assets)
        assets, problems = self.assets
        return assets, list(problems)

    def load(self, changed_sources: Collection[Path] | None, other_problems: list[Problem]) -> Site:
        try:
            return self.content.load(changed_sources)
        except SiteError as error:
            raise explain_failed_load(error, other_problems) from None

    def plan(self, site: Site, urls: Urls, assets: Assets) -> tuple[Plan, bool]:
        """The last good plan where only the text of pages changed, else a new one (its views
        equal to the last plan's being the last plan's objects, so pages compare them quickly);
        and whether it is new."""
        good = self.good
        if (
            good.plan
            and good.site
            and good.assets is assets
            and good.urls == urls
            and only_bodies_differ(good.site, site)
        ):
            return good.plan.with_bodies_of(site), False
        return plan_site(site, urls, assets.output_path_of, search=False, previous=good.plan), True

    def render_and_write(
        self, site: Site, urls: Urls, plan: Plan, replanned: bool, assets: Assets, build: _Build, wanted: list[str]
    ) -> tuple[str, ...]:
        """Render, check and stage what changed; if nothing is wrong, move it into the folder."""
        options = self.options
        with template_errors(options.templates_dir):
            templates = _templates_state(options.templates_dir)
            env = self.environment_for(urls, assets.output_path_of, templates)
            renderer = make_renderer(site, plan, urls, env, cards=self.cards)
            shared = (site.config, urls, plan.shared, env, templates)
            everything = shared != self.good.shared
            assert isinstance(renderer.md.resolver, SiteResolver)
            self.markdown.start(renderer.md.resolver, site.config.allow_raw_html, everything, replanned)
            for job in self.jobs_to_check(plan, replanned or everything, build):
                self.render_page(job, renderer, everything, build)
            for page in site.pages:  # (pages no job shows, such as one whose URL clashes)
                if self.markdown.unchanged(page) is None:
                    build.problems += markdown_problems(page, self.markdown.render(page)[0])
        self.markdown.forget_except(site.page_by_slug)
        if replanned or everything:  # (the data files do not show the text of pages)
            for output_path, make in plan.files.items():
                build.update.put(output_path, make())
        if assets is not self.good.assets:
            for output_path, source in assets.files.items():
                build.update.put(output_path, source.read_bytes())
        link_problems, links = build.links.finish(build.update.read)
        problems = build.problems + link_problems
        if problems:
            raise SiteError(problems)
        changed = build.update.commit(wanted)
        self.good = _LastGood(site, urls, plan, assets, shared, build.pages, links)
        return changed

    def jobs_to_check(self, plan: Plan, all_jobs: bool, build: _Build) -> list[PageJob]:
        """Every job, or where the last good plan was kept with some pages' text changed, the
        jobs showing those pages (the others' inputs are the last build's)."""
        good_plan = self.good.plan
        if all_jobs or good_plan is None:
            return plan.jobs
        build.pages.update(self.good.pages)
        return [job for job, before in zip(plan.jobs, good_plan.jobs, strict=True) if job is not before]

    def render_page(self, job: PageJob, renderer: PageRenderer, everything: bool, build: _Build) -> None:
        """Render a page again if its inputs changed since the last good build, and stage it if
        its bytes did."""
        body: RenderResult | None = None
        markdown_digest = None
        if job.markdown is not None:
            known = self.markdown.unchanged(job.markdown)
            if known is not None:
                markdown_digest = known.digest
            else:
                body, markdown_digest = self.markdown.render(job.markdown)
                build.problems += markdown_problems(job.markdown, body)
        before = self.good.pages.get(job.output_path)
        if (
            not everything
            and before is not None
            and (before.args == job.args and before.markdown == markdown_digest)  # the likeliest to differ
            and (before.template, before.maker) == (job.template, job.make.__name__)
        ):
            build.pages[job.output_path] = before
            return
        build.pages[job.output_path] = _PageInputs(job.template, job.make.__name__, job.args, markdown_digest)
        if job.markdown is not None and body is None:
            body = self.markdown.render(job.markdown)[0]
        data = renderer.page(job, body).encode()
        staged = build.update.put(job.output_path, data)
        if job.output_path.endswith(".html") and (staged or job.output_path not in self.good.links.ids):
            build.links.page(job.output_path, scan_page(data), build.update.read)

    def environment_for(self, urls: Urls, assets: dict[str, str], templates: tuple[Any, ...]) -> jinja2.Environment:
        """The environment, made again only if what it was made for changed: base URL, static
        files, or any template (Jinja reloads an edited template, but not one that imports it:
        a module it imported once, such as _cards.html's, would keep the old macros)."""
        key = (
            self.options.templates_dir.resolve(),
            urls.base_path,
            urls.origin,
            tuple(sorted(assets.items())),
            templates,
        )
        if self.environment is None or self.environment[0] != key:
            self.environment = (key, make_environment(self.options.templates_dir, urls, assets))
        return self.environment[1]


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """No garbage collection during a build: the preview holds a big site's model, which every
    full collection would walk, and a build makes few reference cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _any_within(paths: Collection[Path] | None, folder: Path) -> bool:
    return paths is None or any(path == folder or folder in path.parents for path in paths)


def _templates_state(templates_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Every template file's name, modification time and size: pages are rendered again when
    any changes."""
    stats = ((path, path.stat()) for path in sorted(templates_dir.rglob("*")))
    return tuple((path.as_posix(), info.st_mtime_ns, info.st_size) for path, info in stats)
