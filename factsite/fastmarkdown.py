"""The accelerated Markdown path, used automatically when installed: pulldown-cmark (through
pyromark, see factsite/pulldown.py) where it reads a text as markdown-it-py does, else
markdown-it-pyrs (the Rust port of markdown-it), where it does. markdown-it-pyrs is about ten
times faster than markdown-it-py; pulldown-cmark, with its checks, about twice as fast again.

Neither has Python rule plugins, so our syntax is applied to their output instead: `kind:id` links
are resolved (and term links given their in-place definition), `::quote[id]` paragraphs become
embeds, and h2 and h3 headings get the ids the Python path gives them. The result is
byte-identical to `factsite.markdown` (tests/test_fastmarkdown.py compares both on every page we
have, and on thousands of generated documents). A page goes to the Python path when it uses
something this path cannot reproduce exactly: footnotes, an embed line not set apart by blank
lines, raw HTML (when a site allows it), a reference to an unknown record (so the error names the
exact line), or text neither Rust parser reads as markdown-it-py does.
"""

from __future__ import annotations

import functools
import re
import weakref
from html import escape, unescape
from typing import Any

from . import pulldown
from .markdown import EMBED_KINDS, REFERENCE_KINDS, Resolver

try:
    import markdown_it_pyrs
except ImportError:  # pragma: no cover - the accelerated path is optional
    markdown_it_pyrs = None  # type: ignore[assignment]

