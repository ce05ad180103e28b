"""What readers get, checked in Debian's Chromium: filter, deep links, terms, no errors, axe, valid HTML."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from factsite.build import build_site
from factsite.options import BuildOptions

from browser import require_tool, serve_folder
from conftest import REPO, Project
from preview import edit, running_preview

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PAGE_KINDS = [
    "",
    "will-the-us-fight/",
    "timeline/",
    "actors/",
    "actors/ivo-daalder/",
    "quotes/",
    "glossary/",
    "sources/",
    "404.html",
]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture(scope="module")
def project_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The explainer as a GitHub Pages project site: built for /explainer/, served only there."""
    root = tmp_path_factory.mktemp("project-site")
    base = "https://example.github.io/explainer/"
    build_site(BuildOptions(REPO / "content", REPO / "templates", REPO / "static", root / "explainer", base_url=base))
    with serve_folder(root) as url:
        yield url + "/explainer/"


def test_search_finds_the_right_page_under_the_base_path(page: Any, project_site: str) -> None:
    page.goto(project_site + "article-5/")
    page.fill("#search-input", "Javelin")
    first = page.locator("#search-results li a").first
    first.wait_for()
    hrefs = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
    assert all(href.startswith("/explainer/") for href in hrefs), hrefs
    titles = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.textContent)")
    assert "Glossary" in " ".join(titles) or "How we got here" in " ".join(titles), titles
    assert page.locator("#search-results li p mark").count() > 0  # excerpts with the hit marked
    first.click()
    page.wait_for_load_state()
    assert page.url.startswith(project_site)


