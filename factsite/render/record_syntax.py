"""Our record syntax applied to HTML that a fast Markdown parser wrote without it.

pulldown-cmark has no Python rule plugins, so its HTML still holds `kind:id` links and
`::quote[id]` paragraphs. They are rewritten here, in one pass over the HTML, exactly as the
reference path's plugins write them (factsite.render.python_markdown): record links resolved,
term links given their in-place definition, embed paragraphs replaced by the record's card, and
h2 and h3 headings given the ids mdit-py-plugins' anchors plugin gives.
"""

from __future__ import annotations

import re
from html import escape, unescape

from .targets import EMBED_KINDS, REFERENCE_KINDS, Resolver

_OUR_SYNTAX = re.compile(
    r"<(?:h([23])>(.*?)</h\1>"  # an h2 or h3 (raw HTML is off on this path: `</h2>` is never text)
    rf"|p>::({'|'.join(EMBED_KINDS)})\[([^\]\s]*)\]</p>\n"  # an embed, a paragraph of its own
    r'|a href="term:([^"#]*)(?:#[^"]*)?"[^>]*>(.*?)</a>'  # a term link (links do not nest)
    rf'|a href="({"|".join(REFERENCE_KINDS)}):([^"#]*)(#[^"]*)?"([^>]*)>)',  # another record link
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")
_NOT_IN_SLUG = re.compile(r"[^\w\- ]")
"""What the anchors plugin drops from a heading's slug (its pattern also names U+4E00 to U+9FFF,
which the word class holds already)."""
_EMBED_MENTION = re.compile(rf"::({'|'.join(EMBED_KINDS)})\[")
_EMBED_LINE = re.compile(rf"::({'|'.join(EMBED_KINDS)})\[[^\]\s]*\][ \t]*")


def can_apply(text: str) -> bool:
    """Whether our syntax, applied to the HTML of this text, gives the reference path's HTML:
    not with footnotes (the reference path numbers them), and only if each embed is a paragraph
    of its own."""
    if "[^" in text:
        return False
    for mention in _EMBED_MENTION.finditer(text):
        begin = text.rfind("\n", 0, mention.start()) + 1
        end = _line_end(text, begin)
        before = text[text.rfind("\n", 0, begin - 1) + 1 : begin - 1] if begin else ""
        after = text[end + 1 : _line_end(text, end + 1)] if end < len(text) else ""
        if not _EMBED_LINE.fullmatch(text, begin, end) or before.strip() or after.strip():
            return False
    return True


def _line_end(text: str, begin: int) -> int:
    end = text.find("\n", begin)
    return len(text) if end < 0 else end


class RecordLinks:
    """Record links already rewritten for one resolver (one build): the same links recur on many
    pages."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.rewritten: dict[str, str] = {}


def apply(html: str, links: RecordLinks) -> str | None:
    """The HTML with our syntax applied, or None where it references an unknown record (the
    reference path reports it, at its line)."""
    page = _PageSyntax(links)
    html = _OUR_SYNTAX.sub(page.replace, html)
    return None if page.unknown else html


class _PageSyntax:
    """Our syntax on one page's HTML: heading ids and term numbers are counted per page."""

    def __init__(self, links: RecordLinks) -> None:
        self.resolver = links.resolver
        self.links = links.rewritten
        self.taken: set[str] = set()
        """Heading ids given so far."""
        self.terms = 0
        self.unknown = False

    def replace(self, match: re.Match[str]) -> str:
        level, term, kind = match.group(1, 5, 7)
        if level:
            return self.heading(level, match.group(2))
        if term is not None:
            return self.term(term, match.group(6))
        if kind:
            return self.link(match)
        rendered = self.resolver.embed(match.group(3), match.group(4))
        if rendered is None:
            self.unknown = True
            return match.group(0)
        return str(rendered)

    def heading(self, level: str, inner: str) -> str:
        """An id as mdit_py_plugins' anchors plugin gives it: a slug of the heading's text (its
        text and code, entities decoded; not image text or line breaks), made unique within the
        page in order. Links in it are resolved after."""
        text = inner if "<" not in inner and "&" not in inner else unescape(_TAG.sub("", inner))
        slug = _NOT_IN_SLUG.sub("", text.replace("\n", "").lower().replace(" ", "-"))
        unique, number = slug, 1
        while unique in self.taken:
            unique, number = f"{slug}-{number}", number + 1
        self.taken.add(unique)
        if "<a " in inner:
            inner = _OUR_SYNTAX.sub(self.replace, inner)
        return f'<h{level} id="{unique}">{inner}</h{level}>'

    def term(self, term_id: str, content: str) -> str:
        """A link plus the definition in place, numbered within the page."""
        target = self.resolver.resolve("term", term_id)
        if target is None:
            self.unknown = True
            return ""
        self.terms += 1
        url, definition, number = escape(target.url), escape(target.definition), self.terms
        return (
            f'<span class="term"><a class="term-link" href="{url}" aria-describedby="term-def-{number}">{content}'
            f'</a><span class="term-def" role="tooltip" id="term-def-{number}">{definition}</span></span>'
        )

    def link(self, match: re.Match[str]) -> str:
        whole = match.group(0)
        replacement = self.links.get(whole)
        if replacement is None:
            target = self.resolver.resolve(match.group(7), match.group(8))
            if target is None:
                self.unknown = True
                return whole
            url = escape(target.url + (match.group(9) or ""))
            replacement = self.links[whole] = f'<a href="{url}"{match.group(10)}>'
        return replacement
