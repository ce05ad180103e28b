"""A planned page -> its HTML: the page's Markdown, then its template around it."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Collection
from pathlib import Path
from typing import Any

import jinja2

from ..content.model import Page, Site
from ..content.pages import page_body
from ..content.references import unchecked_notes
from ..errors import PartialContent, Problem, SiteError
from ..plan.jobs import PageJob, Plan
from ..plan.urls import Urls
from ..plan.views import Views
from .cards import Cards
from .markdown import MarkdownRenderer, PreparedHtml, RenderResult
from .targets import Resolver, Target
from .templates import CompiledElsewhere, bare_environment, kept_compiled


def make_environment(
    templates_dir: Path, urls: Urls, assets: dict[str, str], compiled_dir: Path | None = None
) -> jinja2.Environment:
    """Our environment with the site's globals: `url()`, `absolute_url()` and `asset()` (a file
    in static/ by its name there: `assets`, name -> output path). With `compiled_dir`, compiled
    templates are kept there for the next build."""
    env = bare_environment(templates_dir, kept_compiled(compiled_dir))

    def asset(name: str) -> str:
        if name not in assets:
            raise jinja2.TemplateRuntimeError(f"asset {name!r} is not in the static folder")
        return urls.url(assets[name])

    env.globals.update(url=urls.url, absolute_url=urls.absolute, asset=asset)
    return env


class SiteResolver(Resolver):
    """Resolves Markdown's record references against the site's views, once per record a build."""

    def __init__(self, site: Site, views: Views, urls: Urls, env: jinja2.Environment) -> None:
        self.site, self.views, self.urls, self.env = site, views, urls, env
        self.embeds: dict[tuple[str, str], str | None] = {}
        self.targets: dict[tuple[str, str], Target | None] = {}

    def resolve(self, kind: str, record_id: str) -> Target | None:
        key = (kind, record_id)
        if key not in self.targets:
            self.targets[key] = self._target(kind, record_id)
        return self.targets[key]

    def _target(self, kind: str, record_id: str) -> Target | None:
        views = self.views
        if kind == "term":
            term = views.term_by_id.get(record_id)
            return Target(term.url, term.definition) if term else None
        if kind == "page":
            if record_id not in self.site.page_by_slug:
                return None
            return Target(self.urls.url("" if record_id == "index" else f"{record_id}/"))
        if kind == "actor":
            actor = views.actor_by_id.get(record_id)
            return Target(actor.ref.url) if actor else None
        by_id: dict[str, Any] = {"event": views.event_by_id, "quote": views.quote_by_id, "source": views.source_by_id}
        record = by_id[kind].get(record_id)
        return Target(record.url) if record else None

    def known_ids(self, kind: str) -> Collection[str]:
        views = self.views
        by_kind: dict[str, Collection[str]] = {
            "actor": views.actor_by_id,
            "event": views.event_by_id,
            "quote": views.quote_by_id,
            "source": views.source_by_id,
            "term": views.term_by_id,
            "page": self.site.page_by_slug,
            "map": views.map_by_id,
        }
        return by_kind.get(kind, ())

    def embed(self, kind: str, record_id: str) -> str | None:
        """A record's card, rendered once per build however many pages embed it."""
        key = (kind, record_id)
        if key not in self.embeds:
            record = self.embedded(kind, record_id)
            template = self.env.get_template(f"_{kind}.html")
            self.embeds[key] = None if record is None else template.render({kind: record, "heading_level": 3})
        return self.embeds[key]

    def embedded(self, kind: str, record_id: str) -> Any:
        """The view of the record a card shows (its template makes the rest), or None."""
        by_id: dict[str, Any] = {
            "quote": self.views.quote_by_id,
            "event": self.views.event_by_id,
            "map": self.views.map_by_id,
        }
        return by_id[kind].get(record_id) if kind in by_id else None


