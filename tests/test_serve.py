"""The live preview, against a real server on a free loopback port."""

from __future__ import annotations

import http.client
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from factsite.cli import main
from factsite.errors import UsageError
from factsite.options import BuildOptions
from factsite.preview.rebuild import Rebuilder

from conftest import REPO, Project
from preview import LiveReloadClient, edit, fetch, free_port, running_preview


def test_an_edit_reaches_the_browser(bundled: Project) -> None:
    with running_preview(bundled) as (root, _), LiveReloadClient(root) as client:
        edit(bundled.content / "pages" / "article-5.md", "## The clause", "## The clause itself")
        message = client.next_reload()
        assert message["path"].endswith("article-5.md")
        assert 'id="the-clause-itself"' in fetch(f"{root}/article-5/")[1]


def test_two_quick_edits_both_arrive(bundled: Project) -> None:
    """The livereload package's server ignored a reload within 3 s of the last one; ours must not."""
    page = bundled.content / "pages" / "article-5.md"
    with running_preview(bundled) as (root, _), LiveReloadClient(root) as client:
        edit(page, "## The clause", "## First edit")
        client.next_reload()
        edit(page, "## First edit", "## Second edit")
        client.next_reload(timeout=2.5)
        assert 'id="second-edit"' in fetch(f"{root}/article-5/")[1]


def test_a_burst_of_saves_causes_one_rebuild(bundled: Project) -> None:
    with running_preview(bundled) as (root, process), LiveReloadClient(root) as client:
        for name in ("article-5.md", "pulled-in.md", "russias-demands.md"):
            path = bundled.content / "pages" / name
            path.write_text(path.read_text() + "\nOne more paragraph.\n")
        messages = client.reloads_within(2.0)
        assert len(messages) == 1, messages


def test_a_css_edit_is_swapped_in_without_a_page_reload(bundled: Project) -> None:
    with running_preview(bundled) as (root, _), LiveReloadClient(root) as client:
        edit(bundled.root / "static" / "style.css", "--measure: 42rem;", "--measure: 40rem;")
        message = client.next_reload()
        assert message["path"] == "static/style.css" and message["liveCSS"] is True
        assert "--measure: 40rem;" in fetch(f"{root}/static/style.css")[1]


def test_a_broken_edit_shows_an_overlay_and_the_fix_clears_it(bundled: Project) -> None:
    actors = bundled.content / "actors.yaml"
    with running_preview(bundled) as (root, _), LiveReloadClient(root) as client:
        edit(actors, "- id: ivo-daalder\n  name: Ivo Daalder", "- id: ivo-daalder\n  name: [Ivo")
        client.next_reload()
        status, html = fetch(f"{root}/actors/ivo-daalder/")
        assert status == 200 and "<h1>Ivo Daalder</h1>" in html  # the last good build
        assert 'id="factsite-errors"' in html and "actors.yaml:" in html and "invalid YAML" in html
        edit(actors, "name: [Ivo", "name: Ivo Daalder")
        client.next_reload()
        assert 'id="factsite-errors"' not in fetch(f"{root}/actors/ivo-daalder/")[1]


def test_missing_paths_get_the_sites_404_page(bundled: Project) -> None:
    with running_preview(bundled) as (root, _):
        status, html = fetch(f"{root}/no/such/page/")
        assert status == 404 and "<h1>Page not found</h1>" in html


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/.%2e/.%2e/etc/passwd",
        "/%252e%252e/etc/passwd",
        "/build.py",
        "/content/site.yaml",
        "/../content/site.yaml",
    ],
)
def test_nothing_outside_the_built_site_is_served(bundled: Project, path: str) -> None:
    with running_preview(bundled) as (root, _):
        connection = http.client.HTTPConnection(root.removeprefix("http://"), timeout=5)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        connection.close()
        assert response.status in (403, 404)
        assert b"root:" not in body and b"title:" not in body


def test_the_preview_listens_on_loopback_only(bundled: Project) -> None:
    with running_preview(bundled) as (root, _):
        port = int(root.rsplit(":", 1)[1])
        listening = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
        ours = [fields[1] for fields in listening if fields[3] == "0A" and fields[1].endswith(f":{port:04X}")]
        assert ours == [f"0100007F:{port:04X}"]  # 127.0.0.1, little-endian hex


