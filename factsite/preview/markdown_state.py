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
    lookups: frozenset[Lookup]
    digest: bytes
    """Of the HTML."""


class MarkdownState:
    """Each page's latest rendered Markdown (by slug), valid while every lookup it made is answered
    the same way. Entries stay consistent with the latest build's answers whether or not that
    build passed: `start` drops the entries whose answers changed."""

    def __init__(self) -> None:
        self.pages: dict[str, RenderedMarkdown] = {}
        self.answers: dict[Lookup, Any] = {}
        """What each lookup any entry made was answered, as of the latest build."""
        self.recorder: _RecordingResolver | None = None
        self.allow_raw_html = False

    def start(self, resolver: SiteResolver, allow_raw_html: bool, everything_changed: bool, replanned: bool) -> None:
        """Begin a build whose records resolve through `resolver`. `everything_changed`: the
        templates (which make embedded cards) or the settings changed, so no entry holds;
        `replanned`: the records or pages may have changed, so answers may have (else they have
        not)."""
        if everything_changed:
            self.pages, self.answers = {}, {}
        elif replanned:
            changed = {lookup for lookup, answer in self.answers.items() if _answer(resolver, lookup) != answer}
            if changed:
                self.pages = {slug: page for slug, page in self.pages.items() if page.lookups.isdisjoint(changed)}
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
            self.pages[page.slug] = RenderedMarkdown(text, frozenset(self.recorder.lookups), digest)
            for lookup in self.recorder.lookups:
                if lookup not in self.answers:
                    self.answers[lookup] = _answer(self.recorder.inner, lookup)
        return result, digest

    def forget_except(self, slugs: Collection[str]) -> None:
        """Drop the entries of pages no longer in the site."""
        if len(self.pages) != len(slugs):
            self.pages = {slug: page for slug, page in self.pages.items() if slug in slugs}


def _answer(resolver: SiteResolver, lookup: Lookup) -> Any:
    """How the site answers a lookup: for a card, the view it shows (cheaper to compare than its
    HTML, and the templates that make the HTML are checked separately)."""
    operation, kind, record_id = lookup
    return resolver.resolve(kind, record_id) if operation == "resolve" else resolver.embedded(kind, record_id)


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
