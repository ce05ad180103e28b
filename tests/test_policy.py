"""Defence in depth for readers: every page carries a Content-Security-Policy that allows only the
site's own scripts, styles, images and fonts, and nothing the site does trips it, in Chromium."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from browser import serve_folder
from conftest import Project
from preview import edit, running_preview

POLICY = {
    "default-src": "'self'",
    "script-src": "'self' 'wasm-unsafe-eval'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
EMBED = "embed/quote/biden-not-in-the-cards/"
PAGE_KINDS = [
    "",
    "will-the-us-fight/",
    "timeline/",
    "quotes/",
    "actors/",
    "actors/ivo-daalder/",
    "glossary/",
    "sources/",
    EMBED,
    "404.html",
]
# Records what the policy blocks, in every frame, before any of the page's own code runs.
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.violations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


class _HeadReader(HTMLParser):
    """The policy, the referrer policy, and what the policy forbids, as a page's HTML has them."""

    def __init__(self) -> None:
        super().__init__()
        self.policy: str | None = None
        self.referrer: str | None = None
        self.first_in_head: list[str] = []
        self.forbidden: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if len(self.first_in_head) < 2 and tag == "meta":
            self.first_in_head.append(attributes.get("http-equiv") or attributes.get("charset") or "")
        if tag == "meta" and attributes.get("http-equiv") == "Content-Security-Policy":
            self.policy = attributes["content"]
        if tag == "meta" and attributes.get("name") == "referrer":
            self.referrer = attributes["content"]
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/ld+json":
            self.forbidden.append("an inline script")
        self.forbidden += [f"{tag} {name}=" for name, _ in attrs if name == "style" or name.startswith("on")]


