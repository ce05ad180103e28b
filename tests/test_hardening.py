"""Hostile input, crashes and misuse: a safe site or a clean refusal, and nothing lost."""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import factsite.build
from factsite.build import build_site
from factsite.check import links
from factsite.content import load
from factsite.errors import SiteError
from factsite.options import BuildOptions
from factsite.parallel import pool, stream
from factsite.parallel.pool import PARALLEL_MINIMUM, can_fork
from factsite.plan.pages import plan_site
from factsite.plan.urls import Urls
from factsite.publish.assets import collect_assets
from factsite.render import templates
from factsite.render.renderer import make_environment, make_renderer

from conftest import REPO, Project, snapshot
from corpus import make_corpus
from preview import running_preview

# -- every bad input is a clean error ---------------------------------------------------------

CLEAN_ERRORS = [
    ("unterminated front matter", "pages/a.md", "---\ntitle: A\nbody\n", "pages/a.md:1: front matter is not closed"),
    ("empty front matter", "pages/a.md", "---\n---\nbody\n", "pages/a.md:1: front matter is empty"),
    (
        "front matter that is a list",
        "pages/a.md",
        "---\n- a\n- b\n---\n",
        "pages/a.md:2: front matter must be a mapping",
    ),
    (
        "front matter that is a value",
        "pages/a.md",
        "---\njust text\n---\n",
        "pages/a.md:2: front matter must be a mapping",
    ),
    ("empty page", "pages/a.md", "", "pages/a.md:1: page must start with front matter"),
    ("empty YAML file", "actors.yaml", "", "actors.yaml:1: file is empty"),
    ("comments-only YAML file", "actors.yaml", "# nothing\n", "actors.yaml:1: file is empty"),
    ("top-level scalar", "timeline.yaml", "just a sentence\n", "timeline.yaml:1: timeline.yaml must be a list"),
    ("a list item that is a scalar", "timeline.yaml", "- hello\n", "timeline.yaml:1: event #1 must be a mapping"),
    (
        "explicit bad timestamp",
        "sources.yaml",
        "- id: s\n  title: T\n  publisher: P\n  date: !!timestamp 2022-02-30\n",
        "sources.yaml:4: invalid YAML value: day is out of range for month",
    ),
    (
        "impossible date in front matter",
        "pages/a.md",
        "---\ntitle: A\nupdated: 2023-02-29\n---\n",
        "pages/a.md:3: field 'updated': 2023-02-29 is not a real date: February 2023 has 28 days",
    ),
    ("deep nesting", "actors.yaml", "- id: a\n  name: " + "[" * 100 + "]" * 100 + "\n", "actors.yaml:"),
    ("alias bomb", "actors.yaml", "- &a {id: a, name: A, kind: person}\n- *a\n", "YAML anchors and aliases"),
    (
        "python object tag",
        "actors.yaml",
        "- !!python/object/apply:os.system [ls]\n",
        "could not determine a constructor",
    ),
    (
        "javascript URL",
        "sources.yaml",
        "- id: s\n  title: T\n  publisher: P\n  url: javascript:alert(1)\n",
        "sources.yaml:4: field 'url': 'javascript:alert(1)' is not an http(s) URL",
    ),
    ("language with markup", "site.yaml", 'title: T\nlanguage: en" onload="x\n', "site.yaml:2: field 'language':"),
    ("tab-indented YAML", "actors.yaml", "- id: a\n\tname: A\n", "actors.yaml:2: invalid YAML"),
]


@pytest.mark.parametrize(("name", "text", "expected"), [c[1:] for c in CLEAN_ERRORS], ids=[c[0] for c in CLEAN_ERRORS])
def test_bad_input_is_a_clean_error(project: Project, name: str, text: str, expected: str) -> None:
    project.write(name, text)
    result = project.run_subprocess("build")
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert any(
        line.startswith(f"{project.content}/{expected}") or expected in line for line in result.err.splitlines()
    ), result.err


def test_text_that_is_not_utf8_is_a_clean_error(project: Project) -> None:
    (project.content / "pages").mkdir()
    (project.content / "pages" / "a.md").write_bytes(b"---\ntitle: A\n---\nna\xefve\n")
    result = project.run_subprocess("build")
    assert result.code == 1 and f"{project.content}/pages/a.md:4: file is not valid UTF-8 text" in result.err


