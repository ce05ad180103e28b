"""Record cards (`_cards.html`): each made once for a record and shown alike on every page that
shows it; the preview keeps them until the record, or the template, changes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from factsite.content.load import load_site
from factsite.options import BuildOptions
from factsite.plan.urls import Urls
from factsite.plan.views import build_views
from factsite.preview.rebuild import Rebuilder
from factsite.render.cards import Cards
from factsite.render.renderer import make_environment

from conftest import Project, snapshot

COUNTING_CARDS = """\
{% macro quote_card(quote) %}[{{ made() }}] {{ quote.speaker.name }}{% endmacro %}
{% macro event_card(event, heading_level=3) %}[{{ made() }}] h{{ heading_level }} {{ event.title }}{% endmacro %}
"""


@pytest.fixture
def counted(tmp_path: Path) -> tuple[Path, list[int]]:
    """A templates folder whose cards number themselves in the order they are made."""
    calls: list[int] = []
    (tmp_path / "cards").mkdir()
    (tmp_path / "cards" / "_cards.html").write_text(COUNTING_CARDS)
    return tmp_path / "cards", calls


def test_each_card_is_made_once_per_record_and_heading_level(bundled: Project, counted) -> None:
    templates, calls = counted
    env = make_environment(templates, Urls(""), {})
    env.globals["made"] = lambda: calls.append(1) or len(calls)
    views = build_views(load_site(bundled.content), Urls(""))
    cards = Cards()
    cards.start(env, views)
    quote, event = views.quotes[0], views.events[0]
    first = cards.quote_card(quote)
    assert cards.quote_card(quote) == first == f"[1] {quote.speaker.name}"
    assert cards.event_card(event, 2) == f"[2] h2 {event.title}"
    assert cards.event_card(event, 3) == f"[3] h3 {event.title}"
    assert cards.event_card(event, 2) == f"[2] h2 {event.title}"


def test_kept_cards_are_made_again_when_the_template_or_the_records_change(bundled: Project, counted) -> None:
    templates, calls = counted
    env = make_environment(templates, Urls(""), {})
    env.globals["made"] = lambda: calls.append(1) or len(calls)
    site = load_site(bundled.content)
    views = build_views(site, Urls(""))
    cards = Cards()
    cards.start(env, views)
    quote = views.quotes[0]
    assert cards.quote_card(quote).startswith("[1]")
    cards.start(env, views)  # the next build, nothing changed: the card is kept
    assert cards.quote_card(quote).startswith("[1]")
    (templates / "_cards.html").write_text(COUNTING_CARDS.replace("] {{", "] Said by {{"))
    env = make_environment(templates, Urls(""), {})  # the preview's, made again for an edited template
    env.globals["made"] = lambda: calls.append(1) or len(calls)
    cards.start(env, views)
    assert cards.quote_card(quote) == f"[2] Said by {quote.speaker.name}"
    rebuilt = build_views(site, Urls("https://example.org/other/"))  # other URLs: other views
    cards.start(env, rebuilt)
    assert cards.quote_card(rebuilt.quotes[0]).startswith("[3]")
    assert cards.made and all(key[1] == id(rebuilt.quotes[0]) for key in cards.made)  # the old views let go


def test_every_page_shows_a_records_card_alike(bundled: Project, capsys) -> None:
    assert bundled.run("build", "--no-search", capsys=capsys).code == 0
    quotes = bundled.page("quotes/index.html")
    card = re.search(r'<li id="daalder-anything-possible"><figure .*?</figure>', quotes, re.S)
    assert card is not None
    figure = card.group(0).removeprefix('<li id="daalder-anything-possible">')
    assert figure in bundled.page("actors/ivo-daalder/index.html")
    assert figure in bundled.page("embed/quote/daalder-anything-possible/index.html")


def test_templates_that_import_the_card_macros_themselves_build_the_same_site(bundled: Project, capsys) -> None:
    assert bundled.run("build", "--no-search", capsys=capsys).code == 0
    expected = snapshot(bundled.out)
    for name, call in (("timeline.html", "event_card(event, heading_level)"), ("quotes.html", "quote_card(quote)")):
        path = bundled.root / "templates" / name
        text = path.read_text().replace("{{ " + call, "{{ cards." + call)
        path.write_text(text.replace("{% block main %}", '{% block main %}{% import "_cards.html" as cards %}', 1))
    assert bundled.run("build", "--no-search", capsys=capsys).code == 0
    assert snapshot(bundled.out) == expected


def test_a_mistake_in_a_card_is_reported_at_its_line(bundled: Project, capsys) -> None:
    cards = bundled.root / "templates" / "_cards.html"
    lines = cards.read_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if '<article class="event-card">' in text)
    card = '<article class="event-card">'
    cards.write_text(cards.read_text().replace(card, card + "{{ nope.x }}"))
    result = bundled.run("build", capsys=capsys)
    assert result.code == 1
    assert f"{cards}:{line}: template error: 'nope' is undefined" in result.err


def test_the_preview_shows_a_renamed_actor_on_every_card(bundled: Project, tmp_path: Path) -> None:
    options = BuildOptions(
        bundled.content, bundled.root / "templates", bundled.root / "static", tmp_path / "preview", search=False
    )
    builder = Rebuilder(options)
    builder.build()
    actors = bundled.content / "actors.yaml"
    actors.write_text(actors.read_text().replace("name: Joe Biden", "name: President Joe Biden", 1))
    report = builder.build([actors])
    assert "timeline/index.html" in report.changed and "quotes/index.html" in report.changed
    timeline = (tmp_path / "preview" / "timeline" / "index.html").read_text()
    quotes = (tmp_path / "preview" / "quotes" / "index.html").read_text()
    assert ">Joe Biden<" not in timeline and ">President Joe Biden<" in timeline
    assert "Joe Biden: " not in quotes.replace("President Joe Biden: ", "")
    assert ">President Joe Biden</a>" in quotes
