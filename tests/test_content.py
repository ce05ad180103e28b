"""The bundled explainer is true to its sources: quotes verbatim from the seed, dates from the fact sheet."""

from __future__ import annotations

import os

import pytest
import yaml

from factsite.content.load import load_site

from conftest import REPO

SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "000_37e496aa523941b2.txt"
FACTS = SHARED / "facts" / "facts.yaml"


@pytest.fixture(scope="module")
def site():
    return load_site(REPO / "content")


@pytest.fixture(scope="module")
def facts() -> dict:
    if not FACTS.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{FACTS} is missing")
        pytest.skip(f"the fact sheet is not beside this checkout ({FACTS})")
    return yaml.safe_load(FACTS.read_text(encoding="utf-8"))


def test_every_quote_is_verbatim_from_the_seed_article(site, facts) -> None:
    seed = SEED.read_text(encoding="utf-8")
    for quote in site.quotes:
        assert quote.text in seed, quote.id


def test_every_quotation_in_the_fact_sheet_is_published(site, facts) -> None:
    ours = {quote.text for quote in site.quotes}
    missing = [q["id"] for q in facts["quotes"] if q["text"] not in ours]
    assert missing == []


def test_every_quote_links_to_a_source_and_a_speaker(site) -> None:
    for quote in site.quotes:
        assert quote.source in site.source_by_id and quote.speaker in site.actor_by_id


def test_sic_marks_the_misprint_the_fact_sheet_flags(site) -> None:
    assert site.quote_by_id["daalder-big-line"].sic == "military involved"


def test_every_timeline_date_matches_the_fact_sheet(site, facts) -> None:
    fact_dates = {str(item["date"]) for item in facts["timeline"]}
    for event in site.events:
        written = event.date.start.iso + (f"/{event.date.end.iso}" if event.date.end else "")
        assert written in fact_dates, event.id


def test_the_timeline_spans_euromaidan_to_late_january_2022(site) -> None:
    assert site.events[0].date.start.iso == "2013-11-21"
    assert site.events[-1].date.start.iso.startswith("2022-01")


def test_no_event_after_the_articles_moment(site) -> None:
    assert all(event.date.latest.iso <= "2022-01-31" for event in site.events)


def test_source_urls_come_from_the_fact_sheet(site, facts) -> None:
    text = FACTS.read_text(encoding="utf-8")
    for source in site.sources:
        if source.url:
            assert source.url in text, source.id


def test_every_named_person_has_a_page_titled_with_their_name(site) -> None:
    people = {a.name for a in site.actors if a.kind == "person"}
    for name in (
        "Joe Biden",
        "Vladimir Putin",
        "Jens Stoltenberg",
        "Ivo Daalder",
        "Steven Pifer",
        "Andrew Lohsen",
        "Jeffrey Edmonds",
    ):
        assert name in people
