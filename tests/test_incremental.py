"""Incremental rebuilds (the preview's): only affected pages change, and the result always equals
a clean build byte for byte."""

from __future__ import annotations

import dataclasses
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from factsite.build import build_site
from factsite.errors import SiteError
from factsite.options import BuildOptions
from factsite.preview.rebuild import Rebuilder

from conftest import REPO, Project, snapshot
from corpus import make_corpus
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
    edit(bundled.root / "templates" / "_cards.html", "Permalink</a>", "Link here</a>")
    edit(bundled.root / "static" / "style.css", "--measure: 42rem;", "--measure: 41rem;")
    report = builder.build()
    assert "static/style.css" in report.changed and "quotes/index.html" in report.changed
    assert_same_as_clean_build(builder, tmp_path)


def test_editing_a_template_that_another_imports_is_picked_up(
    bundled: Project, builder: Rebuilder, tmp_path: Path
) -> None:
    templates = bundled.root / "templates"
    (templates / "_bits.html").write_text("{% macro said() %}Said{% endmacro %}\n")
    edit(templates / "_cards.html", "{% macro quote_card", '{% from "_bits.html" import said %}{% macro quote_card')
    edit(templates / "_cards.html", "Permalink</a>", "{{ said() }}</a>")
    builder.build()
    assert ">Said</a>" in (builder.options.output_dir / "quotes" / "index.html").read_text()
    (templates / "_bits.html").write_text("{% macro said() %}Link to this quote{% endmacro %}\n")
    report = builder.build()
    assert "quotes/index.html" in report.changed
    assert ">Link to this quote</a>" in (builder.options.output_dir / "quotes" / "index.html").read_text()
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


# -- random edit sequences --------------------------------------------------------------------------