def read_head(page: Path) -> _HeadReader:
    reader = _HeadReader()
    reader.feed(page.read_text(encoding="utf-8"))
    return reader


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_every_published_page_carries_the_policy_before_anything_it_governs(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 100
    for page in pages:
        head = read_head(page)
        assert head.policy is not None, page
        assert directives(head.policy) == POLICY, page
        assert head.first_in_head == ["utf-8", "Content-Security-Policy"], page
        assert head.referrer == "strict-origin-when-cross-origin", page
        assert head.forbidden == [], page


def test_table_alignment_is_a_class_not_a_style_attribute(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project.write(
        "pages/figures.md",
        """
        ---
        title: Figures
        description: A table with aligned columns.
        ---
        | Country | Troops |
        |:--------|-------:|
        | A       |  8,500 |

        - a list, so the page also takes the other Markdown path:

          | Centred |
          |:-------:|
          | x       |
        """,
    )
    result = project.run("build", capsys=capsys)
    assert result.code == 0, result.err
    html = project.page("figures/index.html")
    assert '<th class="align-right">Troops</th>' in html and '<td class="align-right">8,500</td>' in html
    assert '<th class="align-center">Centred</th>' in html
    assert "style=" not in html


def new_tab(browser: Any) -> tuple[Any, Any, list[str]]:
    """A tab that records policy violations (in every frame), console errors and page errors."""
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    return context, tab, errors


def use_the_page(tab: Any, path: str) -> None:
    """What a reader does on each page kind where scripts do something."""
    if path == "":
        tab.fill("#search-input", "Article 5")
        tab.locator("#search-results li a").first.wait_for()
    elif path == "timeline/":
        tab.select_option("#filter-actor", "joe-biden")
        tab.locator("#filter-status", has_text="Showing").wait_for()
    elif path == "will-the-us-fight/" and tab.locator(".term").count():
        tab.locator(".term").first.focus()


@pytest.mark.browser
def test_no_page_kind_trips_the_policy_when_used(browser: Any, base_url: str) -> None:
    context, tab, errors = new_tab(browser)
    violations: dict[str, list[str]] = {}
    for path in PAGE_KINDS:
        tab.goto(f"{base_url}/{path}")
        use_the_page(tab, path)
        tab.wait_for_load_state("networkidle")
        if found := tab.evaluate("window.violations"):
            violations[path] = found
    context.close()
    assert violations == {}
    assert errors == []


@pytest.mark.browser
def test_an_embed_works_in_an_iframe_on_another_site(browser: Any, base_url: str, tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>A newsroom page</title><link rel="icon" href="data:,">'
        f'<iframe src="{base_url}/{EMBED}" width="600" height="400"></iframe>',
        encoding="utf-8",
    )
    with serve_folder(tmp_path) as other_site:
        assert other_site != base_url
        context, tab, errors = new_tab(browser)
        tab.goto(other_site + "/")
        frame = tab.frame_locator("iframe")
        frame.locator("blockquote").wait_for()
        assert "not in the cards" in frame.locator("blockquote").inner_text()
        card = tab.frames[1]
        assert card.evaluate("getComputedStyle(document.querySelector('.quote-card')).borderLeftStyle") == "solid"
        assert card.evaluate("window.violations") == [] and tab.evaluate("window.violations") == []
        context.close()
    assert errors == []


@pytest.mark.browser
def test_the_preview_keeps_the_policy_and_its_problems_are_styled_under_it(browser: Any, bundled: Project) -> None:
    with running_preview(bundled) as (root, _):
        context, tab, errors = new_tab(browser)
        sent: list[str] = []
        tab.on("websocket", lambda socket: socket.on("framesent", lambda payload: sent.append(str(payload))))
        tab.goto(f"{root}/article-5/")
        edit(bundled.content / "actors.yaml", "- id: joe-biden", "- id: [joe-biden")
        tab.locator("#factsite-errors").wait_for()
        assert tab.evaluate("getComputedStyle(document.querySelector('#factsite-errors')).position") == "fixed"
        assert tab.evaluate("window.violations") == []
        assert any('"info"' in frame for frame in sent)  # the reload socket connected under connect-src
        context.close()
    assert errors == []


# -- what the build reads in each page's policy ---------------------------------------------------

POLICY_CASES = {
    "img-src 'self' https://upload.wikimedia.org": {"https://upload.wikimedia.org/a.png"},
    "default-src 'self'; img-src *.example.org data:": {
        "https://a.b.example.org/x.png",
        "https://cdn.example.org/img/a.png",
        "https://cdn.example.org/other/a.png",
        "//cdn.example.org/img/a.png",  # (http, as the page is)
        "data:image/png;base64,iVBORw0KGgo=",
    },
    "img-src https://cdn.example.org/img/": {"https://cdn.example.org/img/a.png"},
    "img-src 'none'": set(),
    "default-src https:": {
        "https://upload.wikimedia.org/a.png",
        "https://a.b.example.org/x.png",
        "https://cdn.example.org/img/a.png",
        "https://cdn.example.org/other/a.png",
    },
    "img-src http://cdn.example.org": {
        "https://cdn.example.org/img/a.png",
        "https://cdn.example.org/other/a.png",
        "//cdn.example.org/img/a.png",
    },
    "img-src http://images.example.net:*": {"http://images.example.net:8080/x.png"},
    "script-src 'self'": "everything",  # nothing governs images
}
"""Policy -> the URLs below that it lets an image load from (served over http, on 127.0.0.1)."""
FOREIGN_IMAGES = [
    "https://upload.wikimedia.org/a.png",
    "https://a.b.example.org/x.png",
    "https://cdn.example.org/img/a.png",
    "https://cdn.example.org/other/a.png",
    "//cdn.example.org/img/a.png",
    "http://images.example.net:8080/x.png",
    "http://localhost:9/x.png",
    "data:image/png;base64,iVBORw0KGgo=",
]


def test_the_build_reads_a_policy_as_chromium_does(browser: Any, tmp_path: Path) -> None:
    """Which images each policy blocks, by check.policy and by Chromium (its violation events)."""
    from factsite.check.policy import blocks

    for number, policy in enumerate(POLICY_CASES):
        images = "".join(f'<img src="{url}" alt="">' for url in FOREIGN_IMAGES)
        meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        (tmp_path / f"{number}.html").write_text(
            f"<!doctype html><html><head>{meta}</head><body>{images}</body></html>"
        )
    with serve_folder(tmp_path) as root:
        context, tab, _ = new_tab(browser)
        context.route(lambda url: not url.startswith(root), lambda route: route.abort())  # no request leaves
        for number, (policy, allowed) in enumerate(POLICY_CASES.items()):
            ours = {url for url in FOREIGN_IMAGES if blocks(policy, "img-src", url, root)}
            expected = set() if allowed == "everything" else set(FOREIGN_IMAGES) - set(allowed)
            assert ours == expected, policy
            tab.goto(f"{root}/{number}.html")
            tab.wait_for_function(f"window.violations.length >= {len(ours)}")
            tab.wait_for_timeout(200)  # (any further violation would be reported by now)
            reported = {line.split(" blocked ")[1].split(" at ")[0] for line in tab.evaluate("window.violations")}
            in_chromium = {url for url in FOREIGN_IMAGES if _reported_as(url, root) in reported}
            assert in_chromium == ours, policy
        context.close()


def _reported_as(url: str, root: str) -> str:
    """A blocked URL as a violation event gives it: a data: URL as its scheme alone."""
    if url.startswith("data:"):
        return "data"
    return "http:" + url if url.startswith("//") else url


def test_an_image_the_policy_blocks_is_a_problem_where_it_is_written(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("site.yaml", "title: Test explainer\nbase_url: https://example.org/explainer/\n")
    project.write(
        "pages/index.md",
        """
        ---
        title: Home
        ---
        Our map: ![Map](https://example.org/explainer/static/favicon.svg)

        Theirs: ![Map](https://upload.wikimedia.org/map.png "A map")
        """,
    )
    result = project.run("build", capsys=capsys)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        f"{project.content}/pages/index.md:6: 'https://upload.wikimedia.org/map.png' will not load: the page's "
        "Content-Security-Policy (img-src) does not allow it; put the file in static/ and link to it there, or "
        "allow its site in templates/_policy.html"
    )
    assert not project.out.exists()
    edit(project.root / "templates" / "_policy.html", "img-src 'self'", "img-src 'self' https://upload.wikimedia.org")
    assert project.run("build", capsys=capsys).code == 0


def test_frames_and_scripts_from_elsewhere_are_checked_too(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    project.write("site.yaml", "title: Test explainer\nallow_raw_html: true\n")
    project.write(
        "pages/index.md",
        """
        ---
        title: Home
        ---
        A video:

        <iframe src="https://www.youtube-nocookie.com/embed/x" title="Video"></iframe>
        """,
    )
    edit(
        project.root / "templates" / "base.html",
        "</body>",
        '<script src="https://cdn.example.org/a.js"></script></body>',
    )
    edit(
        project.root / "templates" / "base.html",
        "</head>",
        '<link href="https://fonts.example.org/css?family=Serif" rel="stylesheet"></head>',
    )
    result = project.run("check", capsys=capsys)
    assert result.code == 1
    problems = [line for line in result.err.splitlines() if "will not load" in line]
    video = f"{project.content}/pages/index.md:6: 'https://www.youtube-nocookie.com/embed/x' will not load"
    frames = [line for line in problems if "(frame-src)" in line]
    assert len(frames) == 1 and frames[0].startswith(video)
    assert any(line.startswith(f"{project.out}/index.html:") and "(script-src)" in line for line in problems)
    assert any(line.startswith(f"{project.out}/index.html:") and "(style-src)" in line for line in problems)


def test_a_url_no_browser_could_load_is_blocked_not_a_crash() -> None:
    from factsite.check.policy import blocks

    for url in ("https://example.org:port/a.png", "https://[::1/a.png"):
        assert blocks("img-src https://example.org", "img-src", url, "https://example.org")
