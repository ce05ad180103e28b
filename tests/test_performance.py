"""Speed features keep the engine's guarantees: parallel output equals serial output, progress
never reaches a pipe or the error stream, --quiet is quiet."""

from __future__ import annotations

import dataclasses
import gc
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factsite.build import build_site
from factsite.content import load
from factsite.errors import SiteError
from factsite.options import BuildOptions
from factsite.parallel import stream
from factsite.parallel.pool import PARALLEL_MINIMUM
from factsite.preview.rebuild import Rebuilder

from conftest import REPO, snapshot
from corpus import make_corpus


def test_parallel_rendering_is_byte_identical_to_serial(tmp_path: Path) -> None:
    make_corpus(PARALLEL_MINIMUM + 50, tmp_path / "content")
    for page in (tmp_path / "content" / "pages").glob("*.md"):  # footnotes: the Python path, in workers
        page.write_text(page.read_text() + "\nA claim.[^1]\n\n[^1]: Its source.\n")
    options = BuildOptions(
        tmp_path / "content", REPO / "templates", REPO / "static", tmp_path / "serial", search=False, workers=1
    )
    build_site(options)
    build_site(dataclasses.replace(options, output_dir=tmp_path / "parallel", workers=2))
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")


def test_problems_found_in_worker_processes_are_all_reported_and_nothing_is_published(tmp_path: Path) -> None:
    make_corpus(PARALLEL_MINIMUM + 50, tmp_path / "content")
    first, last = tmp_path / "content" / "pages" / "page-1.md", tmp_path / "content" / "pages" / "page-249.md"
    first.write_text(first.read_text() + "\nSee [the start](/page-249/#no-such-heading).\n")
    last.write_text(last.read_text() + "\nSee [nothing](/no-such-page/) and [no event](/timeline/#no-such-event).\n")
    templates = shutil.copytree(REPO / "templates", tmp_path / "templates")
    options = BuildOptions(tmp_path / "content", templates, REPO / "static", tmp_path / "out", search=False, workers=2)
    with pytest.raises(SiteError) as raised:
        build_site(options)
    messages = [f"{Path(p.path).name}: {p.message}" for p in raised.value.problems]
    assert messages == [
        "page-1.md: broken link '/page-249/#no-such-heading': no element with id 'no-such-heading' on /page-249/",
        "page-249.md: broken link '/no-such-page/': nothing is published at /no-such-page/",
        "page-249.md: broken link '/timeline/#no-such-event': no element with id 'no-such-event' on /timeline/",
    ]
    assert not (tmp_path / "out").exists()

    (templates / "embed.html").write_text("{{ nope }}\n")
    with pytest.raises(SiteError) as raised:
        build_site(options)
    assert [str(p) for p in raised.value.problems] == [f"{templates}/embed.html:1: template error: 'nope' is undefined"]


def templates_linking_from_actor_3(tmp_path: Path, links: str) -> Path:
    """The bundled templates, copied, with `links` (lines of HTML) first on actor-3's page."""
    templates = shutil.copytree(REPO / "templates", tmp_path / "templates")
    base = templates / "base.html"
    base.write_text(
        "{% if actor is defined and actor.ref.id == 'actor-3' %}" + links + "{% endif %}" + base.read_text()
    )
    return templates


@pytest.mark.parametrize("workers", [1, 2])
def test_a_broken_link_a_template_makes_is_reported_at_its_line_in_the_page(tmp_path: Path, workers: int) -> None:
    make_corpus(PARALLEL_MINIMUM + 50, tmp_path / "content")
    templates = templates_linking_from_actor_3(
        tmp_path,
        '<a href="/no-such-page/">gone</a>\n<A HREF="/timeline/#no-such-event">no event</A>\n'
        '<a href="#nowhere">nowhere</a>\n',
    )
    options = BuildOptions(tmp_path / "content", templates, REPO / "static", tmp_path / "out", workers=workers)
    with pytest.raises(SiteError) as raised:
        build_site(dataclasses.replace(options, search=False))
    page = f"{tmp_path / 'out'}/actors/actor-3/index.html"
    assert [str(problem) for problem in raised.value.problems] == [
        f"{page}:1: broken link '/no-such-page/': nothing is published at /no-such-page/",
        f"{page}:2: broken link '/timeline/#no-such-event': no element with id 'no-such-event' on /timeline/",
        f"{page}:3: broken link '#nowhere': no element with id 'nowhere' on this page",
    ]


