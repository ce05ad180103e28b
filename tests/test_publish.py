"""Publishing: GitHub Pages under a project path, and what search engines, feeds and other
newsrooms read (sitemap, Atom, JSON-LD, TimelineJS, the model JSON), all checked for real."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree

import jsonschema
import pytest

from factsite.build import build_site
from factsite.check.links import scan_page
from factsite.cli import main
from factsite.content.load import load_site
from factsite.options import BuildOptions

from browser import serve_folder
from conftest import REPO, Project
from preview import fetch

BASE = "https://example.github.io/explainer/"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SCHEMA_TYPES = {"WebSite", "Article", "Person", "Organization", "Country", "Place", "Quotation", "Event"}
SCHEMA_TYPES |= {"CollectionPage", "ItemList", "ListItem"}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled explainer built for a GitHub Pages project site, under <root>/explainer/."""
    root = tmp_path_factory.mktemp("pages")
    build_site(BuildOptions(REPO / "content", REPO / "templates", REPO / "static", root / "explainer", base_url=BASE))
    return root / "explainer"


@pytest.fixture(scope="module")
def server(published: Path) -> Iterator[str]:
    """Serve the site's parent, so the site answers only under /explainer/ as on GitHub Pages."""
    with serve_folder(published.parent) as url:
        yield url


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.named: set[str] = set()
        """Anchors of `<a name>`."""
        self.checked: list[str] = []
        """The links the build's link checker checks: not a canonical or alternate <link>."""
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("name"):
            self.named.add(str(values["name"]))
        for name in ("href", "src"):
            if values.get(name) and not (tag == "link" and values.get("rel") == "canonical"):
                self.links.append(str(values[name]))
        target = values.get("href" if tag in ("a", "link") else "src")
        feed_or_canonical = tag == "link" and values.get("rel") in ("canonical", "alternate")
        if tag in ("a", "link", "script", "img", "iframe", "source") and target is not None and not feed_or_canonical:
            self.checked.append(target)
        self._in_jsonld = tag == "script" and values.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False


def parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_every_link_asset_and_anchor_resolves_under_the_project_path(published: Path, server: str) -> None:
    pages = sorted(published.rglob("*.html"))
    parsed = {page: parse(page.read_text()) for page in pages}
    ids_by_url = {
        "/explainer/" + p.relative_to(published).as_posix().removesuffix("index.html"): v.ids for p, v in parsed.items()
    }
    checked: dict[str, int] = {}
    broken = []
    for page, links in parsed.items():
        page_url = "/explainer/" + page.relative_to(published).as_posix().removesuffix("index.html")
        for link in links.links:
            absolute = urljoin(BASE.removesuffix("/explainer/") + page_url, link)
            parts = urlsplit(absolute)
            if parts.netloc != "example.github.io":
                continue
            assert parts.path.startswith("/explainer/"), (page, link)
            if parts.path not in checked:
                checked[parts.path] = fetch(server + parts.path)[0]
            if checked[parts.path] != 200:
                broken.append((page.name, link, checked[parts.path]))
            elif parts.fragment and parts.fragment not in ids_by_url.get(parts.path, set()):
                broken.append((page.name, link, "no such anchor"))
    assert broken == []
    assert len(checked) > 40


def test_the_link_checker_reads_every_page_as_html_parser_does(published: Path) -> None:
    """links.scan_page reads our output's bytes with regular expressions, for speed: it must find
    what a real HTML parser finds (a canonical or alternate <link> is not a link it checks)."""
    for page in sorted(published.rglob("*.html")):
        data = page.read_bytes()
        parsed = parse(data.decode())
        scan = scan_page(data)
        assert scan.ids == parsed.ids | parsed.named, page
        assert list(scan.links) == parsed.checked, page


def test_the_404_page_works_from_any_depth(published: Path) -> None:
    links = parse((published / "404.html").read_text()).links
    assert links and all(link.startswith(("/explainer/", "https://", "#")) for link in links), links


