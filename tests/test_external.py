"""`check --external` against a real local web server: only dead links are reported, each where it
is written; 429 is waited out; fine answers are remembered; and nothing else touches the network."""

from __future__ import annotations

import http.server
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from factsite.build import build_site
from factsite.check.external import PER_HOST
from factsite.options import BuildOptions

from conftest import REPO, Project


@dataclass
class Seen:
    """What the server was asked: paths in order, when, with which User-Agent."""

    requests: list[tuple[str, float, str]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, path: str) -> int:
        return sum(1 for seen, _, _ in self.requests if seen == path)


def make_handler(seen: Seen, port: list[int]) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            with seen.lock:
                seen.requests.append((self.path, time.monotonic(), self.headers.get("User-Agent", "")))
                seen.in_flight += 1
                seen.most_in_flight = max(seen.most_in_flight, seen.in_flight)
            status, headers = self.answer()
            with seen.lock:  # (before the reply: the client may ask again as soon as it has it)
                seen.in_flight -= 1
            self.reply(status, headers)

        def answer(self) -> tuple[int, dict[str, str]]:
            if self.path == "/moved-away":
                return 301, {"Location": f"http://localhost:{port[0]}/ok"}
            if self.path == "/moved-here":
                return 301, {"Location": "/ok"}
            if self.path == "/busy" and seen.count("/busy") == 1:
                return 429, {"Retry-After": "1"}
            if self.path == "/slow":
                time.sleep(1.5)
            if self.path.startswith("/wait/"):
                time.sleep(0.3)
            return (404 if self.path == "/gone" else 200), {}

        def reply(self, status: int, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

    return Handler


@pytest.fixture
def web() -> Iterator[tuple[str, Seen]]:
    seen = Seen()
    port: list[int] = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(seen, port))
    server.daemon_threads = True
    port.append(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port[0]}", seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def linked(project: Project, web: tuple[str, Seen]) -> Project:
    root, _ = web
    sources = "".join(
        f"- id: {name}\n  title: {name}\n  publisher: P\n  url: {root}/{name}\n"
        for name in ("ok", "gone", "moved-away", "moved-here", "busy", "slow")
    )
    sources += f"- id: saved\n  title: saved\n  publisher: P\n  url: {root}/gone\n  archive_url: {root}/ok?saved\n"
    project.write("sources.yaml", sources)
    project.write(
        "pages/story.md",
        f"---\ntitle: Story\n---\n\nSee [the report]({root}/ok).\n\n"
        f"And [this one]({root}/gone), <{root}/moved-here>.\n",
    )
    return project


def test_only_dead_and_moved_links_are_reported_each_where_it_is_written(
    linked: Project, web: tuple[str, Seen], capsys
) -> None:
    root, _ = web
    result = linked.run("check", "--external", "--timeout", "0.5", capsys=capsys)
    assert result.code == 1
    sources, page = linked.content / "sources.yaml", linked.content / "pages" / "story.md"
    problems = [line for line in result.err.splitlines() if ": link " in line]
    assert problems == [
        f"{page}:7: link {root}/gone is dead (404 Not Found); readers can still reach the archived copy, "
        f"{root}/ok?saved: link that instead",  # (a source with that address has one)
        f"{sources}:8: link {root}/gone is dead (404 Not Found); replace it, or give its source an archive_url "
        "(a web archive's copy)",
        f"{sources}:12: link {root}/moved-away now leads to another site (redirected to http://localhost:"
        f"{root.rsplit(':', 1)[1]}/ok); replace it, or give its source an archive_url (a web archive's copy)",
        f"{sources}:24: link {root}/slow is dead (no answer within 0.5 s); replace it, or give its source an "
        "archive_url (a web archive's copy)",
        f"{sources}:28: link {root}/gone is dead (404 Not Found); readers can still reach the archived copy, "
        f"{root}/ok?saved: link that instead",
    ]
    assert result.err.splitlines()[-1] == "7 external links checked: 4 fine, 3 dead or moved"


