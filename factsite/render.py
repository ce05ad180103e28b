"""Site -> {output path: bytes}: Jinja2 pages around Markdown, every reference resolved."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import data, feeds, structured
from .assets import Assets
from .caches import RenderCache
from .errors import PartialContent, Problem, SiteError
from .feeds import Listed
from .load import page_body
from .markdown import (
    DeferredMarkdown,
    Markdown,
    RenderResult,
    Resolver,
    Target,
    make_markdown,
    render_each,
    render_many,
    render_markdown,
)
from .model import Event, Page, PartialDate, Site
from .templates import CompiledElsewhere, bare_environment, kept_compiled
from .urls import Urls, output_file
from .values import value_methods
from .views import (
    ActorView,
    EventView,
    NavLink,
    PageLink,
    PageView,
    QuoteView,
    Sections,
    SiteView,
    Views,
    build_views,
    date_view,
    navigation,
)

Progress = Callable[[str, int, int], None]
"""Called as (step, done, total) while rendering, for a progress display."""

GENERATED_SECTIONS = ("actors", "timeline", "quotes", "glossary", "sources", "static", "embed", "data", "pagefind")


@dataclass
class Rendered:
    """The rendered site, and for each page the Markdown file it came from (for link errors)."""

    pages: dict[str, bytes] = field(default_factory=dict)
    """Output path -> bytes."""
    markdown_sources: dict[str, Page] = field(default_factory=dict)
    """Output path -> the page whose Markdown made it."""
    problems: list[Problem] = field(default_factory=list)


class _SiteResolver(Resolver):
    def __init__(self, site: Site, views: Views, urls: Urls, env: jinja2.Environment, templates_state: object) -> None:
        self.site, self.views, self.urls, self.env = site, views, urls, env
        self.templates_state = templates_state
        self.embeds: dict[tuple[str, str], str | None] = {}
        self.targets: dict[tuple[str, str], Target | None] = {}
        self.records_by_kind: dict[str, dict[str, Any]] = {
            "actor": views.actor_by_id,
            "event": views.event_by_id,
            "quote": views.quote_by_id,
            "source": views.source_by_id,
        }

    def resolve(self, kind: str, record_id: str) -> Target | None:
        """Looked up once per build: a record is linked from many pages."""
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
        record = self.records_by_kind[kind].get(record_id)
        if record is None:
            return None
        return Target(record.ref.url if kind == "actor" else record.url)

    def _embedded(self, kind: str, record_id: str) -> Any:
        return (self.views.quote_by_id if kind == "quote" else self.views.event_by_id).get(record_id)

    def embed(self, kind: str, record_id: str) -> str | None:
        """A record's card, rendered once per build however many pages embed it."""
        key = (kind, record_id)
        if key not in self.embeds:
            record = self._embedded(kind, record_id)
            template = self.env.get_template(f"_{kind}.html")
            self.embeds[key] = None if record is None else template.render({kind: record, "heading_level": 3})
        return self.embeds[key]

    def embed_fingerprint(self, kind: str, record_id: str) -> object:
        return (self.templates_state, repr(self._embedded(kind, record_id)))


def make_environment(
    templates_dir: Path, urls: Urls, assets: Assets, auto_reload: bool = True, compiled_dir: Path | None = None
) -> jinja2.Environment:
    """Strict and escaped: a missing variable is an error, every value is HTML-escaped.

    `auto_reload` re-checks each template file on every use: only a repeated build needs that.
    With `compiled_dir`, compiled templates are kept there for the next build.
    """
    env = bare_environment(templates_dir, auto_reload, kept_compiled(compiled_dir))

    def asset(name: str) -> str:
        if name not in assets.output_path_of:
            raise jinja2.TemplateRuntimeError(f"asset {name!r} is not in the static folder")
        return urls.url(assets.output_path_of[name])

    env.globals.update(url=urls.url, absolute_url=urls.absolute, asset=asset)
    return env