def test_oversized_files_are_refused(project: Project) -> None:
    project.write("glossary.yaml", "# " + "x" * (3 * 1024 * 1024) + "\n")
    result = project.run_subprocess("build")
    assert result.code == 1 and "glossary.yaml:1: file is larger than 2 MiB; split it up" in result.err


# -- a BOM and CRLF line endings are fine -------------------------------------------------------


def test_bom_and_crlf_build_the_same_site(bundled: Project, tmp_path: Path, capsys) -> None:
    assert bundled.run("build", capsys=capsys).code == 0
    expected = snapshot(bundled.out)
    for path in bundled.content.rglob("*"):
        if path.is_file():
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert bundled.run("build", capsys=capsys).code == 0
    assert snapshot(bundled.out) == expected


# -- a page edited while the site builds ---------------------------------------------------------


@pytest.fixture
def big_project(tmp_path: Path) -> Project:
    """A site big enough for workers, built with two processes (see _build_in_two)."""
    project = Project(tmp_path / "project")
    make_corpus(PARALLEL_MINIMUM + 10, project.content)
    return project


def _build_in_two(project: Project, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    result = project.run("build", "--workers", "2", "--no-search", capsys=capsys)
    return result.code, result.err


def test_a_page_edited_while_the_site_builds_stops_the_build(
    big_project: Project, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its new text is not mixed with its old front matter: the build stops, the site stays."""
    assert _build_in_two(big_project, capsys)[0] == 0
    published = snapshot(big_project.out)
    edited = sorted((big_project.content / "pages").glob("*.md"))[0]
    real_plan = factsite.build.plan_site

    def edit_then_plan(*args: object, **kwargs: object) -> object:
        edited.write_text(edited.read_text() + "\nA sentence added after loading.\n")
        return real_plan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(factsite.build, "plan_site", edit_then_plan)
    code, err = _build_in_two(big_project, capsys)
    assert code == 1
    assert f"{edited}:1: file changed while the site was being built; build again" in err
    assert snapshot(big_project.out) == published
    monkeypatch.undo()
    assert _build_in_two(big_project, capsys)[0] == 0  # building again takes the new text


def test_a_page_swapped_for_a_link_outside_while_the_site_builds_is_not_read(
    big_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Even with the same size and modification time, the file read again must be the one loaded."""
    edited = sorted((big_project.content / "pages").glob("*.md"))[0]
    outside = tmp_path / "outside.md"
    outside.write_bytes(edited.read_bytes().replace(b"a", b"X"))
    status = edited.stat()
    os.utime(outside, ns=(status.st_atime_ns, status.st_mtime_ns))
    real_plan = factsite.build.plan_site

    def swap_then_plan(*args: object, **kwargs: object) -> object:
        edited.unlink()
        edited.symlink_to(outside)
        return real_plan(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(factsite.build, "plan_site", swap_then_plan)
    code, err = _build_in_two(big_project, capsys)
    assert code == 1
    assert f"{edited}:1: file changed while the site was being built; build again" in err
    assert not big_project.out.exists()


# -- nothing injected ---------------------------------------------------------------------------

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>{{ 7*7 }}{% raw %}'


class _LiveParts(HTMLParser):
    """What a browser would act on: script elements, event-handler attributes, script URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        is_ours = re.fullmatch(r"/static/[\w.]+\.js", values.get("src") or "")
        if tag == "script" and not is_ours and values.get("type") != "application/ld+json":
            self.found.append(f"<script {values}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value!r}")
            if name in ("href", "src", "action", "formaction", "cite") and re.match(
                r"\s*(javascript|vbscript|data):", (value or "").replace("\t", "").replace("\n", ""), re.IGNORECASE
            ):
                self.found.append(f"{tag} {name}={value!r}")


def assert_inert(out: Path) -> None:
    """No live script but ours, no event handlers, no script URLs, on any page."""
    for page in sorted(out.rglob("*.html")):
        parser = _LiveParts()
        parser.feed(page.read_text())
        assert parser.found == [], page


def test_hostile_text_in_every_field_stays_text(project: Project, capsys) -> None:
    project.write(
        "site.yaml", f"title: '{HOSTILE}'\ndescription: '{HOSTILE}'\nquestion: '{HOSTILE}'\ntakeaways: ['{HOSTILE}']\n"
    )
    project.write("sources.yaml", f"- id: s\n  title: '{HOSTILE}'\n  publisher: '{HOSTILE}'\n  note: '{HOSTILE}'\n")
    project.write(
        "actors.yaml",
        f"- id: a\n  name: '{HOSTILE}'\n  kind: person\n  role: '{HOSTILE}'\n"
        f"  summary: '{HOSTILE}'\n  aliases: ['{HOSTILE}']\n",
    )
    project.write(
        "quotes.yaml",
        f"- id: q\n  speaker: a\n  text: '{HOSTILE}'\n  source: s\n  context: '{HOSTILE}'\n"
        f"  note: '{HOSTILE}'\n  sic: 'alert(1)'\n",
    )
    project.write(
        "timeline.yaml",
        f"- id: e\n  date: 2022-01-01\n  title: '{HOSTILE}'\n  summary: '{HOSTILE}'\n"
        "  actors: [a]\n  quotes: [q]\n  sources: [s]\n",
    )
    project.write("glossary.yaml", f"- id: t\n  term: '{HOSTILE}'\n  definition: '{HOSTILE}'\n")
    project.write(
        "pages/p.md",
        f"---\ntitle: '{HOSTILE}'\n---\n\n{HOSTILE}\n\n[x](term:t) [y](javascript:alert(3)) "
        "<javascript:alert(4)> [z](JaVaScRiPt:alert(5)) ![i](javascript:alert(6))\n\n::quote[q]\n",
    )
    result = project.run("build", capsys=capsys)
    assert result.code == 0, result.err
    assert_inert(project.out)
    assert "{{ 7*7 }}" in project.page("p/index.html")


_TAG_PIECES = [" ", "\t", "\n", "\x1c", "href", "HREF", "hRef", "name", "NaMe", "data-", "x", "=", '"', "'",
               "&amp;", "/p/#f", "\u0130", "\u212a", 'href="/a/"', 'name="n"', ' href="', ' name="']  # fmt: skip


@given(st.sampled_from(["<a ", "<A\n", "<a\t", "<link ", "<img "]), st.lists(st.sampled_from(_TAG_PIECES), max_size=12))
@settings(max_examples=3000)
def test_a_link_tag_is_read_alike_by_the_quick_and_the_thorough_reading(start: str, pieces: list[str]) -> None:
    tag = (start + "".join(pieces) + ">").encode()
    assert links._LINKING_TAG.fullmatch(tag)
    quick = links._read_a_tag(tag)
    if quick is not None:
        assert quick == links._read_attributes(*links._TAG_PARTS.match(tag).groups())  # type: ignore[union-attr]


def test_common_link_tags_are_read_quickly() -> None:
    assert links._read_a_tag(b'<a href="/actors/x/">') == (None, "/actors/x/")
    assert links._read_a_tag(b'<a class="term-link" href="/g/#t&amp;1" aria-describedby="d">') == (None, "/g/#t&1")
    assert links._read_a_tag(b'<a rel="next" href="/p/">') == (None, "/p/")
    assert links._read_a_tag(b'<a class="skip">') == (None, None)
    assert links._read_a_tag(b'<a name="here" href="/p/">') is None  # an anchor: read thoroughly
    assert links._read_a_tag('<a href="/caf\u00e9/#\u00e0">'.encode()) == (None, "/caf\u00e9/#\u00e0")


def test_templates_see_the_sites_functions_and_jinjas_own_globals(tmp_path: Path) -> None:
    (tmp_path / "t.html").write_text(
        "{{ url('a/') }}|{{ asset('x.css') }}|{{ range(2) | list }}|{{ lipsum is defined }}|{{ '<&>' }}"
    )
    env = make_environment(tmp_path, Urls("https://example.org/sub/"), {"x.css": "static/x.1.css"})
    template = env.get_template("t.html")
    assert template.render() == "/sub/a/|/sub/static/x.1.css|[0, 1]|True|&lt;&amp;&gt;"
    assert template.render(url=lambda path: "mine").startswith("mine|")  # a variable still wins over a global


def test_templates_kept_compiled_by_another_jinja_are_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgraded (or reinstalled) Jinja writes other code: its compiled templates go to another
    folder, so templates compiled by the old one are never loaded."""
    ours = templates.kept_compiled(tmp_path)
    other_jinja = tmp_path / "compiler.py"
    other_jinja.write_text("# another Jinja\n")
    monkeypatch.setattr(templates, "_JINJA_CODE", (str(other_jinja), templates._JINJA_CODE[1]))
    theirs = templates.kept_compiled(tmp_path)
    assert ours is not None and theirs is not None and ours.directory != theirs.directory


def test_pages_rendered_as_bytes_are_the_pages_text_in_utf8(bundled: Project) -> None:
    site = load.load_site(bundled.content)
    assets = collect_assets(bundled.root / "static")[0].output_path_of
    urls = Urls(site.config.base_url)
    plan = plan_site(site, urls, assets, search=False)
    renderer = make_renderer(site, plan, urls, make_environment(bundled.root / "templates", urls, assets))
    assert any(job.markdown is not None for job in plan.jobs) and any(job.markdown is None for job in plan.jobs)
    for job in plan.jobs:
        body = None if job.markdown is None else renderer.markdown(job.markdown)
        assert renderer.page_bytes(job, body) == renderer.page(job, body).encode("utf-8")


def test_raw_html_passes_only_when_the_site_opts_in(project: Project, capsys) -> None:
    project.write("pages/p.md", "---\ntitle: P\n---\n\n<mark>marked</mark>\n")
    assert project.run("build", capsys=capsys).code == 0
    assert "&lt;mark&gt;marked&lt;/mark&gt;" in project.page("p/index.html")
    project.write("site.yaml", "title: T\nallow_raw_html: true\n")
    assert project.run("build", capsys=capsys).code == 0
    assert "<mark>marked</mark>" in project.page("p/index.html")


# -- nothing escapes ----------------------------------------------------------------------------


def test_links_out_of_the_content_and_static_folders_are_refused(project: Project, tmp_path: Path, capsys) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\nprivate\n")
    (project.content / "pages").mkdir()
    (project.content / "pages" / "evil.md").symlink_to(secret)
    (project.content / "pages" / "evil-folder").symlink_to(tmp_path)
    (project.root / "static" / "passwd").symlink_to("/etc/passwd")
    result = project.run("build", capsys=capsys)
    assert result.code == 1
    assert f"{project.content}/pages/evil.md:1: is a link to a file outside" in result.err
    assert f"{project.content}/pages/evil-folder:1: is a link to a folder outside" in result.err
    assert f"{project.root}/static/passwd:1: is a link to a file outside" in result.err
    assert not project.out.exists()


def test_a_pages_folder_that_links_out_of_the_content_folder_is_refused(
    project: Project, tmp_path: Path, capsys
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.md").write_text("---\ntitle: Secret\n---\nprivate\n")
    (project.content / "pages").symlink_to(elsewhere)
    result = project.run("build", capsys=capsys)
    assert result.code == 1
    assert f"{project.content}/pages:1: is a link to a folder outside the content folder" in result.err
    assert not project.out.exists()


@pytest.mark.parametrize("name", ["pages/pipe.md", "glossary.yaml"])
def test_a_pipe_among_the_content_is_refused_instead_of_blocking_the_build(project: Project, capsys, name: str) -> None:
    path = project.content / name
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    result = project.run("build", capsys=capsys)
    assert result.code == 1
    assert f"{path}:1: cannot read file: it is not a regular file" in result.err


@pytest.mark.parametrize("slug", ["../escape", "/etc", "a/b", "UPPER", "dot.dot", "sp ace"])
def test_slugs_that_could_escape_are_rejected(project: Project, slug: str, capsys) -> None:
    project.write("pages/a.md", f"---\ntitle: A\nslug: '{slug}'\n---\n")
    result = project.run("build", capsys=capsys)
    assert result.code == 1 and "field 'slug':" in result.err


def test_odd_file_names_are_rejected_not_published(project: Project, capsys) -> None:
    project.write("pages/Über uns.md", "---\ntitle: A\n---\n")
    result = project.run("build", capsys=capsys)
    assert result.code == 1 and "does not make a valid URL" in result.err


# -- crash-safe -----------------------------------------------------------------------------------


def test_killing_builds_at_random_moments_never_damages_the_published_site(tmp_path: Path) -> None:
    root = tmp_path / "project"
    make_corpus(300, root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    command = [sys.executable, str(REPO / "build.py")]
    subprocess.run(command, cwd=root, check=True, capture_output=True)
    published = snapshot(root / "_site")
    rng = random.Random(20220124)
    for _ in range(6):
        page = root / "content" / "pages" / "page-1.md"
        page.write_text(page.read_text() + "\nAnother line.\n")
        process = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 3.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert not _processes_working_in(root), "nothing the killed build started (the indexer) lives on"
        now = snapshot(root / "_site")
        if now != published:  # the build finished and swapped in: it must be complete
            subprocess.run(command + ["check"], cwd=root, check=True, capture_output=True)
            assert set(now) >= {"index.html", "404.html", "timeline/index.html", ".factsite-build"}
            published = now
    subprocess.run(command, cwd=root, check=True, capture_output=True)
    assert not list(root.glob("._site.tmp-*")), "leftovers of killed builds are cleaned up by the next build"


def test_killing_a_build_while_it_indexes_leaves_no_indexer_behind(tmp_path: Path) -> None:
    root = tmp_path / "project"
    make_corpus(300, root / "content")  # big enough that indexing takes a while
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    command = [sys.executable, str(REPO / "build.py")]
    for _ in range(5):  # until a kill lands while Pagefind runs
        process = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None and not _processes_working_in(root, patience=0):
            time.sleep(0.005)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            break
    else:
        pytest.skip("the build always finished before Pagefind could be seen running")
    assert not _processes_working_in(root, patience=0.3)
    subprocess.run(command, cwd=root, check=True, capture_output=True)
    assert not list(root.glob("._site.tmp-*"))


def _die(*args: object) -> None:
    """A worker's task that kills its own process, as the out-of-memory killer would."""
    os.kill(os.getpid(), signal.SIGKILL)


_MAIN_PROCESS = os.getpid()
_run_chunk = stream._run_chunk


def _die_in_a_worker(index: int) -> object:
    """Chunks in the main process render; a worker dies at its first (see _die)."""
    if os.getpid() != _MAIN_PROCESS:
        _die()
    return _run_chunk(index)


@pytest.mark.parametrize("worker", ["loading records", "rendering pages"])
def test_a_worker_killed_mid_build_stops_the_build_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], worker: str
) -> None:
    if not can_fork(os.cpu_count() or 1):
        pytest.skip("one CPU: builds run in one process, without workers to lose")
    project = Project(tmp_path)
    make_corpus(PARALLEL_MINIMUM + 50, project.content)
    assert project.run("build", "--no-search", capsys=capsys).code == 0
    published = snapshot(project.out)
    monkeypatch.setattr(load, "BIG_RECORD_FILE", 0)  # the record files load in a worker
    if worker == "loading records":
        monkeypatch.setattr(load, "_load_records_alone", _die)
    else:  # the main process renders too: only the worker dies
        monkeypatch.setattr(stream, "_run_chunk", _die_in_a_worker)
    result = project.run("build", "--no-search", capsys=capsys)
    assert (result.code, result.err) == (
        1,
        "error: a worker process stopped unexpectedly (was it killed, perhaps for lack of memory?); "
        f"{project.out}/ was left as it was.\n",
    )
    assert snapshot(project.out) == published
    assert not list(tmp_path.glob("._site.tmp-*"))


def test_worker_processes_die_with_a_killed_build(tmp_path: Path) -> None:
    root = tmp_path / "project"
    make_corpus(1000, root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    command = [sys.executable, str(REPO / "build.py"), "--no-search", "--workers", "3"]  # two forked workers
    process = subprocess.Popen(command, cwd=root)
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while process.poll() is None and len(children) < 2 and time.monotonic() < deadline:
        children = _children_of(process.pid)
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before two workers were seen"
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 5
    while any(_alive(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [child for child in children if _alive(child)]


def test_ctrl_c_stops_a_build_cleanly_and_keeps_the_published_site(tmp_path: Path) -> None:
    root = tmp_path / "project"
    make_corpus(1000, root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    command = [sys.executable, str(REPO / "build.py"), "--no-search"]
    subprocess.run(command, cwd=root, check=True, capture_output=True)
    published = snapshot(root / "_site")
    page = root / "content" / "pages" / "page-1.md"
    page.write_text(page.read_text() + "\nAnother line.\n")
    process = subprocess.Popen(command, cwd=root, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while process.poll() is None and not _children_of(process.pid) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before its workers were seen"
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C: to the whole group
    _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (130, f"interrupted; {Path('_site')}/ holds the last site built in full.\n")
    assert snapshot(root / "_site") == published
    assert not list(root.glob("._site.tmp-*"))


def test_a_ctrl_c_that_reaches_a_worker_as_it_starts_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    start_worker = pool._start_worker

    def interrupted_at_start() -> None:  # the worst moment: forked, not yet ignoring Ctrl-C
        os.kill(os.getpid(), signal.SIGINT)
        start_worker()

    monkeypatch.setattr(pool, "_start_worker", interrupted_at_start)
    with pool.fork_pool(2) as workers:
        states = {workers.submit(_ctrl_c_state).result() for _ in range(8)}
    assert states == {(signal.SIG_IGN, False)}  # ignored, and no longer held back
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())  # nor here


def _ctrl_c_state() -> tuple[object, bool]:
    return signal.getsignal(signal.SIGINT), signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())


def _children_of(pid: int) -> set[int]:
    children = set()
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.add(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return children


def _alive(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _processes_working_in(root: Path, patience: float = 2.0) -> list[str]:
    """Command lines naming a path under root, after giving dying processes `patience` seconds."""
    deadline = time.monotonic() + patience
    while True:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                command_line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if str(root) in command_line and state != "Z":
                found.append(command_line)
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


# -- reproducible ---------------------------------------------------------------------------------


def test_file_times_do_not_change_the_output(bundled: Project, capsys) -> None:
    assert bundled.run("build", capsys=capsys).code == 0
    first = snapshot(bundled.out)
    for index, path in enumerate(sorted(bundled.root.rglob("*"))):
        if path.is_file() and "_site" not in path.parts:
            os.utime(path, (1_000_000_000 + index, 1_000_000_000 + index * 7))
    env_before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1"
    try:
        assert bundled.run("build", capsys=capsys).code == 0
    finally:
        if env_before is None:
            os.environ.pop("SOURCE_DATE_EPOCH")
        else:
            os.environ["SOURCE_DATE_EPOCH"] = env_before
    assert snapshot(bundled.out) == first


# -- preview server ---------------------------------------------------------------------------


def test_serving_beyond_loopback_needs_host_and_warns(bundled: Project) -> None:
    with running_preview(bundled, "--host", "0.0.0.0"):
        time.sleep(0.2)
    log = (bundled.root / "serve.log").read_text()
    assert "warning: serving on 0.0.0.0: other machines can see the preview" in log


# -- property-based ---------------------------------------------------------------------------

FUZZ_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def build_or_refuse(project: Project) -> None:
    options = BuildOptions(project.content, project.root / "templates", project.root / "static", project.out)
    try:
        build_site(options, write=True)
    except SiteError as error:
        assert error.problems and all(problem.line >= 1 for problem in error.problems)
        return
    assert_inert(project.out)


yaml_text = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            [
                "- id: a\n",
                "  name: A\n",
                "  kind: person\n",
                "  role: '<b>x</b>'\n",
                "  date: 2022-02-30\n",
                "- &x [1]\n",
                "- *x\n",
                "  aliases: [",
                "]\n",
                "\t",
                ": :\n",
                "  summary: {{ x }}\n",
                "---\n",
                "  affiliation: b\n",
                "- id: ../x\n",
                "\ufeff",
                "\r\n",
                "  name: !!binary AAAA\n",
            ]
        ),
        max_size=12,
    ).map("".join),
)
markdown_text = st.lists(
    st.sampled_from(
        [
            "# h\n",
            "[a](javascript:x)",
            "<script>x</script>",
            "[b](actor:a)",
            "::quote[q]\n",
            "[c](term:z)",
            "{{ 1+1 }}",
            "<img src=x onerror=y>",
            "| a |\n|---|\n| b |\n",
            "[d](../x/)",
            "*",
            "`",
            "\n\n",
            "[e](/abs/)",
            "<a href='javascript:x'>",
            "&#106;avascript:",
            "[f](<javascript:x>)",
        ]
    ),
    max_size=15,
).map("".join)


@FUZZ_SETTINGS
@given(text=yaml_text)
def test_arbitrary_yaml_builds_safely_or_fails_cleanly(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    project = Project(tmp_path_factory.mktemp("fuzz"))
    project.write("site.yaml", "title: T\n")
    (project.content / "actors.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
    build_or_refuse(project)


@FUZZ_SETTINGS
@given(body=markdown_text)
def test_arbitrary_markdown_builds_safely_or_fails_cleanly(tmp_path_factory: pytest.TempPathFactory, body: str) -> None:
    project = Project(tmp_path_factory.mktemp("fuzz"))
    project.write("site.yaml", "title: T\n")
    project.write("actors.yaml", "- id: a\n  name: A\n  kind: person\n")
    project.write("pages/p.md", "---\ntitle: P\n---\n" + body + "\n")
    build_or_refuse(project)