class Editor:
    """Random edits of the kinds an author makes, each returning the files it touched (as the
    watcher reports them) and able to be undone."""

    def __init__(self, project: Project, output: Path, rng: random.Random) -> None:
        self.project, self.output, self.rng = project, output, rng
        self.content = project.content
        self.saved: dict[Path, bytes | None] = {}
        self.count = 0

    def touch(self, path: Path, text: str | None) -> Path:
        self.saved.setdefault(path, path.read_bytes() if path.exists() else None)
        if text is None:
            path.unlink()
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def undo(self) -> list[Path]:
        """Put back every file the last edit touched."""
        touched = list(self.saved)
        for path, data in self.saved.items():
            if data is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(data)
        self.saved = {}
        return touched

    def replace_line(self, path: Path, pattern: str, change: Callable[[str], str]) -> Path:
        lines = path.read_text(encoding="utf-8").split("\n")
        chosen = self.rng.choice([number for number, line in enumerate(lines) if re.match(pattern, line)])
        lines[chosen] = change(lines[chosen])
        return self.touch(path, "\n".join(lines))

    def page(self, containing: str = "") -> Path:
        pages = sorted((self.content / "pages").glob("*.md"))
        return self.rng.choice([page for page in pages if containing in page.read_text()])

    def edit(self) -> list[Path]:
        self.saved = {}
        self.count += 1
        n = self.count
        kinds: list[Callable[[], Path | list[Path]]] = [
            lambda: self.touch(page := self.page(), page.read_text() + f"\nA new paragraph, number {n}.\n"),
            lambda: self.replace_line(self.page(), r"title: ", lambda line: f"{line} {n}"),
            lambda: self.replace_line(self.page("\n## "), r"## ", lambda line: f"{line} {n}"),
            lambda: self.touch(page := self.page(), page.read_text() + f"\n[A broken link {n}](page:no-such-page)\n"),
            lambda: self.touch(page := self.page(), page.read_text() + f"\n[Another page {n}]({self.anchor()})\n"),
            lambda: self.new_page(n),
            lambda: self.touch(self.page(), None),
            lambda: self.replace_line(self.content / "actors.yaml", r"  name: ", lambda line: f"{line} {n}"),
            lambda: self.replace_line(self.content / "actors.yaml", r"  role: ", lambda line: f"{line} {n}"),
            lambda: self.replace_line(self.content / "quotes.yaml", r"  context: ", lambda line: f"{line} {n}"),
            lambda: self.replace_line(self.content / "timeline.yaml", r"  title: ", lambda line: f"{line} {n}"),
            lambda: self.replace_line(self.content / "timeline.yaml", r"  date: '?20", self.another_day),
            lambda: self.replace_line(self.content / "glossary.yaml", r"  term: ", lambda line: f"{line} {n}"),
            lambda: self.replace_line(self.content / "sources.yaml", r"  title: ", lambda line: f"{line} {n}"),
            lambda: self.replace_line(self.content / "site.yaml", r"title: ", lambda line: f"{line} {n}"),
            lambda: self.touch(
                tpl := self.project.root / "templates" / "_cards.html", tpl.read_text() + f"<!-- {n} -->"
            ),
            lambda: self.touch(css := self.project.root / "static" / "style.css", css.read_text() + f"/* {n} */\n"),
        ]
        while True:
            try:
                touched = self.rng.choice(kinds)()
            except IndexError:  # nothing of that kind here
                continue
            return touched if isinstance(touched, list) else [touched]

    def anchor(self) -> str:
        """A relative link to a heading of another page, as the site has it now."""
        pages = sorted(self.output.glob("*/index.html"))
        headings = [
            (page.parent.name, id) for page in pages for id in re.findall(r'<h2 id="([^"]+)"', page.read_text())
        ]
        folder, heading = self.rng.choice(headings)
        return f"../{folder}/#{heading}"

    @staticmethod
    def another_day(line: str) -> str:
        """The date on the line with its last digit changed (which may make it invalid)."""
        return re.sub(r"(\d)('?)$", lambda digit: f"{(int(digit[1]) + 1) % 10}{digit[2]}", line)

    def new_page(self, n: int) -> Path:
        actor = self.rng.choice(re.findall(r"^- id: (\S+)", (self.content / "actors.yaml").read_text(), re.M))
        quote = self.rng.choice(re.findall(r"^- id: (\S+)", (self.content / "quotes.yaml").read_text(), re.M))
        text = f"---\ntitle: Extra {n}\norder: {n % 7}\n---\n\nAbout [someone](actor:{actor}).\n\n::quote[{quote}]\n"
        return self.touch(self.content / "pages" / f"extra-{n}.md", text)


def outcome(build: Callable[..., object], *args: object) -> str | None:
    """None if the build passed, else its problems."""
    try:
        build(*args)
    except SiteError as error:
        return "\n".join(sorted(map(str, error.problems)))
    return None


@pytest.mark.parametrize(
    ("corpus", "seed"), [(corpus, seed) for corpus in ("bundled", "synthetic") for seed in range(5)]
)
def test_random_edit_sequences_give_what_a_clean_build_gives(tmp_path: Path, corpus: str, seed: int) -> None:
    project = Project(tmp_path / "project")
    shutil.rmtree(project.content)
    if corpus == "bundled":
        shutil.copytree(REPO / "content", project.content)
    else:
        make_corpus(40, project.content)
    rng = random.Random(seed)
    builder = Rebuilder(options_for(project, project.root / "preview"))
    builder.build()
    editor = Editor(project, builder.options.output_dir, rng)
    clean = dataclasses.replace(builder.options, output_dir=tmp_path / "clean")
    for step in range(25):
        touched = editor.edit()
        before = snapshot(builder.options.output_dir)
        told = None if rng.random() < 0.2 else touched  # sometimes the watcher cannot say what changed
        failed = outcome(builder.build, told)
        assert failed == outcome(build_site, clean), f"step {step}: {touched}"
        if failed is None:
            assert snapshot(builder.options.output_dir) == snapshot(clean.output_dir), f"step {step}: {touched}"
        else:
            assert snapshot(builder.options.output_dir) == before, f"step {step}: a failed build changed the folder"
            builder.build(editor.undo())
            build_site(clean)
            assert snapshot(builder.options.output_dir) == snapshot(clean.output_dir), f"step {step}: undoing"
