"""What a record reference in Markdown resolves to, and the interface that resolves it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

REFERENCE_KINDS = ("actor", "event", "quote", "source", "term", "page")
"""The kinds of record a Markdown link may name: `[text](actor:some-id)`."""
EMBED_KINDS = ("quote", "event", "map")
"""The kinds of record a line `::quote[some-id]` may embed as a card (or a map)."""


@dataclass(frozen=True, slots=True)
class Target:
    """What a record reference resolves to."""

    url: str
    """Site URL (base path included)."""
    definition: str = ""
    """For terms: the text shown in place."""


class Resolver:
    """What Markdown rendering needs from the site: record URLs and embedded cards' HTML."""

    def resolve(self, kind: str, record_id: str) -> Target | None:  # pragma: no cover - interface
        raise NotImplementedError

    def embed(self, kind: str, record_id: str) -> str | None:  # pragma: no cover - interface
        raise NotImplementedError

    def known_ids(self, kind: str) -> Collection[str]:
        """The ids of records of this kind: an unknown one's message suggests the closest."""
        return ()
