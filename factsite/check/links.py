"""Check every internal link, anchor and asset of the rendered site, before anything is written."""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

from ..content.model import Page
from ..content.pages import page_body
from ..errors import Problem
from ..plan.urls import Urls
from .policy import ForeignLoad, blocks, foreign_loads

_LINKING_TAG = re.compile(
    rb"<(?=[aAlLsSiI])(?:[aA]|[lL][iI][nN][kK]|[sS][cC][rR][iI][pP][tT]|[iI][mM][gG]|[iI][fF][rR][aA][mM][eE]|[sS][oO][uU][rR][cC][eE])"
    rb"\s[^>]*>"
)
"""A tag that may link somewhere, in any letter case, spelled out (re.IGNORECASE would cost the
regex engine's quick search for '<'); the lookahead turns most other tags away at their first
letter."""
_TAG_PARTS = re.compile(rb"<(\w+)\s([^>]*)>")
_ID = re.compile(rb'id="(?<=\sid=")([^"]*)"')
"""An id attribute (preceded by whitespace: checked looking back, so the regex engine can still
search for the literal `id="` quickly)."""
_HREF = re.compile(rb'(?:^|\s)href="([^"]*)"', re.IGNORECASE)
_SRC = re.compile(rb'(?:^|\s)src="([^"]*)"', re.IGNORECASE)
_REL = re.compile(rb'(?:^|\s)rel="([^"]*)"', re.IGNORECASE)
_NAME = re.compile(rb'(?:^|\s)name="([^"]*)"', re.IGNORECASE)
"""Attribute names in any case: these read one tag at a time, and each tag once (see _read_tag)."""


@dataclass(frozen=True, slots=True)
class PageScan:
    """The ids a page offers and the links it makes, in order (`html_line` finds a link's line),
    and what it loads from elsewhere, with the policy that may block it (see check.policy)."""

    ids: frozenset[str]
    links: tuple[str, ...]
    foreign: tuple[ForeignLoad, ...] = ()
    policy: str | None = None


def scan_page(data: bytes) -> PageScan:
    """Read ids and links from our own output, as written (UTF-8).

    Our templates and Markdown renderer always double-quote and escape attribute values, so
    regular expressions read them exactly, many times faster than an HTML parser (a test holds
    them to what html.parser finds). The bytes follow HTML's rules: whitespace and letter case are
    ASCII's, and no byte of a multi-byte UTF-8 character is `<`, `>` or `"`. Lines are counted
    only for a broken link (html_line)."""
    ids = set(map(_text, _ID.findall(data)))
    tags: list[bytes] = _LINKING_TAG.findall(data)
    known = list(map(_read_tags.get, tags))  # the same tags recur on most pages: one C call
    reads = known if None not in known else [read or _read_tag(tag) for read, tag in zip(known, tags, strict=True)]
    links = []
    for anchor, href in reads:  # type: ignore[misc]  # None is not left in reads
        if href is not None:
            links.append(href)
        if anchor is not None:
            ids.add(anchor)
    return PageScan(frozenset(ids), tuple(links), *foreign_loads(data))


def html_line(data: bytes, link: int) -> int:
    """The line of the page on which its link number `link` (counted as in scan_page) is made."""
    for tag in _LINKING_TAG.finditer(data):
        if _read_tag(tag.group())[1] is not None:
            if link == 0:
                return data.count(b"\n", 0, tag.start()) + 1
            link -= 1
    return 1


_read_tags: dict[bytes, tuple[str | None, str | None]] = {}
"""Linking tags already read: the same ones recur on most pages (navigation, record links)."""
READ_TAGS_KEPT = 32768
"""At most this many are kept (a few MB): the tags most pages share are met first."""


def _read_tag(tag: bytes) -> tuple[str | None, str | None]:
    """(the anchor an <a name> offers, the link the tag makes), each None if it has none."""
    read = _read_tags.get(tag)
    if read is None:
        read = _read_a_tag(tag) or _read_attributes(*_TAG_PARTS.match(tag).groups())  # type: ignore[union-attr]
        if len(_read_tags) < READ_TAGS_KEPT:
            _read_tags[tag] = read
    return read