class PageRenderer:
    """Renders a job's Markdown and template. Made once per build, before workers fork: they
    inherit it intact (nothing is pickled)."""

    def __init__(self, env: jinja2.Environment, markdown: MarkdownRenderer, shared: dict[str, Any]) -> None:
        self.env, self.md, self.shared = env, markdown, shared
        self.templates: dict[str, jinja2.Template] = {}

    def markdown(self, page: Page) -> RenderResult:
        return self.md.render(page_body(page))

    def markdown_each(self, pages: list[Page]) -> list[RenderResult]:
        """Each page's Markdown, as `markdown` renders it (all read, then all rendered)."""
        return self.md.render_each([page_body(page) for page in pages])

    def compile_templates(self, names: set[str], compiled: dict[str, bytes] | None = None) -> None:
        """Compile these templates now, before workers fork: once, instead of once per worker.

        `compiled`: templates compiled in another process (see parallel.helper), taken where
        their source is still the same. Then the folder's other templates (record cards and the
        like, which pages include) are taken from it too; one with a mistake is left for the pages
        that use it to report."""
        kept = self.env.bytecode_cache
        if compiled:
            self.env.bytecode_cache = CompiledElsewhere(compiled, kept)
        try:
            for name in sorted(names - self.templates.keys()):
                self.templates[name] = self.env.get_template(name)
            for name in self.env.list_templates(extensions=["html"]) if compiled else ():
                with contextlib.suppress(Exception):
                    self.env.get_template(name)
        finally:
            self.env.bytecode_cache = kept

    def page(self, job: PageJob, body: RenderResult | None, variables: dict[str, Any] | None = None) -> str:
        """The page's HTML (`variables`: the job's, if made already)."""
        template, variables = self._template_and_variables(job, body, variables)
        return template.render(variables)

    def page_bytes(self, job: PageJob, body: RenderResult | None) -> bytes:
        """The page's HTML as written, in UTF-8."""
        return self.page(job, body).encode()

    def _template_and_variables(
        self, job: PageJob, body: RenderResult | None, variables: dict[str, Any] | None
    ) -> tuple[jinja2.Template, dict[str, Any]]:
        template = self.templates.get(job.template)
        if template is None:  # looked up once per build: get_template checks the file each time
            template = self.templates[job.template] = self.env.get_template(job.template)
        variables = job.variables if variables is None else variables
        if job.markdown is not None and body is not None:
            variables = {**variables, job.slot: dataclasses.replace(variables[job.slot], html=body.html)}
        return template, {**self.shared, **variables}


def make_renderer(
    site: Site,
    plan: Plan,
    urls: Urls,
    env: jinja2.Environment,
    prepared: PreparedHtml | None = None,
    cards: Cards | None = None,
) -> PageRenderer:
    """The renderer of a planned site (`prepared`: pages' HTML made ahead by the build's helper;
    `cards`: the record cards kept from the preview's last build)."""
    cards = cards or Cards(keep=False)
    cards.start(env, plan.views)
    resolver = SiteResolver(site, plan.views, urls, env)
    markdown = MarkdownRenderer(resolver, site.config.allow_raw_html, prepared)
    return PageRenderer(env, markdown, plan.shared)


def markdown_problems(page: Page, body: RenderResult) -> list[Problem]:
    """A page's Markdown problems, with lines counted in its file."""
    return [
        Problem(page.origin.path, page.body_line + line - 1, message, "unknown-reference")
        for line, message in body.problems
    ]


class _DeclaredIdResolver(Resolver):
    """Resolves against declared ids only: for a site whose records failed to load. A kind whose
    file did not load has no known ids: its references are counted, not checked."""

    def __init__(self, partial: PartialContent) -> None:
        self.declared_ids, self.unloaded = partial.declared_ids, partial.unloaded
        self.unchecked: dict[str, int] = {}

    def resolve(self, kind: str, record_id: str) -> Target | None:
        return Target("#") if self._known(kind, record_id) else None

    def embed(self, kind: str, record_id: str) -> str | None:
        return "" if self._known(kind, record_id) else None

    def known_ids(self, kind: str) -> Collection[str]:
        return self.declared_ids.get(kind, set())

    def _known(self, kind: str, record_id: str) -> bool:
        if kind in self.unloaded:
            self.unchecked[kind] = self.unchecked.get(kind, 0) + 1
            return True
        return record_id in self.declared_ids.get(kind, set())


def explain_failed_load(error: SiteError, other_problems: list[Problem]) -> SiteError:
    """A failed load's problems, with the pages' unknown Markdown references (still checked
    against every id declared) and a note at each record file that did not load."""
    partial = error.partial
    if partial is None:
        return SiteError(error.problems + other_problems)
    resolver = _DeclaredIdResolver(partial)
    markdown = MarkdownRenderer(resolver, allow_raw_html=False)
    references = []
    for page in partial.pages:
        references += markdown_problems(page, markdown.render_reference(page_body(page)))
    unchecked = {kind: partial.unchecked.get(kind, 0) + resolver.unchecked.get(kind, 0) for kind in partial.unloaded}
    notes = unchecked_notes(partial.unloaded, unchecked)
    return SiteError(error.problems + references + other_problems, notes=notes)