def test_big_record_files_load_in_a_worker_exactly_as_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_corpus(100, tmp_path / "content")
    monkeypatch.setattr(load, "BIG_RECORD_FILE", 1)  # every record file goes to a worker
    assert load.load_site(tmp_path / "content", workers=2) == load.load_site(tmp_path / "content")

    timeline = tmp_path / "content" / "timeline.yaml"
    timeline.write_text(timeline.read_text().replace("date: ", "date: not-a-date-", 1))
    problems = {}
    for workers in (1, 2):
        with pytest.raises(SiteError) as raised:
            load.load_site(tmp_path / "content", workers=workers)
        problems[workers] = raised.value.problems
    assert problems[2] == problems[1]
    assert [(Path(p.path).name, p.line) for p in problems[2]] == [("timeline.yaml", 2)]


def test_records_sent_back_from_a_worker_arrive_whole() -> None:
    """Records are pickled as a call of their class with every field (model._pickled_as_a_call),
    the fields that take no part in comparisons included."""
    import pickle

    site = load.load_site(REPO / "content")
    records = [site.config, *site.actors, *site.quotes, *site.events, *site.sources, *site.terms, *site.pages]
    for record in records:
        back = pickle.loads(pickle.dumps(record))
        assert type(back) is type(record)
        assert repr(back) == repr(record)
        assert back.origin.key_lines == record.origin.key_lines
    assert any(record.origin.key_lines for record in records)


