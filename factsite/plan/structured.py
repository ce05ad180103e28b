"""schema.org JSON-LD for each page kind, built from the views (real types, absolute URLs)."""

from __future__ import annotations

from typing import Any

from .urls import Urls
from .views import ActorView, EventView, QuoteView

CONTEXT = "https://schema.org"
_ACTOR_TYPES = {"person": "Person", "country": "Country", "region": "Place"}


def website(title: str, description: str, language: str, publisher: str, urls: Urls) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": title,
        "url": urls.absolute(""),
        "inLanguage": language,
    }
    if description:
        data["description"] = description
    if publisher:
        data["publisher"] = {"@type": "Organization", "name": publisher}
    return data


def collection(title: str, site_path: str, items: list[tuple[str, str]], urls: Urls) -> dict[str, Any]:
    """A page listing records: a CollectionPage whose main entity is the list, item by item
    (`items`: each one's name and URL on the site)."""
    return {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": title,
        "url": urls.absolute(site_path),
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": len(items),
            "itemListElement": [
                {"@type": "ListItem", "position": position, "name": name, "url": urls.origin + url}
                for position, (name, url) in enumerate(items, start=1)
            ],
        },
    }


def article(
    title: str,
    description: str,
    url: str,
    published: str | None,
    modified: str | None,
    site_title: str,
    publisher: str,
    urls: Urls,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Article",
        "headline": title,
        "url": url,
        "mainEntityOfPage": url,
        "isPartOf": {"@type": "WebSite", "name": site_title, "url": urls.absolute("")},
    }
    if description:
        data["description"] = description
    if published:
        data["datePublished"] = published
    if modified or published:
        data["dateModified"] = modified or published
    if publisher:
        data["publisher"] = {"@type": "Organization", "name": publisher}
    return data


def actor(view: ActorView, urls: Urls) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": _ACTOR_TYPES.get(view.ref.kind, "Organization"),
        "name": view.ref.name,
        "url": urls.origin + view.ref.url,
    }
    if view.summary or view.ref.role:
        data["description"] = view.summary or view.ref.role
    if view.ref.role and view.ref.kind == "person":
        data["jobTitle"] = view.ref.role
    if view.aliases:
        data["alternateName"] = list(view.aliases)
    if view.affiliation and view.ref.kind == "person" and view.affiliation.kind not in ("country", "region"):
        data["affiliation"] = {"@type": "Organization", "name": view.affiliation.name}
    return data


def quotation(quote: QuoteView, urls: Urls) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Quotation",
        "text": quote.text,
        "url": urls.origin + quote.url,
        "spokenByCharacter": {
            "@type": _ACTOR_TYPES.get(quote.speaker.kind, "Organization"),
            "name": quote.speaker.name,
            "url": urls.origin + quote.speaker.url,
        },
    }
    if quote.date:
        data["dateCreated"] = quote.date.iso
    source = quote.source
    cited: dict[str, Any] = {"@type": "CreativeWork", "name": source.title, "publisher": source.publisher}
    if source.external_url:
        cited["url"] = source.external_url
    data["isBasedOn"] = cited
    return data


def event(view: EventView, urls: Urls, brief: bool = False) -> dict[str, Any]:
    """An Event; `brief` (for the timeline's list of all events) keeps name, dates and URL."""
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Event",
        "name": view.title,
        "startDate": view.start.iso,
        "url": urls.origin + view.url,
        "eventStatus": "https://schema.org/EventScheduled",
    }
    if view.end:
        data["endDate"] = view.end.iso
    if brief:
        return data
    if view.summary:
        data["description"] = view.summary
    if view.actors:
        data["actor"] = [
            {"@type": _ACTOR_TYPES.get(a.kind, "Organization"), "name": a.name, "url": urls.origin + a.url}
            for a in view.actors
        ]
    return data


def graph(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Several nodes in one script: each loses its own @context to the shared one."""
    return {"@context": CONTEXT, "@graph": [{k: v for k, v in item.items() if k != "@context"} for item in items]}