def test_without_javascript_the_search_box_is_hidden(browser: Any, project_site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(project_site)
    assert tab.locator("#site-search").is_hidden()
    context.close()


def visible_event_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all(".timeline > li:not([hidden])", "items => items.map(i => i.id)")


def test_filtering_the_timeline_by_an_actor_shows_only_their_events(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/timeline/")
    everything = visible_event_ids(page)
    page.select_option("#filter-actor", "joe-biden")
    shown = visible_event_ids(page)
    assert shown and len(shown) < len(everything)
    for event_id in shown:
        assert "joe-biden" in page.get_attribute(f"#{event_id}", "data-actors").split()
    assert "biden-rules-out-troops" in shown and "crimea-referendum" not in shown
    assert page.url.endswith("/timeline/?actor=joe-biden")
    assert page.text_content("#filter-status") == f"Showing {len(shown)} of {len(everything)} events."


def test_a_shared_filter_url_restores_the_filter(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/timeline/?actor=russia&topic=crimea")
    assert page.input_value("#filter-actor") == "russia"
    assert page.input_value("#filter-topic") == "crimea"
    shown = visible_event_ids(page)
    assert shown == ["crimea-buildings-seized", "crimea-referendum", "crimea-treaty-signed", "crimea-annexation-laws"]


def test_the_filter_works_from_the_keyboard(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/timeline/")
    page.focus("#filter-topic")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#filter-topic") != ""
    assert len(visible_event_ids(page)) < page.locator(".timeline > li").count()


def test_without_javascript_the_full_timeline_shows(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{base_url}/timeline/")
    assert tab.locator("#timeline-filter").is_hidden()
    assert tab.locator(".timeline > li").count() == len(visible_event_ids(tab)) > 30
    context.close()


def test_a_deep_link_lands_on_the_event(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/timeline/#biden-rules-out-troops")
    event = page.locator("#biden-rules-out-troops")
    assert event.evaluate("element => element.matches(':target')")
    box = event.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]


def test_a_glossary_definition_is_revealed_by_keyboard(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/article-5/")
    definition = page.locator(".term-def").first
    assert definition.is_hidden()
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('term-link')"):
            break
    else:
        pytest.fail("no term link reachable by Tab")
    described = page.evaluate(
        "document.getElementById(document.activeElement.getAttribute('aria-describedby')).textContent"
    )
    assert described.startswith("The collective-defence clause")
    focused_definition = page.locator(".term-link:focus + .term-def")
    assert focused_definition.is_visible()
    page.keyboard.press("Escape")
    assert focused_definition.is_hidden()


@pytest.mark.parametrize("path", PAGE_KINDS)
def test_pages_load_with_no_console_errors_and_no_third_party_requests(page: Any, base_url: str, path: str) -> None:
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{base_url}/{path}")
    page.wait_for_load_state("networkidle")
    assert errors == [] or (path == "404.html" and all("404" in e for e in errors))
    assert all(url.startswith(base_url) for url in requests), requests


def test_no_page_scrolls_sideways_on_a_320_px_phone(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    tab = context.new_page()
    too_wide = {}
    for path in PAGE_KINDS + ["timeline/?actor=joe-biden", "article-5/"]:
        tab.goto(f"{base_url}/{path}")
        width = tab.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide[path] = width
    context.close()
    assert too_wide == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_a_or_aa_violations(browser: Any, base_url: str, scheme: str) -> None:
    require_tool(AXE, "npm ci")
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)  # axe is injected as an inline script
    tab = context.new_page()
    report = {}
    for path in PAGE_KINDS:
        tab.goto(f"{base_url}/{path}")
        tab.add_script_tag(path=str(AXE))
        result = tab.evaluate(
            "async () => (await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})).violations"
        )
        if result:
            report[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result]
    context.close()
    assert report == {}, json.dumps(report, indent=1)


def test_every_page_is_valid_html(site: Path) -> None:
    require_tool(VNU, "npm ci")
    completed = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--skip-non-html", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]


def test_pages_and_assets_stay_light(site: Path) -> None:
    """Under 64 KB a page (the timeline, with 37 events, its overview and its JSON-LD, is the
    largest at about 62 KB), and under 16 KB as GitHub Pages sends it (gzip)."""
    import gzip

    pages = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*.html")}
    heavy = {name: len(data) for name, data in pages.items() if len(data) >= 64_000}
    assert heavy == {}
    sent = {name: len(gzip.compress(data)) for name, data in pages.items()}
    assert {name: size for name, size in sent.items() if size >= 16_000} == {}
    assets = sum(p.stat().st_size for p in (site / "static").iterdir() if p.suffix in (".css", ".js"))
    assert assets < 40_000


def test_the_preview_reloads_the_page_on_a_save_and_swaps_css_in_place(browser: Any, bundled: Project) -> None:
    """The preview's own script, in a real browser: a saved page reloads the tab; a saved
    stylesheet is swapped in without a reload, keeping the scroll position."""
    with running_preview(bundled) as (root, _):
        # Playwright's wait_for_function evaluates its predicate as a string, which the pages' policy refuses.
        context = browser.new_context(viewport={"width": 800, "height": 600}, bypass_csp=True)
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        sent: list[str] = []
        tab.on("websocket", lambda socket: socket.on("framesent", lambda payload: sent.append(str(payload))))

        def load_and_wait_until_registered(action: Any) -> None:
            sent.clear()
            action()
            deadline = time.monotonic() + 10
            while not any('"info"' in frame for frame in sent):  # the page now hears of every reload
                assert time.monotonic() < deadline, "the page never connected to the preview"
                tab.wait_for_timeout(20)
            tab.evaluate("window.notReloaded = true")

        load_and_wait_until_registered(lambda: tab.goto(f"{root}/article-5/"))
        edit(bundled.content / "pages" / "article-5.md", "## The clause", "## The clause itself")
        tab.wait_for_selector("#the-clause-itself")
        assert tab.evaluate("window.notReloaded === undefined"), "the page was reloaded"

        load_and_wait_until_registered(tab.reload)
        tab.evaluate("window.scrollTo(0, 400)")
        measure = "getComputedStyle(document.documentElement).getPropertyValue('--measure').trim()"
        assert tab.evaluate(measure) == "42rem"
        edit(bundled.root / "static" / "style.css", "--measure: 42rem;", "--measure: 40rem;")
        tab.wait_for_function(f"{measure} === '40rem'")
        assert tab.evaluate("window.notReloaded === true && window.scrollY === 400")
        context.close()


def test_the_starter_explainer_previews_clean_in_a_real_browser(browser: Any, tmp_path: Path) -> None:
    """`init` gives a site whose every page kind loads in the preview with no error shown."""
    import shutil

    from factsite.cli import main

    project = Project(tmp_path)
    shutil.rmtree(project.content)
    assert main(["init", str(project.content)]) == 0
    with running_preview(project) as (root, _):
        context = browser.new_context()
        tab = context.new_page()
        errors: list[str] = []
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))
        pages = ["", "article-5/", "timeline/", "actors/", "actors/joe-biden/", "quotes/", "glossary/", "sources/"]
        pages += ["embed/quote/biden-sacred-obligation/", "embed/event/biden-rules-out-troops/"]
        for path in pages:
            response = tab.goto(f"{root}/{path}")
            assert response is not None and response.status == 200, path
            assert tab.locator("#factsite-errors").count() == 0, path
        assert errors == []
        context.close()