@value_methods
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class PageJob:
    """One page to render: its template and variables, and the Markdown it shows (if any)."""

    output_path: str
    template: str
    make: Callable[..., dict[str, Any]]
    """Makes the template's variables from `args`, when the page is rendered (in whichever process
    renders it). Made while planning, every page's variables (JSON-LD, URLs, dicts: 44 MB at
    10,000 pages) were held to the end of the build, and each worker copied the memory of those it
    rendered (Python writes reference counts even where it only reads)."""
    args: tuple[Any, ...] = ()
    markdown: Page | None = None
    """The page whose rendered Markdown becomes `variables[slot].html`."""
    slot: str = ""

    @property
    def variables(self) -> dict[str, Any]:
        return self.make(*self.args)


@dataclass
class Plan:
    """Everything a build will write, decided before any page is rendered."""

    jobs: list[PageJob]
    files: dict[str, Callable[[], bytes]]
    """Output path -> maker of a machine-readable file (data exports, sitemap, feed...): the names
    are known up front (links to them are checked), the bytes can be made while pages render."""
    markdown_sources: dict[str, Page]
    """Output path -> the page whose Markdown made it (for link errors)."""
    problems: list[Problem]
    common_digest: str
    """Digest of what every page shares (site, templates): part of each page's cache key."""


class PageRenderer:
    """Renders a job's Markdown and template. Built once per build and inherited intact by
    forked workers (never pickled)."""

    def __init__(self, env: jinja2.Environment, md: Markdown, resolver: Resolver, common: dict[str, Any]) -> None:
        self.env, self.md, self.resolver, self.common = env, md, resolver, common
        self.templates: dict[str, jinja2.Template] = {}

    def markdown(self, page: Page) -> RenderResult:
        return render_markdown(self.md, page_body(page), self.resolver)

    def markdown_each(self, pages: list[Page]) -> list[RenderResult]:
        """Each page's Markdown, as `markdown` renders it, read and rendered a step at a time."""
        return render_each(self.md, [page_body(page) for page in pages], self.resolver)

    def compile_templates(self, names: set[str], compiled: dict[str, bytes] | None = None) -> None:
        """Compile these templates now, before workers fork: once, instead of once per worker.

        `compiled` holds templates already compiled elsewhere (see factsite.precompile), taken
        where their source is still the same. Then every other template the folder holds is taken
        from it too, as pages include them (record cards and the like), in Jinja's cache, where
        each worker would otherwise compile them again (those with a mistake are left for the
        pages that use them to report)."""
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
        """The page's HTML as written, in UTF-8: each part the template yields encoded on its own.

        A page joined first is held at two bytes a character or more as soon as one character is
        beyond Latin-1 (a curly quote will do), and encoded as a whole, character by character:
        that took about 1.2% of a build's instructions more (Valgrind, one process)."""
        template, variables = self._template_and_variables(job, body, None)
        try:
            return b"".join(map(str.encode, template.root_render_func(template.new_context(variables))))
        except Exception:
            self.env.handle_exception()  # as Template.render does: the template's lines in the traceback

    def _template_and_variables(
        self, job: PageJob, body: RenderResult | None, variables: dict[str, Any] | None
    ) -> tuple[jinja2.Template, dict[str, Any]]:
        template = self.templates.get(job.template)
        if template is None:  # looked up once per build: get_template stats the file every time
            template = self.templates[job.template] = self.env.get_template(job.template)
        variables = job.variables if variables is None else variables
        if job.markdown is not None and body is not None:
            variables = {**variables, job.slot: dataclasses.replace(variables[job.slot], html=body.html)}
        return template, {**self.common, **variables}


def markdown_problems(page: Page, body: RenderResult) -> list[Problem]:
    """A page's Markdown problems, with lines counted in its file."""
    return [Problem(page.origin.path, page.body_line + line - 1, message) for line, message in body.problems]


