"""The record cards (the macros in `_cards.html`) that list pages show, each rendered once for a
record's view.

A big site's timeline and quotes page show thousands of cards. A card shows nothing but its view
(through the templates), so the preview keeps its HTML by the view's identity from one build to
the next, where a view equal to the last build's is the same object (see plan.views.build_views):
renaming an actor renders again only the cards that name it. A one-off build keeps nothing (at
10,000 pages the cards took 20 to 35 MB more for almost no time saved), and a card shown alone,
on an embed page or in Markdown, calls the macro itself.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from ..plan.views import EventView, QuoteView, Views

CARDS_TEMPLATE = "_cards.html"


class Cards:
    """`event_card(event, heading_level)` and `quote_card(quote)`, the environment's globals, each
    card kept once made if `keep`. `start` comes before each build.

    An environment's `_cards.html` never changes (the preview makes a new environment when any
    template does), so the cards kept are good for as long as the environment is the same."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep
        self.env: jinja2.Environment | None = None
        self.macros: Any = None
        """`_cards.html` as a module, looked up at the first card (a site's templates may not
        have it)."""
        self.made: dict[tuple[str, int, tuple[Any, ...]], tuple[object, Markup]] = {}
        """(macro, id of the view, other arguments) -> (the view, kept so that its id stays its
        own, and its card)."""

    def start(self, env: jinja2.Environment, views: Views) -> None:
        """Before a build: give `env` the card functions, and let go of the cards of views the
        site no longer has."""
        if env is not self.env:
            self.env, self.macros, self.made = env, None, {}
            env.globals.update(event_card=self.event_card, quote_card=self.quote_card)
        if self.made:
            live = {id(view) for view in views.events} | {id(view) for view in views.quotes}
            self.made = {key: made for key, made in self.made.items() if key[1] in live}

    def event_card(self, event: EventView, heading_level: int = 3) -> Markup:
        return self._card("event_card", event, heading_level)

    def quote_card(self, quote: QuoteView) -> Markup:
        return self._card("quote_card", quote)

    def _card(self, macro: str, view: object, *arguments: Any) -> Markup:
        if self.macros is None:
            assert self.env is not None, "Cards.start comes first"
            self.macros = self.env.get_template(CARDS_TEMPLATE).module
        if not self.keep:
            return Markup(getattr(self.macros, macro)(view, *arguments))
        key = (macro, id(view), arguments)
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = (view, Markup(getattr(self.macros, macro)(view, *arguments)))
        return made[1]