def _read_a_tag(tag: bytes) -> tuple[str | None, str | None] | None:
    """What _read_attributes makes of an <a> tag without a `name`, read with bytes methods (most
    tags not read before are such links), or None if unsure.

    Its link is the value of the first `href="` (in any case) in the tag, if whitespace precedes
    it: any earlier match of _HREF would be an earlier `href="`, and the value cannot hold `"`."""
    if tag.startswith(b'<a href="') and tag.endswith(b'">') and tag.count(b'"') == 2:  # half of them
        return None, _text(tag[9:-2])
    if tag[1:2] not in (b"a", b"A") or not tag[2:3].isspace():
        return None
    lowered = tag.lower()  # (ASCII letters only: the same length)
    if b'name="' in lowered:
        return None
    start = lowered.find(b'href="')
    if start < 0:
        return None, None
    end = tag.find(b'"', start + 6)
    if end < 0 or not tag[start - 1 : start].isspace():
        return None
    return None, _text(tag[start + 6 : end])


def _read_attributes(name: bytes, attributes: bytes) -> tuple[str | None, str | None]:
    name = name.lower()
    anchor = None
    if name == b"a" and (named := _NAME.search(attributes)):
        anchor = _text(named.group(1))
    target = (_HREF if name in (b"a", b"link") else _SRC).search(attributes)
    if target is None:
        return anchor, None
    if name == b"link" and (rel := _REL.search(attributes)) and rel.group(1) in (b"canonical", b"alternate"):
        return anchor, None
    return anchor, _text(target.group(1))


def _text(value: bytes) -> str:
    """An attribute's value as text: decoded, character references unescaped."""
    text = value.decode()
    return unescape(text) if "&" in text else text


Deferred = dict[str, tuple[list[str], list[str], list[int]]]
"""Links to anchors on other pages, checked once those pages' ids are known: target output path
-> (the fragments wanted there, the output paths of the pages linking, each link's number among
its page's links). Columns rather than a tuple per link: workers send these back, and a target's
fragments are checked in one set operation."""


def defer(deferred: Deferred, target: str, fragment: str, output_path: str, number: int) -> None:
    fragments, pages, numbers = deferred.get(target) or deferred.setdefault(target, ([], [], []))
    fragments.append(fragment)
    pages.append(output_path)
    numbers.append(number)


def add_links(into: Deferred, target: str, links: tuple[list[str], list[str], list[int]]) -> None:
    """Add links to anchors on `target` (as `Deferred` holds them) to `into`."""
    known = into.get(target)
    if known is None:
        into[target] = links
    else:
        known[0].extend(links[0])
        known[1].extend(links[1])
        known[2].extend(links[2])


PageHtml = Callable[[str], bytes]
"""Output path -> the page's HTML, in UTF-8 as written: asked for only when a link on it is
broken, for the link's href or line (builds are deterministic: a page rendered again is the same
page)."""


