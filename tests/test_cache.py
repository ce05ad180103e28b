"""A published build keeps the site it replaced in .cache/factsite and the next build starts from
it: unchanged files are not rewritten, and the result always equals a clean build byte for byte,
whatever state the kept copy is in."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import jinja2
import pytest

from factsite.build import build_site
from factsite.errors import SiteError, UsageError
from factsite.options import BuildOptions
from factsite.publish.staging import MARKER

from conftest import REPO, Project, snapshot


def options_for(project: Project, **changes: object) -> BuildOptions:
    options = BuildOptions(project.content, project.root / "templates", project.root / "static", project.out)
    return dataclasses.replace(options, **{"search": False, **changes})  # type: ignore[arg-type]


def assert_same_as_clean_build(project: Project, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    build_site(options_for(project, output_dir=clean, cache_dir=tmp_path / "clean-cache"))
    assert snapshot(project.out) == snapshot(clean)


def kept(project: Project) -> Path:
    return project.root / ".cache" / "factsite" / "previous-site"


def test_the_replaced_site_is_kept_beside_the_output_and_reused(bundled: Project, tmp_path: Path) -> None:
    options = options_for(bundled)
    bundled.write("pages/extra.md", "---\ntitle: Extra\n---\nFor a while.\n")
    build_site(options)
    first = snapshot(bundled.out)
    unchanged = bundled.out / "actors" / "index.html"
    first_inode = unchanged.stat().st_ino
    build_site(options)
    assert snapshot(kept(bundled)) == first  # the first build's site, moved aside, not deleted

    page = bundled.content / "pages" / "article-5.md"
    page.write_text(page.read_text() + "\nOne more sentence.\n")
    (bundled.content / "pages" / "extra.md").unlink()
    build_site(options)  # starts from the first build's folder
    assert unchanged.stat().st_ino == first_inode  # not rewritten
    assert "One more sentence." in bundled.page("article-5/index.html")
    assert not (bundled.out / "extra").exists()
    assert_same_as_clean_build(bundled, tmp_path)


def test_the_search_index_is_rebuilt_not_left_stale(bundled: Project, tmp_path: Path) -> None:
    options = options_for(bundled, search=True)
    build_site(options)
    build_site(options)
    page = bundled.content / "pages" / "article-5.md"
    page.write_text(page.read_text() + "\nA freshly indexed sentence.\n")
    build_site(options)  # starts from the first build's folder, old index included
    clean = tmp_path / "clean"
    build_site(options_for(bundled, search=True, output_dir=clean, cache_dir=tmp_path / "clean-cache"))
    assert any(path.startswith("pagefind/") for path in snapshot(clean))
    assert snapshot(bundled.out) == snapshot(clean)


def test_a_tampered_kept_site_still_gives_exactly_a_clean_build(bundled: Project, tmp_path: Path) -> None:
    options = options_for(bundled)
    build_site(options)
    build_site(options)
    folder = kept(bundled)
    (folder / "actors" / "index.html").write_text("stale")
    (folder / "quotes" / "index.html").write_bytes(b"")
    (folder / "leftover.html").write_text("from an older build")
    shutil.rmtree(folder / "glossary")
    (folder / "timeline" / "index.html").unlink()
    (folder / "timeline" / "index.html").mkdir()  # a folder where a file goes
    (folder / "article-5").rename(folder / "article-5-moved")
    (folder / "article-5").write_text("a file where a folder goes")
    build_site(options)
    assert_same_as_clean_build(bundled, tmp_path)


def test_a_kept_site_holding_a_link_is_not_reused(bundled: Project, tmp_path: Path) -> None:
    options = options_for(bundled)
    build_site(options)
    build_site(options)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(kept(bundled) / "actors")
    os.symlink(outside, kept(bundled) / "actors")
    build_site(options)
    assert list(outside.iterdir()) == []
    assert_same_as_clean_build(bundled, tmp_path)


def test_a_kept_copy_holding_a_pipe_is_not_reused(bundled: Project, tmp_path: Path) -> None:
    """Reading a pipe would block the build: anything but files and folders means start afresh."""
    options = options_for(bundled)
    build_site(options)
    build_site(options)
    (kept(bundled) / "404.html").unlink()
    os.mkfifo(kept(bundled) / "404.html")
    build_site(options)
    assert_same_as_clean_build(bundled, tmp_path)


def test_a_failed_build_keeps_its_folder_for_the_next_and_leaves_the_site(bundled: Project, tmp_path: Path) -> None:
    options = options_for(bundled)
    build_site(options)
    before = snapshot(bundled.out)
    page = bundled.content / "pages" / "article-5.md"
    text = page.read_text()
    page.write_text(text + "\nSee [nobody](actor:nobody).\n")
    with pytest.raises(SiteError):
        build_site(options)
    assert snapshot(bundled.out) == before
    page.write_text(text + "\nFixed.\n")
    build_site(options)
    assert_same_as_clean_build(bundled, tmp_path)


def test_the_cache_never_lands_in_a_source_folder(bundled: Project) -> None:
    for source in ("content", "templates", "static"):
        with pytest.raises(UsageError, match="cache folder"):
            build_site(options_for(bundled, cache_dir=bundled.root / source / ".cache"))
    with pytest.raises(UsageError, match="cache folder"):
        build_site(options_for(bundled, cache_dir=bundled.out / "cache"))
    assert not (bundled.content / ".cache").exists()


def test_a_kept_folder_without_our_marker_is_replaced_not_reused(bundled: Project, tmp_path: Path) -> None:
    options = options_for(bundled)
    folder = kept(bundled)
    shutil.copytree(REPO / "content", folder)  # something that is not a build of ours
    assert not (folder / MARKER).exists()
    build_site(options)
    assert_same_as_clean_build(bundled, tmp_path)
    build_site(options)
    assert (kept(bundled) / MARKER).is_file()


# -- compiled templates -----------------------------------------------------------------------


def compiled(project: Project) -> list[Path]:
    return sorted((project.root / ".cache" / "factsite" / "templates").rglob("*.cache"))


def count_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    compiled_names: list[str] = []
    real_compile = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kwargs: object):
        compiled_names.append(name or "")
        return real_compile(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled_names


def test_templates_compiled_once_serve_the_next_builds(
    bundled: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiles = count_compiles(monkeypatch)
    build_site(options_for(bundled))
    assert "base.html" in compiles and compiled(bundled)
    first = snapshot(bundled.out)
    compiles.clear()
    build_site(options_for(bundled))
    assert compiles == []
    assert snapshot(bundled.out) == first


def test_an_edited_template_is_compiled_again(bundled: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    build_site(options_for(bundled))
    compiles = count_compiles(monkeypatch)
    base = bundled.root / "templates" / "base.html"
    base.write_text(base.read_text().replace("</footer>", "<p>Edited footer.</p></footer>"))
    build_site(options_for(bundled))
    assert compiles == ["base.html"]
    assert "<p>Edited footer.</p>" in bundled.page("index.html")


def test_damaged_or_unwritable_compiled_templates_are_not_used(bundled: Project, tmp_path: Path) -> None:
    build_site(options_for(bundled))
    expected = snapshot(bundled.out)
    for path in compiled(bundled):
        path.write_bytes(path.read_bytes()[:40])  # cut short: Jinja's header, then nothing
    build_site(options_for(bundled))
    assert snapshot(bundled.out) == expected
    folder = bundled.root / ".cache" / "factsite" / "templates"
    shutil.rmtree(folder)
    folder.write_text("a file where the folder goes")
    build_site(options_for(bundled))
    assert snapshot(bundled.out) == expected


def test_check_keeps_no_compiled_templates(bundled: Project) -> None:
    build_site(options_for(bundled), write=False)
    assert not (bundled.root / ".cache").exists()


def test_workers_writing_into_a_tampered_kept_site_give_exactly_a_clean_build(tmp_path: Path) -> None:
    """Each worker writes the pages it renders, into the same kept folder, racing the other to
    clear an earlier build's files out of the way."""
    from factsite.parallel.pool import PARALLEL_MINIMUM

    from corpus import make_corpus

    content = tmp_path / "content"
    make_corpus(PARALLEL_MINIMUM + 50, content)
    (content / "pages" / "extra.md").write_text("---\ntitle: Extra\n---\nFor a while.\n")
    options = BuildOptions(content, REPO / "templates", REPO / "static", tmp_path / "out", search=False, workers=2)
    build_site(options)
    build_site(options)
    folder = tmp_path / ".cache" / "factsite" / "previous-site"
    shutil.rmtree(folder / "embed")
    (folder / "embed").write_text("a file where the folder of every card goes")
    (folder / "page-7" / "index.html").write_text("stale")
    (folder / "page-8").rename(folder / "page-8-moved")
    (content / "pages" / "extra.md").unlink()
    build_site(options)
    assert not (tmp_path / "out" / "extra").exists()
    clean = dataclasses.replace(options, output_dir=tmp_path / "clean", cache_dir=tmp_path / "clean-cache")
    build_site(clean)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "clean")