def test_a_429_is_waited_out_as_its_retry_after_asks(linked: Project, web: tuple[str, Seen], capsys) -> None:
    _, seen = web
    linked.run("check", "--external", "--timeout", "0.5", capsys=capsys)
    asked = [when for path, when, _ in seen.requests if path == "/busy"]
    assert len(asked) == 2 and asked[1] - asked[0] >= 1.0


def test_requests_say_who_is_asking_and_each_url_is_asked_once(linked: Project, web: tuple[str, Seen], capsys) -> None:
    _, seen = web
    linked.run("check", "--external", "--timeout", "0.5", capsys=capsys)
    assert all(agent.startswith("factsite/") and "link checker" in agent for _, _, agent in seen.requests)
    counts = Counter(path for path, _, _ in seen.requests)
    assert counts["/gone"] == 1 and counts["/busy"] == 2 and counts["/slow"] == 2  # (a timeout is tried twice)


def test_answers_found_fine_are_not_asked_again_for_a_day(linked: Project, web: tuple[str, Seen], capsys) -> None:
    _, seen = web
    linked.run("check", "--external", "--timeout", "0.5", capsys=capsys)
    before = Counter(path for path, _, _ in seen.requests)
    second = linked.run("check", "--external", "--timeout", "0.5", capsys=capsys)
    after = Counter(path for path, _, _ in seen.requests) - before
    assert after["/moved-here"] == 0 and after["/busy"] == 0 and after["/ok?saved"] == 0
    assert after["/gone"] == 1 and after["/moved-away"] == 1
    assert "found fine in the last day, not requested again" in second.err
    cache = json.loads((linked.root / ".cache" / "factsite" / "external-links.json").read_text())
    assert set(cache) == {url for url in cache if url.endswith(("/ok", "/moved-here", "/busy", "/ok?saved"))}


def test_no_more_than_a_few_requests_go_to_one_host_at_once(project: Project, web: tuple[str, Seen], capsys) -> None:
    root, seen = web
    sources = "".join(f"- id: s{n}\n  title: T\n  publisher: P\n  url: {root}/wait/{n}\n" for n in range(8))
    project.write("sources.yaml", sources)
    result = project.run("check", "--external", capsys=capsys)
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == "8 external links checked: 8 fine, 0 dead or moved"
    assert seen.most_in_flight == PER_HOST


def test_json_format_lists_the_dead_links_with_their_code(linked: Project, capsys) -> None:
    result = linked.run("check", "--external", "--timeout", "0.5", "--format", "json", capsys=capsys)
    entries = json.loads(result.out)
    assert {entry["code"] for entry in entries} == {"external-link"} and len(entries) == 5


def test_a_machine_with_no_network_is_told_so_not_that_every_link_is_dead(project: Project, capsys) -> None:
    project.write("sources.yaml", "- id: s\n  title: T\n  publisher: P\n  url: http://127.0.0.1:9/nothing-listens\n")
    result = project.run("check", "--external", "--timeout", "0.5", capsys=capsys)
    assert result.code == 2
    assert "no site answered" in result.err and "is this machine offline?" in result.err


class _NetworkUsed(Exception):
    pass


_guard = {"on": False}


def _no_network(event: str, args: tuple[object, ...]) -> None:
    if _guard["on"] and event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname"):
        raise _NetworkUsed(f"{event} {args!r}")


def test_a_plain_build_and_check_open_no_connection(tmp_path: Path, capsys) -> None:
    """The bundled explainer, whose sources link to 69 sites, built and checked under an audit hook
    that fails any connection or name lookup (forked workers inherit it; Pagefind, a separate
    program, indexes files on disk)."""
    from factsite.cli import main

    sys.addaudithook(_no_network)  # (hooks cannot be removed: this one acts only while guarded)
    _guard["on"] = True
    try:
        options = BuildOptions(REPO / "content", REPO / "templates", REPO / "static", tmp_path / "_site")
        build_site(options)
        assert main(["check", "--content", str(REPO / "content"), "--out", str(tmp_path / "_site")]) == 0
    finally:
        _guard["on"] = False
    assert "external links" not in capsys.readouterr().out