def test_sitemap_lists_every_page_with_absolute_urls_and_content_dates(published: Path) -> None:
    root = ElementTree.parse(published / "sitemap.xml").getroot()
    entries = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root.iter(f"{SITEMAP}url")}
    assert all(loc and loc.startswith(BASE) for loc in entries)
    assert BASE in entries and BASE + "article-5/" in entries and BASE + "actors/ivo-daalder/" in entries
    assert not any("404" in loc or "/embed/" in loc for loc in entries)
    assert all(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", date or "") for date in entries.values())
    assert max(d for d in entries.values() if d) <= "2022-01-31", "dates come from the content, not the clock"
    robots = (published / "robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_the_atom_feed_is_valid_and_stable(published: Path) -> None:
    feed = ElementTree.parse(published / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}")
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == BASE + "feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(entries) > 40 and len(set(ids)) == len(ids)
    for entry in entries:
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", entry.findtext(f"{ATOM}id") or "")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00Z", entry.findtext(f"{ATOM}updated") or "")
        assert entry.findtext(f"{ATOM}title")
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith(BASE)
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert (
        "8,500 US troops are put on heightened alert" in titles
        and "What Article 5 covers, and what it does not" in titles
    )


def jsonld_of(page: Path) -> list[dict[str, Any]]:
    return [json.loads(block) for block in parse(page.read_text()).jsonld]


@pytest.mark.parametrize(
    ("path", "expected_type"),
    [
        ("index.html", "WebSite"),
        ("article-5/index.html", "Article"),
        ("actors/ivo-daalder/index.html", "Person"),
        ("actors/nato/index.html", "Organization"),
        ("actors/ukraine/index.html", "Country"),
        ("embed/quote/biden-not-in-the-cards/index.html", "Quotation"),
        ("embed/event/biden-putin-call/index.html", "Event"),
        ("actors/index.html", "CollectionPage"),
        ("glossary/index.html", "CollectionPage"),
        ("sources/index.html", "CollectionPage"),
    ],
)
def test_each_page_kind_carries_json_ld_of_a_real_type(published: Path, path: str, expected_type: str) -> None:
    (data,) = jsonld_of(published / path)
    assert data["@context"] == "https://schema.org" and data["@type"] == expected_type


def test_list_pages_describe_their_list_item_by_item(published: Path) -> None:
    (data,) = jsonld_of(published / "actors" / "index.html")
    items = data["mainEntity"]["itemListElement"]
    assert data["mainEntity"]["@type"] == "ItemList" and data["mainEntity"]["numberOfItems"] == len(items) > 10
    daalder = next(item for item in items if item["name"] == "Ivo Daalder")
    assert daalder["url"] == f"{BASE}actors/ivo-daalder/" and items[0]["position"] == 1


def test_without_a_host_pages_carry_no_relative_canonical_or_og_url(project: Project, capsys) -> None:
    assert project.run("build", capsys=capsys).code == 0
    html = project.page("index.html")
    assert 'rel="canonical"' not in html and 'property="og:url"' not in html


def test_every_page_has_parseable_json_ld_canonical_and_social_tags(published: Path) -> None:
    for page in published.rglob("*.html"):
        if page.name == "404.html" or "embed" in page.parts:  # embeds are iframe content, not for sharing
            continue
        html = page.read_text()
        for data in jsonld_of(page):
            nodes = data.get("@graph", [data])
            assert all(node["@type"] in SCHEMA_TYPES for node in nodes), page
        assert re.search(r'<link rel="canonical" href="https://example\.github\.io/explainer/', html), page
        for tag in (
            'property="og:title"',
            'property="og:url"',
            'property="og:image" content="https://',
            'name="twitter:card"',
            'name="description"',
        ):
            assert tag in html, (page, tag)


def test_quotes_and_events_pages_list_quotations_and_events(published: Path) -> None:
    (quotes,) = jsonld_of(published / "quotes/index.html")
    assert {node["@type"] for node in quotes["@graph"]} == {"Quotation"}
    (timeline,) = jsonld_of(published / "timeline/index.html")
    assert {node["@type"] for node in timeline["@graph"]} == {"Event"}


TIMELINEJS_SCHEMA = {
    "type": "object",
    "required": ["events"],
    "properties": {
        "title": {"type": "object", "required": ["text"]},
        "events": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["start_date", "text"],
                "properties": {
                    "start_date": {"$ref": "#/$defs/date"},
                    "end_date": {"$ref": "#/$defs/date"},
                    "text": {
                        "type": "object",
                        "required": ["headline"],
                        "properties": {"headline": {"type": "string"}, "text": {"type": "string"}},
                    },
                    "unique_id": {"type": "string"},
                    "group": {"type": "string"},
                },
            },
        },
    },
    "$defs": {
        "date": {
            "type": "object",
            "required": ["year"],
            "properties": {k: {"type": "string", "pattern": r"^\d+$"} for k in ("year", "month", "day")},
            "additionalProperties": False,
        }
    },
}


