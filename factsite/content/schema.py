"""What each content file may hold: every field of every record kind, declared once. The loader
reads records with these declarations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .fields import (
    Field,
    list_of,
    mapping_of_labels,
    one_of,
    parse_base_url,
    parse_bool,
    parse_date,
    parse_date_span,
    parse_domain,
    parse_id,
    parse_int,
    parse_language,
    parse_text,
    parse_url,
)
from .files import RECORD_FILE_NAMES
from .model import ACTOR_KINDS, QUOTE_KINDS, Actor, Event, Quote, Source, Term

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
    "kind": Field(one_of(*ACTOR_KINDS), required=True),
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
    "kind": Field(one_of(*QUOTE_KINDS)),
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
