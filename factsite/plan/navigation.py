"""The main navigation: the home page, the explainers, and each generated section that exists."""

from __future__ import annotations

from dataclasses import dataclass

from .urls import Urls


@dataclass(frozen=True, slots=True)
class Sections:
    """Which generated sections exist (navigation shows only those)."""

    timeline: bool
    actors: bool
    quotes: bool
    glossary: bool
    sources: bool
    explainers: bool


EXPLAINERS = "#explainers"
"""The navigation entry of the explainers: their list on the home page."""


@dataclass(frozen=True, slots=True)
class NavLink:
    """A main-navigation entry: a generated section that exists, or the home page."""

    path: str
    """Site path ('' for home, 'timeline/'...): compared with the page's `current`."""
    label: str
    url: str


def navigation(has: Sections, urls: Urls) -> tuple[NavLink, ...]:
    sections = [
        ("", "Home", True),
        (EXPLAINERS, "Explainers", has.explainers),
        ("timeline/", "Timeline", has.timeline),
        ("actors/", "Who's who", has.actors),
        ("quotes/", "Quotes", has.quotes),
        ("glossary/", "Glossary", has.glossary),
        ("sources/", "Sources", has.sources),
    ]

    def link(path: str) -> str:
        return urls.url("") + path if path == EXPLAINERS else urls.url(path)

    return tuple(NavLink(path, label, link(path)) for path, label, shown in sections if shown)