def test_timeline_json_loads_in_timelinejs(published: Path) -> None:
    data = json.loads((published / "data" / "timeline.json").read_text())
    jsonschema.validate(data, TIMELINEJS_SCHEMA)
    site = load_site(REPO / "content")
    assert [e["unique_id"] for e in data["events"]] == [e.id for e in site.events]
    assert data["events"][0]["start_date"] == {"year": "2013", "month": "11", "day": "21"}


def test_the_model_json_validates_against_its_published_schema(published: Path) -> None:
    data = json.loads((published / "data" / "explainer.json").read_text())
    schema = json.loads((published / "data" / "explainer.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    assert data["$schema"] == BASE + "data/explainer.schema.json"
    assert {q["id"] for q in data["quotes"]} >= {"biden-not-in-the-cards", "daalder-big-line"}


def test_the_model_json_holds_the_maps_and_the_overviews_key_moments(published: Path) -> None:
    data = json.loads((published / "data" / "explainer.json").read_text())
    site = load_site(REPO / "content")
    [article_5] = [m for m in data["maps"] if m["id"] == "who-article-5-covers"]
    assert article_5["title"] == "Who Article 5 covers"
    assert {"actor": "poland", "category": "member"} in article_5["regions"]
    assert {"actor": "ukraine", "category": "partner"} in article_5["regions"]
    assert [c["id"] for c in article_5["categories"]] == ["member", "partner", "russia", "annexed"]
    assert article_5["area"] == [12, 41, 42, 61]
    moments = {e["id"]: e["key_moment"] for e in data["events"] if e["key_moment"]}
    assert moments == {e.id: e.key_moment for e in site.events if e.key_moment} != {}


def test_embeds_are_minimal_and_link_back(published: Path) -> None:
    html = (published / "embed/quote/daalder-big-line/index.html").read_text()
    assert '<meta name="robots" content="noindex">' in html
    assert f'href="{BASE}quotes/#daalder-big-line" target="_top"' in html
    assert "<nav" not in html and "<header" not in html


def test_a_custom_domain_writes_cname(project: Project, capsys) -> None:
    project.write(
        "site.yaml", "title: T\nbase_url: https://explainer.example.org/\ncustom_domain: explainer.example.org\n"
    )
    assert project.run("build", "--no-search", capsys=capsys).code == 0
    assert (project.out / "CNAME").read_text() == "explainer.example.org\n"


def test_without_a_host_in_the_base_url_no_sitemap_or_feed_is_written(project: Project, capsys) -> None:
    assert project.run("build", "--no-search", capsys=capsys).code == 0
    assert not (project.out / "sitemap.xml").exists() and not (project.out / "feed.xml").exists()
    assert (project.out / "data" / "explainer.json").exists()


def test_no_search_skips_the_index_and_the_box(project: Project, capsys) -> None:
    assert main(project.args("build", "--no-search")) == 0
    assert not (project.out / "pagefind").exists()
    assert 'id="site-search"' not in project.page("index.html")
    assert main(project.args("build")) == 0
    assert (project.out / "pagefind" / "pagefind.js").exists()
    assert 'id="site-search"' in project.page("index.html")
