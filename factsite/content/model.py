"""The validated story: frozen records with no I/O, built by `load` and read by `render`."""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass, field
from typing import Any, TypeVar

ACTOR_KINDS = ("person", "country", "organisation", "institution", "region", "group")
QUOTE_KINDS = ("full", "partial", "fragment", "pull-quote")

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
"""English month names, whatever the process's locale (strftime's %B follows LC_TIME), and a
tenth of the time."""

_Class = TypeVar("_Class", bound=type)


def _pickled_as_a_call(cls: _Class) -> _Class:
    """Pickle instances as a call of the class with their field values: a frozen slotted
    dataclass otherwise pickles through dataclasses' __getstate__ and __setstate__, which look its
    fields up again for every object, and a worker sends a big site's records back by the
    thousand."""
    names = [f.name for f in dataclasses.fields(cls)]
    assert len(names) > 1, "attrgetter of one name gives a value, not a tuple"
    values = operator.attrgetter(*names)

    def __reduce__(self: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, values(self)

    setattr(cls, "__reduce__", __reduce__)  # noqa: B010  (mypy refuses to see a method assigned)
    return cls


@_pickled_as_a_call
@dataclass(frozen=True, order=True, slots=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    year: int
    """Four-digit year."""
    month: int | None = None
    """1-12, or None when only the year is known."""
    day: int | None = None
    """1-31, or None when only the month (or year) is known."""

    @property
    def iso(self) -> str:
        """YYYY, YYYY-MM or YYYY-MM-DD: the form HTML's `datetime` attribute accepts."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def display(self) -> str:
        """Human form, e.g. '8 December 2021', 'December 2021', '2021'."""
        if self.month is None:
            return str(self.year)
        month = MONTHS[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class DateSpan:
    """A date or a start/end range, as written in the timeline."""

    start: PartialDate
    """First (or only) day."""
    end: PartialDate | None = None
    """Last day of a range, or None for a single date."""

    @property
    def sort_key(self) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
        end = self.end or self.start
        return (self.start.sort_key, end.sort_key)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def latest(self) -> PartialDate:
        return self.end or self.start

    def display(self) -> str:
        if self.end is None:
            return self.start.display()
        return f"{self.start.display()} – {self.end.display()}"


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was written, for error messages."""

    path: str
    """Source file, as the user named it."""
    line: int
    """1-based line of the record's first key."""
    key_lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)
    """Line of each field, where known, and of each key of a field that is a mapping
    (`regions.poland`)."""

    def line_of(self, key: str) -> int:
        """The line of a field (or of a key within one; else of that field)."""
        while key not in self.key_lines and "." in key:
            key = key.rpartition(".")[0]
        return self.key_lines.get(key, self.line)


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class Source:
    """A publication that a quote, event or figure rests on."""

    id: str
    """Stable slug used in references (`source:<id>`)."""
    title: str
    """Headline or document title."""
    publisher: str
    """Outlet or institution."""
    origin: Origin
    date: PartialDate | None = None
    """Publication date, when known."""
    url: str | None = None
    """Only where the URL is confirmed; never invented."""
    note: str = ""
    """Caveats about the source (syndicated copy, unconfirmed date...)."""
    archive: str | None = None
    """A copy of what it says, kept in the content folder (a path under it): quotes from this
    source are checked against it word for word. Read by the build, never published."""
    archived: PartialDate | None = None
    """When that copy was taken."""
    archive_url: str | None = None
    """A public web archive's copy (the Wayback Machine, archive.today), shown to readers."""


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class Actor:
    """A person, country or organisation the story names."""

    id: str
    """Stable slug; also the page URL (`/actors/<id>/`)."""
    name: str
    """Display name; the `<h1>` of the actor's page."""
    kind: str
    """One of ACTOR_KINDS."""
    origin: Origin
    role: str = ""
    """Role at the time of the story, e.g. 'former US ambassador to NATO'."""
    summary: str = ""
    """One or two sentences of background, in our own words."""
    affiliation: str | None = None
    """Id of another actor (employer, country, alliance)."""
    aliases: tuple[str, ...] = ()
    """Other names the story uses ('the Kremlin' for Russia)."""


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class Quote:
    """Words an actor said, verbatim, with where they were said and printed."""

    id: str
    """Stable slug; anchor on the quotes page."""
    speaker: str
    """Actor id."""
    text: str
    """Character-exact wording as printed in the source."""
    source: str
    """Source id."""
    origin: Origin
    context: str = ""
    """How it was said: 'told Insider', 'told reporters in December'."""
    date: PartialDate | None = None
    """When it was said, when known."""
    kind: str = "full"
    """One of QUOTE_KINDS: full sentence(s), part of one, a fragment, or a headline pull-quote."""
    sic: str = ""
    """A misprint inside `text` after which '[sic]' is shown."""
    note: str = ""
    """Editorial note shown with the quote."""


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class Event:
    """A dated step in the timeline."""

    id: str
    """Stable slug; anchor on the timeline page (`/timeline/#<id>`)."""
    date: DateSpan
    """When it happened."""
    title: str
    """One-line headline."""
    origin: Origin
    summary: str = ""
    """A few sentences in our own words."""
    actors: tuple[str, ...] = ()
    """Actor ids."""
    tags: tuple[str, ...] = ()
    """Topic slugs used by the timeline filter."""
    sources: tuple[str, ...] = ()
    """Source ids."""
    quotes: tuple[str, ...] = ()
    """Quote ids said at or about this event."""
    key_moment: str = ""
    """A few words labelling it on the timeline's overview: a key moment of the story."""


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class Map:
    """A map drawn from country shapes: each region an actor's, in a category of its legend."""

    id: str
    """Stable slug; pages embed it with `::map[<id>]`."""
    title: str
    origin: Origin
    categories: tuple[tuple[str, str], ...]
    """Category id -> its legend label, in legend order."""
    regions: tuple[tuple[str, str], ...]
    """Actor id -> category id: what the map shows, each region a link to its actor's page."""
    description: str = ""
    """What the map shows, in a sentence (its text alternative starts with it)."""
    shapes: tuple[tuple[str, str], ...] = ()
    """Actor id -> shape name, where the shape is not named as the actor is."""
    area: tuple[float, float, float, float] | None = None
    """West, south, east, north in degrees; by default, around its regions."""
    sources: tuple[str, ...] = ()
    note: str = ""


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class Term:
    """A glossary entry."""

    id: str
    """Stable slug; anchor on the glossary page."""
    term: str
    """The word or phrase as readers see it."""
    definition: str
    """Plain-text definition, our own words."""
    origin: Origin
    sources: tuple[str, ...] = ()
    """Source ids."""


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class Figure:
    """A headline number shown on the home page."""

    value: str
    """The number as printed ('100,000')."""
    label: str
    """What it counts."""
    source: str
    """Source id."""
    origin: Origin
    note: str = ""
    """Caveat, e.g. 'not matched to a primary source'."""


@dataclass(frozen=True, slots=True)
class TextInFile:
    """Text left in its file instead of held in memory, read again when needed (load.page_body).

    A big site's Markdown is most of its loaded size, held to the end of the build, and each
    worker process would copy the memory of the pages it renders (Python writes reference counts
    even where it only reads). The file's size, modification time and inode as
    it was loaded tell a file changed (or replaced, say by a link elsewhere) since."""

    path: str
    start: int
    """Where the text starts in the file's text (after the front matter)."""
    size: int
    modified_ns: int
    inode: int


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class Page:
    """A Markdown explainer page."""

    slug: str
    """URL segment (`/<slug>/`); 'index' is the home page's introduction."""
    title: str
    """Front matter `title`."""
    body: str | TextInFile
    """Markdown after the front matter (load.page_body reads it)."""
    body_line: int
    """1-based line in the file where `body` starts, for error messages."""
    origin: Origin
    description: str = ""
    """Summary for listings and the meta description."""
    order: int = 0
    """Position in navigation and listings (then title)."""
    draft: bool = False
    """Drafts are built only with --drafts."""
    date: PartialDate | None = None
    """First published."""
    updated: PartialDate | None = None
    """Last substantive update."""


@_pickled_as_a_call
@dataclass(frozen=True, slots=True)
class SiteConfig:
    """site.yaml: the settings every page shares."""

    title: str
    """Site name."""
    origin: Origin
    description: str = ""
    """One sentence for search engines and the home page."""
    language: str = "en"
    """BCP 47 tag for `<html lang>`."""
    base_url: str = "/"
    """Where the site is published, e.g. https://user.github.io/repo/."""
    as_of: PartialDate | None = None
    """The moment the explainer describes."""
    as_of_label: str = ""
    """How to say that moment ('late January 2022')."""
    publisher: str = ""
    """Who publishes the explainer."""
    question: str = ""
    """The question the explainer answers, shown on the home page."""
    answer: str = ""
    """The short answer, shown under the question."""
    takeaways: tuple[str, ...] = ()
    """Key points for the home page."""
    figures: tuple[Figure, ...] = ()
    """Numbers at a glance."""
    allow_raw_html: bool = False
    """Let raw HTML in Markdown through (off: it is shown as text)."""
    custom_domain: str = ""
    """A domain of your own for GitHub Pages: written to CNAME."""
    social_image: str = ""
    """File in static/ used as the share image (Open Graph, Twitter)."""
    topics: tuple[tuple[str, str], ...] = ()
    """Timeline tag id -> label; when given, every event tag must be one of them."""


@dataclass(frozen=True, slots=True)
class Site:
    """Everything the renderer needs, already validated and cross-checked."""

    config: SiteConfig
    actors: tuple[Actor, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    """Sorted by date, then id."""
    sources: tuple[Source, ...] = ()
    terms: tuple[Term, ...] = ()
    pages: tuple[Page, ...] = ()
    """Sorted by order, then title."""
    maps: tuple[Map, ...] = ()
    actor_by_id: dict[str, Actor] = field(default_factory=dict, compare=False)
    quote_by_id: dict[str, Quote] = field(default_factory=dict, compare=False)
    event_by_id: dict[str, Event] = field(default_factory=dict, compare=False)
    source_by_id: dict[str, Source] = field(default_factory=dict, compare=False)
    term_by_id: dict[str, Term] = field(default_factory=dict, compare=False)
    page_by_slug: dict[str, Page] = field(default_factory=dict, compare=False)
    map_by_id: dict[str, Map] = field(default_factory=dict, compare=False)
