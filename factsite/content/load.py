"""content/ -> Site: parse every file, validate every field and reference, report all problems."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..errors import PartialContent, Problem, Problems, SiteError
from ..parallel.pool import PARALLEL_MINIMUM, Pool, can_fork, fork_pool
from .fields import Field, Report, read_fields
from .files import BIG_RECORD_FILE, file_size, is_within, list_files, read_text
from .model import Figure, Origin, Page, Site, SiteConfig
from .pages import ParseYaml, read_page, stem
from .provenance import ReadArchives, verify_quotes
from .references import check_references
from .schema import FIGURE_FIELDS, RECORD_FILES, SITE_FIELDS
from .yaml_flat import Mapping, parse_yaml

T = TypeVar("T")

RECORDS_PER_WORKER = 4 * 1024 * 1024
"""Big record files are parsed in one worker per this many bytes of them (up to the build's
number of workers)."""
PAGES_BETWEEN = 32
"""While reading pages, the results workers have sent back are taken every this many pages, so a
worker whose result fills its pipe goes on to its next file."""


def load_site(content_dir: Path, include_drafts: bool = False, parse: ParseYaml = parse_yaml, workers: int = 1) -> Site:
    """Read and validate everything under `content_dir`; raise SiteError listing every problem.

    `parse` reads YAML (the preview passes one that remembers unchanged files). With `workers`
    > 1, big record files are parsed in other processes while this one reads the pages."""
    return Loader(content_dir, include_drafts, parse, workers).load()


class Loader:
    """One load of a content folder; collects problems instead of stopping at the first."""

    def __init__(
        self,
        content_dir: Path,
        include_drafts: bool,
        parse: ParseYaml,
        workers: int,
        archives: ReadArchives | None = None,
    ) -> None:
        self.content_dir = content_dir
        self.archives = archives
        """Sources' archives as an earlier load read them (the preview's)."""
        self.include_drafts = include_drafts
        self.parse = parse
        self.workers = workers
        self.problems = Problems()
        self.failed_ids: dict[str, set[str]] = {}
        """Ids of records that failed validation: references to them are not reported as unknown."""
        self.unloaded: dict[str, str] = {}
        """Record kind -> its file, where that file did not load: references to that kind of
        record cannot be checked (the file's own problem is the one to fix)."""

    def load(self) -> Site:
        config = self.load_config()
        return self.finish(config, self.load_records_and_pages())

    def finish(self, config: SiteConfig | None, records: dict[str, list[Any]]) -> Site:
        """The site from what was read, once every rule across files holds; else SiteError."""
        site = _assemble(config, records)
        problems, unchecked = check_references(site, self.failed_ids, set(self.unloaded))
        self.problems.extend(problems)
        if "source" not in self.unloaded:
            self.problems.extend(verify_quotes(site, self.content_dir, self.archives))
        if self.problems or config is None:
            partial = PartialContent(self.declared_ids(site), site.pages, self.unloaded, unchecked)
            raise SiteError(self.problems.items, partial)
        return site

    def declared_ids(self, site: Site) -> dict[str, set[str]]:
        """Every id declared, valid or not, by kind: enough to check Markdown references anyway."""
        declared = {
            "source": set(site.source_by_id),
            "actor": set(site.actor_by_id),
            "quote": set(site.quote_by_id),
            "event": set(site.event_by_id),
            "term": set(site.term_by_id),
            "page": set(site.page_by_slug),
            "map": set(site.map_by_id),
        }
        for kind, ids in self.failed_ids.items():
            declared[kind] |= ids
        return declared

    def load_records_and_pages(self) -> dict[str, list[Any]]:
        """Every record file (by name) and the pages ('pages'). Big record files are parsed in
        worker processes meanwhile, biggest first."""
        sizes = {name: file_size(self.content_dir / f"{name}.yaml") for name in RECORD_FILES}
        big = [name for name, size in sizes.items() if size >= BIG_RECORD_FILE] if can_fork(self.workers) else []
        helpers = min(len(big), self.workers, 1 + sum(sizes[name] for name in big) // RECORDS_PER_WORKER)
        with fork_pool(helpers) if big else contextlib.nullcontext() as pool:
            pending = {}
            if pool is not None:
                for name in sorted(big, key=sizes.__getitem__, reverse=True):
                    pending[name] = pool.submit(_load_records_alone, self.content_dir, name)
            loaded = {name: self.load_records(name) for name in RECORD_FILES if name not in big}
            loaded["pages"] = self.load_pages(pool)
            for name in big:
                records, problems, failed_ids, unloaded = pending[name].result()
                loaded[name] = records
                self.problems.extend(problems)
                self.unloaded.update(unloaded)
                for kind, ids in failed_ids.items():
                    self.failed_ids.setdefault(kind, set()).update(ids)
        return loaded

    def read_yaml(self, path: Path) -> Any:
        """A YAML file's document, or None with its problems noted. A record file that is a link
        leading out of the content folder is refused (pages are checked by their folder's listing)."""
        shown = str(path)
        if path.is_symlink() and not is_within(path, self.content_dir.resolve()):
            message = "is a link to a file outside the content folder; copy the file in instead"
            self.problems.add(shown, 1, message, "file-outside")
            return None
        text, problems = read_text(path, shown)
        self.problems.extend(problems)
        if text is None:
            return None
        data, problems = self.parse(text, shown, 1)
        self.problems.extend(problems)
        if data is None and not problems:
            self.problems.add(shown, 1, "file is empty; add records or delete the file", "file-empty")
        return data

    def load_config(self) -> SiteConfig | None:
        path = self.content_dir / "site.yaml"
        shown = str(path)
        if not path.is_file():
            message = "site.yaml is missing: every site needs one with at least 'title'"
            self.problems.add(shown, 1, message, "file-unreadable")
            return None
        data = self.read_yaml(path)
        if data is None:
            return None
        if not isinstance(data, Mapping):
            message = "site.yaml must be a mapping of settings (title: ..., description: ...)"
            self.problems.add(shown, 1, message, "structure")
            return None
        values = read_fields(data, SITE_FIELDS, "site.yaml", self.reporter(shown))
        figures = self.read_records(
            data.get("figures") or [], data.line_of("figures"), shown, FIGURE_FIELDS, "figure", Figure
        )
        if values is None:
            return None
        values["figures"] = tuple(figures)
        return SiteConfig(origin=Origin(shown, data.line, dict(data.key_lines)), **values)

    def load_records(self, name: str) -> list[Any]:
        """The records of content/NAME.yaml (none if it does not exist)."""
        spec, what, make = RECORD_FILES[name]
        path = self.content_dir / f"{name}.yaml"
        if not path.exists():
            return []
        data = self.read_yaml(path)
        shown = str(path)
        if data is None:
            self.unloaded[what] = shown
            return []
        if not isinstance(data, list):
            message = f"{name}.yaml must be a list of {what}s, each starting with '- id: ...'"
            self.problems.add(shown, 1, message, "structure")
            self.unloaded[what] = shown
            return []
        records = self.read_records(data, 1, shown, spec, what, make)
        self.report_duplicate_ids(records, shown, what)
        return records

    def read_records(
        self, items: Any, line: int, shown: str, spec: dict[str, Field], what: str, make: Callable[..., T]
    ) -> list[T]:
        """Each mapping of `items` made into a record by `make`, if its fields are valid."""
        if not isinstance(items, list):
            self.problems.add(shown, line, f"expected a list of {what}s", "structure")
            return []
        records: list[T] = []
        for index, item in enumerate(items, start=1):
            if not isinstance(item, Mapping):
                message = f"{what} #{index} must be a mapping of fields, not {type(item).__name__}"
                self.problems.add(shown, line, message, "structure")
                continue
            record_id = item.get("id")
            label = f"{what} '{record_id}'" if isinstance(record_id, str) else f"{what} #{index}"
            values = read_fields(item, spec, label, self.reporter(shown))
            if values is not None:
                records.append(make(origin=Origin(shown, item.line, _key_lines(item)), **values))
            elif isinstance(record_id, str):
                self.failed_ids.setdefault(what, set()).add(record_id)
        return records

    def reporter(self, shown: str) -> Report:
        """A function noting a problem at a line of the file `shown`."""
        return lambda line, message, code: self.problems.add(shown, line, message, code)

    def report_duplicate_ids(self, records: list[Any], shown: str, what: str) -> None:
        first_line: dict[str, int] = {}
        for record in records:
            if record.id not in first_line:
                first_line[record.id] = record.origin.line
                continue
            message = (
                f"duplicate {what} id '{record.id}' (first used on line {first_line[record.id]}); ids must be unique"
            )
            self.problems.add(shown, record.origin.line, message, "duplicate-id")

    def load_pages(self, pool: Pool | None = None) -> list[Page]:
        """Every page (taking what `pool`'s workers have sent back now and then)."""
        paths = self.list_pages()
        # Where workers will fork, each would copy the memory of the text of the pages it renders.
        leave_text_in_file = can_fork(self.workers) and len(paths) >= PARALLEL_MINIMUM
        read: list[tuple[str, Page | None]] = []
        for number, path in enumerate(paths):
            if pool is not None and number % PAGES_BETWEEN == 0:
                pool.finished()
            read.append((path, read_page(path, self.parse, self.problems, leave_text_in_file)))
        return self.claim_pages(read)

    def list_pages(self) -> list[str]:
        """The Markdown files of content/pages/, in order; links that leave it are refused."""
        pages_dir = self.content_dir / "pages"
        if not pages_dir.is_dir():
            return []
        if pages_dir.is_symlink() and not is_within(pages_dir, self.content_dir.resolve()):
            message = "is a link to a folder outside the content folder; copy it in instead"
            self.problems.add(str(pages_dir), 1, message, "file-outside")
            return []
        paths, problems = list_files(pages_dir, ".md")
        self.problems.extend(problems)
        return paths

    def claim_pages(self, read: list[tuple[str, Page | None]]) -> list[Page]:
        """The pages to publish, in order: drafts left out unless wanted, and each URL claimed once
        (a page that failed to load is noted, so links to it are not reported too)."""
        pages: list[Page] = []
        claimed: dict[str, str] = {}
        for path, page in read:
            if page is None:
                self.failed_ids.setdefault("page", set()).add(stem(os.path.basename(path)))
                continue
            if page.draft and not self.include_drafts:
                continue
            if page.slug in claimed:
                message = (
                    f"page URL /{page.slug}/ is already claimed by {claimed[page.slug]}; give one page another 'slug'"
                )
                self.problems.add(page.origin.path, page.origin.line, message, "duplicate-url")
                continue
            claimed[page.slug] = page.origin.path
            pages.append(page)
        return pages


def _assemble(config: SiteConfig | None, records: dict[str, list[Any]]) -> Site:
    """The site, each kind of record in reading order and by id."""
    sources, actors, quotes = records["sources"], records["actors"], records["quotes"]
    events, terms, pages, maps = records["timeline"], records["glossary"], records["pages"], records["maps"]
    return Site(
        config=config or SiteConfig(title="(site.yaml failed to load)", origin=Origin("site.yaml", 1)),
        actors=tuple(actors),
        quotes=tuple(quotes),
        events=tuple(sorted(events, key=lambda e: e.date.sort_key)),
        sources=tuple(sources),
        terms=tuple(sorted(terms, key=lambda t: (t.term.casefold(), t.id))),
        pages=tuple(sorted(pages, key=lambda p: (p.order, p.title, p.slug))),
        actor_by_id={a.id: a for a in actors},
        quote_by_id={q.id: q for q in quotes},
        event_by_id={e.id: e for e in events},
        source_by_id={s.id: s for s in sources},
        term_by_id={t.id: t for t in terms},
        page_by_slug={p.slug: p for p in pages},
        maps=tuple(maps),
        map_by_id={m.id: m for m in maps},
    )


def _load_records_alone(
    content_dir: Path, name: str
) -> tuple[list[Any], list[Problem], dict[str, set[str]], dict[str, str]]:
    """One record file, in a worker: its records, problems, the ids of records that failed, and
    whether the file did not load."""
    loader = Loader(content_dir, False, parse_yaml, 1)
    records = loader.load_records(name)
    return records, loader.problems.items, loader.failed_ids, loader.unloaded


def _key_lines(record: Mapping) -> dict[str, int]:
    """The line of each field of a record, and of each key of a field that is a mapping."""
    lines = dict(record.key_lines)
    for key, value in record.items():
        if isinstance(value, Mapping):
            lines.update((f"{key}.{inner}", line) for inner, line in value.key_lines.items())
    return lines
