"""What the preview remembers of each page's rendered Markdown between builds: not the HTML (a big
site's would double the preview's memory) but a digest of it, and the record lookups it made, so
a build knows which pages' Markdown would come out differently."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from ..content.model import Page
from ..content.pages import page_body
from ..render.markdown import MarkdownRenderer, RenderResult
from ..render.renderer import SiteResolver
from ..render.targets import Resolver, Target

Lookup = tuple[str, str, str]
"""('resolve' or 'embed', record kind, record id): one question Markdown asked of the site."""


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """A page's Markdown as last rendered, without problems."""

    text: str
    lookups: tuple[Lookup, ...]
    """Each shared with other pages making it (see MarkdownState.answers)."""
    digest: bytes
    """Of the HTML."""


class MarkdownState:
    """Each page's latest rendered Markdown (by slug), valid while every lookup it made is answered
    the same way. Entries stay consistent with the latest build's answers whether or not that
    build passed: `start` drops the entries whose answers changed."""

    def __init__(self) -> None:
        self.pages: dict[str, RenderedMarkdown] = {}
        self.answers: dict[Lookup, tuple[Lookup, Any]] = {}
        """Each lookup entries made -> itself (the one entries share: ten thousand pages make the
        same few thousand) and its answer, as of the latest build."""
        self.recorder: _RecordingResolver | None = None
        self.allow_raw_html = False

    def start(self, resolver: SiteResolver, allow_raw_html: bool, everything_changed: bool, replanned: bool) -> None:
        """Begin a build whose records resolve through `resolver`. `everything_changed`: the
        templates (which make embedded cards) or the settings changed, so no entry holds;
        `replanned`: the records or pages may have changed, so answers may have (else they have
        not)."""
        if everything_changed:
            self.pages, self.answers = {}, {}
        elif replanned and self.recorder is not None:
            kinds = _kinds_changed(self.recorder.inner, resolver)
            changed = {
                lookup
                for lookup, (_, answer) in self.answers.items()
                if lookup[1] in kinds and _answer(resolver, lookup) != answer
            }
            if changed:
                self.pages = {slug: page for slug, page in self.pages.items() if changed.isdisjoint(page.lookups)}
                for lookup in changed:
                    del self.answers[lookup]
        self.recorder = _RecordingResolver(resolver)
        self.allow_raw_html = allow_raw_html

    def unchanged(self, page: Page) -> RenderedMarkdown | None:
        """The page's entry, if its Markdown would render as it last did."""
        known = self.pages.get(page.slug)
        return known if known is not None and known.text == page_body(page) else None

    def render(self, page: Page) -> tuple[RenderResult, bytes]:
        """The page's Markdown rendered, and a digest of its HTML; remembered if it has no
        problems (a page with problems is rendered again each build, to report them)."""
        assert self.recorder is not None
        text = page_body(page)
        self.recorder.lookups = set()
        # A renderer per page: one remembers the links it rewrote, and would not ask again.
        result = MarkdownRenderer(self.recorder, self.allow_raw_html).render(text)
        digest = hashlib.blake2b(result.html.encode(), digest_size=16).digest()
        if result.problems:
            self.pages.pop(page.slug, None)
        else:
            lookups = []
            for lookup in self.recorder.lookups:
                known = self.answers.get(lookup)
                if known is None:
                    known = self.answers[lookup] = (lookup, _answer(self.recorder.inner, lookup))
                lookups.append(known[0])
            self.pages[page.slug] = RenderedMarkdown(text, tuple(lookups), digest)
        return result, digest

    def forget_except(self, slugs: Collection[str]) -> None:
        """Drop the entries of pages no longer in the site."""
        if len(self.pages) != len(slugs):
            self.pages = {slug: page for slug, page in self.pages.items() if slug in slugs}


def _kinds_changed(before: SiteResolver, now: SiteResolver) -> set[str]:
    """The kinds of record whose views (or, for pages, whose ids) are not all the same objects
    or equal (a quick test: lookups of other kinds are answered as before)."""
    old, new = before.views, now.views
    by_kind = {
        "actor": (old.actor_by_id, new.actor_by_id),
        "event": (old.event_by_id, new.event_by_id),
        "quote": (old.quote_by_id, new.quote_by_id),
        "source": (old.source_by_id, new.source_by_id),
        "term": (old.term_by_id, new.term_by_id),
        "map": (old.map_by_id, new.map_by_id),
        "page": (before.site.page_by_slug.keys(), now.site.page_by_slug.keys()),
    }
    return {kind for kind, (then, now_) in by_kind.items() if then != now_}


def _answer(resolver: SiteResolver, lookup: Lookup) -> Any:
    """What the site's answer to a lookup is made from: the record's view (for a page, whether it
    exists). The same view gives the same link or card (the templates that make cards are
    checked separately), and comparing views the plan kept is quicker than making the answers."""
    _, kind, record_id = lookup
    views = resolver.views
    if kind == "page":
        return record_id in resolver.site.page_by_slug
    if kind == "actor":
        actor = views.actor_by_id.get(record_id)
        return actor.ref if actor else None
    by_kind: dict[str, dict[str, Any]] = {
        "event": views.event_by_id,
        "quote": views.quote_by_id,
        "source": views.source_by_id,
        "term": views.term_by_id,
        "map": views.map_by_id,
    }
    return by_kind[kind].get(record_id) if kind in by_kind else None


class _RecordingResolver(Resolver):
    """Passes lookups through and notes them."""

    def __init__(self, inner: SiteResolver) -> None:
        self.inner = inner
        self.lookups: set[Lookup] = set()

    def resolve(self, kind: str, record_id: str) -> Target | None:
        self.lookups.add(("resolve", kind, record_id))
        return self.inner.resolve(kind, record_id)

    def embed(self, kind: str, record_id: str) -> str | None:
        self.lookups.add(("embed", kind, record_id))
        return self.inner.embed(kind, record_id)

    def known_ids(self, kind: str) -> Collection[str]:
        return self.inner.known_ids(kind)
