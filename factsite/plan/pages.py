"""Site -> Plan: every page and file a build writes, decided before any is rendered, so that links
to each can be checked. A page's template variables are made only when it is rendered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from ..content.model import Figure, Page, PartialDate, Site
from ..errors import Problem
from . import data, structured
from .feeds import Listed, machine_readable_files
from .jobs import PageJob, Plan
from .navigation import EXPLAINERS, NavLink, Sections, navigation
from .overview import timeline_overview
from .urls import Urls, output_file
from .views import (
    ActorView,
    EventView,
    PageLink,
    PageView,
    QuoteView,
    SiteView,
    SourceView,
    TopicView,
    build_views,
    date_view,
    kept,
)

LISTED_PARTS = 20
"""Each explainer lists every part of the series up to this many (beyond, it would repeat the
home page's list on every page: 10,000 parts made each page 450 KB)."""
GENERATED_SECTIONS = ("actors", "timeline", "quotes", "glossary", "sources", "static", "embed", "data", "pagefind")
"""Top-level folders the build writes itself: no explainer page may take one as its slug."""


def plan_site(site: Site, urls: Urls, assets: dict[str, str], search: bool, previous: Plan | None = None) -> Plan:
    """The plan of every page and file. `assets`: name in static/ -> output path. With the
    `previous` plan (the preview's), views equal to its views are its objects (see build_views)."""
    return _Planner(site, urls, assets, search, previous).plan()


class _Planner:
    """Plans each kind of page in turn; its methods ending in `_variables` run at render time."""

    def __init__(
        self, site: Site, urls: Urls, assets: dict[str, str], search: bool, previous: Plan | None = None
    ) -> None:
        self.site, self.config, self.urls = site, site.config, urls
        self.data_lines = data.RecordLines(urls, previous.data_lines if previous else None)
        self.views = build_views(site, urls, previous.views if previous and previous.urls == urls else None)
        self.problems: list[Problem] = []
        self.site_view = kept(previous.shared.get("site") if previous else None, self.make_site_view(assets, search))
        self.page_views, self.explainers = self.explainer_views(
            previous if previous and previous.urls == urls else None
        )
        self.jobs: list[PageJob] = []
        self.listed: list[Listed] = []
        self.markdown_sources: dict[str, Page] = {}

    def plan(self) -> Plan:
        self.plan_home()
        self.add("404.html", "404.html", self.not_found_variables, indexed=False)
        self.plan_actors()
        self.plan_timeline()
        self.plan_quotes()
        if self.views.terms:
            self.plan_listing("glossary/", "glossary.html", "Glossary", terms=self.views.terms)
        if self.views.sources:
            sources = {"sources": self.views.sources, "citations": self.views.citations}
            self.plan_listing("sources/", "sources.html", "Sources", **sources)
        self.plan_explainers()
        shared = {"site": self.site_view}
        files = machine_readable_files(self.site, self.urls, self.listed, self.data_lines)
        jobs, self.jobs = self.jobs, []  # the jobs' makers hold this planner: no cycle back to them
        return Plan(
            jobs,
            files,
            self.markdown_sources,
            self.problems,
            shared,
            self.views,
            self.page_views,
            self.explainers,
            self.urls,
            self.data_lines,
        )

    # -- what every page has ------------------------------------------------------------------

    def add(
        self,
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
        output_path = output_file(site_path)
        self.jobs.append(PageJob(output_path, template, make, args, markdown, slot))
        if markdown is not None:
            self.markdown_sources[output_path] = markdown
        if indexed and self.urls.origin:  # (listed in the sitemap and feed, made only for a site with a host)
            self.listed.append(Listed(site_path, title, description, lastmod, "page" if feed_key else "", feed_key))

    def variables(
        self,
        site_path: str,
        title: str,
        description: str = "",
        *,
        og_type: str = "website",
        jsonld: dict[str, Any] | None = None,
        indexed: bool = True,
        **context: Any,
    ) -> dict[str, Any]:
        """A page's template variables: what base.html needs, and the page's own `context`."""
        return {
            "title": title,
            "description": description or self.config.description,
            "current": site_path,
            "section": _section_of(site_path, self.site_view.nav),
            "canonical": self.urls.absolute(site_path) if self.urls.origin else None,  # (never a relative one)
            "og_type": og_type,
            "jsonld": jsonld,
            "indexed": indexed,
            **context,
        }

    def make_site_view(self, assets: dict[str, str], search: bool) -> SiteView:
        config, urls, views = self.config, self.urls, self.views
        social_image = assets.get(config.social_image) if config.social_image else None
        if config.social_image and social_image is None:
            message = f"field 'social_image': {config.social_image!r} is not a file in the static folder"
            line = config.origin.line_of("social_image")
            self.problems.append(Problem(config.origin.path, line, message, "asset-missing"))
        sections = Sections(
            timeline=bool(views.events),
            actors=bool(views.actors),
            quotes=bool(views.quotes),
            glossary=bool(views.terms),
            sources=bool(views.sources),
            explainers=any(page.slug != "index" for page in self.site.pages),
        )
        return SiteView(
            title=config.title,
            description=config.description,
            language=config.language,
            publisher=config.publisher,
            as_of=date_view(config.as_of),
            as_of_label=config.as_of_label,
            has=sections,
            search=search,
            social_image=urls.absolute(social_image) if social_image else "",
            favicon=urls.url(assets["favicon.svg"]) if "favicon.svg" in assets else "",
            feed=urls.url("feed.xml") if urls.origin else "",
            nav=navigation(sections, urls),
        )

    def explainer_views(self, previous: Plan | None) -> tuple[dict[str, PageView], tuple[PageLink, ...]]:
        """Each page's view, and the explainers' links in order: the `previous` plan's objects
        where made from the same page (or equal to them)."""
        old_views = previous.page_views if previous else {}
        old_links = {link.slug: link for link in previous.explainers} if previous else {}
        made_from = {page.slug: page for page in previous.markdown_sources.values()} if previous else {}
        views: dict[str, PageView] = {}
        links: list[PageLink] = []
        for page in self.site.pages:
            old_view = old_views.get(page.slug)
            view = old_view if made_from.get(page.slug) is page else None
            views[page.slug] = view = view or kept(old_view, self.page_view(page))
            if page.slug != "index":
                link = old_links.get(page.slug) if view is old_view else None
                links.append(link or kept(old_links.get(page.slug), self.page_link(view)))
        return views, kept(previous.explainers if previous else None, tuple(links))

    @staticmethod
    def page_link(view: PageView) -> PageLink:
        return PageLink(view.slug, view.title, view.description, view.url, view.draft)

    def page_view(self, page: Page) -> PageView:
        return PageView(
            slug=page.slug,
            title=page.title,
            description=page.description,
            url=self.urls.url("" if page.slug == "index" else f"{page.slug}/"),
            html=Markup(""),  # filled in when the page is rendered
            draft=page.draft,
            date=date_view(page.date),
            updated=date_view(page.updated),
        )

    # -- the home page, 404 and record listings ----------------------------------------------

    def plan_home(self) -> None:
        site, config = self.site, self.config
        has_intro = "index" in self.page_views
        newest = max(_content_dates(site), default=None, key=lambda date: date.sort_key)
        intro = site.page_by_slug["index"] if has_intro else None
        figures = tuple((figure, self.views.source_by_id[figure.source]) for figure in config.figures)
        args = (self.page_views.get("index"), figures, self.explainers)
        self.add(
            "",
            "home.html",
            self.home_variables,
            *args,
            title=config.title,
            lastmod=newest,
            markdown=intro,
            slot="intro",
        )

    def home_variables(
        self, intro: PageView | None, figures: tuple[tuple[Figure, SourceView], ...], explainers: tuple[PageLink, ...]
    ) -> dict[str, Any]:
        config, urls = self.config, self.urls
        return self.variables(
            "",
            config.title,
            jsonld=structured.website(config.title, config.description, config.language, config.publisher, urls),
            intro=intro,
            question=config.question,
            answer=config.answer,
            takeaways=config.takeaways,
            figures=figures,
            explainers=explainers,
        )

    def not_found_variables(self) -> dict[str, Any]:
        return self.variables("404.html", "Page not found", indexed=False)

    def plan_listing(self, site_path: str, template: str, title: str, **listed: Any) -> None:
        """A page listing records: its variables are the views it lists."""
        self.add(
            site_path,
            template,
            self.listing_variables,
            site_path,
            title,
            listed,
            title=title,
            lastmod=self.config.as_of,
        )

    def listing_variables(self, site_path: str, title: str, listed: dict[str, Any]) -> dict[str, Any]:
        items = [(actor.ref.name, actor.ref.url) for actor in listed.get("actors", ())]
        items += [(term.term, term.url) for term in listed.get("terms", ())]
        items += [(source.title, source.url) for source in listed.get("sources", ())]
        jsonld = structured.collection(title, site_path, items, self.urls)
        return self.variables(site_path, title, jsonld=jsonld, **listed)

    def card_variables(
        self, site_path: str, title: str, about: str, jsonld: dict[str, Any], url: str, **record: Any
    ) -> dict[str, Any]:
        """An embeddable card's variables (`record`: its event or its quote, the other None)."""
        permalink = self.urls.origin + url
        return self.variables(site_path, title, about, indexed=False, jsonld=jsonld, permalink=permalink, **record)

    # -- actors ---------------------------------------------------------------------------------

    def plan_actors(self) -> None:
        views, urls = self.views, self.urls
        if not views.actors:
            return
        self.plan_listing("actors/", "actors.html", "Who's who", actors=views.actors)
        for actor in views.actors:
            latest = max(
                (self.site.event_by_id[event.id].date.latest for event in actor.events),
                default=self.config.as_of,
                key=lambda date: date.sort_key if date else (0, 0, 0),
            )
            site_path = actor.ref.url[len(urls.base_path) :]
            ref = actor.ref
            self.add(
                site_path,
                "actor.html",
                self.actor_variables,
                site_path,
                actor,
                title=ref.name,
                description=ref.role,
                lastmod=latest,
            )

    def actor_variables(self, site_path: str, actor: ActorView) -> dict[str, Any]:
        return self.variables(
            site_path,
            actor.ref.name,
            actor.ref.role,
            og_type="profile" if actor.ref.kind == "person" else "website",
            jsonld=structured.actor(actor, self.urls),
            actor=actor,
        )

    # -- the timeline and its events ----------------------------------------------------------

    def plan_timeline(self) -> None:
        site, views = self.site, self.views
        if not views.events:
            return
        lastmod = site.events[-1].date.latest
        args = (views.events, views.tags)
        self.add("timeline/", "timeline.html", self.timeline_variables, *args, title="Timeline", lastmod=lastmod)
        for event in site.events:
            if self.urls.origin:
                listed = Listed(
                    f"timeline/#{event.id}", event.title, event.summary, event.date.latest, "event", event.id
                )
                self.listed.append(listed)
            site_path = f"embed/event/{event.id}/"
            event_view = views.event_by_id[event.id]
            self.add(site_path, "embed.html", self.event_card_variables, site_path, event_view, indexed=False)

    def timeline_variables(self, events: tuple[EventView, ...], tags: tuple[TopicView, ...]) -> dict[str, Any]:
        years: dict[int, list[EventView]] = {}
        for event in events:
            years.setdefault(event.year, []).append(event)
        return self.variables(
            "timeline/",
            "Timeline",
            jsonld=structured.graph([structured.event(event, self.urls, brief=True) for event in events]),
            years=years,
            overview=timeline_overview(events),
            filter_actors=tuple(sorted({actor for event in events for actor in event.actors}, key=lambda a: a.name)),
            tags=tags,
        )

    def event_card_variables(self, site_path: str, event: EventView) -> dict[str, Any]:
        jsonld = structured.event(event, self.urls)
        return self.card_variables(site_path, event.title, event.summary, jsonld, event.url, event=event, quote=None)

    # -- quotes ---------------------------------------------------------------------------------

    def plan_quotes(self) -> None:
        site, views = self.site, self.views
        if not views.quotes:
            return
        dates = (quote.date for quote in site.quotes if quote.date)
        lastmod = max(dates, default=self.config.as_of, key=lambda date: date.sort_key)
        self.add("quotes/", "quotes.html", self.quotes_variables, views.quotes, title="Who said what", lastmod=lastmod)
        for quote in views.quotes:
            site_path = f"embed/quote/{quote.id}/"
            self.add(site_path, "embed.html", self.quote_card_variables, site_path, quote, indexed=False)

    def quotes_variables(self, quotes: tuple[QuoteView, ...]) -> dict[str, Any]:
        jsonld = structured.graph([structured.quotation(quote, self.urls) for quote in quotes])
        return self.variables("quotes/", "Who said what", jsonld=jsonld, quotes=quotes)

    def quote_card_variables(self, site_path: str, quote: QuoteView) -> dict[str, Any]:
        title = f"{quote.speaker.name}: “{quote.text}”"
        jsonld = structured.quotation(quote, self.urls)
        return self.card_variables(site_path, title, quote.context, jsonld, quote.url, quote=quote, event=None)

    # -- explainer pages ----------------------------------------------------------------------

    def plan_explainers(self) -> None:
        claimed = {job.output_path.split("/", 1)[0] for job in self.jobs} | set(GENERATED_SECTIONS)
        for index, link in enumerate(self.explainers):
            page = self.site.page_by_slug[link.slug]
            if page.slug in claimed:
                message = f"page URL /{page.slug}/ clashes with a generated page; set another 'slug'"
                self.problems.append(Problem(page.origin.path, 1, message, "duplicate-url"))
                continue
            parts = self.explainers
            self.add(
                f"{page.slug}/",
                "page.html",
                self.explainer_variables,
                self.page_views[page.slug],
                parts[index - 1] if index > 0 else None,
                parts[index + 1] if index + 1 < len(parts) else None,
                (index + 1, len(parts)),
                parts if len(parts) <= LISTED_PARTS else (),
                title=page.title,
                description=page.description,
                lastmod=page.updated or page.date or self.config.as_of,
                feed_key=page.slug,
                markdown=page,
                slot="page",
            )

    def explainer_variables(
        self,
        page: PageView,
        previous: PageLink | None,
        next: PageLink | None,
        place: tuple[int, int],
        parts: tuple[PageLink, ...],
    ) -> dict[str, Any]:
        """An explainer as a part of the series: its `place` (n of N), the previous and the next,
        and the list of `parts` where there are few enough to list on every page."""
        config, urls = self.config, self.urls
        jsonld = structured.article(
            page.title,
            page.description,
            urls.absolute(f"{page.slug}/"),
            page.date.iso if page.date else None,
            page.updated.iso if page.updated else None,
            config.title,
            config.publisher,
            urls,
        )
        return self.variables(
            f"{page.slug}/",
            page.title,
            page.description,
            og_type="article",
            jsonld=jsonld,
            page=page,
            parts=parts,
            part=place[0],
            part_count=place[1],
            previous=previous,
            next=next,
            section=EXPLAINERS,
        )


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
