"""What a page's own Content-Security-Policy lets a browser load.

Every page carries a policy (templates/_policy.html): an image, frame, script, stylesheet or
media file from a source the policy does not allow simply does not load, with no error a reader
sees. So the build reads each page's policy as a browser would and reports such a load as a
broken page, wherever the author wrote it. Only what the policy can block is read here: loads from
another origin (or a `data:`/`blob:` URL); the site's own files are the link check's.

Source matching follows CSP Level 3 for the source lists a site would write: `*`, `'none'`,
`'self'`, schemes (`https:`), and hosts with an optional scheme, `*.` subdomains, port and path.
Nonces, hashes and the other keywords allow no URL.
"""

from __future__ import annotations

import functools
import re
from html import unescape
from urllib.parse import urlsplit

_FOREIGN_HINT = re.compile(rb'src="(?:[hH][tT][tT][pP][sS]?:|//|[dD][aA][tT][aA]:|[bB][lL][oO][bB]:)')
"""A page loads nothing from elsewhere unless this occurs (looked for first: it starts with a
literal, which the regex engine finds quickly; 3 us a page against 12 for five `in` tests)."""
_LOADING_TAG = re.compile(
    rb'<(img|iframe|script|audio|video|source|track|embed)\s(?:[^>]*?\s)?src="([^"]*)"', re.IGNORECASE
)
_FOREIGN_LINK = re.compile(
    rb'<[lL][iI][nN][kK]\s[^>]*?href="((?:[hH][tT][tT][pP][sS]?:|//|[dD][aA][tT][aA]:)[^"]*)"[^>]*>'
)
_REL = re.compile(rb'\srel="([^"]*)"', re.IGNORECASE)
_POLICY = re.compile(rb'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', re.IGNORECASE)

DIRECTIVE = {
    b"img": "img-src",
    b"iframe": "frame-src",
    b"script": "script-src",
    b"audio": "media-src",
    b"video": "media-src",
    b"source": "media-src",
    b"track": "media-src",
    b"embed": "object-src",
}
"""The directive that governs each loading tag."""
LINK_DIRECTIVE = {
    b"stylesheet": "style-src",
    b"icon": "img-src",
    b"apple-touch-icon": "img-src",
    b"manifest": "manifest-src",
}
"""The directive that governs a <link> of each `rel` that loads something."""
FALLBACK = {"frame-src": ("child-src", "default-src")}
"""Where a directive is missing, the one that governs instead (else default-src)."""

ForeignLoad = tuple[int, str, str]
"""(offset of the tag in the page, the URL, the directive that governs it)."""


def foreign_loads(data: bytes) -> tuple[tuple[ForeignLoad, ...], str | None]:
    """What a page (UTF-8, as written) loads from other origins, and its policy (None: none)."""
    loads = []
    if _FOREIGN_HINT.search(data):
        for tag in _LOADING_TAG.finditer(data):
            url = unescape(tag.group(2).decode())
            if _is_foreign(url):
                loads.append((tag.start(), url, DIRECTIVE[tag.group(1).lower()]))
    for tag in _FOREIGN_LINK.finditer(data):  # (a page's canonical and feed links are such)
        rel = _REL.search(tag.group())
        directives = [LINK_DIRECTIVE[r] for r in rel.group(1).lower().split() if r in LINK_DIRECTIVE] if rel else []
        if directives:
            loads.append((tag.start(), unescape(tag.group(1).decode()), directives[0]))
    if not loads:
        return (), None
    policy = _POLICY.search(data)
    return tuple(loads), unescape(policy.group(1).decode()) if policy else None


def _is_foreign(url: str) -> bool:
    lowered = url.lower()
    return lowered.startswith(("http:", "https:", "//", "data:", "blob:"))


def blocks(policy: str, directive: str, url: str, origin: str) -> bool:
    """Whether `policy` keeps a page of `origin` ('' if unknown) from loading `url`."""
    sources = _sources(policy, directive)
    return sources is not None and not any(_matches(source, url, origin) for source in sources)


@functools.lru_cache(maxsize=64)
def _sources(policy: str, directive: str) -> tuple[str, ...] | None:
    """The source list governing `directive` (None: nothing restricts it)."""
    directives: dict[str, tuple[str, ...]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        if name and name.lower() not in directives:  # the first of a name counts
            directives[name.lower()] = tuple(sources)
    for name in (directive, *FALLBACK.get(directive, ("default-src",))):
        if name in directives:
            return directives[name]
    return None


_HOST_SOURCE = re.compile(r"^(?:([a-z][a-z0-9+.-]*)://)?(\*|(?:\*\.)?[a-z0-9.-]+)(?::(\d+|\*))?(/[^?#]*)?$", re.I)


def _matches(source: str, url: str, origin: str) -> bool:
    if url.startswith("//"):  # the page's own scheme (on GitHub Pages, https)
        url = (origin.partition(":")[0] or "https") + ":" + url
    try:
        parts = urlsplit(url)
        url_port = parts.port  # (raises for a port that is not a number)
    except ValueError:
        return False  # a URL no browser loads: not allowed by any source
    scheme = parts.scheme.lower()
    lowered = source.lower()
    if lowered == "*":
        return scheme in ("http", "https", "ws", "wss")
    if lowered == "'self'":
        return bool(origin) and f"{scheme}://{parts.netloc.lower()}" == origin.lower()
    if lowered.endswith(":") and "/" not in lowered:  # a scheme; http: allows https too
        return scheme == lowered[:-1] or (lowered == "http:" and scheme == "https")
    host_source = _HOST_SOURCE.match(source)
    if host_source is None or lowered.startswith("'"):
        return False
    want_scheme, host, port, path = host_source.groups()
    if want_scheme:
        want = want_scheme.lower()
        if not (scheme == want or (want == "http" and scheme == "https")):
            return False
    elif scheme not in ("http", "https"):
        return False
    if not _host_matches(host.lower(), (parts.hostname or "").lower()):
        return False
    if port != "*" and (url_port or _DEFAULT_PORT.get(scheme)) != (int(port) if port else _DEFAULT_PORT.get(scheme)):
        return False
    if path:
        return parts.path.startswith(path) if path.endswith("/") else parts.path == path
    return True


_DEFAULT_PORT = {"http": 80, "https": 443}


def _host_matches(pattern: str, host: str) -> bool:
    if pattern == "*":
        return True
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern
