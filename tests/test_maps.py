"""Maps as content: regions are actors drawn from Natural Earth's shapes, Crimea on its own, each a
link to its actor's page, the same said in words beside it; mistakes are located errors."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from factsite.content.shapes import ring_contains, shapes
from factsite.plan.geometry import Frame, clipped

from conftest import Project

IN_CRIMEA = (34.1, 45.3)
IN_UKRAINE = (31.0, 49.0)


def test_crimea_is_a_shape_of_its_own_not_part_of_russia_or_ukraine() -> None:
    def holds(name: str, point: tuple[float, float]) -> bool:
        return any(ring_contains(polygon[0], point) for polygon in shapes()[name])

    assert holds("Crimea", IN_CRIMEA)
    assert not holds("Russia", IN_CRIMEA) and not holds("Ukraine", IN_CRIMEA)
    assert holds("Ukraine", IN_UKRAINE)


def test_a_shape_is_cut_to_the_frame() -> None:
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
    assert sorted(clipped(square, 2, 2, 5, 5)) == [(2, 2), (2, 5), (5, 2), (5, 5)]
    assert clipped(square, 20, 20, 30, 30) == []
    frame = Frame(0, 0, 10, 10, width=100)
    assert frame.path([[square]]).startswith("M0 ") and frame.path([[[(50.0, 50.0), (51.0, 50.0), (51, 51)]]]) == ""


class _Figure(HTMLParser):
    """The map's drawing and words, as a reader's browser gets them."""

    def __init__(self) -> None:
        super().__init__()
        self.svg: dict[str, str | None] = {}
        self.regions: list[tuple[str, str]] = []
        self.listed: list[str] = []
        self.in_legend = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "svg" and "map-drawing" in (values.get("class") or ""):
            self.svg = values
        if tag == "a" and "map-region" in (values.get("class") or ""):
            self.regions.append((values["href"] or "", values["aria-label"] or ""))
        if tag == "ul" and values.get("class") == "map-legend":
            self.in_legend = True
        if tag == "a" and self.in_legend:
            self.listed.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul":
            self.in_legend = False


def read_map(html: str) -> _Figure:
    figure = _Figure()
    figure.feed(html[html.index('<figure class="map"') : html.index("</figure>", html.index('<figure class="map"'))])
    return figure


@pytest.mark.parametrize("page", ["index.html", "article-5/index.html"])
def test_the_bundled_map_links_every_region_and_says_the_same_in_words(
    bundled: Project, capsys: pytest.CaptureFixture[str], page: str
) -> None:
    assert bundled.run("build", capsys=capsys).code == 0
    html = bundled.page(page)
    figure = read_map(html)
    assert figure.svg["role"] == "group"
    assert figure.svg["aria-labelledby"] and figure.svg["aria-describedby"]
    assert '<h3 class="map-title" id="map-who-article-5-covers-title">Who Article 5 covers</h3>' in html
    regions = dict(figure.regions)
    assert len(regions) == 28 and sorted(regions) == sorted(figure.listed)
    assert regions["/actors/poland/"] == "Poland: NATO member, covered by Article 5"
    assert regions["/actors/ukraine/"] == "Ukraine: NATO partner, not a member and not covered"
    assert regions["/actors/crimea/"].startswith("Crimea: Crimea, annexed by Russia in 2014")
    assert "Shapes: Natural Earth (public domain)." in html and 'href="/sources/#nato-members-january-2022"' in html


MAPS = """
- id: alliance
  title: The alliance
  categories:
    member: Member
  regions:
    poland: member
"""


@pytest.fixture
def mapped(project: Project) -> Project:
    project.write(
        "actors.yaml",
        "- id: poland\n  name: Poland\n  kind: country\n- id: czechia\n  name: Czech Republic\n  kind: country\n",
    )
    project.write("maps.yaml", MAPS)
    project.write("pages/map.md", "---\ntitle: Map\n---\n\n::map[alliance]\n")
    return project


def test_a_map_around_its_regions_builds(mapped: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert mapped.run("build", capsys=capsys).code == 0
    figure = read_map(mapped.page("map/index.html"))
    assert figure.regions == [("/actors/poland/", "Poland: Member")]
    width, height = (int(n) for n in figure.svg["viewbox"].split()[2:])  # type: ignore[union-attr]
    assert width == 720 and 0.6 < height / width < 1.4  # (one degree around Poland)


@pytest.mark.parametrize(
    ("old", "new", "line", "complaint"),
    [
        ("    poland: member", "    poland: member\n    polnad: member", 7, "unknown actor 'polnad'; did you mean"),
        (
            "    poland: member",
            "    poland: members",
            6,
            "category 'members' is not one of the map's categories; did you mean 'member'?",
        ),
        ("    poland: member", "    poland: member\n    czechia: member", 7, "no shape named 'Czech Republic'"),
        (
            "    poland: member",
            "    poland: member\n    czechia: member\n  shapes:\n    poland: Poland\n    czechia: Czechland",
            10,
            "no shape named 'Czechland' for czechia",
        ),
        ("  title: The alliance", "  title: The alliance\n  area: [30, 50, 20, 60]", 3, "is not a box"),
    ],
)
def test_a_mistake_in_a_map_is_an_error_at_its_line(
    mapped: Project, capsys: pytest.CaptureFixture[str], old: str, new: str, line: int, complaint: str
) -> None:
    maps = mapped.content / "maps.yaml"
    maps.write_text(maps.read_text().replace(old, new))
    result = mapped.run("check", capsys=capsys)
    assert result.code == 1
    assert f"{maps}:{line}: " in result.err and complaint in result.err, result.err


def test_a_shape_named_otherwise_is_given_in_shapes(mapped: Project, capsys: pytest.CaptureFixture[str]) -> None:
    maps = mapped.content / "maps.yaml"
    maps.write_text(maps.read_text() + "    czechia: member\n  shapes:\n    czechia: Czechia\n")
    assert mapped.run("build", capsys=capsys).code == 0
    assert ("/actors/czechia/", "Czech Republic: Member") in read_map(mapped.page("map/index.html")).regions


def test_embedding_an_unknown_map_names_the_closest(mapped: Project, capsys: pytest.CaptureFixture[str]) -> None:
    (mapped.content / "pages" / "map.md").write_text("---\ntitle: Map\n---\n\n::map[aliance]\n")
    result = mapped.run("check", capsys=capsys)
    assert result.code == 1 and "unknown map 'aliance'; did you mean 'alliance'?" in result.err


@pytest.mark.browser
def test_regions_take_keyboard_focus_visibly_and_lead_to_their_page(browser: Any, base_url: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base_url}/article-5/")
    region = page.locator('.map-region[href="/actors/ukraine/"]')
    region.focus()
    stroke = region.locator("path").evaluate("path => getComputedStyle(path).strokeWidth")
    assert stroke == "3px"
    page.keyboard.press("Enter")
    page.wait_for_url("**/actors/ukraine/")
    page.close()


def test_the_map_is_light_enough_to_embed(site: Path) -> None:
    html = (site / "index.html").read_text()
    drawing = re.search(r'<svg class="map-drawing".*?</svg>', html, re.DOTALL)
    assert drawing is not None and len(drawing.group()) < 30_000