@contextmanager
def template_errors(templates_dir: Path) -> Iterator[None]:
    """Turn a template mistake into a SiteError naming the template file and line."""
    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        where = error.filename or str(templates_dir / (error.name or "?"))
        raise SiteError([Problem(where, error.lineno, f"template error: {error.message}")]) from None
    except jinja2.TemplateNotFound as error:
        raise SiteError([Problem(str(templates_dir), 1, f"template {error.name!r} is missing")]) from None
    except jinja2.TemplateError as error:
        where, line = _template_position(error, templates_dir)
        raise SiteError([Problem(where, line, f"template error: {error.message or error}")]) from None


def render_site(
    site: Site,
    templates_dir: Path,
    urls: Urls,
    assets: Assets,
    cache: RenderCache | None = None,
    search: bool = False,
    workers: int = 1,
    progress: Progress | None = None,
) -> Rendered:
    """Render every page into memory (the preview keeps them to write only what changed);
    problems (unknown references, URL clashes) are collected, not raised."""
    cache = cache or RenderCache()
    with template_errors(templates_dir):
        renderer, plan = prepare(site, templates_dir, urls, assets, cache, search)
        result = Rendered(markdown_sources=plan.markdown_sources, problems=list(plan.problems))
        if progress is not None:
            progress("Rendering Markdown", 0, len(site.pages))
        texts = [page_body(page) for page in site.pages]
        rendered = render_many(renderer.md, texts, renderer.resolver, cache.markdown, workers)
        bodies = {page.slug: body for page, body in zip(site.pages, rendered, strict=True)}
        for page in site.pages:
            result.problems += markdown_problems(page, bodies[page.slug])
        for job in plan.jobs:
            body = bodies[job.markdown.slug] if job.markdown is not None else None

            variables = job.variables

            def render(
                job: PageJob = job, body: RenderResult | None = body, variables: dict[str, Any] = variables
            ) -> bytes:
                return renderer.page(job, body, variables).encode("utf-8")

            if cache.repeated:
                key = (job.template, plan.common_digest, _digest(variables, body.html if body else None))
                result.pages[job.output_path] = cache.pages.get(key, render)
            else:
                result.pages[job.output_path] = render()
            if progress is not None and len(result.pages) % 100 == 0:
                progress("Rendering pages", len(result.pages), len(plan.jobs))
        result.pages.update((name, make()) for name, make in plan.files.items())
    cache.markdown.end_build()
    cache.pages.end_build()
    return result


def _template_position(error: BaseException, templates_dir: Path) -> tuple[str, int]:
    """Jinja rewrites tracebacks so template frames carry the template's file and line."""
    position = (str(templates_dir), 1)
    trace = error.__traceback__
    root = str(templates_dir.resolve())
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".html") and str(Path(filename).resolve()).startswith(root):
            position = (filename, trace.tb_lineno)
        trace = trace.tb_next
    return position


