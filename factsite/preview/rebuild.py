"""The preview's builds: into a folder it owns, again and again, redoing only what changed.

Each build loads, plans and checks the whole site, as a published build does, but keeps what the
next build can reuse: parsed YAML of unchanged files, rendered Markdown of unchanged pages (while
every record they reference resolves the same way), rendered pages whose every input is the same,
and the link scans of unchanged pages. Only files whose bytes changed are written.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ..check.links import PageScan, check_links
from ..content.load import load_site
from ..content.model import Site
from ..content.pages import ParseYaml, page_body
from ..content.yaml_flat import parse_yaml
from ..errors import Problem, SiteError
from ..options import BuildOptions
from ..plan.pages import PageJob, Plan, plan_site
from ..plan.urls import Urls
from ..publish.assets import collect_assets
from ..publish.publish import guard_output
from ..render.markdown import MarkdownRenderer, RenderResult
from ..render.renderer import PageRenderer, explain_failed_load, make_environment, make_renderer, markdown_problems
from ..render.targets import Resolver, Target
from ..render.templates import template_errors
from .memo import Memo
from .write import write_changed


@dataclass(frozen=True)
class Rebuild:
    """What a preview build did."""

    changed: tuple[str, ...]
    """Output paths written or removed."""
    seconds: float


@dataclass
class Rebuilder:
    """Builds a site into `options.output_dir` again and again, reusing what it can."""

    options: BuildOptions
    parsed_yaml: Memo[tuple[str, str, int], tuple[Any, list[Problem]]] = field(default_factory=Memo)
    markdown: MarkdownCache = field(default_factory=lambda: MarkdownCache())
    pages: Memo[tuple[str, str, str], bytes] = field(default_factory=Memo)
    """Page bytes by (template, digest of what all pages share, digest of the page's variables)."""
    scans: dict[bytes, PageScan] = field(default_factory=dict)
    written: dict[str, bytes] = field(default_factory=dict)
    """Output path -> the bytes the folder holds."""
    environment: tuple[object, jinja2.Environment] | None = None
    """The Jinja environment, and what it was made for (folder, base URL, static files)."""

    def build(self, changed_sources: list[Path] | None = None) -> Rebuild:
        """Build; raise SiteError with every problem, leaving the folder as it was."""
        options = self.options
        started = time.perf_counter()
        guard_output(options.output_dir, [options.content_dir, options.templates_dir, options.static_dir])
        assets, problems = collect_assets(options.static_dir, hashed=options.hash_assets)
        site = self.load(problems)
        urls = Urls(options.base_url or site.config.base_url)
        plan = plan_site(site, urls, assets.output_path_of, search=False)
        with template_errors(options.templates_dir):
            env = self.environment_for(urls, assets.output_path_of)
            rendered = self.render(site, plan, make_renderer(site, plan, urls, env))
        problems += plan.problems + rendered.problems
        problems += check_links(
            rendered.pages, assets.files, urls, plan.markdown_sources, str(options.output_dir), self.scans
        )
        if problems:
            raise SiteError(problems)
        changed = write_changed(options.output_dir, rendered.pages, assets.files, self.written)
        return Rebuild(changed, time.perf_counter() - started)

    def load(self, asset_problems: list[Problem]) -> Site:
        try:
            return load_site(self.options.content_dir, self.options.include_drafts, cached_parse(self.parsed_yaml))
        except SiteError as error:
            raise explain_failed_load(error, asset_problems) from None
        finally:
            self.parsed_yaml.end_build()

    def environment_for(self, urls: Urls, assets: dict[str, str]) -> jinja2.Environment:
        """The environment, made again only if what it was made for changed (it re-reads edited
        template files itself)."""
        key = (self.options.templates_dir.resolve(), urls.base_path, urls.origin, tuple(sorted(assets.items())))
        if self.environment is None or self.environment[0] != key:
            self.environment = (key, make_environment(self.options.templates_dir, urls, assets))
        return self.environment[1]

    def render(self, site: Site, plan: Plan, renderer: PageRenderer) -> _Rendered:
        """Every page and file, in memory."""
        rendered = _Rendered()
        bodies = {page.slug: self.markdown.render(renderer.md, page_body(page)) for page in site.pages}
        for page in site.pages:
            rendered.problems += markdown_problems(page, bodies[page.slug])
        environment = self.environment[0] if self.environment else None
        shared = _digest(plan.shared, _templates_state(self.options.templates_dir), environment)
        for job in plan.jobs:
            body = bodies[job.markdown.slug] if job.markdown is not None else None
            rendered.pages[job.output_path] = self.page(renderer, job, body, shared)
        rendered.pages.update((name, make()) for name, make in plan.files.items())
        self.markdown.end_build()
        self.pages.end_build()
        return rendered

    def page(self, renderer: PageRenderer, job: PageJob, body: RenderResult | None, shared: str) -> bytes:
        """A page's bytes, rendered again only if its template, its variables or what every page
        shares changed. repr() of our frozen views spells out every field, so equal digests mean
        equal inputs (anything with an identity-based repr just never matches)."""
        variables = job.variables
        key = (job.template, shared, _digest(variables, body.html if body else None))
        return self.pages.get(key, lambda: renderer.page(job, body, variables).encode())


def cached_parse(memo: Memo[tuple[str, str, int], tuple[Any, list[Problem]]]) -> ParseYaml:
    """parse_yaml, remembering what it parsed in `memo` by file, text and first line."""

    def parse(text: str, shown: str, first_line: int) -> tuple[Any, list[Problem]]:
        return memo.get((shown, text, first_line), lambda: parse_yaml(text, shown, first_line))

    return parse


@dataclass
class _Rendered:
    pages: dict[str, bytes] = field(default_factory=dict)
    """Output path -> bytes."""
    problems: list[Problem] = field(default_factory=list)


class MarkdownCache:
    """Rendered Markdown by its text, reused while every record it looked up still resolves the
    same way. What the latest build did not use is dropped."""

    def __init__(self) -> None:
        self.entries: dict[tuple[bool, str], tuple[RenderResult, tuple[Any, ...]]] = {}
        self.used: dict[tuple[bool, str], tuple[RenderResult, tuple[Any, ...]]] = {}

    def render(self, markdown: MarkdownRenderer, text: str) -> RenderResult:
        key = (markdown.allow_raw_html, text)
        cached = self.used.get(key) or self.entries.get(key)
        if cached is not None and _same_lookups(markdown.resolver, cached[1]):
            self.used[key] = cached
            return cached[0]
        recorder = _RecordingResolver(markdown.resolver)
        result = MarkdownRenderer(recorder, markdown.allow_raw_html).render(text)
        self.used[key] = (result, tuple(recorder.lookups))
        return result

    def end_build(self) -> None:
        self.entries, self.used = self.used, {}


class _RecordingResolver(Resolver):
    """Passes lookups through and remembers them, so a cached render can be checked again."""

    def __init__(self, inner: Resolver) -> None:
        self.inner = inner
        self.lookups: list[tuple[str, str, str, object]] = []

    def resolve(self, kind: str, record_id: str) -> Target | None:
        target = self.inner.resolve(kind, record_id)
        self.lookups.append(("resolve", kind, record_id, target))
        return target

    def embed(self, kind: str, record_id: str) -> str | None:
        html = self.inner.embed(kind, record_id)
        self.lookups.append(("embed", kind, record_id, html))
        return html


def _same_lookups(resolver: Resolver, lookups: tuple[Any, ...]) -> bool:
    return all(
        getattr(resolver, operation)(kind, record_id) == result for operation, kind, record_id, result in lookups
    )


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def _templates_state(templates_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Every template file's name, modification time and size: a page is reused only while they
    hold."""
    stats = ((path, path.stat()) for path in sorted(templates_dir.rglob("*")))
    return tuple((path.as_posix(), info.st_mtime_ns, info.st_size) for path, info in stats)
