"""What each content file may hold: every field of every record kind, declared once. The loader
reads records with these declarations, and the JSON Schemas editors use are made from them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .fields import (
    ARCHIVE_PATH,
    AREA,
    BASE_URL,
    BOOL,
    DATE,
    DATE_SPAN,
    DOMAIN,
    ID,
    INT,
    LABELS,
    LANGUAGE,
    TEXT,
    URL,
    Field,
    list_of,
    one_of,
    records_of,
)
from .files import RECORD_FILE_NAMES
from .model import ACTOR_KINDS, QUOTE_KINDS, Actor, Event, Map, Quote, Source, Term

IDS = list_of(ID)
TEXTS = list_of(TEXT)

FIGURE_FIELDS = {
    "value": Field(TEXT, True, 'The number as printed, in quotes: "100,000".'),
    "label": Field(TEXT, True, "What it counts."),
    "source": Field(ID, True, "The id of the source it comes from."),
    "note": Field(TEXT, False, "A caveat, e.g. not matched to a primary source."),
}
SITE_FIELDS = {
    "title": Field(TEXT, True, "The site's name."),
    "description": Field(TEXT, False, "One sentence for search engines and the home page."),
    "language": Field(LANGUAGE, False, "The pages' language, e.g. en or en-GB (default en)."),
    "base_url": Field(BASE_URL, False, "Where the site is published, e.g. https://user.github.io/repo/."),
    "as_of": Field(DATE, False, "The moment the explainer describes."),
    "as_of_label": Field(TEXT, False, 'How to say that moment ("late January 2022").'),
    "publisher": Field(TEXT, False, "Who publishes the explainer (shown in the footer)."),
    "question": Field(TEXT, False, "The question the explainer answers, on the home page."),
    "answer": Field(TEXT, False, "The short answer, under the question."),
    "takeaways": Field(TEXTS, False, "Key points for the home page."),
    "figures": Field(records_of(FIGURE_FIELDS), False, "Numbers at a glance, each from a source."),
    "allow_raw_html": Field(BOOL, False, "Let raw HTML in Markdown through (default false: shown as text)."),
    "topics": Field(LABELS, False, "Timeline tag id: label. When given, every tag must be one of them."),
    "custom_domain": Field(DOMAIN, False, "A domain of your own for GitHub Pages (writes CNAME)."),
    "social_image": Field(TEXT, False, "A file in static/ used as the share image."),
}
SOURCE_FIELDS = {
    "id": Field(ID, True, "Stable id, used in references: source:<id>."),
    "title": Field(TEXT, True, "Headline or document title."),
    "publisher": Field(TEXT, True, "Outlet or institution."),
    "date": Field(DATE, False, "Publication date, when known."),
    "url": Field(URL, False, "Only where the address is confirmed; never invent one."),
    "note": Field(TEXT, False, "Caveats about the source."),
    "archive": Field(
        ARCHIVE_PATH, False, "A copy of its text in the content folder (.txt, .md, .html): quotes are checked in it."
    ),
    "archived": Field(DATE, False, "The date that copy was taken."),
    "archive_url": Field(URL, False, "A public web archive's copy (e.g. web.archive.org), shown beside the link."),
}
ACTOR_FIELDS = {
    "id": Field(ID, True, "Stable id; the page is /actors/<id>/."),
    "name": Field(TEXT, True, "Display name."),
    "kind": Field(one_of(*ACTOR_KINDS), True, "What the actor is."),
    "role": Field(TEXT, False, "Role at the time of the story."),
    "summary": Field(TEXT, False, "One or two sentences of background, in your own words."),
    "affiliation": Field(ID, False, "The id of another actor: employer, country or alliance."),
    "aliases": Field(TEXTS, False, "Other names the story uses."),
}
QUOTE_FIELDS = {
    "id": Field(ID, True, "Stable id; the quote's anchor on /quotes/."),
    "speaker": Field(ID, True, "The id of the actor who said it."),
    "text": Field(TEXT, True, "The words, character for character as printed in the source."),
    "source": Field(ID, True, "The id of the source that printed it."),
    "context": Field(TEXT, False, "How it was said: told Insider, told reporters in December."),
    "date": Field(DATE, False, "When it was said, when known."),
    "kind": Field(one_of(*QUOTE_KINDS), False, "Full sentences, part of one, a fragment, or a pull-quote."),
    "sic": Field(TEXT, False, "A misprint inside the text, after which [sic] is shown."),
    "note": Field(TEXT, False, "An editorial note shown with the quote."),
}
EVENT_FIELDS = {
    "id": Field(ID, True, "Stable id; the event's anchor on /timeline/."),
    "date": Field(DATE_SPAN, True, "YYYY-MM-DD, YYYY-MM or YYYY, or a range start/end."),
    "title": Field(TEXT, True, "A one-line headline."),
    "summary": Field(TEXT, False, "A few sentences in your own words."),
    "actors": Field(IDS, False, "Ids of the actors involved (the timeline's filter)."),
    "tags": Field(IDS, False, "Topic ids (the timeline's filter)."),
    "sources": Field(IDS, False, "Ids of the sources for it."),
    "quotes": Field(IDS, False, "Ids of quotes said at or about it."),
    "key_moment": Field(TEXT, False, "A few words labelling a key moment on the timeline's overview."),
}
TERM_FIELDS = {
    "id": Field(ID, True, "Stable id; pages link it as term:<id>."),
    "term": Field(TEXT, True, "The word or phrase as readers see it."),
    "definition": Field(TEXT, True, "Plain text, in your own words: shown in place where pages use it."),
    "sources": Field(IDS, False, "Ids of the sources for it."),
}
MAP_FIELDS = {
    "id": Field(ID, True, "Stable id; pages embed the map with ::map[<id>]."),
    "title": Field(TEXT, True, "What the map shows, as a heading."),
    "description": Field(TEXT, False, "The map in a sentence, for its text alternative."),
    "categories": Field(LABELS, True, "Category id: legend label, in legend order."),
    "regions": Field(
        LABELS, True, "Actor id: category id. Each region is drawn with its actor's shape and links to it."
    ),
    "shapes": Field(LABELS, False, "Actor id: shape name, where Natural Earth names it otherwise (czechia: Czechia)."),
    "area": Field(AREA, False, "[west, south, east, north] in degrees; by default, around the regions."),
    "sources": Field(IDS, False, "Ids of the sources for what the map shows."),
    "note": Field(TEXT, False, "A caveat shown under the map."),
}
PAGE_FIELDS = {
    "title": Field(TEXT, True, "The page's title."),
    "description": Field(TEXT, False, "The lede, and the description for search engines."),
    "slug": Field(ID, False, "The page's URL segment; by default its file name."),
    "order": Field(INT, False, "Position in listings (then the title)."),
    "draft": Field(BOOL, False, "Built only with --drafts, and marked as a draft."),
    "date": Field(DATE, False, "First published."),
    "updated": Field(DATE, False, "Last substantive update."),
}

RECORD_FILES: dict[str, tuple[dict[str, Field], str, Callable[..., Any]]] = {
    "sources": (SOURCE_FIELDS, "source", Source),
    "actors": (ACTOR_FIELDS, "actor", Actor),
    "quotes": (QUOTE_FIELDS, "quote", Quote),
    "timeline": (EVENT_FIELDS, "event", Event),
    "glossary": (TERM_FIELDS, "term", Term),
    "maps": (MAP_FIELDS, "map", Map),
}
"""Record file name (without .yaml) -> its fields, what one record is called, its model class."""
assert tuple(RECORD_FILES) == RECORD_FILE_NAMES