def prepare(
    site: Site, templates_dir: Path, urls: Urls, assets: Assets, cache: RenderCache, search: bool
) -> tuple[PageRenderer, Plan]:
    """The renderer for this build and the plan of every page it writes."""
    key = (templates_dir.resolve(), urls.base_path, urls.origin, tuple(sorted(assets.output_path_of.items())))
    if cache.environment is None or cache.environment_key != key:
        # The loader re-checks template files' mtimes, so a kept environment still sees edits.
        environment = make_environment(templates_dir, urls, assets, cache.repeated, cache.compiled_dir)
        cache.environment, cache.environment_key = environment, key
    env, env_key = cache.environment, cache.environment_key
    views = build_views(site, urls)
    templates_state = _templates_state(templates_dir)
    resolver = _SiteResolver(site, views, urls, env, templates_state)
    md = DeferredMarkdown(site.config.allow_raw_html)
    problems: list[Problem] = []
    config = site.config

    page_views = {
        page.slug: PageView(
            slug=page.slug,
            title=page.title,
            description=page.description,
            url=urls.url("" if page.slug == "index" else f"{page.slug}/"),
            html=Markup(""),  # filled in when the page is rendered
            draft=page.draft,
            date=date_view(page.date),
            updated=date_view(page.updated),
        )
        for page in site.pages
    }
    explainers = tuple(
        PageLink(view.slug, view.title, view.description, view.url, view.draft)
        for slug, view in page_views.items()
        if slug != "index"
    )
    social_image = assets.output_path_of.get(config.social_image) if config.social_image else None
    if config.social_image and social_image is None:
        problems.append(
            Problem(
                config.origin.path,
                config.origin.line_of("social_image"),
                f"field 'social_image': {config.social_image!r} is not a file in the static folder",
            )
        )
    sections = Sections(
        timeline=bool(views.events),
        actors=bool(views.actors),
        quotes=bool(views.quotes),
        glossary=bool(views.terms),
        sources=bool(views.sources),
    )
    site_view = SiteView(
        title=config.title,
        description=config.description,
        language=config.language,
        publisher=config.publisher,
        as_of=date_view(config.as_of),
        as_of_label=config.as_of_label,
        has=sections,
        search=search,
        social_image=urls.absolute(social_image) if social_image else "",
        favicon=urls.url(assets.output_path_of["favicon.svg"]) if "favicon.svg" in assets.output_path_of else "",
        feed=urls.url("feed.xml") if urls.origin else "",
        nav=navigation(sections, urls),
    )
    common = {"site": site_view, "explainers": explainers}
    # Pages are cached by a digest of everything they are rendered from. repr() of our frozen
    # view dataclasses spells out every field, so equal digests mean equal inputs; anything with
    # an identity-based repr just never hits. The shared part is digested once per build.
    common_digest = _digest(common, templates_state, env_key) if cache.repeated else ""
    jobs: list[PageJob] = []
    listed: list[Listed] = []
    markdown_sources: dict[str, Page] = {}
    newest = max(_content_dates(site), default=None, key=lambda d: d.sort_key)

    def variables(
        site_path: str,
        title: str,
        description: str = "",
        *,
        og_type: str = "website",
        jsonld: dict[str, Any] | None = None,
        indexed: bool = True,
        **context: Any,
    ) -> dict[str, Any]:
        """A page's template variables, made when the page is rendered (see PageJob.make)."""
        return {
            "title": title,
            "description": description or config.description,
            "current": site_path,
            "section": _section_of(site_path, site_view.nav),
            "canonical": urls.absolute(site_path),
            "og_type": og_type,
            "jsonld": jsonld,
            "indexed": indexed,
            **context,
        }

    def emit(
        site_path: str,
        template: str,
        make: Callable[..., dict[str, Any]],
        *args: Any,
        title: str = "",
        description: str = "",
        lastmod: PartialDate | None = None,
        indexed: bool = True,
        feed_key: str = "",
        markdown: Page | None = None,
        slot: str = "",
    ) -> None:
        """Plan a page: `make(*args)` gives its variables; the rest is for the sitemap and feed."""
        jobs.append(PageJob(output_file(site_path), template, make, args, markdown, slot))
        if markdown is not None:
            markdown_sources[output_file(site_path)] = markdown
        if indexed:
            listed.append(Listed(site_path, title, description, lastmod, "page" if feed_key else "", feed_key))

    def listing(site_path: str, template: str, title: str, **context: Any) -> None:
        """A page listing records: its variables are the views it lists."""
        emit(site_path, template, lambda: variables(site_path, title, **context), title=title, lastmod=config.as_of)

    def card(site_path: str, title: str, about: str, jsonld: dict[str, Any], url: str, **record: Any) -> dict[str, Any]:
        """An embeddable card's variables (`record`: its event or its quote, the other None)."""
        permalink = urls.origin + url
        return variables(site_path, title, about, indexed=False, jsonld=jsonld, permalink=permalink, **record)

    home_intro = page_views.get("index")
    emit(
        "",
        "home.html",
        lambda: variables(
            "",
            config.title,
            jsonld=structured.website(config.title, config.description, config.language, config.publisher, urls),
            intro=home_intro,
            question=config.question,
            answer=config.answer,
            takeaways=config.takeaways,
            figures=tuple((f, views.source_by_id[f.source]) for f in config.figures),
        ),
        title=config.title,
        lastmod=newest,
        markdown=site.page_by_slug["index"] if home_intro is not None else None,
        slot="intro",
    )
    emit("404.html", "404.html", lambda: variables("404.html", "Page not found", indexed=False), indexed=False)
    if views.actors:
        listing("actors/", "actors.html", "Who's who", actors=views.actors)

        def actor_page(site_path: str, actor: ActorView) -> dict[str, Any]:
            return variables(
                site_path,
                actor.ref.name,
                actor.ref.role,
                og_type="profile" if actor.ref.kind == "person" else "website",
                jsonld=structured.actor(actor, urls),
                actor=actor,
            )

        for actor in views.actors:
            latest = max(
                (site.event_by_id[e.id].date.latest for e in actor.events),
                default=config.as_of,
                key=lambda d: d.sort_key if d else (0, 0, 0),
            )
            site_path = actor.ref.url[len(urls.base_path) :]
            emit(
                site_path,
                "actor.html",
                actor_page,
                site_path,
                actor,
                title=actor.ref.name,
                description=actor.ref.role,
                lastmod=latest,
            )
    if views.events:

        def timeline() -> dict[str, Any]:
            years: dict[int, list[Any]] = {}
            for event in views.events:
                years.setdefault(event.year, []).append(event)
            return variables(
                "timeline/",
                "Timeline",
                jsonld=structured.graph([structured.event(e, urls, brief=True) for e in views.events]),
                years=years,
                filter_actors=tuple(sorted({a for e in views.events for a in e.actors}, key=lambda a: a.name)),
                tags=views.tags,
            )

        def event_card(site_path: str, event: Event, event_view: EventView) -> dict[str, Any]:
            jsonld = structured.event(event_view, urls)
            return card(site_path, event.title, event.summary, jsonld, event_view.url, event=event_view, quote=None)

        emit("timeline/", "timeline.html", timeline, title="Timeline", lastmod=site.events[-1].date.latest)
        for event_model in site.events:
            listed.append(
                Listed(
                    f"timeline/#{event_model.id}",
                    event_model.title,
                    event_model.summary,
                    event_model.date.latest,
                    "event",
                    event_model.id,
                )
            )
            site_path = f"embed/event/{event_model.id}/"
            emit(
                site_path,
                "embed.html",
                event_card,
                site_path,
                event_model,
                views.event_by_id[event_model.id],
                indexed=False,
            )
    if views.quotes:

        def quotes() -> dict[str, Any]:
            return variables(
                "quotes/",
                "Who said what",
                jsonld=structured.graph([structured.quotation(q, urls) for q in views.quotes]),
                quotes=views.quotes,
            )

        def quote_card(site_path: str, quote: QuoteView) -> dict[str, Any]:
            title = f"{quote.speaker.name}: “{quote.text}”"
            jsonld = structured.quotation(quote, urls)
            return card(site_path, title, quote.context, jsonld, quote.url, quote=quote, event=None)

        emit(
            "quotes/",
            "quotes.html",
            quotes,
            title="Who said what",
            lastmod=max((q.date for q in site.quotes if q.date), default=config.as_of, key=lambda d: d.sort_key),
        )
        for quote in views.quotes:
            site_path = f"embed/quote/{quote.id}/"
            emit(site_path, "embed.html", quote_card, site_path, quote, indexed=False)
    if views.terms:
        listing("glossary/", "glossary.html", "Glossary", terms=views.terms)
    if views.sources:
        listing("sources/", "sources.html", "Sources", sources=views.sources, citations=views.citations)

    def article(index: int, page: Page) -> dict[str, Any]:
        return variables(
            f"{page.slug}/",
            page.title,
            page.description,
            og_type="article",
            jsonld=structured.article(
                page.title,
                page.description,
                urls.absolute(f"{page.slug}/"),
                page.date.iso if page.date else None,
                page.updated.iso if page.updated else None,
                config.title,
                config.publisher,
                urls,
            ),
            page=page_views[page.slug],
            previous=explainers[index - 1] if index > 0 else None,
            next=explainers[index + 1] if index + 1 < len(explainers) else None,
        )

    claimed = {job.output_path.split("/", 1)[0] for job in jobs} | set(GENERATED_SECTIONS)
    for index, link in enumerate(explainers):
        page = site.page_by_slug[link.slug]
        if page.slug in claimed:
            problems.append(
                Problem(
                    page.origin.path, 1, f"page URL /{page.slug}/ clashes with a generated page; set another 'slug'"
                )
            )
            continue
        emit(
            f"{page.slug}/",
            "page.html",
            article,
            index,
            page,
            title=page.title,
            description=page.description,
            lastmod=page.updated or page.date or config.as_of,
            feed_key=page.slug,
            markdown=page,
            slot="page",
        )
    files = _machine_readable(site, urls, listed)
    renderer = PageRenderer(env, md, resolver, common)
    return renderer, Plan(jobs, files, markdown_sources, problems, common_digest)


