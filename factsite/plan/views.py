"""What templates may see: the model with URLs resolved and backlinks joined, nothing else."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import Any, TypeVar

from markupsafe import Markup

from ..content.model import Actor, DateSpan, Event, PartialDate, Quote, Site, Source, Term
from .maps import MapView, map_view
from .navigation import NavLink, Sections
from .urls import Urls


@dataclass(frozen=True, slots=True)
class DateView:
    """A date as templates show it (text) and as <time datetime> takes it (iso)."""

    text: str
    """'8 December 2021'."""
    iso: str
    """For `<time datetime>`."""


@dataclass(frozen=True, slots=True)
class TopicView:
    """A timeline topic: its slug (the filter's value) and its label."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Citation:
    """A place that cites a source: shown on the sources page."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class SourceView:
    """A source record, with its date shown and its entry's URL."""

    id: str
    title: str
    publisher: str
    date: DateView | None
    external_url: str | None
    note: str
    url: str
    """This source's entry on the sources page."""
    verified: bool
    """Whether its quotes were checked against a copy kept with the content (`archive`)."""
    archived: DateView | None
    """When that copy, or the web archive's, was taken."""
    archive_url: str | None
    """A public web archive's copy."""


@dataclass(frozen=True, slots=True)
class ActorRef:
    """What a link to an actor needs: its name, role and page."""

    id: str
    name: str
    role: str
    kind: str
    url: str


@dataclass(frozen=True, slots=True)
class QuoteView:
    """A quote with its speaker and source resolved, as cards and the quotes page show it."""

    id: str
    html: Markup
    """The verbatim text, escaped, with '[sic]' marked where the source misprints."""
    text: str
    speaker: ActorRef
    context: str
    date: DateView | None
    kind: str
    note: str
    source: SourceView
    url: str


@dataclass(frozen=True, slots=True)
class EventView:
    """A timeline event with its actors, topics, sources and quotes resolved."""

    id: str
    start: DateView
    end: DateView | None
    date_text: str
    year: int
    title: str
    summary: str
    actors: tuple[ActorRef, ...]
    tags: tuple[TopicView, ...]
    sources: tuple[SourceView, ...]
    quotes: tuple[QuoteView, ...]
    url: str
    key_moment: str


@dataclass(frozen=True, slots=True)
class ActorView:
    """An actor's page: the actor, and the quotes, events and members that point to it."""

    ref: ActorRef
    summary: str
    aliases: tuple[str, ...]
    affiliation: ActorRef | None
    quotes: tuple[QuoteView, ...]
    events: tuple[EventView, ...]
    members: tuple[ActorRef, ...]
    """Actors whose affiliation is this one."""


@dataclass(frozen=True, slots=True)
class TermView:
    """A glossary entry with its sources resolved."""

    id: str
    term: str
    definition: str
    sources: tuple[SourceView, ...]
    url: str


@dataclass(frozen=True, slots=True)
class Views:
    """Every view of a site, in reading order and by id (made once per build by build_views)."""

    actors: tuple[ActorView, ...]
    actor_by_id: dict[str, ActorView]
    quotes: tuple[QuoteView, ...]
    quote_by_id: dict[str, QuoteView]
    events: tuple[EventView, ...]
    event_by_id: dict[str, EventView]
    sources: tuple[SourceView, ...]
    source_by_id: dict[str, SourceView]
    terms: tuple[TermView, ...]
    term_by_id: dict[str, TermView]
    tags: tuple[TopicView, ...]
    citations: dict[str, tuple[Citation, ...]]
    """Source id -> what cites it (kept out of SourceView, which is embedded everywhere)."""
    made_from: dict[tuple[str, str], tuple[Any, ...]]
    """('quote' or 'event', id) -> the record and the views its view embeds (see build_views)."""
    map_by_id: dict[str, MapView]


_NO_VIEWS = Views((), {}, (), {}, (), {}, (), {}, (), {}, (), {}, {}, {})


def date_view(date: PartialDate | None) -> DateView | None:
    return None if date is None else DateView(date.display(), date.iso)


def build_views(site: Site, urls: Urls, previous: Views | None = None) -> Views:
    """Join the model once (linear in its size) into the views every template reads.

    With `previous` (the preview's last build, made with the same URLs), a view equal to that
    build's is that build's object, so the preview can tell by identity which pages show the same
    views as before (see preview.rebuild). Views are made from the parts up, so comparing a view
    made again with the old one is cheap; the many quotes' and events' views are not even made
    again where made from the same record and the same embedded views as before."""
    old = previous or _NO_VIEWS
    made_from: dict[tuple[str, str], tuple[Any, ...]] = {}

    def reused(
        kind: str, record_id: str, parts: tuple[Any, ...], old_view: _View | None, make: Callable[[], _View]
    ) -> _View:
        made_from[(kind, record_id)] = parts
        if old_view is not None and old.made_from.get((kind, record_id)) == parts:
            return old_view
        return kept(old_view, make())

    sources = {s.id: kept(old.source_by_id.get(s.id), _source_view(s, urls)) for s in site.sources}
    old_refs = {actor.ref.id: actor.ref for actor in old.actors}
    refs = {a.id: kept(old_refs.get(a.id), _actor_ref(a, urls)) for a in site.actors}
    topics = _topics(site, {topic.id: topic for topic in old.tags})
    quotes = {}
    for q in site.quotes:
        speaker, source = refs[q.speaker], sources[q.source]
        make_quote = partial(_quote_view, q, speaker, source, urls)
        quotes[q.id] = reused("quote", q.id, (q, speaker, source), old.quote_by_id.get(q.id), make_quote)
    events = {}
    for e in site.events:
        parts = (
            e,
            tuple(refs[a] for a in e.actors),
            tuple(sources[s] for s in e.sources),
            tuple(quotes[q] for q in e.quotes),
            tuple(topics[t] for t in e.tags),
        )
        make_event = partial(_event_view, e, refs, sources, quotes, topics, urls)
        events[e.id] = reused("event", e.id, parts, old.event_by_id.get(e.id), make_event)
    actors = {a.id: kept(old.actor_by_id.get(a.id), view) for a, view in _actor_views(site, refs, quotes, events)}
    terms = {t.id: kept(old.term_by_id.get(t.id), _term_view(t, sources, urls)) for t in site.terms}
    tags = tuple(sorted(topics.values(), key=lambda topic: topic.label.casefold()))
    citations = {key: kept(old.citations.get(key), value) for key, value in _citations(site, urls).items()}
    return Views(
        actors=kept(old.actors, tuple(actors.values())),
        actor_by_id=actors,
        quotes=kept(old.quotes, tuple(quotes.values())),
        quote_by_id=quotes,
        events=kept(old.events, tuple(events.values())),
        event_by_id=events,
        sources=kept(old.sources, tuple(sources.values())),
        source_by_id=sources,
        terms=kept(old.terms, tuple(terms.values())),
        term_by_id=terms,
        tags=kept(old.tags, tags),
        citations=citations,
        made_from=made_from,
        map_by_id={m.id: kept(old.map_by_id.get(m.id), map_view(m, refs, sources)) for m in site.maps},
    )


_View = TypeVar("_View")


def kept(old: _View | None, new: _View) -> _View:
    """The old view where it equals the new one, else the new (see build_views)."""
    return old if old is not None and old == new else new


def _topics(site: Site, old: dict[str, TopicView]) -> dict[str, TopicView]:
    labels = dict(site.config.topics)
    topics = {}
    for event in site.events:
        for tag in event.tags:
            if tag not in topics:
                label = labels.get(tag) or tag.replace("-", " ").capitalize()
                topics[tag] = kept(old.get(tag), TopicView(tag, label))
    return topics


def _actor_views(
    site: Site, refs: dict[str, ActorRef], quotes: dict[str, QuoteView], events: dict[str, EventView]
) -> list[tuple[Actor, ActorView]]:
    """Each actor with its page's view: the quotes, events and members that point to it."""
    quotes_by_actor: dict[str, list[QuoteView]] = defaultdict(list)
    for quote in quotes.values():
        quotes_by_actor[quote.speaker.id].append(quote)
    events_by_actor: dict[str, list[EventView]] = defaultdict(list)
    for event in events.values():
        for participant in event.actors:
            events_by_actor[participant.id].append(event)
    members: dict[str, list[ActorRef]] = defaultdict(list)
    for actor in site.actors:
        if actor.affiliation:
            members[actor.affiliation].append(refs[actor.id])
    return [
        (
            a,
            ActorView(
                ref=refs[a.id],
                summary=a.summary,
                aliases=a.aliases,
                affiliation=refs[a.affiliation] if a.affiliation else None,
                quotes=tuple(quotes_by_actor[a.id]),
                events=tuple(events_by_actor[a.id]),
                members=tuple(members[a.id]),
            ),
        )
        for a in site.actors
    ]


def _citations(site: Site, urls: Urls) -> dict[str, tuple[Citation, ...]]:
    """Each source with the quotes, events, terms and figures that cite it, in one pass."""
    cited: dict[str, list[Citation]] = defaultdict(list)
    for figure in site.config.figures:
        cited[figure.source].append(Citation(f"Figure: {figure.value} {figure.label}", urls.url("#figures")))
    for quote in site.quotes:
        speaker = site.actor_by_id[quote.speaker].name
        cited[quote.source].append(Citation(f"Quote by {speaker}", urls.url(f"quotes/#{quote.id}")))
    for event in site.events:
        for source_id in event.sources:
            cited[source_id].append(Citation(f"Timeline: {event.title}", urls.url(f"timeline/#{event.id}")))
    for term in site.terms:
        for source_id in term.sources:
            cited[source_id].append(Citation(f"Glossary: {term.term}", urls.url(f"glossary/#{term.id}")))
    return {source.id: tuple(cited[source.id]) for source in site.sources}


def _source_view(source: Source, urls: Urls) -> SourceView:
    return SourceView(
        id=source.id,
        title=source.title,
        publisher=source.publisher,
        date=date_view(source.date),
        external_url=source.url,
        note=source.note,
        url=urls.url(f"sources/#{source.id}"),
        verified=source.archive is not None,
        archived=date_view(source.archived),
        archive_url=source.archive_url,
    )


def _actor_ref(actor: Actor, urls: Urls) -> ActorRef:
    return ActorRef(actor.id, actor.name, actor.role, actor.kind, urls.url(f"actors/{actor.id}/"))


def _quote_view(quote: Quote, speaker: ActorRef, source: SourceView, urls: Urls) -> QuoteView:
    html = escape(quote.text, quote=False)
    if quote.sic:
        marked = escape(quote.sic, quote=False)
        html = html.replace(marked, f'{marked} <span class="sic">[sic]</span>', 1)
    return QuoteView(
        id=quote.id,
        html=Markup(html),
        text=quote.text,
        speaker=speaker,
        context=quote.context,
        date=date_view(quote.date),
        kind=quote.kind,
        note=quote.note,
        source=source,
        url=urls.url(f"quotes/#{quote.id}"),
    )


def _event_view(
    event: Event,
    refs: dict[str, ActorRef],
    sources: dict[str, SourceView],
    quotes: dict[str, QuoteView],
    topics: dict[str, TopicView],
    urls: Urls,
) -> EventView:
    span: DateSpan = event.date
    start = date_view(span.start)
    assert start is not None
    return EventView(
        id=event.id,
        start=start,
        end=date_view(span.end),
        date_text=span.display(),
        year=span.year,
        title=event.title,
        summary=event.summary,
        actors=tuple(refs[a] for a in event.actors),
        tags=tuple(topics[tag] for tag in event.tags),
        sources=tuple(sources[s] for s in event.sources),
        quotes=tuple(quotes[q] for q in event.quotes),
        url=urls.url(f"timeline/#{event.id}"),
        key_moment=event.key_moment,
    )


def _term_view(term: Term, sources: dict[str, SourceView], urls: Urls) -> TermView:
    return TermView(
        id=term.id,
        term=term.term,
        definition=term.definition,
        sources=tuple(sources[s] for s in term.sources),
        url=urls.url(f"glossary/#{term.id}"),
    )


@dataclass(frozen=True, slots=True)
class SiteView:
    """Site-wide settings every template sees."""

    title: str
    description: str
    language: str
    publisher: str
    as_of: Any
    as_of_label: str
    has: Sections
    search: bool
    """Whether the Pagefind index is built, so templates show the search box."""
    social_image: str
    """Absolute URL of the share image, or ''."""
    favicon: str
    feed: str
    """URL of the Atom feed, or '' when none is written."""
    nav: tuple[NavLink, ...]
    """Main navigation, in order."""


@dataclass(frozen=True, slots=True)
class PageLink:
    """An explainer page in listings and previous/next links: no body, so body edits stay local."""

    slug: str
    title: str
    description: str
    url: str
    draft: bool


@dataclass(frozen=True, slots=True)
class PageView:
    """An explainer page as templates see it."""

    slug: str
    title: str
    description: str
    url: str
    html: Markup
    draft: bool
    date: Any
    updated: Any
