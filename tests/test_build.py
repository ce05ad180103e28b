"""End-to-end builds in tmp_path: the bundled site, determinism, check, drafts, base URL, output guard."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from factsite.publish.staging import MARKER

from conftest import REPO, Project, snapshot
from corpus import make_corpus


def test_the_bundled_site_builds_and_prints_a_summary(bundled: Project, capsys) -> None:
    result = bundled.run("build", capsys=capsys)
    assert result.code == 0, result.err
    built, quotes = result.out.splitlines()
    assert re.fullmatch(r"Built \d+ pages and \d+ files into .*/_site/ in \d+\.\d\d s\.", built)
    assert quotes == "22 of 22 quotes verified against archived sources"
    for page in (
        "index.html",
        "404.html",
        "timeline/index.html",
        "quotes/index.html",
        "glossary/index.html",
        "sources/index.html",
        "actors/index.html",
        "actors/ivo-daalder/index.html",
        "article-5/index.html",
    ):
        assert (bundled.out / page).is_file(), page
    assert "<h1>Ivo Daalder</h1>" in bundled.page("actors/ivo-daalder/index.html")


def test_two_builds_are_byte_identical(bundled: Project, tmp_path: Path, capsys) -> None:
    assert bundled.run("build", capsys=capsys).code == 0
    first = snapshot(bundled.out)
    assert bundled.run("build", capsys=capsys).code == 0
    assert snapshot(bundled.out) == first


def test_builds_from_different_folders_and_hash_seeds_are_byte_identical(tmp_path: Path) -> None:
    outputs = []
    for name, seed in (("one", "1"), ("two", "2")):
        root = tmp_path / name
        shutil.copytree(REPO / "content", root / "content")
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copytree(REPO / "static", root / "static")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, str(REPO / "build.py")], cwd=root, env=env, check=True, capture_output=True)
        outputs.append(snapshot(root / "_site"))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("content", ["bundled", "corpus"])
def test_without_the_optional_markdown_accelerator_the_site_is_the_same(tmp_path: Path, content: str) -> None:
    """pyromark (pulldown-cmark) is an accelerator: where it is missing or cannot be imported,
    every page takes markdown-it-py, and the published bytes are the same."""
    source = tmp_path / "content"
    if content == "bundled":
        shutil.copytree(REPO / "content", source)
    else:
        make_corpus(120, source)
    paths = ["--content", str(source), "--templates", str(REPO / "templates"), "--static", str(REPO / "static")]
    outputs = {}
    for name, blocked in (("accelerated", False), ("reference", True)):
        out = tmp_path / name / "_site"
        script = (
            "import sys\n"
            f"if {blocked}: sys.modules['pyromark'] = None  # import pyromark now raises ImportError\n"
            "from factsite.cli import main\n"
            "from factsite.render import pulldown\n"
            f"assert (pulldown.pyromark is None) == {blocked}\n"
            f"raise SystemExit(main({[*paths, '--out', str(out), '--quiet']!r}))\n"
        )
        subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, capture_output=True, text=True)
        outputs[name] = snapshot(out)
    assert outputs["reference"] == outputs["accelerated"]


def test_check_validates_and_writes_nothing(bundled: Project, capsys) -> None:
    result = bundled.run("check", capsys=capsys)
    assert result.code == 0, result.err
    checked, quotes = result.out.splitlines()
    assert re.fullmatch(r"OK: \d+ pages checked in \d+\.\d\d s; nothing written\.", checked)
    assert quotes == "22 of 22 quotes verified against archived sources"
    assert not bundled.out.exists()


def test_the_readme_commands_work_from_the_repo(tmp_path: Path) -> None:
    completed = subprocess.run([sys.executable, "build.py", "check"], cwd=REPO, capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr


def test_a_site_of_markdown_pages_alone_builds(project: Project, capsys) -> None:
    project.write("pages/about.md", "---\ntitle: About us\n---\n\nWe write *explainers*.\n")
    result = project.run("build", capsys=capsys)
    assert result.code == 0, result.err
    assert "<em>explainers</em>" in project.page("about/index.html")
    assert not (project.out / "timeline").exists()
    assert 'href="/timeline/"' not in project.page("index.html")


def test_drafts_are_built_only_with_the_drafts_flag(project: Project, capsys) -> None:
    project.write("pages/wip.md", "---\ntitle: Work in progress\ndraft: true\n---\nSoon.\n")
    assert project.run("build", capsys=capsys).code == 0
    assert not (project.out / "wip").exists()
    assert project.run("build", "--drafts", capsys=capsys).code == 0
    assert '<span class="badge">Draft</span>' in project.page("wip/index.html")


def test_every_internal_url_honours_the_base_path(bundled: Project, capsys) -> None:
    result = bundled.run("build", "--base-url", "https://example.github.io/explainer/", capsys=capsys)
    assert result.code == 0, result.err
    for path in bundled.out.rglob("*.html"):
        html = path.read_text()
        for url in re.findall(r'(?:href|src)="(/[^"]*)"', html):
            assert url.startswith("/explainer/"), (path, url)
    assert '<link rel="canonical" href="https://example.github.io/explainer/timeline/">' in bundled.page(
        "timeline/index.html"
    )


def test_css_and_js_get_content_hashed_names(bundled: Project, capsys) -> None:
    assert bundled.run("build", capsys=capsys).code == 0
    names = sorted(p.name for p in (bundled.out / "static").iterdir() if p.suffix in (".css", ".js"))
    assert names and all(re.fullmatch(r"[\w-]+\.[0-9a-f]{10}\.(css|js)", name) for name in names), names


def test_the_output_folder_is_marked_and_leftovers_are_cleaned(bundled: Project, capsys) -> None:
    leftover = bundled.out.parent / "._site.tmp-crashed"
    leftover.mkdir()
    (leftover / "junk.html").write_text("half a site")
    assert bundled.run("build", capsys=capsys).code == 0
    assert (bundled.out / MARKER).is_file()
    assert not leftover.exists()
    assert not list(bundled.out.parent.glob("._site.tmp-*"))


def test_refuses_an_output_folder_that_holds_someone_elses_files(project: Project, capsys) -> None:
    project.out.mkdir()
    (project.out / "thesis.docx").write_text("years of work")
    result = project.run("build", capsys=capsys)
    assert result.code == 2
    assert "is not empty and was not made by this generator" in result.err
    assert (project.out / "thesis.docx").read_text() == "years of work"


def test_refuses_an_output_folder_that_is_or_holds_a_source_folder(project: Project, capsys) -> None:
    from factsite.cli import main

    for out in (project.content, project.root, project.content / "pages", project.root / "templates"):
        code = main(
            [
                "build",
                "--content",
                str(project.content),
                "--templates",
                str(project.root / "templates"),
                "--static",
                str(project.root / "static"),
                "--out",
                str(out),
            ]
        )
        assert code == 2, out
        assert "choose another --out" in capsys.readouterr().err
    assert (project.content / "site.yaml").is_file()


def test_help_is_available_for_each_command(capsys) -> None:
    from factsite.cli import main

    for argv in (["--help"], ["build", "--help"], ["check", "--help"], ["serve", "--help"]):
        assert main(argv) == 0
        assert "usage: build.py" in capsys.readouterr().out


def test_each_explainer_shows_its_place_in_the_series(bundled: Project, capsys) -> None:
    assert bundled.run("build", capsys=capsys).code == 0
    html = bundled.page("article-5/index.html")
    assert '<p class="series">Part 2 of 6 · <a href="/#explainers">Explainers</a></p>' in html
    parts = re.findall(
        r"<li>(?:<a href=\"[^\"]+\">|<span aria-current=\"page\">)([^<]+)<", html.split("All 6 parts")[1]
    )
    assert len(parts) == 6 and parts[1] == "What Article 5 covers, and what it does not"
    byline = re.search(r'<p class="page-dates">(.*?)</p>', html, re.DOTALL)
    assert byline is not None
    assert re.fullmatch(
        r'By The Explainer Desk · As of <time datetime="2022-01">late January 2022</time> · \d+ min read', byline[1]
    )
    assert '<a href="/#explainers" aria-current="page">Explainers</a>' in html
    assert '<a href="/#explainers">Explainers</a>' in bundled.page("timeline/index.html")  # (not current there)
    assert 'rel="prev" href="/will-the-us-fight/"' in html and 'rel="next" href="/what-the-west-will-do/"' in html


def test_an_explainers_date_and_reading_time_come_from_its_content(project: Project, capsys) -> None:
    words = " ".join(["word"] * 690)
    project.write("pages/long.md", f"---\ntitle: Long\ndate: 2022-01-25\nupdated: 2022-01-28\n---\n\n{words}\n")
    assert project.run("build", capsys=capsys).code == 0
    html = project.page("long/index.html")
    assert (
        'Published <time datetime="2022-01-25">25 January 2022</time> · '
        'Updated <time datetime="2022-01-28">28 January 2022</time> · 3 min read' in html
    )
    assert "Part 1 of 1" in html


def test_a_long_series_is_not_listed_on_every_part(project: Project, capsys) -> None:
    """Past 20 parts, each explainer says its place and links its neighbours; the home page lists
    them all (listing every part on every page grew a 10,000-page site to 4.5 GB)."""
    for number in range(1, 26):
        project.write(f"pages/part-{number:02}.md", f"---\ntitle: Part {number:02}\norder: {number}\n---\n\nText.\n")
    assert project.run("build", capsys=capsys).code == 0
    html = project.page("part-03/index.html")
    assert "Part 3 of 25" in html and "All 25 parts" not in html
    assert 'rel="prev" href="/part-02/"' in html and 'rel="next" href="/part-04/"' in html
    assert project.page("index.html").count('href="/part-') >= 25