def _section_of(site_path: str, nav: tuple[NavLink, ...]) -> str | None:
    """The navigation entry a page belongs to (its path), marked as current in the menu."""
    for link in nav:
        if site_path == link.path or (link.path and site_path.startswith(link.path)):
            return link.path
    return None


def _content_dates(site: Site) -> list[PartialDate]:
    """Every date the content states: the newest one dates the home page (never the clock)."""
    dates = [e.date.latest for e in site.events] + [q.date for q in site.quotes if q.date]
    dates += [d for p in site.pages for d in (p.date, p.updated) if d]
    return dates + ([site.config.as_of] if site.config.as_of else [])


def _machine_readable(site: Site, urls: Urls, listed: list[Listed]) -> dict[str, Callable[[], bytes]]:
    """Data exports always; sitemap, robots.txt and feed when the base URL names a host (they
    need absolute URLs); CNAME for a custom domain."""
    config = site.config
    files: dict[str, Callable[[], bytes]] = {
        "data/explainer.json": lambda: data.explainer_json(site, urls),
        "data/explainer.schema.json": lambda: data.explainer_schema(urls),
    }
    if site.events:
        files["data/timeline.json"] = lambda: data.timelinejs_json(site, urls)
    if urls.origin:
        files["sitemap.xml"] = lambda: feeds.sitemap([entry for entry in listed if entry.feed_kind != "event"], urls)
        files["robots.txt"] = lambda: feeds.robots_txt(urls)
        files["feed.xml"] = lambda: feeds.atom_feed(
            [entry for entry in listed if entry.feed_kind], config.title, config.description, config.publisher, urls
        )
    if config.custom_domain:
        files["CNAME"] = lambda: (config.custom_domain + "\n").encode()
    return files


def _digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def _templates_state(templates_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Every template file's name, mtime and size: a cached page is reused only while they hold."""
    stats = ((path, path.stat()) for path in sorted(templates_dir.rglob("*")))
    return tuple((path.as_posix(), info.st_mtime_ns, info.st_size) for path, info in stats)


class _DeclaredIdResolver(Resolver):
    """Resolves against declared ids only: used when the model failed to load."""

    def __init__(self, declared_ids: dict[str, set[str]]) -> None:
        self.declared_ids = declared_ids

    def resolve(self, kind: str, record_id: str) -> Target | None:
        return Target("#") if record_id in self.declared_ids.get(kind, set()) else None

    def embed(self, kind: str, record_id: str) -> str | None:
        return "" if record_id in self.declared_ids.get(kind, set()) else None


def check_page_references(partial: PartialContent) -> list[Problem]:
    """Report unknown record references in Markdown even when the YAML failed to load."""
    md = make_markdown(allow_raw_html=False)
    resolver = _DeclaredIdResolver(partial.declared_ids)
    return [
        problem
        for page in partial.pages
        for problem in markdown_problems(page, render_markdown(md, page_body(page), resolver))
    ]
