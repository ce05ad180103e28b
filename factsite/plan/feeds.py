"""sitemap.xml, robots.txt and an Atom feed: dates come from the content, never the build clock.

xml.etree is imported where a feed or sitemap is made: only sites with a host need them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..content.model import PartialDate, Site
from .data import RecordLines, explainer_json, explainer_schema, timelinejs_json
from .urls import Urls

if TYPE_CHECKING:
    from xml.etree import ElementTree

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True, slots=True)
class Listed:
    """A page as the sitemap and feed see it."""

    site_path: str
    title: str
    summary: str
    lastmod: PartialDate | None
    feed_kind: str = ""
    """'page' or 'event' for items in the Atom feed; '' for pages the feed leaves out."""
    key: str = ""
    """Stable identity for the feed entry (the record id)."""


def sitemap(entries: list[Listed], urls: Urls) -> bytes:
    from xml.etree import ElementTree

    ElementTree.register_namespace("", SITEMAP_NS)
    root = ElementTree.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in sorted(entries, key=lambda e: e.site_path):
        if entry.feed_kind == "event":
            continue  # events are anchors on the timeline page, not pages
        url = ElementTree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = urls.absolute(entry.site_path)
        if entry.lastmod is not None:
            ElementTree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = entry.lastmod.iso
    return _xml(root)


def robots_txt(urls: Urls) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('sitemap.xml')}\n".encode()


def _timestamp(date: PartialDate) -> str:
    return f"{date.year:04d}-{date.month or 1:02d}-{date.day or 1:02d}T00:00:00Z"


def entry_id(site_url: str, kind: str, key: str) -> str:
    """A stable, valid Atom id that does not change when pages move: a name-based UUID."""
    import uuid

    return uuid.uuid5(uuid.NAMESPACE_URL, f"{site_url}#{kind}/{key}").urn


def atom_feed(entries: list[Listed], title: str, subtitle: str, author: str, urls: Urls) -> bytes:
    """An Atom 1.0 feed of the explainer's pages and timeline events, newest first."""
    from xml.etree import ElementTree

    ElementTree.register_namespace("", ATOM_NS)
    items = [e for e in entries if e.feed_kind and e.lastmod is not None]
    items.sort(key=lambda e: (e.lastmod.sort_key if e.lastmod else (0, 0, 0), e.feed_kind, e.key), reverse=True)
    site_url = urls.absolute("")
    feed = ElementTree.Element(f"{{{ATOM_NS}}}feed")
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    _text(feed, "id", entry_id(site_url, "feed", "main"))
    newest = max((e.lastmod for e in items if e.lastmod), default=PartialDate(1970, 1, 1), key=lambda d: d.sort_key)
    _text(feed, "updated", _timestamp(newest))
    _link(feed, urls.absolute("feed.xml"), "self", "application/atom+xml")
    _link(feed, site_url, "alternate", "text/html")
    author_element = ElementTree.SubElement(feed, f"{{{ATOM_NS}}}author")
    _text(author_element, "name", author or title)
    for item in items:
        assert item.lastmod is not None
        entry = ElementTree.SubElement(feed, f"{{{ATOM_NS}}}entry")
        _text(entry, "title", item.title)
        _text(entry, "id", entry_id(site_url, item.feed_kind, item.key))
        _text(entry, "updated", _timestamp(item.lastmod))
        _link(entry, urls.absolute(item.site_path), "alternate", "text/html")
        if item.summary:
            _text(entry, "summary", item.summary)
        ElementTree.SubElement(entry, f"{{{ATOM_NS}}}category", term=item.feed_kind)
    return _xml(feed)


def _text(parent: ElementTree.Element, name: str, text: str) -> None:
    from xml.etree import ElementTree

    ElementTree.SubElement(parent, f"{{{ATOM_NS}}}{name}").text = text


def _link(parent: ElementTree.Element, href: str, rel: str, media_type: str) -> None:
    from xml.etree import ElementTree

    ElementTree.SubElement(parent, f"{{{ATOM_NS}}}link", href=href, rel=rel, type=media_type)


def _xml(root: ElementTree.Element) -> bytes:
    from xml.etree import ElementTree

    ElementTree.indent(root)
    body: bytes = ElementTree.tostring(root, encoding="utf-8")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + body + b"\n"


def machine_readable_files(
    site: Site, urls: Urls, listed: list[Listed], lines: RecordLines
) -> dict[str, Callable[[], bytes]]:
    """Data exports always; sitemap, robots.txt and feed when the base URL names a host (they
    need absolute URLs); CNAME for a custom domain."""
    config = site.config
    files: dict[str, Callable[[], bytes]] = {
        "data/explainer.json": lambda: explainer_json(site, urls, lines),
        "data/explainer.schema.json": lambda: explainer_schema(urls),
    }
    if site.events:
        files["data/timeline.json"] = lambda: timelinejs_json(site, urls, lines)
    if urls.origin:
        files["sitemap.xml"] = lambda: sitemap([entry for entry in listed if entry.feed_kind != "event"], urls)
        files["robots.txt"] = lambda: robots_txt(urls)
        files["feed.xml"] = lambda: atom_feed(
            [entry for entry in listed if entry.feed_kind], config.title, config.description, config.publisher, urls
        )
    if config.custom_domain:
        files["CNAME"] = lambda: (config.custom_domain + "\n").encode()
    return files