@dataclass
class LinkChecker:
    """Checks one page at a time (so pages can be checked where they are rendered, and dropped),
    then the links between pages once every page's ids are known."""

    files: set[str]
    """Every output path the build will write."""
    urls: Urls
    markdown_sources: dict[str, Page]
    """Output path -> the page whose Markdown made it (errors then point at the Markdown line)."""
    shown_output: str

    def __post_init__(self) -> None:
        self._own: dict[str, tuple[str, bool, str]] = {}
        """Root-relative href -> (output path it reaches, whether we write it, fragment): such a
        link means the same on every page, and the same links recur on most pages."""
        self._reached: set[str] = set()
        """Those of them that reach a file we write, with no fragment: nothing more to check."""

    def check_page(self, output_path: str, scan: PageScan, html: bytes | PageHtml, deferred: Deferred) -> list[Problem]:
        """Problems found on this page (`html`, as scanned, or where to get it) alone; the
        anchors it needs on other pages are added to `deferred`."""
        problems: list[Problem] = []
        urls = self.urls
        page_url = urls.url(output_path.removesuffix("index.html"))
        base_path = urls.base_path
        own, reached = self._own, self._reached
        for number, href in enumerate(scan.links):
            if href in reached:
                continue
            known = own.get(href)
            if known is None and href.startswith("#"):  # an anchor on this page: no URL to resolve
                known = (output_path, True, unquote(href[1:]))
            elif known is None:
                resolved = _own_url(href, base_path) or _resolve(href, page_url, base_path, urls.origin)
                if resolved is None:
                    continue
                if resolved[0] == "error":
                    code = "broken-link" if not href else "link-leaves-site"
                    problems.append(self._problem(output_path, href, number, resolved[1], html, code))
                    continue
                _, site_path, fragment = resolved
                known = self._locate(site_path, fragment)
                if href.startswith(base_path):
                    own[href] = known
                    if known[1] and not fragment:
                        reached.add(href)
            target, exists, fragment = known
            if not exists:
                message = f"broken link {href!r}: nothing is published at {urls.url(target)}"
                problems.append(self._problem(output_path, href, number, message, html))
            elif fragment and target == output_path:
                if fragment not in scan.ids:
                    message = f"broken link {href!r}: no element with id '{fragment}' on this page"
                    problems.append(self._problem(output_path, href, number, message, html))
            elif fragment and target.endswith(".html"):
                defer(deferred, target, fragment, output_path, number)
        if scan.policy:
            problems += self._blocked(output_path, scan, html)
        return problems

    def _blocked(self, output_path: str, scan: PageScan, html: bytes | PageHtml) -> list[Problem]:
        """What the page's own Content-Security-Policy keeps it from loading: at the Markdown line
        that asks for it, or (a template's) at the page's line."""
        problems = []
        source = self.markdown_sources.get(output_path)
        for offset, url, directive in scan.foreign:
            if not (scan.policy and blocks(scan.policy, directive, url, self.urls.origin)):
                continue
            shown = url if len(url) <= 80 else url[:77] + "..."
            message = (
                f"{shown!r} will not load: the page's Content-Security-Policy ({directive}) does not allow it; "
                "put the file in static/ and link to it there, or allow its site in templates/_policy.html"
            )
            line = _line_in_markdown(source, url, self.urls) if source is not None else None
            if source is not None and line is not None:
                problems.append(Problem(source.origin.path, line, message, "blocked-by-policy"))
            else:
                data = html if isinstance(html, bytes) else html(output_path)
                line = data.count(b"\n", 0, offset) + 1
                problems.append(Problem(f"{self.shown_output}/{output_path}", line, message, "blocked-by-policy"))
        return problems

    def _locate(self, site_path: str, fragment: str) -> tuple[str, bool, str]:
        """(the file a site path reaches, or the site path itself when nothing is there; whether it
        exists; the fragment)."""
        target = site_path + "index.html" if site_path == "" or site_path.endswith("/") else site_path
        if target not in self.files and target + "/index.html" in self.files:
            target += "/index.html"
        if target not in self.files:
            return site_path, False, fragment
        return target, True, fragment

    def check_anchors(self, deferred: Deferred, ids: dict[str, frozenset[str]], page_html: PageHtml) -> list[Problem]:
        """Links to anchors on the pages of `deferred` that `ids` (output path -> ids) has."""
        problems = []
        for target, (fragments, pages, numbers) in deferred.items():
            offered = ids.get(target)
            if offered is None or offered.issuperset(fragments):
                continue
            where = self.urls.url(target.removesuffix("index.html"))
            for fragment, output_path, number in zip(fragments, pages, numbers, strict=True):
                if fragment not in offered:
                    data = page_html(output_path)
                    href = scan_page(data).links[number]
                    message = f"broken link {href!r}: no element with id '{fragment}' on {where}"
                    problems.append(self._problem(output_path, href, number, message, data))
        return problems

    def _problem(
        self, output_path: str, href: str, number: int, message: str, html: bytes | PageHtml, code: str = "broken-link"
    ) -> Problem:
        """At the Markdown line that wrote the link; else (a template's) at the page's line."""
        source = self.markdown_sources.get(output_path)
        line = _line_in_markdown(source, href, self.urls) if source is not None else None
        if source is not None and line is not None:
            return Problem(source.origin.path, line, message, code)
        data = html if isinstance(html, bytes) else html(output_path)
        return Problem(f"{self.shown_output}/{output_path}", html_line(data, number), message, code)


