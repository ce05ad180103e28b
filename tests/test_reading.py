"""What readers see as pages load and as they use the timeline, in Debian's Chromium: nothing
shifts while scripts load, and the timeline filter never leaves a reader stranded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

# Adds up every layout shift not caused by the reader's own input, from the first paint on.
MEASURE_LAYOUT_SHIFT = """
window.layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.layoutShift += entry.value;
}).observe({ type: "layout-shift", buffered: true });
"""
READER_PAGES = ["", "timeline/", "quotes/", "actors/steven-pifer/", "article-5/", "glossary/"]


@pytest.fixture
def tab(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_nothing_shifts_as_the_page_and_its_scripts_load(browser: Any, base_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_init_script(MEASURE_LAYOUT_SHIFT)
    page = context.new_page()
    shifts = {}
    for path in READER_PAGES:
        page.goto(f"{base_url}/{path}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(200)
        shifts[path] = page.evaluate("window.layoutShift")
    context.close()
    assert shifts == dict.fromkeys(READER_PAGES, 0)


def test_without_javascript_the_controls_that_need_it_are_left_out(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base_url}/timeline/")
    assert page.locator("#site-search").is_hidden() and page.locator("#timeline-filter").is_hidden()
    assert page.locator(".timeline > li:visible").count() == page.locator(".timeline > li").count()
    context.close()


def shown_events(tab: Any) -> list[str]:
    return tab.eval_on_selector_all(".timeline > li:not([hidden])", "items => items.map(i => i.id)")


def test_a_filter_that_matches_nothing_offers_a_way_back(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}/timeline/")
    everything = shown_events(tab)
    assert tab.text_content("#filter-status") == f"Showing all {len(everything)} events."
    assert tab.locator("#filter-clear").is_hidden()
    tab.select_option("#filter-actor", "joe-biden")
    tab.select_option("#filter-topic", "crimea")
    assert shown_events(tab) == []
    assert tab.text_content("#filter-status") == "No events match both filters."
    tab.click("#filter-clear")
    assert shown_events(tab) == everything
    assert tab.url.endswith("/timeline/") and tab.locator("#filter-clear").is_hidden()
    assert tab.evaluate("document.activeElement.id") == "filter-actor"


def test_an_unknown_value_in_the_url_is_named(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}/timeline/?actor=nobody-we-know&topic=crimea")
    status = tab.text_content("#filter-status")
    assert "This timeline has no actor “nobody-we-know”" in status
    assert "Showing 4 of" in status and tab.input_value("#filter-topic") == "crimea"


def test_a_link_to_an_event_the_filter_hides_clears_the_filter_and_lands_on_it(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}/timeline/?actor=joe-biden#crimea-referendum")
    event = tab.locator("#crimea-referendum")
    assert event.is_visible() and tab.input_value("#filter-actor") == ""
    box = event.bounding_box()
    assert box is not None and 0 <= box["y"] < 740
    tab.select_option("#filter-actor", "joe-biden")
    tab.evaluate("location.hash = '#crimea-treaty-signed'")
    tab.locator("#crimea-treaty-signed").wait_for(state="visible")
    assert "actor=" not in tab.url


def search(tab: Any, query: str) -> None:
    tab.fill("#search-input", query)
    tab.locator("#search-count", has_text="result").wait_for()


def test_search_says_how_many_results_and_shows_them_all_eight_at_a_time(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}/")
    search(tab, "NATO")
    total = int(tab.text_content("#search-count").split()[0])
    assert total > 16 and tab.locator("#search-results > li").count() == 8
    while tab.locator("#search-more").is_visible():
        before = tab.locator("#search-results > li").count()
        tab.click("#search-more")
        tab.locator("#search-results > li").nth(before).wait_for()
        assert tab.evaluate(f"document.activeElement === document.querySelectorAll('#search-results a')[{before}]")
    assert tab.locator("#search-results > li").count() == total


def test_search_says_so_when_nothing_matches(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}/")
    search(tab, "zzyzx")
    assert tab.locator("#search-count").is_visible()
    assert tab.text_content("#search-count") == "No results for “zzyzx”."
    assert tab.locator("#search-results > li").count() == 0


def test_a_result_opens_at_the_passage_that_matches(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}/")
    search(tab, "eastern flank")
    link = tab.locator("#search-results a[href*='#']").first
    href = link.get_attribute("href")
    assert " › " in link.text_content()
    link.click()
    tab.wait_for_url(f"**{href}")
    box = tab.locator(f"#{href.split('#')[1]}").bounding_box()
    assert box is not None and -1 <= box["y"] < 740  # (scrolled to it)


def test_escape_or_a_click_elsewhere_closes_the_results(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}/")
    search(tab, "Article 5")
    tab.keyboard.press("Escape")
    assert tab.locator("#search-panel").is_hidden() and tab.input_value("#search-input") == "Article 5"
    tab.click("#search-input")
    assert tab.locator("#search-panel").is_visible()
    tab.click(".site-footer")
    assert tab.locator("#search-panel").is_hidden()


def test_excerpts_keep_words_apart(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}/")
    search(tab, "Kyiv")
    while tab.locator("#search-more").is_visible():
        tab.click("#search-more")
    excerpts = " ".join(tab.eval_on_selector_all("#search-results p", "ps => ps.map(p => p.textContent)"))
    assert "calledKyiv" not in excerpts and "Kyiv" in excerpts


@pytest.mark.parametrize("path", ["will-the-us-fight/", "article-5/", "what-the-west-will-do/", "pulled-in/"])
def test_every_term_definition_stays_inside_a_phone_screen(tab: Any, base_url: str, path: str) -> None:
    tab.goto(f"{base_url}/{path}")
    outside = []
    links = tab.locator(".term-link")
    assert links.count() > 0
    for index in range(links.count()):
        links.nth(index).focus()
        definition = tab.locator(".term-link:focus + .term-def")
        box = definition.bounding_box()
        assert box is not None
        if box["x"] < 0 or box["x"] + box["width"] > 375:
            outside.append((links.nth(index).text_content(), box["x"], box["width"]))
    assert outside == []


def test_a_tap_shows_a_definition_and_a_second_tap_opens_the_glossary(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
    phone = context.new_page()
    phone.goto(f"{base_url}/article-5/")
    href = phone.locator(".term-link").first.get_attribute("href")
    definition = phone.locator(".term-def").first
    phone.tap(".term-link >> nth=0")
    assert definition.is_visible() and phone.url.endswith("/article-5/")
    box = definition.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    phone.tap("h1")
    assert definition.is_hidden()
    phone.tap(".term-link >> nth=0")
    phone.tap(".term-link >> nth=0")
    phone.wait_for_url(f"**{href}")
    context.close()


def test_the_overview_has_a_mark_per_event_and_follows_the_filter(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}/timeline/")
    events = tab.eval_on_selector_all(".timeline > li", "items => items.map(i => i.id)")
    marks = tab.eval_on_selector_all(".overview-chart a", "marks => marks.map(m => m.getAttribute('href'))")
    assert marks == [f"#{event}" for event in events]
    assert tab.locator(".overview-chart a.is-out").count() == 0
    tab.select_option("#filter-actor", "joe-biden")
    shown = set(shown_events(tab))
    dimmed = tab.eval_on_selector_all(
        ".overview-chart a.is-out", "marks => marks.map(m => m.getAttribute('href').slice(1))"
    )
    assert set(dimmed) == set(events) - shown and shown
    years = tab.eval_on_selector_all(".overview-years a", "links => links.map(a => a.getAttribute('href'))")
    sections = tab.eval_on_selector_all(".timeline-year h2", "headings => headings.map(h => '#' + h.id)")
    assert years == sections


def test_on_a_phone_an_events_details_fold_and_open_on_a_tap(browser: Any, base_url: str) -> None:
    for width, folded in ((375, True), (1280, False)):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"{base_url}/timeline/#crimea-referendum")
        details = page.locator("#crimea-referendum .event-meta")
        assert details.is_hidden() == folded, width
        if folded:
            page.click("#crimea-referendum summary")
            assert details.is_visible() and "Russia" in details.text_content()
        context.close()


def test_the_starter_explainer_gets_the_same_without_a_shift(browser: Any, tmp_path: Path) -> None:
    """`init`'s starter (no map there): overview, series line and no layout shift as it loads."""
    from factsite.build import build_site
    from factsite.cli import main
    from factsite.options import BuildOptions

    from browser import serve_folder
    from conftest import REPO

    assert main(["init", str(tmp_path / "content")]) == 0
    build_site(BuildOptions(tmp_path / "content", REPO / "templates", REPO / "static", tmp_path / "_site"))
    context = browser.new_context(viewport={"width": 375, "height": 740})
    context.add_init_script(MEASURE_LAYOUT_SHIFT)
    page = context.new_page()
    with serve_folder(tmp_path / "_site") as url:
        shifts = {}
        for path in ["", "timeline/", "quotes/", "actors/joe-biden/", "article-5/"]:
            page.goto(f"{url}/{path}")
            page.wait_for_load_state("networkidle")
            shifts[path] = page.evaluate("window.layoutShift")
        assert shifts == dict.fromkeys(shifts, 0)
        page.goto(f"{url}/timeline/")
        assert page.locator(".overview-chart a").count() == page.locator(".timeline > li").count() == 2
        page.goto(f"{url}/article-5/")
        assert page.text_content(".series").startswith("Part 1 of 1")
    context.close()
