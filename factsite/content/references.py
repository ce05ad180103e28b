"""Whole-site rules: every reference between records names a record that exists."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from ..errors import Problem
from .model import Map, Origin, Site
from .shapes import shape_of, shapes


def check_references(
    site: Site, failed_ids: Mapping[str, set[str]], unloaded: Collection[str] = ()
) -> tuple[list[Problem], dict[str, int]]:
    """Problems with references between records, and how many references were left unchecked,
    by kind. A reference to a record that exists but failed validation (`failed_ids`, by kind) is
    not reported, nor one to a kind whose file did not load (`unloaded`): counted instead, as the
    problem to fix is in that record or file."""
    checker = _ReferenceChecker(failed_ids, unloaded)
    checker.check_config(site)
    checker.check_quotes(site)
    checker.check_events(site)
    for actor in site.actors:
        checker.need("actor", site.actor_by_id, actor.affiliation, actor.origin, "affiliation")
    for term in site.terms:
        for source_id in term.sources:
            checker.need("source", site.source_by_id, source_id, term.origin, "sources")
    for drawn in site.maps:
        checker.check_map(drawn, site)
    return checker.problems, checker.unchecked


class _ReferenceChecker:
    def __init__(self, failed_ids: Mapping[str, set[str]], unloaded: Collection[str]) -> None:
        self.failed_ids = failed_ids
        self.unloaded = unloaded
        self.problems: list[Problem] = []
        self.unchecked: dict[str, int] = {}

    def need(
        self, kind: str, ids: Mapping[str, Any], ref: str | None, origin: Origin, field_name: str, at: str = ""
    ) -> None:
        """Report `ref` (a `kind` id in the field `field_name`, written at the key `at` if not
        at the field's own line) if no record has it."""
        if ref is None or ref in ids or ref in self.failed_ids.get(kind, ()):
            return
        if kind in self.unloaded:
            self.unchecked[kind] = self.unchecked.get(kind, 0) + 1
            return
        hint = did_you_mean(ref, ids) or f"; add it to the {kind} list or fix the id"
        message = f"field '{field_name}': unknown {kind} '{ref}'{hint}"
        self.problems.append(Problem(origin.path, origin.line_of(at or field_name), message, "unknown-reference"))

    def check_config(self, site: Site) -> None:
        for figure in site.config.figures:
            self.need("source", site.source_by_id, figure.source, figure.origin, "source")

    def check_map(self, drawn: Map, site: Site) -> None:
        """Every region an actor, in a category the map declares; every source known."""
        if len(drawn.categories) > 6:
            message = f"field 'categories': a map shows six categories at most, not {len(drawn.categories)}"
            self.problems.append(Problem(drawn.origin.path, drawn.origin.line_of("categories"), message, "field-value"))
        named, categories, regions = dict(drawn.shapes), dict(drawn.categories), dict(drawn.regions)
        for actor_id, category in drawn.regions:
            region = f"regions.{actor_id}"
            self.need("actor", site.actor_by_id, actor_id, drawn.origin, "regions", at=region)
            actor = site.actor_by_id.get(actor_id)
            shape = shape_of(actor_id, actor.name, named) if actor else None
            if shape is not None and shape not in shapes():
                hint = did_you_mean(shape, shapes()) or ""
                message = f"field 'regions': no shape named '{shape}' for {actor_id}{hint}; name it in 'shapes'"
                where = drawn.origin.line_of(f"shapes.{actor_id}" if actor_id in named else region)
                self.problems.append(Problem(drawn.origin.path, where, message, "unknown-reference"))
            if category not in categories:
                hint = did_you_mean(category, categories) or "; add it to 'categories'"
                message = (
                    f"field 'regions': {actor_id}'s category '{category}' is not one of the map's categories{hint}"
                )
                self.problems.append(
                    Problem(drawn.origin.path, drawn.origin.line_of(region), message, "unknown-reference")
                )
        for actor_id, _ in drawn.shapes:
            if actor_id not in regions:
                message = f"field 'shapes': '{actor_id}' is not one of the map's regions"
                where = drawn.origin.line_of(f"shapes.{actor_id}")
                self.problems.append(Problem(drawn.origin.path, where, message, "unknown-reference"))
        for source_id in drawn.sources:
            self.need("source", site.source_by_id, source_id, drawn.origin, "sources")

    def check_quotes(self, site: Site) -> None:
        for quote in site.quotes:
            self.need("actor", site.actor_by_id, quote.speaker, quote.origin, "speaker")
            self.need("source", site.source_by_id, quote.source, quote.origin, "source")
            if quote.sic and quote.sic not in quote.text:
                message = f"field 'sic': {quote.sic!r} does not occur in the quote's text"
                self.problems.append(Problem(quote.origin.path, quote.origin.line_of("sic"), message, "sic-mismatch"))

    def check_events(self, site: Site) -> None:
        topics = dict(site.config.topics)
        for event in site.events:
            for tag in event.tags if topics else ():
                if tag not in topics:
                    hint = did_you_mean(tag, topics)
                    message = f"field 'tags': unknown topic '{tag}'{hint}; topics are listed in site.yaml"
                    line = event.origin.line_of("tags")
                    self.problems.append(Problem(event.origin.path, line, message, "unknown-topic"))
            for actor_id in event.actors:
                self.need("actor", site.actor_by_id, actor_id, event.origin, "actors")
            for source_id in event.sources:
                self.need("source", site.source_by_id, source_id, event.origin, "sources")
            for quote_id in event.quotes:
                self.need("quote", site.quote_by_id, quote_id, event.origin, "quotes")


def unchecked_notes(unloaded: Mapping[str, str], unchecked: Mapping[str, int]) -> list[Problem]:
    """A note at each record file that did not load, saying how many references to its records
    elsewhere were not checked (each would otherwise be one more 'unknown' error)."""
    notes = []
    for kind, path in unloaded.items():
        count = unchecked.get(kind, 0)
        if count:
            what = f"{count} reference{'s' if count != 1 else ''} to {kind}s in other files"
            message = f"{what} could not be checked, as this file did not load"
            notes.append(Problem(path, 1, message, "references-not-checked"))
    return notes


def did_you_mean(ref: str, ids: Collection[str]) -> str:
    """'; did you mean 'x'?' for the known id closest to `ref`, or ''."""
    import difflib  # (only for a mistake)

    match = difflib.get_close_matches(ref, list(ids), n=1)
    return f"; did you mean '{match[0]}'?" if match else ""
