"""The quick Markdown path (pulldown-cmark through pyromark, with our syntax applied to its HTML)
gives byte-identical HTML to the reference path (markdown-it-py), on every page we have and on
thousands of generated documents, and is just as safe; without pyromark, builds are the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factsite.content.load import load_site
from factsite.content.pages import page_body
from factsite.plan.urls import Urls
from factsite.plan.views import build_views
from factsite.publish.assets import collect_assets
from factsite.render import pulldown, record_syntax
from factsite.render.markdown import MarkdownRenderer
from factsite.render.renderer import SiteResolver, make_environment
from factsite.render.targets import Resolver

from conftest import REPO
from corpus import make_corpus
from markdown_documents import document
from test_markdown import CASES, FakeSite

pytestmark = pytest.mark.skipif(pulldown.pyromark is None, reason="pyromark is not installed")


def both_paths(text: str, resolver: Resolver) -> tuple[str, str]:
    """(the reference path's HTML, the quickest path's)."""
    markdown = MarkdownRenderer(resolver, allow_raw_html=False)
    return str(markdown.render_reference(text).html), str(markdown.render(text).html)


def site_resolver(content: Path) -> tuple[object, SiteResolver]:
    site = load_site(content)
    urls = Urls("https://example.github.io/explainer/")
    assets, _ = collect_assets(REPO / "static")
    env = make_environment(REPO / "templates", urls, assets.output_path_of)
    return site, SiteResolver(site, build_views(site, urls), urls, env)


@pytest.mark.parametrize("source", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_the_rendering_rules_agree(source: str) -> None:
    reference, fast = both_paths(source, FakeSite())
    assert fast == reference


def test_the_bundled_explainer_renders_identically(tmp_path: Path) -> None:
    site, resolver = site_resolver(REPO / "content")
    for page in site.pages:  # type: ignore[attr-defined]
        reference, fast = both_paths(page_body(page), resolver)
        assert fast == reference, page.slug


def test_the_bundled_explainer_and_the_corpus_take_the_quickest_parser(tmp_path: Path) -> None:
    make_corpus(100, tmp_path / "content")
    for content in (REPO / "content", tmp_path / "content"):
        for page in load_site(content).pages:
            assert pulldown.render(page_body(page)) is not None, page.slug


def test_a_generated_corpus_renders_identically(tmp_path: Path) -> None:
    make_corpus(300, tmp_path / "content")
    site, resolver = site_resolver(tmp_path / "content")
    for page in site.pages:  # type: ignore[attr-defined]
        reference, fast = both_paths(page_body(page), resolver)
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
        "[``](x)\n| a |\n| - |\n| `1` [``](x) |\n",
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
    assert not record_syntax.can_apply(text)
    reference, fast = both_paths(text, FakeSite())
    assert fast == reference


@pytest.mark.parametrize(
    "text",
    [
        "| a | b | c |\n| :-- | :-: | --: |\n| 1 | *2* | `3` |\n\n| only |\n| --- |\n",  # table layout, alignment
        "~~struck~~ and **bold ~~both~~**\n",  # <del> becomes <s>
        'He said "no". [A "link"](/a \'ti"tle\') ![an "image"](/i.png "x")\n',  # quotes in text and attributes
        "It's [Kyiv's](/a'b) ![Kyiv's map](/map'1.png)\n",  # apostrophes in links and alt text
        ">\n\n> > \n",  # empty block quotes
        "1. item\n    - nested\n\n- [a](actor:ivo-daalder) [t](term:nato)\n",
        "1. Results:\n   | a | b |\n   |---|---|\n   | 1 | 2 |\n\n- text\n  | x |\n  | - |\n",  # tables in tight items
    ],
)
def test_what_pulldown_cmark_writes_differently_is_rewritten(text: str) -> None:
    assert pulldown.render(text) is not None
    reference, fast = both_paths(text, FakeSite())
    assert fast == reference


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1)) [y](JaVaScRiPt:x) [z](vbscript:x) [f](file:///etc/passwd) [d](data:text/html,x)\n",
        "[x](java&#115;cript:alert(1))\n",  # entities are decoded in links
        "[x](javascript\\:alert(1))\n",  # so are escapes
        "<b>raw</b> and <https://example.org>\n",
        "A ~single~ tilde\n",
        "Code `across\nlines` here\n",
        "[a](/a^b) [b](/a%2) [c](/é) [d](https://例え.jp/)\n",  # URLs markdown-it encodes otherwise
        "No newline at the end",
        "| a |\n| - |\n| b |\n    code\n",  # a line indented as code right under a table
        "| a |\n| - |\n| b |\ntext\n     more\n",
        "a | b\n- | -\n",  # a delimiter row without its leading pipe
        "| a |\n| - |\n|  |\n",  # a row of nothing but pipes
        "> | a |\n> | - |\n",  # a table in a block quote
        "a |\n---\n",  # a heading's underline, or a delimiter row
        "> quote\nlazy  \n    * indented\n",
        "003.  * a\n     - b\n",  # a lazy line under a wide list marker
        "10.  a\n } b\n    - c\n",  # ... further down its paragraph
        "> 003.  x\n>     # y\n",  # ... in a quote
        "1. a\n 2.  \n \n\n1. b\n",  # an empty item, then blank lines: one list or two
        ">[x]: /z\n[x](/y 'a' ) [x]\n",  # a reference's definition in a quote, then a lazy line
        "[x]\n\n[x]: /z\n0.   item\n",  # a definition with a line right under it
        "![alt text\non two lines](/i.png)\n",
        "Tab\tin text\n",
        'Text that says href="x, with no quote after, and [a link](/b)\n',  # refused (as unsure), not a crash
    ],
)
def test_what_pulldown_cmark_reads_differently_goes_elsewhere(text: str) -> None:
    assert pulldown.render(text) is None
    reference, fast = both_paths(text, FakeSite())
    assert fast == reference
    assert 'href="javascript:' not in fast.lower()


@pytest.mark.parametrize("risky", [False, True], ids=["prose", "with escapes, entities and raw HTML"])
def test_generated_documents_render_identically(risky: bool) -> None:
    """Documents mixing the constructs authors use with punctuation, URLs and layouts where
    CommonMark parsers part ways (tests/markdown_documents.py); a failure names the document."""
    count = 1200
    through_pulldown = 0
    for seed in range(count):
        text = document(seed, risky)
        reference, fast = both_paths(text, FakeSite())
        assert fast == reference, f"document({seed}, {risky})"
        through_pulldown += pulldown.render(text) is not None
    # Most risky documents must not take the quick path: a few must.
    assert through_pulldown >= count // (40 if risky else 10), "the documents should exercise pulldown-cmark"


@pytest.mark.parametrize("allow_raw_html", [False, True])
def test_rendering_many_at_once_is_rendering_each_alone(allow_raw_html: bool) -> None:
    """The published build renders a chunk's pages together (render_each): same HTML and the same
    problems as one at a time, whichever path each page takes (fast, Python, unknown records)."""
    markdown = MarkdownRenderer(FakeSite(), allow_raw_html)
    texts = [document(seed, risky=seed % 2 == 1) for seed in range(300)]
    texts += ["Intro.\n\nSee [x](actor:nobody).\n", "[``](x)\n", "A footnote.[^1]\n\n[^1]: Here.\n", ""]
    together = markdown.render_each(texts)
    alone = [markdown.render(text) for text in texts]
    assert [(str(r.html), r.problems) for r in together] == [(str(r.html), r.problems) for r in alone]
    assert any(r.problems for r in together), "an unknown record must be reported from a batch too"


def test_unknown_references_fall_back_for_exact_error_lines() -> None:
    result = MarkdownRenderer(FakeSite(), allow_raw_html=False).render("Intro.\n\nSee [x](actor:nobody).\n")
    assert result.problems == [(3, "link to unknown actor 'nobody' (actor:nobody); check the id in the actor list")]


_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)((?:[^\n]*?(?<!`)\1(?!`))?)")
"""The definition: a maximal run of backticks and, if it has one, its closing run (as long, and
maximal) on the same line."""


@given(st.text(alphabet="`` a\nb", max_size=24))
@settings(max_examples=3000)
def test_code_spans_are_found_on_their_lines_as_defined(text: str) -> None:
    """pulldown's check for code spans searches with str.find (quick); it must agree with the
    regular expression that defines it."""
    assert pulldown._code_spans_on_their_lines(text) == all(span.group(2) for span in _CODE_SPAN.finditer(text))


@given(st.text(alphabet="~~ a\n", max_size=24))
@settings(max_examples=2000)
def test_runs_of_tildes_other_than_two_are_found_as_defined(text: str) -> None:
    assert pulldown._tildes_not_two(text) == bool(re.search(r"(?<!~)(?:~|~~~+)(?!~)", text))


def test_the_slug_rule_drops_what_the_anchors_plugins_rule_drops() -> None:
    """record_syntax's pattern leaves out the plugin's explicit U+4E00-U+9FFF range: every
    character of it is a word character already."""
    assert all(re.fullmatch(r"\w", chr(code)) for code in range(0x4E00, 0xA000))
    plugin = re.compile(r"[^\w\u4e00-\u9fff\- ]")
    sample = "".join(chr(code) for code in range(0, 0x30000, 7))
    assert record_syntax._NOT_IN_SLUG.sub("", sample) == plugin.sub("", sample)
