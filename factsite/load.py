"""content/ -> Site: parse every file, validate every field and reference, report all problems."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .errors import PartialContent, Problem, Problems, SiteError
from .fields import (
    ID_PATTERN,
    Field,
    FieldError,
    list_of,
    mapping_of_labels,
    parse_base_url,
    parse_bool,
    parse_date,
    parse_date_span,
    parse_id,
    parse_int,
    parse_text,
    parse_url,
    read_fields,
)
from .files import BACKGROUND_MINIMUM, RECORD_FILE_NAMES, file_size, is_within, list_files
from .memo import Memo
from .model import (
    ACTOR_KINDS,
    QUOTE_KINDS,
    Actor,
    Event,
    Figure,
    Origin,
    Page,
    Quote,
    Site,
    SiteConfig,
    Source,
    Term,
    TextInFile,
)
from .workers import PARALLEL_MINIMUM, can_fork, fork_pool
from .yamlfile import FRONT_MATTER, Mapping, parse_yaml, read_text, read_text_and_status

T = TypeVar("T")


def parse_domain(value: Any) -> str:
    text = parse_text(value).lower()
    if not re.fullmatch(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", text):
        raise FieldError(f"{text!r} is not a domain name such as 'explainer.example.org' (no https://, no path)")
    return text


def parse_language(value: Any) -> str:
    text = parse_text(value)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", text):
        raise FieldError(f"{text!r} is not a language tag such as 'en', 'en-GB' or 'uk'")
    return text


def _choice(*allowed: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = parse_text(value)
        if text not in allowed:
            raise FieldError(f"{text!r} is not one of: {', '.join(allowed)}")
        return text

    return parse


_ids = list_of(parse_id)
_texts = list_of(parse_text)

FIGURE_FIELDS = {
    "value": Field(parse_text, required=True),
    "label": Field(parse_text, required=True),
    "source": Field(parse_id, required=True),
    "note": Field(parse_text),
}
SITE_FIELDS = {
    "title": Field(parse_text, required=True),
    "description": Field(parse_text),
    "language": Field(parse_language),
    "base_url": Field(parse_base_url),
    "as_of": Field(parse_date),
    "as_of_label": Field(parse_text),
    "publisher": Field(parse_text),
    "question": Field(parse_text),
    "answer": Field(parse_text),
    "takeaways": Field(_texts),
    "figures": Field(lambda value: value),  # a list of mappings, read with FIGURE_FIELDS
    "allow_raw_html": Field(parse_bool),
    "topics": Field(mapping_of_labels),
    "custom_domain": Field(parse_domain),
    "social_image": Field(parse_text),
}
SOURCE_FIELDS = {
    "id": Field(parse_id, required=True),
    "title": Field(parse_text, required=True),
    "publisher": Field(parse_text, required=True),
    "date": Field(parse_date),
    "url": Field(parse_url),
    "note": Field(parse_text),
}
ACTOR_FIELDS = {
    "id": Field(parse_id, required=True),
    "name": Field(parse_text, required=True),
    "kind": Field(_choice(*ACTOR_KINDS), required=True),
    "role": Field(parse_text),
    "summary": Field(parse_text),
    "affiliation": Field(parse_id),
    "aliases": Field(_texts),
}
QUOTE_FIELDS = {
    "id": Field(parse_id, required=True),
    "speaker": Field(parse_id, required=True),
    "text": Field(parse_text, required=True),
    "source": Field(parse_id, required=True),
    "context": Field(parse_text),
    "date": Field(parse_date),
    "kind": Field(_choice(*QUOTE_KINDS)),
    "sic": Field(parse_text),
    "note": Field(parse_text),
}
EVENT_FIELDS = {
    "id": Field(parse_id, required=True),
    "date": Field(parse_date_span, required=True),
    "title": Field(parse_text, required=True),
    "summary": Field(parse_text),
    "actors": Field(_ids),
    "tags": Field(_ids),
    "sources": Field(_ids),
    "quotes": Field(_ids),
}
TERM_FIELDS = {
    "id": Field(parse_id, required=True),
    "term": Field(parse_text, required=True),
    "definition": Field(parse_text, required=True),
    "sources": Field(_ids),
}
PAGE_FIELDS = {
    "title": Field(parse_text, required=True),
    "description": Field(parse_text),
    "slug": Field(parse_id),
    "order": Field(parse_int),
    "draft": Field(parse_bool),
    "date": Field(parse_date),
    "updated": Field(parse_date),
}


RECORD_FILES: dict[str, tuple[dict[str, Field], str, Callable[..., Any]]] = {
    "sources": (SOURCE_FIELDS, "source", Source),
    "actors": (ACTOR_FIELDS, "actor", Actor),
    "quotes": (QUOTE_FIELDS, "quote", Quote),
    "timeline": (EVENT_FIELDS, "event", Event),
    "glossary": (TERM_FIELDS, "term", Term),
}
"""Record file name (without .yaml) -> its fields, what one record is called, its model class."""
assert tuple(RECORD_FILES) == RECORD_FILE_NAMES


class _Loader:
    """One load of a content folder; collects problems instead of stopping at the first."""

    def __init__(
        self,
        content_dir: Path,
        include_drafts: bool,
        parsed: ParseMemo,
        workers: int = 1,
        meanwhile: Callable[[], None] = lambda: None,
    ) -> None:
        self.content_dir = content_dir
        self.workers = workers
        self.meanwhile = meanwhile
        """Run once this process has read its share, before it waits for the workers' share."""
        self.include_drafts = include_drafts
        self.parsed = parsed
        self.problems = Problems()
        self.failed_ids: dict[str, set[str]] = {}
        """Ids of records that failed validation: references to them are not reported as unknown."""

    def load(self) -> Site:
        config = self.load_config()
        records = self.load_all_records()
        sources, actors, quotes = records["sources"], records["actors"], records["quotes"]
        events, terms, pages = records["timeline"], records["glossary"], records["pages"]
        site = Site(
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
        )
        self.check_references(site)
        if self.problems or config is None:
            declared = {
                "source": set(site.source_by_id),
                "actor": set(site.actor_by_id),
                "quote": set(site.quote_by_id),
                "event": set(site.event_by_id),
                "term": set(site.term_by_id),
                "page": set(site.page_by_slug),
            }
            for kind, ids in self.failed_ids.items():
                declared[kind] |= ids
            raise SiteError(self.problems.items, PartialContent(declared, site.pages))
        return site

    def load_all_records(self) -> dict[str, list[Any]]:
        """Every record file and the pages. Big record files are read in worker processes
        meanwhile (parsing YAML is most of the load time of a large archive), biggest first, in
        one worker per RECORDS_PER_WORKER bytes of them, up to the build's number of workers (with
        the main process reading pages, one more process than cores: see RECORDS_PER_WORKER)."""
        sizes = (
            {name: file_size(self.content_dir / f"{name}.yaml") for name in RECORD_FILES}
            if can_fork(self.workers)
            else {}
        )
        big = [name for name, size in sizes.items() if size >= BACKGROUND_MINIMUM]
        helpers = min(len(big), self.workers, 1 + sum(sizes[name] for name in big) // RECORDS_PER_WORKER)
        with fork_pool(helpers) if big else contextlib.nullcontext() as pool:
            pending = {}
            if pool is not None:
                for name in sorted(big, key=sizes.__getitem__, reverse=True):
                    pending[name] = pool.submit(_load_records_alone, self.content_dir, name)
            loaded = {name: self.load_records(name, *RECORD_FILES[name]) for name in RECORD_FILES if name not in big}
            loaded["pages"] = self.load_pages(between=pool.finished if pool is not None else None)
            self.meanwhile()
            for name in big:  # results taken in the usual order
                records, problems, failed_ids = pending[name].result()
                loaded[name] = records
                self.problems.extend(problems)
                for kind, ids in failed_ids.items():
                    self.failed_ids.setdefault(kind, set()).update(ids)
        return loaded

    # -- files -----------------------------------------------------------------------------

    def read_yaml(self, path: Path) -> Any:
        shown = str(path)
        if not self.is_inside_content(path):
            return None
        text, problems = read_text(path, shown)
        self.problems.extend(problems)
        if text is None:
            return None
        data, problems = self.parse(text, shown, 1)
        self.problems.extend(problems)
        if data is None and not problems:
            self.problems.add(shown, 1, "file is empty; add records or delete the file")
        return data

    def parse(self, text: str, shown: str, first_line: int) -> tuple[Any, list[Problem]]:
        return self.parsed.get((shown, text, first_line), lambda: parse_yaml(text, shown, first_line))

    def is_inside_content(self, path: Path) -> bool:
        """Refuse a record file (content/NAME.yaml) that is a link leading out of the content
        folder. (Pages are checked by their folder's listing.)"""
        if not path.is_symlink() or is_within(path, self.content_dir.resolve()):
            return True
        self.problems.add(str(path), 1, "is a link to a file outside the content folder; copy the file in instead")
        return False

    def load_config(self) -> SiteConfig | None:
        path = self.content_dir / "site.yaml"
        if not path.is_file():
            self.problems.add(str(path), 1, "site.yaml is missing: every site needs one with at least 'title'")
            return None
        data = self.read_yaml(path)
        if data is None:
            return None
        shown = str(path)
        if not isinstance(data, Mapping):
            self.problems.add(shown, 1, "site.yaml must be a mapping of settings (title: ..., description: ...)")
            return None
        values = read_fields(data, SITE_FIELDS, "site.yaml", lambda line, msg: self.problems.add(shown, line, msg))
        figures = self.read_list_of_records(
            data.get("figures") or [], data.line_of("figures"), shown, FIGURE_FIELDS, "figure", Figure
        )
        if values is None:
            return None
        values["figures"] = tuple(figures)
        return SiteConfig(origin=Origin(shown, data.line, dict(data.key_lines)), **values)

    def load_records(self, name: str, spec: dict[str, Field], what: str, make: Callable[..., T]) -> list[T]:
        path = self.content_dir / f"{name}.yaml"
        if not path.exists():
            return []
        data = self.read_yaml(path)
        if data is None:
            return []
        shown = str(path)
        if not isinstance(data, list):
            self.problems.add(shown, 1, f"{name}.yaml must be a list of {what}s, each starting with '- id: ...'")
            return []
        records = self.read_list_of_records(data, 1, shown, spec, what, make)
        self.report_duplicate_ids(records, shown, what)
        return records

    def read_list_of_records(
        self, items: Any, line: int, shown: str, spec: dict[str, Field], what: str, make: Callable[..., T]
    ) -> list[T]:
        if not isinstance(items, list):
            self.problems.add(shown, line, f"expected a list of {what}s")
            return []
        records: list[T] = []
        for index, item in enumerate(items, start=1):
            if not isinstance(item, Mapping):
                self.problems.add(
                    shown, line, f"{what} #{index} must be a mapping of fields, not {type(item).__name__}"
                )
                continue
            label = f"{what} '{item['id']}'" if isinstance(item.get("id"), str) else f"{what} #{index}"
            values = read_fields(item, spec, label, lambda ln, msg: self.problems.add(shown, ln, msg))
            if values is not None:
                records.append(make(origin=Origin(shown, item.line, dict(item.key_lines)), **values))
            elif isinstance(item.get("id"), str):
                self.failed_ids.setdefault(what, set()).add(item["id"])
        return records

    def report_duplicate_ids(self, records: list[Any], shown: str, what: str) -> None:
        first_line: dict[str, int] = {}
        for record in records:
            if record.id in first_line:
                self.problems.add(
                    shown,
                    record.origin.line,
                    f"duplicate {what} id '{record.id}' (first used on line {first_line[record.id]}); "
                    "ids must be unique",
                )
            else:
                first_line[record.id] = record.origin.line

    def load_pages(self, between: Callable[[], object] | None = None) -> list[Page]:
        """Every page (`between` is called every PAGES_BETWEEN pages: see load_all_records)."""
        pages_dir = self.content_dir / "pages"
        if not pages_dir.is_dir():
            return []
        if pages_dir.is_symlink() and not is_within(pages_dir, self.content_dir.resolve()):
            self.problems.add(str(pages_dir), 1, "is a link to a folder outside the content folder; copy it in instead")
            return []
        pages: list[Page] = []
        claimed: dict[str, str] = {}
        paths, problems = list_files(pages_dir, ".md")  # refuses links that leave pages/
        self.problems.extend(problems)
        # The pages' text is left in their files (see TextInFile) only where workers will fork: a
        # build in one process (a small site, `--workers 1`, the preview) keeps it, as reading it
        # again costs time (3% of a 10k build) and saves no copies there.
        in_files = can_fork(self.workers) and len(paths) >= PARALLEL_MINIMUM
        for number, path in enumerate(paths):
            if between is not None and number % PAGES_BETWEEN == 0:
                between()
            page = self.load_page(path, in_files)
            if page is None or (page.draft and not self.include_drafts):
                continue
            if page.slug in claimed:
                self.problems.add(
                    page.origin.path,
                    page.origin.line,
                    f"page URL /{page.slug}/ is already claimed by {claimed[page.slug]}; give one page another 'slug'",
                )
                continue
            claimed[page.slug] = page.origin.path
            pages.append(page)
        return pages

    def load_page(self, path: str, in_file: bool = False) -> Page | None:
        shown = path
        text, problems, status = read_text_and_status(path, shown)
        self.problems.extend(problems)
        if text is None or status is None:
            return None
        match = FRONT_MATTER.match(text)
        if not match:
            if re.match(r"---[ \t]*(\n|\Z)", text):
                self.problems.add(shown, 1, "front matter is not closed: end it with a '---' line")
            else:
                self.problems.add(shown, 1, "page must start with front matter: a '---' line, 'title: ...', then '---'")
            return None
        meta, problems = self.parse(match.group(1) or "", shown, 2)
        self.problems.extend(problems)
        if problems:
            return None
        if meta is None:
            self.problems.add(shown, 1, "front matter is empty; it needs at least 'title: ...'")
            return None
        if not isinstance(meta, Mapping):
            self.problems.add(shown, 2, "front matter must be a mapping of fields (title: ...), not a list or a value")
            return None
        values = read_fields(meta, PAGE_FIELDS, "front matter", lambda ln, msg: self.problems.add(shown, ln, msg))
        if values is None:
            return None
        name = os.path.basename(path)
        dot = name.rfind(".")
        slug = values.pop("slug", None) or (name[:dot] if 0 < dot < len(name) - 1 else name)  # as Path.stem
        if not ID_PATTERN.fullmatch(slug):
            self.problems.add(
                shown,
                1,
                f"file name {name!r} does not make a valid URL; rename it (lowercase, hyphens) or set 'slug'",
            )
            return None
        body_line = text.count("\n", 0, match.end()) + 1
        start = match.end()
        body = TextInFile(path, start, status.st_size, status.st_mtime_ns, status.st_ino) if in_file else text[start:]
        return Page(slug=slug, body=body, body_line=body_line, origin=Origin(shown, 1), **values)

    # -- whole-site rules -----------------------------------------------------------------

    def check_references(self, site: Site) -> None:
        def need(kind: str, ids: dict[str, Any], ref: str | None, origin: Origin, field_name: str) -> None:
            if ref is not None and ref not in ids and ref not in self.failed_ids.get(kind, ()):
                close = _close(ref, ids)
                self.problems.add(
                    origin.path,
                    origin.line_of(field_name),
                    f"field '{field_name}': unknown {kind} '{ref}'"
                    + (close or f"; add it to the {kind} list or fix the id"),
                )

        for figure in site.config.figures:
            need("source", site.source_by_id, figure.source, figure.origin, "source")
        for actor in site.actors:
            need("actor", site.actor_by_id, actor.affiliation, actor.origin, "affiliation")
        for quote in site.quotes:
            need("actor", site.actor_by_id, quote.speaker, quote.origin, "speaker")
            need("source", site.source_by_id, quote.source, quote.origin, "source")
            if quote.sic and quote.sic not in quote.text:
                self.problems.add(
                    quote.origin.path,
                    quote.origin.line_of("sic"),
                    f"field 'sic': {quote.sic!r} does not occur in the quote's text",
                )
        topics = dict(site.config.topics)
        for event in site.events:
            for tag in event.tags if topics else ():
                if tag not in topics:
                    self.problems.add(
                        event.origin.path,
                        event.origin.line_of("tags"),
                        f"field 'tags': unknown topic '{tag}'{_close(tag, topics)}; topics are listed in site.yaml",
                    )
            for actor_id in event.actors:
                need("actor", site.actor_by_id, actor_id, event.origin, "actors")
            for source_id in event.sources:
                need("source", site.source_by_id, source_id, event.origin, "sources")
            for quote_id in event.quotes:
                need("quote", site.quote_by_id, quote_id, event.origin, "quotes")
        for term in site.terms:
            for source_id in term.sources:
                need("source", site.source_by_id, source_id, term.origin, "sources")


def _close(ref: str, ids: dict[str, Any]) -> str:
    import difflib  # (only for a mistake)

    match = difflib.get_close_matches(ref, list(ids), n=1)
    return f"; did you mean '{match[0]}'?" if match else ""


PAGES_BETWEEN = 32
"""While reading pages, this process takes what the record files' workers have sent back every
this many pages (about 2 ms of reading at 10k): a worker whose result is bigger than a pipe holds
(the 5,000 events at 10k pickle to 1.8 MB) waits until it is taken, and had waited 0.6 s for the
end of the pages instead of reading its next file."""
RECORDS_PER_WORKER = 4 * 1024 * 1024
"""Big record files are parsed in one worker per this many bytes of them (up to the build's
number of workers). At 10,000 pages (3 MB of records) one worker beside the main process reading
the pages had loading done 0.19 s sooner than two (median of 12 interleaved runs, 1.33 -> 1.14 s)
now that records parse faster; two had been 0.12 s faster when libyaml parsed them."""


def _load_records_alone(content_dir: Path, name: str) -> tuple[list[Any], list[Problem], dict[str, set[str]]]:
    """One record file, in a worker: its records, problems and the ids of records that failed."""
    loader = _Loader(content_dir, False, ParseMemo())
    records = loader.load_records(name, *RECORD_FILES[name])
    return records, loader.problems.items, loader.failed_ids


ParseMemo = Memo[tuple[str, str, int], tuple[Any, list[Problem]]]
"""Parsed YAML by (file, text, first line): lets the preview skip re-parsing unchanged files."""


def load_site(
    content_dir: Path,
    include_drafts: bool = False,
    parsed: ParseMemo | None = None,
    workers: int = 1,
    meanwhile: Callable[[], None] = lambda: None,
) -> Site:
    """Read and validate everything under `content_dir`; raise SiteError listing every problem.

    With `workers` > 1, big record files are parsed in other processes (their parsed YAML is then
    not kept in `parsed`: the preview, which reuses it, loads with one). `meanwhile` runs once
    this process has read its share, while it would otherwise wait for theirs.
    """
    memo = parsed if parsed is not None else ParseMemo()
    try:
        return _Loader(content_dir, include_drafts, memo, workers, meanwhile).load()
    finally:
        memo.end_build()


def page_body(page: Page) -> str:
    """A page's Markdown, read again from its file where loading left it there (TextInFile).

    Raises SiteError if the file has changed since it was loaded (its size, modification time or
    inode), so a build never mixes a page's new text with its old front matter: building again
    takes both."""
    body = page.body
    if isinstance(body, str):
        return body
    text, problems, status = read_text_and_status(body.path, page.origin.path)
    if text is None or status is None:
        raise SiteError(problems)
    if (status.st_size, status.st_mtime_ns, status.st_ino) != (body.size, body.modified_ns, body.inode):
        raise SiteError([Problem(page.origin.path, 1, "file changed while the site was being built; build again")])
    return text[body.start :]