def test_progress_stays_off_pipes_and_quiet_prints_nothing(tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    command = [sys.executable, str(REPO / "build.py"), "--no-search"]
    loud = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert loud.stdout.startswith("Built ") and "\r" not in loud.stdout and loud.stderr == ""
    quiet = subprocess.run([*command, "--quiet"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert quiet.stdout == "" and quiet.stderr == ""


def test_a_build_leaves_the_cycle_collector_as_it_found_it(tmp_path: Path) -> None:
    make_corpus(20, tmp_path / "content")
    options = BuildOptions(tmp_path / "content", REPO / "templates", REPO / "static", tmp_path / "out", search=False)
    assert gc.isenabled()
    build_site(options)
    assert gc.isenabled() and not gc.get_freeze_count()
    (tmp_path / "content" / "pages" / "page-1.md").write_text("no front matter\n")
    with pytest.raises(SiteError):
        build_site(options)
    assert gc.isenabled() and not gc.get_freeze_count()


def test_a_broken_link_repeated_on_many_pages_is_reported_on_each(tmp_path: Path) -> None:
    """Links are located once per build and remembered: the memory must not hide a repeat."""
    make_corpus(PARALLEL_MINIMUM + 10, tmp_path / "content")
    pages = sorted((tmp_path / "content" / "pages").glob("*.md"))[:3]
    for page in pages:
        page.write_text(page.read_text() + "\nSee [nothing](/gone/#x).\n")
    options = BuildOptions(tmp_path / "content", REPO / "templates", REPO / "static", tmp_path / "out", search=False)
    with pytest.raises(SiteError) as raised:
        build_site(options)
    assert sorted(Path(p.path).name for p in raised.value.problems) == sorted(p.name for p in pages)


def test_one_worker_builds_in_one_process_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--workers 1` is the least memory: no process is forked, and the site is the same."""
    from factsite.cli import main

    make_corpus(PARALLEL_MINIMUM + 50, tmp_path / "content")
    paths = ["--content", str(tmp_path / "content"), "--templates", str(REPO / "templates")]
    paths += ["--static", str(REPO / "static"), "--no-search", "--quiet"]
    assert main(["build", *paths, "--out", str(tmp_path / "parallel"), "--workers", "2"]) == 0
    assert main(["build", *paths, "--out", str(tmp_path / "three"), "--workers", "3"]) == 0  # main + 2 workers
    assert snapshot(tmp_path / "three") == snapshot(tmp_path / "parallel")

    def no_forking(processes: int) -> None:
        raise AssertionError("a process was forked")

    monkeypatch.setattr(stream, "fork_pool", no_forking)
    monkeypatch.setattr(load, "fork_pool", no_forking)
    monkeypatch.setattr(load, "BIG_RECORD_FILE", 0)
    assert main(["build", *paths, "--out", str(tmp_path / "serial"), "--workers", "1"]) == 0
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")


def test_the_phase_benchmark_marks_every_step_of_a_parallel_build(tmp_path: Path) -> None:
    """bench/phases.py wraps the pipeline's steps and the rendering steps by name: a renamed step
    must fail here, not leave the benchmark reporting nothing."""
    command = [sys.executable, str(REPO / "bench" / "phases.py"), "--size", str(PARALLEL_MINIMUM + 50)]
    output = subprocess.run([*command, "--workdir", str(tmp_path)], capture_output=True, text=True, check=True).stdout
    steps = [line.split(" | ")[0].removeprefix("| ") for line in output.splitlines() if line.startswith("| ")]
    assert steps == [
        "step",
        "loading starts",
        "loading ends",
        "planning starts",
        "planning ends",
        "compiling templates starts",
        "compiling templates ends",
        "first chunk in",
        "last chunk in",
        "built",
        "rendering step (this process)",
        "Markdown",
        "templates",
        "writing",
        "scanning",
        "checking",
    ]
    markdown_pages = next(line for line in output.splitlines() if line.startswith("| Markdown |")).split(" | ")[1]
    assert int(markdown_pages.replace(",", "")) > 0, "the main process renders pages too"


def test_the_build_benchmark_runs_factsite_under_another_python_in_the_same_rounds(tmp_path: Path) -> None:
    """bench/run.py --python NAME=PATH measures factsite under a second interpreter beside the
    first (the interpreter moves our times as much as most code changes): both are named with
    their versions, and the second gets its own row."""
    command = [sys.executable, str(REPO / "bench" / "run.py"), "--sizes", "30", "--runs", "1", "--tools", "factsite"]
    command += ["--python", f"other={sys.executable}", "--workdir", str(tmp_path)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    version = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    assert f"factsite runs under Python {version}" in output
    assert f"factsite-other runs under Python {version}" in output
    rows = [line.split(" | ")[1] for line in output.splitlines() if line.startswith("| 30 |")]
    assert rows[:2] == ["factsite", "factsite-other"]
    with pytest.raises(subprocess.CalledProcessError):
        subprocess.run([*command[:-2], "--python", "nameless"], capture_output=True, check=True)


def test_a_worker_that_cannot_write_a_page_stops_the_build_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Workers write the pages they render: a full disk in a worker is reported like one in the
    main process, and the published site stays as it was."""
    import errno

    from factsite.cli import main
    from factsite.publish import staging

    make_corpus(PARALLEL_MINIMUM + 50, tmp_path / "content")
    paths = ["--content", str(tmp_path / "content"), "--templates", str(REPO / "templates")]
    paths += ["--static", str(REPO / "static"), "--no-search", "--quiet", "--out", str(tmp_path / "out")]
    assert main(["build", *paths, "--workers", "2"]) == 0
    published = snapshot(tmp_path / "out")
    real_write_new = staging._write_new

    def disk_full_for_the_worker(destination: str, data: bytes) -> None:
        if os.getpid() != main_pid and "/page-" in destination:  # the main process renders and writes too
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), destination)
        real_write_new(destination, data)

    main_pid = os.getpid()
    monkeypatch.setattr(staging, "_write_new", disk_full_for_the_worker)
    assert main(["build", *paths, "--workers", "2"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: cannot write the site: No space left on device (")
    assert re.search(r"/page-[0-9]+/index\.html\)$", error.rstrip())
    assert snapshot(tmp_path / "out") == published


@pytest.fixture
def compiled_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from now on, in this process only (a forked
    process counts in its own copy)."""
    import jinja2

    names: list[str] = []
    real_compile = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kwargs: object):
        names.append(str(name))
        return real_compile(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def test_a_big_site_whose_helper_parsed_every_page_publishes_the_same_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build's helper parses pages' Markdown while the site loads, until the build asks for
    it: given the time, every page. The site is the one a build in one process makes."""
    from factsite.parallel import helper

    make_corpus(PARALLEL_MINIMUM + 50, tmp_path / "content")
    options = BuildOptions(
        tmp_path / "content", REPO / "templates", REPO / "static", tmp_path / "out", search=False, workers=2
    )
    build_site(dataclasses.replace(options, output_dir=tmp_path / "expected", workers=1))
    prepared: list[int] = []
    real_markdown = helper.Helper.markdown

    def markdown_in_good_time(self: helper.Helper) -> helper.PreparedHtml:
        time.sleep(2)  # a build that takes longer to load: the helper has had the time for every page
        taken = real_markdown(self)
        prepared.append(len(taken.spans))
        return taken

    monkeypatch.setattr(helper.Helper, "markdown", markdown_in_good_time)
    build_site(options)
    assert prepared == [PARALLEL_MINIMUM + 50]
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "expected")


def test_the_helper_reads_no_pages_through_a_linked_pages_folder(tmp_path: Path) -> None:
    """A pages folder that is a link may lead outside the content folder: the loader refuses it
    with an error, and the helper does not read it at all."""
    import mmap

    from factsite.parallel import helper

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.md").write_text("---\ntitle: A\n---\nText from outside.\n")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "pages").symlink_to(outside)
    stop, stop_write = os.pipe()
    try:
        assert helper.prepare_pages(tmp_path / "content" / "pages", mmap.mmap(-1, 1 << 20), stop) == {}
    finally:
        os.close(stop)
        os.close(stop_write)


def test_templates_compiled_elsewhere_are_used_only_while_their_source_is_unchanged(
    tmp_path: Path, compiled_here: list[str]
) -> None:
    import jinja2

    from factsite.render.templates import CompiledElsewhere, CompiledTemplates, bare_environment, compile_every_template

    templates = shutil.copytree(REPO / "templates", tmp_path / "templates")
    (templates / "broken.html").write_text("{% if %}\n")
    (templates / "notes.txt").write_text("Not a page template: {{ x }}\n")
    compiled = compile_every_template(templates, None)
    assert len(compiled) == len(list(templates.glob("*.html"))) - 1  # the broken one is left out, and notes.txt

    (templates / "404.html").write_text("Edited since.\n")
    kept = CompiledTemplates(tmp_path / "kept")
    env = bare_environment(templates, bytecode_cache=CompiledElsewhere(compiled, kept))
    compiled_here.clear()
    assert env.get_template("404.html").render() == "Edited since."
    env.get_template("base.html")
    assert compiled_here == ["404.html"]
    assert len(list((tmp_path / "kept").rglob("*.cache"))) == 2  # both passed on for the next build
    with pytest.raises(jinja2.TemplateSyntaxError):
        env.get_template("broken.html")


def test_links_to_anchors_on_other_pages_are_reported_alike_by_every_way_of_building(tmp_path: Path) -> None:
    """Such links travel from workers as columns by target page; a broken one's href and line
    are found again from the page that makes it. One process, two workers and the preview (which
    checks the pages it holds) report the same problems."""
    make_corpus(PARALLEL_MINIMUM + 50, tmp_path / "content")
    pages = tmp_path / "content" / "pages"
    for name, extra in {
        "page-1.md": "See [a good one](/timeline/#event-3) and [the start](/page-249/#no-such-heading).\n",
        "page-5.md": "[Fine](/timeline/#event-4), [gone](/timeline/#no-such-event), [too](/timeline/#no-such-event).\n",
        "page-9.md": "Also [this](../sources/#no-such-source).\n",
    }.items():
        (pages / name).write_text((pages / name).read_text() + "\n" + extra)
    templates = templates_linking_from_actor_3(
        tmp_path, '<a href="/timeline/#event-2">fine</a>\n<a href="/quotes/#no-such-quote">gone</a>\n'
    )
    options = BuildOptions(tmp_path / "content", templates, REPO / "static", tmp_path / "out", search=False)
    reported = {}
    for way, build in {
        "one process": lambda: build_site(dataclasses.replace(options, workers=1)),
        "two workers": lambda: build_site(dataclasses.replace(options, workers=2)),
        "preview": lambda: Rebuilder(options).build(),
    }.items():
        with pytest.raises(SiteError) as raised:
            build()
        reported[way] = [str(problem).replace(str(tmp_path), "") for problem in raised.value.problems]
    assert reported["one process"] == [
        "/content/pages/page-1.md:52: broken link '/page-249/#no-such-heading': no element with id"
        " 'no-such-heading' on /page-249/",
        "/content/pages/page-5.md:52: broken link '/timeline/#no-such-event': no element with id"
        " 'no-such-event' on /timeline/",
        "/content/pages/page-9.md:52: broken link '../sources/#no-such-source': no element with id"
        " 'no-such-source' on /sources/",
        "/out/actors/actor-3/index.html:2: broken link '/quotes/#no-such-quote': no element with id"
        " 'no-such-quote' on /quotes/",
    ]
    assert reported["two workers"] == reported["one process"]
    assert reported["preview"] == reported["one process"]


def test_a_lost_template_helper_costs_only_its_head_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compiled_here: list[str]
) -> None:
    """If the process compiling templates meanwhile dies, the build compiles them itself and
    publishes the same site."""
    from factsite.render import templates

    make_corpus(PARALLEL_MINIMUM + 50, tmp_path / "content")
    options = BuildOptions(
        tmp_path / "content", REPO / "templates", REPO / "static", tmp_path / "out", search=False, workers=2
    )
    expected = dataclasses.replace(options, output_dir=tmp_path / "expected", cache_dir=tmp_path / "its-cache")
    build_site(expected)

    def die(*_: object) -> dict[str, bytes]:
        os._exit(3)  # runs in the forked helper only

    monkeypatch.setattr(templates, "compile_every_template", die)  # the helper imports it when it starts
    compiled_here.clear()
    build_site(options)
    assert "page.html" in compiled_here
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "expected")
