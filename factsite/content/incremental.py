"""The content folder as last loaded, file by file, for the preview: loading again after a save
reads only the files that changed, then applies every rule across files as a full load does
(unless only the text of pages changed: no rule across files reads it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, Problems
from .fields import ARCHIVE_SUFFIXES
from .files import resolved_path
from .load import Loader
from .model import Page, Site, SiteConfig
from .pages import ParseYaml, read_page
from .provenance import ReadArchives
from .schema import RECORD_FILES
from .yaml_flat import parse_yaml


@dataclass
class _Read:
    """What reading one file gave: its value, problems, and what the cross-file rules need."""

    value: Any
    problems: list[Problem] = field(default_factory=list)
    failed_ids: dict[str, set[str]] = field(default_factory=dict)
    unloaded: dict[str, str] = field(default_factory=dict)


class ContentState:
    """Loads a content folder, then loads it again after changes, re-reading only changed files."""

    def __init__(self, content_dir: Path, include_drafts: bool, parse: ParseYaml = parse_yaml) -> None:
        self.content_dir, self.include_drafts, self.parse = content_dir, include_drafts, parse
        self.config: _Read | None = None
        self.records: dict[str, _Read] = {}
        self.pages: dict[str, _Read] = {}
        """Page file (as listed) -> its page, or None where it failed to load."""
        self.listing: _Read | None = None
        """The page files, in order, and the problems of listing them."""
        self._pages_resolved: tuple[str, str] | None = None
        self.site: Site | None = None
        """The latest load's site, if it loaded."""
        self.archives = ReadArchives()
        """Sources' archives as the latest load read them."""

    def load(self, changed: Collection[Path] | None = None) -> Site:
        """The site, reading only `changed` files (everything when None or on the first load);
        raises SiteError with every problem, as load_site does."""
        if changed is None or self.config is None:
            self.config, self.listing, self.records, self.pages = None, None, {}, {}
            changed = None
        edited = self._read_changed(changed)
        site = self.site and _with_new_text(self.site, edited)
        self.site = None
        self.site = site or self._finish()
        return self.site

    def _read_changed(self, changed: Collection[Path] | None) -> dict[int, tuple[Page, _Read]] | None:
        """Read what changed. Where only pages were edited in place, returns each one's page as
        the site has it and what reading it now gave (by the page's id())."""
        content = self.content_dir.resolve()
        touched = None if changed is None else {resolved_path(path) for path in changed}
        edited: dict[int, tuple[Page, _Read]] | None = {}
        if touched is None or content / "site.yaml" in touched or self.config is None:
            edited = None
            loader = self._loader()
            self.config = _Read(loader.load_config(), loader.problems.items)
        for name in RECORD_FILES:
            if touched is None or content / f"{name}.yaml" in touched or name not in self.records:
                edited = None
                loader = self._loader()
                self.records[name] = _Read(
                    loader.load_records(name), loader.problems.items, loader.failed_ids, loader.unloaded
                )
        pages = content / "pages"
        if touched is not None and any(_may_be_archive(path, pages) for path in touched):
            edited = None  # quotes are checked against archives again (when the site is finished)
        touched_pages = None if touched is None else {str(path) for path in touched if pages in path.parents}
        if touched_pages is None or self.listing is None:
            self._list_and_read_pages(None)
            return None
        if touched_pages:
            known = {self._resolved_page(path): path for path in self.pages}
            if not all(path in known and Path(path).is_file() for path in touched_pages):
                self._list_and_read_pages(touched_pages)
                return None
            for path in touched_pages:  # edited in place
                before, self.pages[known[path]] = self.pages[known[path]], self._read_page(known[path])
                if edited is not None and before.value is not None:
                    edited[id(before.value)] = (before.value, self.pages[known[path]])
                else:
                    edited = None
        return edited

    def _list_and_read_pages(self, touched: set[str] | None) -> None:
        """List the pages again, reading those new or `touched` (every one when None)."""
        loader = self._loader()
        paths = loader.list_pages()
        self.listing = _Read(paths, loader.problems.items)
        previous, self.pages = self.pages, {}
        for path in paths:
            if touched is None or path not in previous or self._resolved_page(path) in touched:
                self.pages[path] = self._read_page(path)
            else:
                self.pages[path] = previous[path]

    def _read_page(self, path: str) -> _Read:
        problems = Problems()
        return _Read(read_page(path, self.parse, problems), problems.items)

    def _resolved_page(self, path: str) -> str:
        """A listed page's path, links resolved as the watcher reports it (strings only: a site
        can have ten thousand pages)."""
        if self._pages_resolved is None:
            self._pages_resolved = (str(self.content_dir / "pages"), str(resolved_path(self.content_dir / "pages")))
        listed_under, resolved = self._pages_resolved
        return resolved + path[len(listed_under) :]

    def _finish(self) -> Site:
        loader = self._loader()
        assert self.config is not None and self.listing is not None
        config: SiteConfig | None = self.config.value
        loader.problems.extend(self.config.problems + self.listing.problems)
        records: dict[str, list[Any]] = {}
        for name, read in self.records.items():
            records[name] = read.value
            loader.problems.extend(read.problems)
            loader.unloaded.update(read.unloaded)
            for kind, ids in read.failed_ids.items():
                loader.failed_ids.setdefault(kind, set()).update(ids)
        pages: list[tuple[str, Page | None]] = []
        for path, read in self.pages.items():
            pages.append((path, read.value))
            loader.problems.extend(read.problems)
        records["pages"] = loader.claim_pages(pages)
        return loader.finish(config, records)

    def _loader(self) -> Loader:
        return Loader(self.content_dir, self.include_drafts, self.parse, 1, self.archives)


def _with_new_text(site: Site, edited: dict[int, tuple[Page, _Read]] | None) -> Site | None:
    """`site` with the pages of `edited` as read again, if only their text changed (so no rule
    across files needs checking again); else None."""
    if edited is None:
        return None
    new_pages: dict[int, Page] = {}  # by id(): hashing every page would cost more than the edit
    for page, read in edited.values():
        if read.problems or read.value is None or dataclasses.replace(page, body=read.value.body) != read.value:
            return None
        if site.page_by_slug.get(page.slug) is page:  # (else a draft left out, say)
            new_pages[id(page)] = read.value
    if not new_pages:
        return site
    pages = tuple(new_pages.get(id(page), page) for page in site.pages)
    by_slug = {slug: new_pages.get(id(page), page) for slug, page in site.page_by_slug.items()}
    return dataclasses.replace(site, pages=pages, page_by_slug=by_slug)


def _may_be_archive(path: Path, pages: Path) -> bool:
    """Whether a changed file may be a source's archive (those are read when a site is finished)."""
    return path.suffix in ARCHIVE_SUFFIXES and pages not in path.parents
