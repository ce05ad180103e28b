"""Quotes checked against archived copies of their sources: a source may keep a copy of what it
says in the content folder (`archive:`), and every quote from it must be in that copy word for
word (see quote_match for what typography is forgiven)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .files import is_within, read_text
from .model import Quote, Site, Source
from .quote_match import Archive, find_quote, normalised


@dataclass(frozen=True)
class QuoteCount:
    """How many of a site's quotes were checked against an archive, and how many could not be."""

    verified: int
    total: int

    @property
    def without_archive(self) -> int:
        return self.total - self.verified

    def summary(self) -> str:
        line = f"{self.verified} of {self.total} quotes verified against archived sources"
        if self.without_archive:
            are = "has" if self.without_archive == 1 else "have"
            line += f" ({self.without_archive} {are} no archived source to check against)"
        return line


def count_verified(site: Site) -> QuoteCount:
    """The quotes of a site that loaded: each whose source has an archive was found in it (or
    the site would not have loaded)."""
    verified = sum(1 for quote in site.quotes if _archive_of(site, quote) is not None)
    return QuoteCount(verified, len(site.quotes))


def _archive_of(site: Site, quote: Quote) -> str | None:
    source = site.source_by_id.get(quote.source)
    return source.archive if source is not None else None


class ReadArchives:
    """Archives as read, by the digest of their text, from one check to the next: the preview
    checks every quote again after each record edit, and reading a few hundred archives again
    (about 2 ms for 50 KB each, most of it normalising the words) would cost more than the edit.
    Only the archives the latest check read are kept."""

    def __init__(self) -> None:
        self.kept: dict[bytes, Archive] = {}
        self.used: dict[bytes, Archive] = {}

    def archive(self, text: str, is_html: bool) -> Archive:
        key = hashlib.blake2b(text.encode(), digest_size=16, person=b"html" if is_html else b"text").digest()
        archive = self.used.get(key) or self.kept.get(key) or Archive.read(text, is_html)
        self.used[key] = archive
        return archive

    def check_done(self) -> None:
        self.kept, self.used = self.used, {}


def verify_quotes(site: Site, content_dir: Path, read: ReadArchives | None = None) -> list[Problem]:
    """Problems with sources' archives, and with every quote not found word for word in its
    source's archive (`read`: the archives a previous check read)."""
    read = read or ReadArchives()
    problems = [problem for source in site.sources for problem in _dates_need_a_copy(source)]
    archives: dict[str, Archive | None] = {}
    for source in site.sources:
        if source.archive is not None and source.archive not in archives:
            archive, read_problems = _read_archive(source, content_dir, read)
            archives[source.archive] = archive
            problems += read_problems
    read.check_done()
    for quote in site.quotes:
        quoted_from = site.source_by_id.get(quote.source)
        archive = archives.get(quoted_from.archive) if quoted_from is not None and quoted_from.archive else None
        if quoted_from is not None and archive is not None:
            problems += _check_quote(quote, quoted_from, archive)
    return problems


def _dates_need_a_copy(source: Source) -> Iterable[Problem]:
    origin = source.origin
    if source.archive is not None and source.archived is None:
        message = f"source '{source.id}': 'archive' needs 'archived', the date the copy was taken"
        yield Problem(origin.path, origin.line_of("archive"), message, "archive-date")
    if source.archived is not None and source.archive is None and source.archive_url is None:
        message = f"source '{source.id}': 'archived' dates a copy; give it with 'archive' or 'archive_url'"
        yield Problem(origin.path, origin.line_of("archived"), message, "archive-date")


def _read_archive(source: Source, content_dir: Path, read: ReadArchives) -> tuple[Archive | None, list[Problem]]:
    assert source.archive is not None
    origin, path = source.origin, content_dir / source.archive
    line = origin.line_of("archive")
    if not path.is_file():
        message = f"source '{source.id}': archive {source.archive!r} is not a file in {content_dir}/"
        return None, [Problem(origin.path, line, message, "archive-missing")]
    if not is_within(path, content_dir.resolve()):
        message = f"source '{source.id}': archive {source.archive!r} is a link out of the content folder"
        return None, [Problem(origin.path, line, message, "file-outside")]
    text, problems = read_text(path, str(path))
    if text is None:
        return None, problems
    return read.archive(text, is_html=path.suffix in (".html", ".htm")), []


def _check_quote(quote: Quote, source: Source, archive: Archive) -> list[Problem]:
    mismatch = find_quote(quote.text, archive)
    if mismatch is None:
        return []
    words = "" if mismatch.part == normalised(quote.text) else f" (the words “{mismatch.part}”)"
    where = f"{source.archive}:{mismatch.line}"
    if mismatch.passage:
        closest = f"; closest passage, {where}: “{mismatch.passage}”: {mismatch.difference}"
    else:
        closest = f"; {mismatch.difference} ({where})"
    message = f"quote '{quote.id}'{words} is not word for word in the archived copy of source '{source.id}'{closest}"
    return [Problem(quote.origin.path, quote.origin.line_of("text"), message, "quote-not-in-archive")]
