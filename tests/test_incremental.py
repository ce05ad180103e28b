"""Incremental rebuilds (the preview's): only affected pages change, and the result always equals
a clean build byte for byte."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from factsite.build import build_site
from factsite.options import BuildOptions
from factsite.preview.rebuild import Rebuilder

from conftest import Project, snapshot
from preview import edit


def options_for(project: Project, out: Path) -> BuildOptions:
    return BuildOptions(
        content_dir=project.content,
        templates_dir=project.root / "templates",
        static_dir=project.root / "static",
        output_dir=out,
        hash_assets=False,
        include_drafts=True,
        search=False,
    )


@pytest.fixture
def builder(bundled: Project) -> Rebuilder:
    builder = Rebuilder(options_for(bundled, bundled.root / "preview"))
    builder.build()
    return builder


def assert_same_as_clean_build(builder: Rebuilder, tmp_path: Path) -> None:
    clean = dataclasses.replace(builder.options, output_dir=tmp_path / "clean")
    build_site(clean)
    preview = snapshot(builder.options.output_dir)
    expected = snapshot(clean.output_dir)
    assert sorted(preview) == sorted(expected)
    assert [name for name in expected if preview[name] != expected[name]] == []


def test_editing_one_page_rewrites_only_that_page(bundled: Project, builder: Rebuilder, tmp_path: Path) -> None:
    edit(bundled.content / "pages" / "pulled-in.md", "## Keeping it in proportion", "## In proportion")
    report = builder.build()
    assert report.changed == ("pulled-in/index.html",)
    assert_same_as_clean_build(builder, tmp_path)


def test_editing_a_quote_rewrites_the_pages_that_show_it(bundled: Project, builder: Rebuilder, tmp_path: Path) -> None:
    edit(
        bundled.content / "quotes.yaml",
        "context: told Insider\n  kind: full\n  source: insider-article\n\n- id: daalder-anything-possible",
        "context: told Insider in an interview\n  kind: full\n  source: insider-article"
        "\n\n- id: daalder-anything-possible",
    )
    report = builder.build()
    assert set(report.changed) == {
        "quotes/index.html",
        "actors/ivo-daalder/index.html",
        "will-the-us-fight/index.html",  # embeds the quote
        "embed/quote/daalder-no-escalation-scenario/index.html",
        "data/explainer.json",
    }
    assert_same_as_clean_build(builder, tmp_path)


def test_changing_a_term_definition_refreshes_pages_that_use_it(
    bundled: Project, builder: Rebuilder, tmp_path: Path
) -> None:
    edit(
        bundled.content / "glossary.yaml",
        "ran a civilian\n    monitoring mission",
        "ran a civilian\n    observer mission",
    )
    report = builder.build()
    assert "glossary/index.html" in report.changed and "russias-demands/index.html" in report.changed
    assert "article-5/index.html" not in report.changed
    assert_same_as_clean_build(builder, tmp_path)


def test_template_and_static_edits_are_picked_up(bundled: Project, builder: Rebuilder, tmp_path: Path) -> None:
    edit(bundled.root / "templates" / "_quote.html", "Permalink</a>", "Link here</a>")
    edit(bundled.root / "static" / "style.css", "--measure: 42rem;", "--measure: 41rem;")
    report = builder.build()
    assert "static/style.css" in report.changed and "quotes/index.html" in report.changed
    assert_same_as_clean_build(builder, tmp_path)


def test_renaming_and_deleting_pages_leaves_no_stale_files(
    bundled: Project, builder: Rebuilder, tmp_path: Path
) -> None:
    pages = bundled.content / "pages"
    (pages / "russias-demands.md").rename(pages / "demands.md")
    for page in pages.glob("*.md"):
        page.write_text(page.read_text().replace("page:russias-demands", "page:demands"))
    builder.build()
    assert not (builder.options.output_dir / "russias-demands").exists()
    assert_same_as_clean_build(builder, tmp_path)