# The commonmark preset's rules minus raw HTML, plus what make_markdown enables.
_RULES = [
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline",
    "table", "strikethrough",
]  # fmt: skip
_OUR_SYNTAX = re.compile(
    r"<(?:h([23])>(.*?)</h\1>"  # an h2 or h3 (raw HTML is off on this path: `</h2>` is never text)
    rf"|p>::({'|'.join(EMBED_KINDS)})\[([^\]\s]*)\]</p>\n"  # an embed, a paragraph of its own
    r'|a href="term:([^"#]*)(?:#[^"]*)?"[^>]*>(.*?)</a>'  # a term link (links do not nest)
    rf'|a href="({"|".join(REFERENCE_KINDS)}):([^"#]*)(#[^"]*)?"([^>]*)>)',  # another record link
    re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")
_NOT_IN_SLUG = re.compile(r"[^\w\- ]")
"""What the anchors plugin drops from a heading's slug. Its pattern also names U+4E00 to U+9FFF,
which the word class holds already (tests/test_fastmarkdown.py checks): compiling that range took
6 ms, in every process."""
_EMBED_MENTION = re.compile(rf"::({'|'.join(EMBED_KINDS)})\[")
_EMBED_LINE = re.compile(rf"::({'|'.join(EMBED_KINDS)})\[[^\]\s]*\][ \t]*")
_parser: Any = None


def is_available() -> bool:
    return markdown_it_pyrs is not None


def can_render(text: str) -> bool:
    """True when the fast path reproduces the Python path exactly for this text."""
    if markdown_it_pyrs is None or ("^" in text and "[^" in text):  # (a rare character first: see pulldown.render)
        return False
    for mention in _EMBED_MENTION.finditer(text):  # each embed must be a paragraph of its own
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


def render_fast_each(texts: list[str | None], resolver: Resolver) -> list[str | None]:
    """HTML for each text (None for None), or None where it references an unknown record (the
    Python path reports it) or the parser fails on it; all of them parsed before our syntax is
    applied to any (see markdown.render_each)."""
    parsed = [None if text is None else _parse(text) for text in texts]
    return [None if html is None else _OurSyntax(resolver).apply(html) for html in parsed]


class _OurSyntax:
    """Our syntax on the parser's HTML, in one pass over it (four passes, one per rule, took
    longer): ids on h2 and h3, embeds, record links, and term links with their definition."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.links = _links_of(resolver)
        self.taken: set[str] = set()
        """Heading ids given so far."""
        self.terms = 0
        self.unknown = False

    def apply(self, html: str) -> str | None:
        html = _OUR_SYNTAX.sub(self.replace, html)
        return None if self.unknown else html

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
        """An id as mdit_py_plugins' anchors plugin gives it on the Python path: a slug of the
        heading's text (its text and code, entities decoded; not image text or line breaks), made
        unique within the page in order. (The parser's own anchors rule cost more than doing this
        here, and wrote a permalink we then had to remove.) Links in it are resolved after."""
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
        url, definition, number = _escape(target.url), _escape(target.definition), self.terms
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
            url = _escape(target.url + (match.group(9) or ""))
            replacement = self.links[whole] = f'<a href="{url}"{match.group(10)}>'
        return replacement


def _parse(text: str) -> str | None:
    """HTML as markdown-it-pyrs writes it (before our syntax is applied), from pulldown-cmark when
    it gives the same for this text, else from markdown-it-pyrs; None where both fail."""
    html = pulldown.render(text)
    return html if html is not None else _markdown_it_rs(text)


_EMPHASIS_BY_SYMBOL = re.compile(r"[*_][^\x00-\x7f]|[^\x00-\x7f][*_]")
"""markdown-it-pyrs follows an older CommonMark, in which a symbol such as `£` or `→` next to `*`
or `_` did not count as punctuation: `x**£**` is bold there and not in markdown-it-py."""


_ALIGNMENT_ALONE = re.compile(r"(?:^|[ >])(?::-+:?|-+:) *$", re.MULTILINE)
"""A delimiter row without a pipe (also in a quote or list): a one-column table for
markdown-it-pyrs, text for markdown-it-py."""
_CODE_IN_LABEL = re.compile(r"\[[^\]\n]*`")
"""A backtick in a link's text: markdown-it-pyrs pairs code spans across the link differently,
and panics on some (``[``](x)``)."""
_ITEM_UNDER_QUOTE_OR_ROW = re.compile(
    r"^(?: {0,3}>|[^\n]*\|)[^\n]*\n {0,3}(?:[0-9]{1,9}[.)]|[-+*=])(?: |$)", re.MULTILINE
)
"""A list item (numbered or not) or a heading's underline right under a quote's line or a table's
row: markdown-it-py ends the quote or table there (a list of any number), markdown-it-pyrs may
take the line as the quote's or the table's."""
_FENCE_IN_LIST = re.compile(r"^(?: +|[ >]*(?:[-+*]|[0-9]{1,9}[.)]) +)(?:```|~~~)", re.MULTILINE)
"""A code fence in a list item (or indented as one): right under the item's text in a tight
list, markdown-it-py writes no line break before `<pre>` and markdown-it-pyrs does."""
_PERCENT_IN_HOST = re.compile(r'="[A-Za-z][-+.A-Za-z0-9]*://[^/"]*%')
"""A host name that is not ASCII: markdown-it-py writes it in punycode, markdown-it-pyrs in %-escapes."""


def _markdown_it_rs(text: str) -> str | None:
    """markdown-it-pyrs's HTML, or None where it may differ from markdown-it-py (each rule below
    was found by the generated documents of tests/test_fastmarkdown.py) or fails. The Rust parser
    panics on some input (e.g. ``[``](x)``, markdown-it-pyrs 0.4), raising pyo3's PanicException,
    which is not an Exception: such a page goes to the Python path instead of stopping the build
    with a traceback."""
    if ("*" in text or "_" in text) and ("***" in text or "___" in text or _EMPHASIS_BY_SYMBOL.search(text)):
        return None  # runs of three pair otherwise too
    if (":-" in text or "-:" in text) and _ALIGNMENT_ALONE.search(text):
        return None
    if "`" in text and (_CODE_IN_LABEL.search(text) or not pulldown.code_spans_on_their_lines(text)):
        return None  # (code spans across lines keep their spaces otherwise)
    if ("```" in text or "~~~" in text) and _FENCE_IN_LIST.search(text):
        return None
    if "|" in text and (">" in text or not pulldown.tables_read_alike(text)):  # tables by quotes: lazy lines
        return None
    if ">" in text and not pulldown.quotes_read_alike(text):
        return None
    if (">" in text or "|" in text) and _ITEM_UNDER_QUOTE_OR_ROW.search(text):
        return None
    if "![" in text and ("\\" in text or "&" in text):  # an image's alt text loses escapes and entities
        return None
    global _parser
    if _parser is None:
        _parser = markdown_it_pyrs.MarkdownIt("zero").enable_many(_RULES)  # type: ignore[arg-type]
    try:
        html = str(_parser.render(text))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - pyo3_runtime.PanicException cannot be imported
        return None
    if not text.isascii() and "://" in text and _PERCENT_IN_HOST.search(html):
        return None
    return pulldown.empty_quotes(html) if ">" in text else html


_links: weakref.WeakKeyDictionary[Resolver, dict[str, str]] = weakref.WeakKeyDictionary()
"""Record links already rewritten, per resolver (one build): the same links recur on many pages.
Weak, so a finished build's resolver (and the site it holds) is not kept alive by this memory."""


def _links_of(resolver: Resolver) -> dict[str, str]:
    links = _links.get(resolver)
    if links is None:
        links = _links[resolver] = {}
    return links


@functools.lru_cache(maxsize=65536)
def _escape(text: str) -> str:
    """html.escape, remembered: the same record URLs and definitions recur on many pages."""
    return escape(text)
