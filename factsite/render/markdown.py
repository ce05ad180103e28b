"""Markdown with our record syntax, rendered by the quickest path that gives exactly the same HTML.

Syntax on top of CommonMark (+ tables, strikethrough, footnotes, heading anchors):

- ``[text](actor:ivo-daalder)``: a link to any record: ``actor:``, ``event:``, ``quote:``,
  ``source:``, ``term:``, ``page:``. Resolved to the record's URL; an unknown id is an error.
- ``[Article 5](term:article-5)``: a term link also shows the definition in place (CSS reveals it
  on hover and keyboard focus; it is plain text in the page, so it reads without JavaScript).
- A line of its own ``::quote[daalder-no-escalation]`` or ``::event[biden-rules-out-troops]``:
  embeds that record's card.

Two paths, one result. markdown-it-py with our syntax as plugins (python_markdown) is the
reference. pulldown-cmark (through pyromark, see pulldown) renders most pages ten times faster;
our syntax is then applied to its HTML (record_syntax). A page goes to the reference path when the
fast one cannot reproduce it exactly, or is not installed: tests/test_fastmarkdown.py holds both
paths to the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from markupsafe import Markup

from . import pulldown, record_syntax
from .targets import Resolver


@dataclass
class RenderResult:
    html: Markup
    """Safe HTML."""
    problems: list[tuple[int, str]]
    """(line, message), lines counted from the start of the Markdown body."""


class PreparedHtml(Protocol):
    """Pages' HTML made ahead by another process (see parallel.helper), taken by their text."""

    def take(self, text: str) -> str | None: ...


class MarkdownRenderer:
    """Renders pages' Markdown for one build: records resolve through `resolver`."""

    def __init__(self, resolver: Resolver, allow_raw_html: bool, prepared: PreparedHtml | None = None) -> None:
        self.resolver = resolver
        self.allow_raw_html = allow_raw_html
        """Raw HTML passes (the site opted in): only markdown-it-py can be told to let it through."""
        self.prepared = prepared
        self.record_links = record_syntax.RecordLinks(resolver)

    def render(self, text: str) -> RenderResult:
        return self.render_each([text])[0]

    def render_each(self, texts: list[str]) -> list[RenderResult]:
        """Each text rendered, all parsed first and then our syntax applied to all: each step's
        code stays in the processor's caches (see docs/performance.md)."""
        if self.allow_raw_html:
            return [self.render_reference(text) for text in texts]
        parsed = [self.parse_fast(text) for text in texts]
        results = []
        for text, html in zip(texts, parsed, strict=True):
            finished = None if html is None else record_syntax.apply(html, self.record_links)
            results.append(self.render_reference(text) if finished is None else RenderResult(Markup(finished), []))
        return results

    def parse_fast(self, text: str) -> str | None:
        """pulldown-cmark's HTML before our syntax is applied, where it is exact for this text."""
        if not record_syntax.can_apply(text):
            return None
        if self.prepared is not None and (html := self.prepared.take(text)) is not None:
            return html
        return pulldown.render(text)

    def render_reference(self, text: str) -> RenderResult:
        from .python_markdown import render_with_markdown_it  # (only when a page needs it)

        html, problems = render_with_markdown_it(text, self.resolver, self.allow_raw_html)
        return RenderResult(Markup(html), problems)
