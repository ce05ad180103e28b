"""A process forked as a big build starts: it compiles the templates, then parses pages' Markdown,
while this one imports the engine, loads and plans the build.

Compiling our templates takes about 0.1 s (Jinja parses them and generates and compiles Python),
on one core, while the other waits; before that, loading leaves the second core idle part of the
time, and planning all of it. So, for a big site, a process forked at the start of the build
compiles every .html template meanwhile and sends back what Jinja's bytecode cache would store;
the renderer takes each one whose source is still the same and compiles the rest itself (a
template with a mistake is reported as always, by the build's own compile). Interleaved cold
builds of 1,000 pages: 0.09 s less wall time (median of 16 paired runs; faster in 10 of them); at
10,000, 0.24 s less (faster in 4 of 5).

Its templates sent, the helper parses pages' Markdown until this process is ready to render and
asks (`Helper.markdown`): what factsite.pulldown.render makes of each page's text (pulldown-cmark
with its checks and rewrites, about half of a page's Markdown time), written into memory this
process shares, by the text's digest; a page whose text is there is not parsed again, any other
as usual. The helper reads the pages on its own, as the loader does, and never holds this process
up: it stops at the next page when asked, and only the index of what it wrote is sent. (A first
version parsed every page before sending any: a 1k build waited 0.1 to 0.2 s for it. Sending the
HTML through the pipe when asked kept it waiting 10 to 20 ms.) build.py forks the helper before
it imports the engine (factsite.cli): by the time a 1k build is ready to render, the helper has
parsed 700 to all 1,000 of its pages (forked where the build starts, after those imports, 16 to
570); cold 1k builds took 0.023 s less (paired median of 30 interleaved builds, faster in 19).

The helper is a plain fork with pipes, not a process pool: a pool keeps threads running in this
process, and the loader forks its own worker meanwhile (forking while other threads may hold locks
is how children deadlock)."""

from __future__ import annotations

import contextlib
import mmap
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from .files import looks_big
from .options import BuildOptions
from .workers import can_fork, enlarge_pipe, fork_child, read_message, write_message

if TYPE_CHECKING:
    from .pulldown import PreparedHtml

PREPARED_MOST = 8 << 20
"""Bytes of pages' HTML the helper writes at most: about 1,500 of the benchmark's pages, more
than it has the time for at 1,000 pages; a bound on the memory it takes at 10,000."""


class Helper:
    """What the helper sends back; nothing where there is no helper, or it failed."""

    def __init__(self, pid: int | None = None, results: int = -1, stop: int = -1, region: Any = None) -> None:
        self.pid, self.results, self.stop, self.region = pid, results, stop, region
        self._templates: dict[str, bytes] | None = None if pid else {}
        self._asked = pid is None

    def templates(self) -> dict[str, bytes]:
        """The compiled templates (waits for them)."""
        if self._templates is None:
            received = self._receive()
            self._templates = received if isinstance(received, dict) else {}
        return self._templates

    def markdown(self) -> PreparedHtml:
        """What the helper has parsed so far (it stops now). Asked again: nothing."""
        from .pulldown import PreparedHtml  # (imported with the engine: not before the helper starts)

        if self._asked:
            return PreparedHtml()
        self._asked = True
        self.templates()  # sent first
        os.close(self.stop)  # the helper stops at its next page and sends the index of what it wrote
        self.stop = -1
        spans = self._receive()
        return PreparedHtml(self.region, spans) if isinstance(spans, dict) and spans else PreparedHtml()

    def _receive(self) -> object:
        try:
            return read_message(self.results)
        except Exception:  # the helper failed or was lost: it cost only its head start
            return None

    def close(self) -> None:
        if self.pid is None:
            return
        if not self._asked:  # the build stopped before taking everything
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
        for descriptor in (self.results, self.stop):
            if descriptor >= 0:
                os.close(descriptor)
        os.waitpid(self.pid, 0)
        self.pid = None


def helper_for(options: BuildOptions, write: bool) -> contextlib.AbstractContextManager[Helper]:
    """The helper of a one-shot build of `options` (it writes the site if `write`): build.py starts
    it first of all, build_site if it was not given one."""
    return helper_meanwhile(
        options.templates_dir,
        options.compiled_templates_folder(write),
        options.content_dir / "pages",
        options.workers,
        looks_big(options.content_dir),
    )


@contextlib.contextmanager
def helper_meanwhile(
    templates_dir: Path, compiled_dir: Path | None, pages_dir: Path, workers: int, worth_it: bool
) -> Iterator[Helper]:
    """Within this block, every template not kept compiled in `compiled_dir` is being compiled
    in another process, then the Markdown of the pages in `pages_dir` is being
    parsed (only if `worth_it` and this platform forks: otherwise the block waits for nothing)."""
    if not (worth_it and can_fork(workers)):
        yield Helper()
        return
    results_read, results_write = os.pipe()
    stop_read, stop_write = os.pipe()
    enlarge_pipe(results_write)  # the compiled templates (about 90 kB) must not wait to be read
    region = mmap.mmap(-1, PREPARED_MOST)  # shared with the helper
    pid = fork_child()
    if pid == 0:
        os.close(results_read)
        os.close(stop_write)
        _help(templates_dir, compiled_dir, pages_dir, region, results_write, stop_read)  # never returns
    os.close(results_write)
    os.close(stop_read)
    helper = Helper(pid, results_read, stop_write, region)
    try:
        yield helper
    finally:
        helper.close()


def _help(
    templates_dir: Path, compiled_dir: Path | None, pages_dir: Path, region: Any, results: int, stop: int
) -> NoReturn:
    """The forked helper: compile, send, parse, send, and end without running anything of the
    build's."""
    try:
        from .templates import compile_every_template  # (Jinja only: the main process imports it meanwhile too)

        write_message(results, compile_every_template(templates_dir, compiled_dir))
        write_message(results, prepare_pages(pages_dir, region, stop))
    finally:
        os._exit(0)


def prepare_pages(pages_dir: Path, region: Any, stop: int) -> dict[bytes, tuple[int, int]]:
    """Write pulldown.render's HTML of each page's Markdown (where it has one) into `region`, in
    the loader's order, until `stop` is closed at its other end or the region is full; return
    where each page's HTML is, by the digest of its Markdown."""
    from . import pulldown
    from .files import list_files
    from .yamlfile import FRONT_MATTER, read_text

    os.set_blocking(stop, False)
    spans: dict[bytes, tuple[int, int]] = {}
    if pages_dir.is_symlink():  # it may lead outside the content folder: the loader checks, not this
        return spans
    end = 0
    paths, _ = list_files(pages_dir, ".md")  # the files the loader reads (no link leads out of pages/)
    for path in paths:
        if _asked_to_stop(stop):
            break
        text, _ = read_text(path, path)
        front_matter = FRONT_MATTER.match(text) if text is not None else None
        if text is None or front_matter is None:
            continue
        body = text[front_matter.end() :]
        html = pulldown.render(body)
        if html is None:
            continue
        data = html.encode()
        if end + len(data) > len(region):
            break
        region[end : end + len(data)] = data
        spans[pulldown.digest(body)] = (end, end + len(data))
        end += len(data)
    return spans


def _asked_to_stop(stop: int) -> bool:
    try:
        return os.read(stop, 1) == b""  # the main process closed its end
    except BlockingIOError:
        return False