def test_the_preview_is_served_under_the_base_path_with_drafts_marked(project: Project) -> None:
    project.write("site.yaml", "title: T\nbase_url: https://user.github.io/repo/\n")
    project.write("pages/wip.md", "---\ntitle: Work in progress\ndraft: true\n---\nSoon.\n")
    with running_preview(project) as (root, _):
        assert fetch(f"{root}/repo/")[0] == 200
        status, html = fetch(f"{root}/repo/wip/")
        assert status == 200 and '<span class="badge">Draft</span>' in html
        assert fetch(f"{root}/")[0] == 404
    assert not project.out.exists(), "the preview never writes the publish folder"


def test_a_busy_port_gets_a_clear_message(project: Project, capsys) -> None:
    import socket

    port = free_port()
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        code = main(project.args("serve", "--port", str(port)))
    assert code == 2
    assert (
        f"cannot listen on 127.0.0.1:{port} (Address already in use); choose another --port" in capsys.readouterr().err
    )


def test_sigterm_stops_the_preview_cleanly(bundled: Project) -> None:
    with running_preview(bundled) as (_, process):
        time.sleep(0.3)
        process.terminate()
        assert process.wait(timeout=10) == 0
        assert "Stopped." in (bundled.root / "serve.log").read_text()


def test_the_preview_keeps_its_folder_in_the_build_cache_and_a_second_one_cleans_up(bundled: Project) -> None:
    """Stopping leaves no temporary folder; the next session starts from the kept folder, and a
    preview started while another runs builds into a temporary folder it removes when stopped."""
    kept = bundled.root / ".cache" / "factsite" / "preview" / "site"
    temp = Path(tempfile.gettempdir())
    before = {path.name for path in temp.glob("factsite-preview-*")}
    extra = bundled.write("pages/extra.md", "---\ntitle: For now\n---\nSoon gone.\n")
    with running_preview(bundled) as (root, first):
        assert fetch(f"{root}/article-5/")[0] == 200
        assert (kept / "article-5" / "index.html").is_file()
        with running_preview(bundled) as (other_root, second):
            status, html = fetch(f"{other_root}/article-5/")
            assert status == 200 and "Article 5" in html
            during = {path.name for path in temp.glob("factsite-preview-*")} - before
            assert len(during) == 1, "the second preview has a folder of its own"
            second.terminate()
            assert second.wait(timeout=10) == 0
        assert {path.name for path in temp.glob("factsite-preview-*")} == before
        first.terminate()
        assert first.wait(timeout=10) == 0
    extra.unlink()
    with running_preview(bundled) as (root, _):
        assert fetch(f"{root}/article-5/")[0] == 200
        assert fetch(f"{root}/extra/")[0] == 404, "what the last session built and this one does not is gone"
    assert not list(kept.parent.glob(".factsite-next-*")), "no staged files are left behind"


def test_the_preview_never_deletes_files_it_did_not_write(bundled: Project, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes")
    options = BuildOptions(bundled.content, bundled.root / "templates", bundled.root / "static", folder)
    with pytest.raises(UsageError, match="holds files factsite did not write"):
        Rebuilder(options)
    assert (folder / "notes.txt").read_text() == "my notes"


def test_the_preview_benchmark_measures_the_real_preview() -> None:
    """bench/preview_latency.py runs the real preview, edits and times reloads; it stopped running
    once (named preview.py, it imported itself instead of the tests' helper): run it small here."""
    command = [sys.executable, str(REPO / "bench" / "preview_latency.py"), "--sites", "bundled,30"]
    command += ["--edits", "1", "--tools", "factsite", "--idle-seconds", "0.5"]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout
    table = [line[2:-2].split(" | ") for line in output.splitlines() if line.startswith("| ")]
    rows = {cells[0]: cells for cells in table[1:]}
    assert rows.keys() == {"bundled explainer", "30"}
    for cells in rows.values():
        ready, idle, page_edit, record_edit = float(cells[2]), float(cells[3]), cells[4], cells[5]
        assert ready > 0 and idle >= 0
        assert float(page_edit.split()[0]) > 0 and float(record_edit.split()[0]) > 0
        assert cells[-1] == "nothing"  # no temporary folder left behind
