"""Data other newsrooms can reuse: the whole model as JSON (with its JSON Schema) and a
TimelineJS3 file that Knight Lab's viewer loads as is (its text fields are HTML, so escaped)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from html import escape
from typing import Any

from ..content.model import ACTOR_KINDS, QUOTE_KINDS, Actor, Event, Map, PartialDate, Quote, Site, Source, Term
from .urls import Urls

SCHEMA_URL_PATH = "data/explainer.schema.json"


class RecordLines:
    """Records' JSON lines, by the record each was made from. A plan made from an earlier one (the
    preview's) takes that one's lines over, so after an edit the data files are made again from
    the records that changed, not from every record."""

    def __init__(self, urls: Urls, earlier: RecordLines | None = None) -> None:
        self.urls = urls
        self.earlier = earlier.lines if earlier is not None and earlier.urls == urls else {}
        self.lines: dict[tuple[str, str], tuple[object, _Json]] = {}

    def line(self, kind: str, record_id: str, made_from: object, make: Callable[[], Any]) -> _Json:
        """The line of a record (`made_from`: what `make` makes it from)."""
        key = (kind, record_id)
        known = self.lines.get(key) or self.earlier.get(key)
        if known is None or (known[0] is not made_from and known[0] != made_from):
            known = (made_from, _Json(_compact(make())))
        self.lines[key] = known
        return known[1]


class _Json(str):
    """Text already encoded as JSON."""


def _dump(data: dict[str, Any]) -> bytes:
    """One record per line: readable, diff-friendly, and written by json's C encoder (an
    indented dump runs its pure-Python one, ten times slower on a big archive)."""
    lines = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n".join(item if isinstance(item, _Json) else _compact(item) for item in value)
            lines.append(f"{_compact(key)}: [\n{items}\n]")
        else:
            lines.append(f"{_compact(key)}: {_compact(value)}")
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")


def _compact(value: Any) -> str:
    return _ENCODER.encode(value)


_ENCODER = json.JSONEncoder(ensure_ascii=False)
"""json.dumps with an option makes an encoder per call: a tenth of the time of a small record."""


def _date(date: PartialDate | None) -> str | None:
    return None if date is None else date.iso


def explainer_json(site: Site, urls: Urls, lines: RecordLines | None = None) -> bytes:
    """Every record with its URL; ids are the same ones authors use in Markdown references."""
    config = site.config
    lines = lines or RecordLines(urls)
    data = {
        "$schema": urls.absolute(SCHEMA_URL_PATH),
        "site": {
            "title": config.title,
            "description": config.description,
            "language": config.language,
            "url": urls.absolute(""),
            "as_of": _date(config.as_of),
            "as_of_label": config.as_of_label,
            "publisher": config.publisher,
        },
        "actors": [lines.line("actor", a.id, a, partial(_actor, a, urls)) for a in site.actors],
        "quotes": [
            lines.line("quote", q.id, (q, site.source_by_id[q.source]), partial(_quote, q, site, urls))
            for q in site.quotes
        ],
        "events": [lines.line("event", e.id, e, partial(_event, e, urls)) for e in site.events],
        "sources": [lines.line("source", s.id, s, partial(_source, s)) for s in site.sources],
        "terms": [lines.line("term", t.id, t, partial(_term, t, urls)) for t in site.terms],
        "maps": [lines.line("map", m.id, m, partial(_map, m)) for m in site.maps],
    }
    return _dump(data)


def _actor(actor: Actor, urls: Urls) -> dict[str, Any]:
    return {
        "id": actor.id,
        "name": actor.name,
        "kind": actor.kind,
        "role": actor.role,
        "summary": actor.summary,
        "affiliation": actor.affiliation,
        "aliases": list(actor.aliases),
        "url": urls.absolute(f"actors/{actor.id}/"),
    }


def _quote(quote: Quote, site: Site, urls: Urls) -> dict[str, Any]:
    source = site.source_by_id[quote.source]
    return {
        "id": quote.id,
        "speaker": quote.speaker,
        "text": quote.text,
        "context": quote.context,
        "date": _date(quote.date),
        "kind": quote.kind,
        "sic": quote.sic or None,
        "note": quote.note,
        "source": quote.source,
        "verified_against_archive": _date(source.archived) if source.archive else None,
        "url": urls.absolute(f"quotes/#{quote.id}"),
    }


def _event(event: Event, urls: Urls) -> dict[str, Any]:
    return {
        "id": event.id,
        "start": event.date.start.iso,
        "end": _date(event.date.end),
        "title": event.title,
        "summary": event.summary,
        "actors": list(event.actors),
        "tags": list(event.tags),
        "sources": list(event.sources),
        "quotes": list(event.quotes),
        "key_moment": event.key_moment or None,
        "url": urls.absolute(f"timeline/#{event.id}"),
    }


def _source(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "title": source.title,
        "publisher": source.publisher,
        "date": _date(source.date),
        "url": source.url,
        "note": source.note,
        "archived": _date(source.archived),
        "archive_url": source.archive_url,
    }


def _term(term: Term, urls: Urls) -> dict[str, Any]:
    return {
        "id": term.id,
        "term": term.term,
        "definition": term.definition,
        "sources": list(term.sources),
        "url": urls.absolute(f"glossary/#{term.id}"),
    }


def _map(map_: Map) -> dict[str, Any]:
    """A map as its records say it (the shapes are Natural Earth's; see content.shapes)."""
    return {
        "id": map_.id,
        "title": map_.title,
        "description": map_.description,
        "categories": [{"id": category, "label": label} for category, label in map_.categories],
        "regions": [{"actor": actor, "category": category} for actor, category in map_.regions],
        "area": list(map_.area) if map_.area else None,
        "sources": list(map_.sources),
        "note": map_.note,
    }


_ID = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
_DATE = {"type": "string", "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}
_OPTIONAL_DATE = {"oneOf": [_DATE, {"type": "null"}]}
_OPTIONAL_URL = {"oneOf": [{"type": "string", "pattern": "^https?://"}, {"type": "null"}]}
_TEXT = {"type": "string"}
_IDS = {"type": "array", "items": _ID, "uniqueItems": True}


def _record(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _list_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


_SITE_SCHEMA = _record(
    {
        "title": _TEXT,
        "description": _TEXT,
        "language": _TEXT,
        "url": _TEXT,
        "as_of": _OPTIONAL_DATE,
        "as_of_label": _TEXT,
        "publisher": _TEXT,
    },
    ["title", "url"],
)
_ACTOR_SCHEMA = _record(
    {
        "id": _ID,
        "name": _TEXT,
        "kind": {"enum": list(ACTOR_KINDS)},
        "role": _TEXT,
        "summary": _TEXT,
        "affiliation": {"oneOf": [_ID, {"type": "null"}]},
        "aliases": {"type": "array", "items": _TEXT},
        "url": _TEXT,
    },
    ["id", "name", "kind", "url"],
)
_QUOTE_SCHEMA = _record(
    {
        "id": _ID,
        "speaker": _ID,
        "text": {"type": "string", "minLength": 1},
        "context": _TEXT,
        "date": _OPTIONAL_DATE,
        "kind": {"enum": list(QUOTE_KINDS)},
        "sic": {"type": ["string", "null"]},
        "note": _TEXT,
        "source": _ID,
        "verified_against_archive": {
            **_OPTIONAL_DATE,
            "description": "When the copy of the source this quote was found in, word for word, was taken",
        },
        "url": _TEXT,
    },
    ["id", "speaker", "text", "source", "url"],
)
_EVENT_SCHEMA = _record(
    {
        "id": _ID,
        "start": _DATE,
        "end": _OPTIONAL_DATE,
        "title": _TEXT,
        "summary": _TEXT,
        "actors": _IDS,
        "tags": _IDS,
        "sources": _IDS,
        "quotes": _IDS,
        "key_moment": {"type": ["string", "null"], "description": "Its label on the timeline's overview"},
        "url": _TEXT,
    },
    ["id", "start", "title", "url"],
)
_SOURCE_SCHEMA = _record(
    {
        "id": _ID,
        "title": _TEXT,
        "publisher": _TEXT,
        "date": _OPTIONAL_DATE,
        "url": _OPTIONAL_URL,
        "note": _TEXT,
        "archived": _OPTIONAL_DATE,
        "archive_url": _OPTIONAL_URL,
    },
    ["id", "title", "publisher"],
)
_MAP_SCHEMA = _record(
    {
        "id": _ID,
        "title": _TEXT,
        "description": _TEXT,
        "categories": _list_of(_record({"id": _ID, "label": _TEXT}, ["id", "label"])),
        "regions": _list_of(
            {**_record({"actor": _ID, "category": _ID}, ["actor", "category"]), "description": "An actor's country"}
        ),
        "area": {
            "oneOf": [{"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4}, {"type": "null"}],
            "description": "West, south, east, north, in degrees",
        },
        "sources": _IDS,
        "note": _TEXT,
    },
    ["id", "title", "categories", "regions"],
)
_TERM_SCHEMA = _record(
    {"id": _ID, "term": _TEXT, "definition": _TEXT, "sources": _IDS, "url": _TEXT},
    ["id", "term", "definition", "url"],
)


def explainer_schema(urls: Urls) -> bytes:
    """JSON Schema (2020-12) for explainer.json."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": urls.absolute(SCHEMA_URL_PATH),
        "title": "Fact-checked explainer data (factsite)",
        "type": "object",
        "required": ["site", "actors", "quotes", "events", "sources", "terms", "maps"],
        "additionalProperties": False,
        "properties": {
            "$schema": _TEXT,
            "site": _SITE_SCHEMA,
            "actors": _list_of(_ACTOR_SCHEMA),
            "quotes": _list_of(_QUOTE_SCHEMA),
            "events": _list_of(_EVENT_SCHEMA),
            "sources": _list_of(_SOURCE_SCHEMA),
            "terms": _list_of(_TERM_SCHEMA),
            "maps": _list_of(_MAP_SCHEMA),
        },
    }
    return (json.dumps(schema, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _timelinejs_date(date: PartialDate) -> dict[str, str]:
    parts = {"year": str(date.year)}
    if date.month is not None:
        parts["month"] = str(date.month)
    if date.day is not None:
        parts["day"] = str(date.day)
    return parts


def timelinejs_json(site: Site, urls: Urls, lines: RecordLines | None = None) -> bytes:
    """Knight Lab TimelineJS3 JSON: a title slide and one slide per event."""
    lines = lines or RecordLines(urls)
    actor_names = {a.id: a.name for a in site.actors}
    events = []
    for event in site.events:
        names = tuple(actor_names[a] for a in event.actors)
        events.append(lines.line("slide", event.id, (event, names), partial(_slide, event, names)))
    title = {"text": {"headline": escape(site.config.title), "text": escape(site.config.description)}}
    return _dump({"title": title, "events": events})


def _slide(event: Event, actor_names: tuple[str, ...]) -> dict[str, Any]:
    slide: dict[str, Any] = {
        "unique_id": event.id,
        "start_date": _timelinejs_date(event.date.start),
        "text": {"headline": escape(event.title), "text": escape(event.summary)},
    }
    if event.date.end is not None:
        slide["end_date"] = _timelinejs_date(event.date.end)
    if event.tags:
        slide["group"] = event.tags[0]
    if actor_names:
        slide["text"]["text"] += escape(" (" + ", ".join(actor_names) + ")")
    return slide