def check_links(
    pages: dict[str, bytes],
    other_files: Iterable[str],
    urls: Urls,
    markdown_sources: dict[str, Page],
    shown_output: str,
    cache: dict[bytes, PageScan] | None = None,
) -> list[Problem]:
    """Every internal link must stay under the base path and reach a file (and anchor) we write.

    `cache` maps page bytes to their scan, so a rebuild re-reads only pages that changed.
    """
    checker = LinkChecker(set(pages) | set(other_files), urls, markdown_sources, shown_output)
    scans: dict[str, PageScan] = {}
    for output_path in sorted(pages):
        if output_path.endswith(".html"):
            data = pages[output_path]
            scan = cache.get(data) if cache is not None else None
            scans[output_path] = scan if scan is not None else scan_page(data)
    if cache is not None:
        cache.clear()
        cache.update((pages[path], scan) for path, scan in scans.items())
    problems: list[Problem] = []
    deferred: Deferred = {}

    page_html = pages.__getitem__
    for output_path, scan in scans.items():
        problems += checker.check_page(output_path, scan, page_html, deferred)
    return problems + checker.check_anchors(deferred, {path: scan.ids for path, scan in scans.items()}, page_html)


def _own_url(href: str, base_path: str) -> tuple[str, str, str] | None:
    """The common case, resolved without a cache lookup: our own plain root-relative URLs."""
    if href.startswith(base_path) and "/." not in href and "%" not in href and "?" not in href:
        path, _, fragment = href.partition("#")
        return ("ok", path[len(base_path) :], fragment)
    return None


@functools.lru_cache(maxsize=200_000)
def _resolve(href: str, page_url: str, base_path: str, origin: str) -> tuple[str, ...] | None:
    """Where a link points, as ('ok', site path, fragment) or ('error', message); None if external.

    Pure and cached: the same href on the same page resolves the same way in every build.
    """
    if not href:
        return ("error", "empty link: give it a target")
    if own := _own_url(href, base_path):
        return own
    parts = urlsplit(href)
    if parts.scheme in ("mailto", "tel", "data"):
        return None
    is_absolute = bool(parts.scheme or parts.netloc)
    if is_absolute and (not origin or f"{parts.scheme}://{parts.netloc}" != origin):
        return None  # external: not checked offline
    absolute_path = urlsplit(urljoin(page_url, href)).path
    normalized = posixpath.normpath(unquote(absolute_path)) + ("/" if absolute_path.endswith("/") else "")
    normalized = "/" if normalized == "//" else normalized
    if not normalized.startswith(base_path):
        return (
            "error",
            f"link {href!r} leaves the site's base path {base_path}; "
            "link records with actor:/event:/page: references or use a relative link",
        )
    return ("ok", normalized[len(base_path) :], unquote(parts.fragment))


def _line_in_markdown(page: Page, href: str, urls: Urls) -> int | None:
    """The body line that wrote this link (record references are found by their resolved form
    too), or None where the Markdown does not have it (a template made it)."""
    candidates = [href]
    if href.startswith(urls.base_path):
        candidates.append("/" + href[len(urls.base_path) :])
    for offset, text in enumerate(page_body(page).split("\n")):
        if any(
            f"({candidate}" in text or f"<{candidate}>" in text or f'"{candidate}"' in text for candidate in candidates
        ):
            return page.body_line + offset
    return None
