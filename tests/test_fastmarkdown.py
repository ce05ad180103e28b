"""The accelerated Markdown path (markdown-it-pyrs) gives byte-identical HTML to the reference
path (markdown-it-py), on every page we have, and is just as safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from factsite import fastmarkdown
from factsite.assets import collect_assets
from factsite.load import load_site
from factsite.markdown import make_markdown, render_markdown
from factsite.render import _SiteResolver, make_environment
from factsite.urls import Urls
from factsite.views import build_views

from conftest import REPO
from corpus import make_corpus
from test_markdown import CASES, FakeSite

pytestmark = pytest.mark.skipif(not fastmarkdown.is_available(), reason="markdown-it-pyrs is not installed")


def both_paths(text: str, resolver) -> tuple[str, str]:
    md = make_markdown(allow_raw_html=False)
    return (
        str(render_markdown(md, text, resolver, accelerate=False).html),
        str(render_markdown(md, text, resolver, accelerate=True).html),
    )


def site_resolver(content: Path):
    site = load_site(content)
    urls = Urls("https://example.github.io/explainer/")
    assets, _ = collect_assets(REPO / "static")
    env = make_environment(REPO / "templates", urls, assets)
    return site, _SiteResolver(site, build_views(site, urls), urls, env, ())


@pytest.mark.parametrize("source", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_the_rendering_rules_agree(source: str) -> None:
    reference, fast = both_paths(source, FakeSite())
    assert fast == reference


def test_the_bundled_explainer_renders_identically(tmp_path: Path) -> None:
    site, resolver = site_resolver(REPO / "content")
    accelerated = 0
    for page in site.pages:
        reference, fast = both_paths(page.body, resolver)
        assert fast == reference, page.slug
        accelerated += fastmarkdown.can_render(page.body)
    assert accelerated == len(site.pages), "every bundled page should take the fast path"


def test_a_generated_corpus_renders_identically(tmp_path: Path) -> None:
    make_corpus(300, tmp_path / "content")
    site, resolver = site_resolver(tmp_path / "content")
    for page in site.pages:
        reference, fast = both_paths(page.body, resolver)
        assert fast == reference, page.slug


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1)) [y](JAVASCRIPT:alert(2)) <javascript:alert(3)> ![i](javascript:x)\n",
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n",
        '[t](term:nato "title") and [a](actor:ivo-daalder "title")\n',
        "# One\n\n## Two words\n\n### Three `code`\n\n#### Four\n\n## Two words\n",
        'Text with &amp; and &copy; and < and "quotes".\n',
        "[t](term:nato#x) [**NATO**\nalliance](term:nato) [e](event:biden-call#more) [d](actor:ivo-daalder)\n",
        "## [Daalder](actor:ivo-daalder) and [NATO](term:nato)\n\n::quote[q1]\n\n### [t](term:nato)\n",
        "[a](actor:ivo-daalder) [a](actor:ivo-daalder) [t](term:nato) [t](term:nato) <term:nato>\n",
        "[t](term:nato) then [u](term:unknown-term)\n",
        "::quote[q1]\n\n::event[unknown]\n",
    ],
)
def test_safety_and_edge_cases_agree(text: str) -> None:
    reference, fast = both_paths(text, FakeSite())
    assert fast == reference


@pytest.mark.parametrize(
    "text",
    [
        "## Same\n\n### Same\n\n## Same\n\n## Same-1\n\n# Same\n\n#### Same\n",
        "Setext\nheading\n---\n\nHard\\\nbreak\n---\n",
        "## Tom &amp; Jerry &copy; 2022 &nbsp; &#35; &bogus; \\*not em\\*\n",
        "## `a<b>` and `x & y` with *em*, **strong**, ~~gone~~ and [a link](https://example.org)\n",
        "## ![an image](pic.png) only its alt\n\n## <https://example.org/autolink>\n",
        "## Über Kyiv’s “front” — 2022: 100% (ok?) 北约 _under_score_\n",
        "> ## Quoted heading\n\n- ## Listed heading\n\n1. ### Numbered\n",
        "##\n\n## \n\n### #\n\n## Trailing ###\n",
        "## [Daalder](actor:ivo-daalder) on [NATO](term:nato) and [q](quote:q1)\n",
        "```\n## not a heading\n```\n\n    ## nor this\n",
        "| ## a | b |\n|---|---|\n| ## c | d |\n",
    ],
)
def test_heading_ids_agree(text: str) -> None:
    reference, fast = both_paths(text, FakeSite())
    assert fast == reference


@pytest.mark.parametrize(
    "text",
    ["Footnote[^1].\n\n[^1]: Note.\n", "Text\n::quote[q1]\n", "> ::quote[q1]\n", "- ::quote[q1]\n"],
)
def test_pages_the_fast_path_cannot_match_go_to_the_python_path(text: str) -> None:
    assert not fastmarkdown.can_render(text)
    reference, fast = both_paths(text, FakeSite())
    assert fast == reference


def test_unknown_references_fall_back_for_exact_error_lines() -> None:
    md = make_markdown(allow_raw_html=False)
    result = render_markdown(md, "Intro.\n\nSee [x](actor:nobody).\n", FakeSite(), accelerate=True)
    assert result.problems == [(3, "link to unknown actor 'nobody' (actor:nobody); check the id in the actor list")]
