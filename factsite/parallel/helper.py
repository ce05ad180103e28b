"""A process forked as a big build starts, to use the second core while this one loads the site.

Loading and planning run in one process; meanwhile the helper compiles every template (sent back
as Jinja's bytecode cache stores them) and then parses pages' Markdown with pulldown-cmark into
memory it shares with the build, until the build is ready to render and asks it to stop. The build
takes each compiled template whose source is unchanged and the HTML of each page whose text is
the one the helper read; it does the rest itself, as it would without a helper. A helper that
fails costs only its head start. (What this saves is measured in docs/performance.md.)

A plain fork with pipes, not a process pool: a pool keeps threads running in this process, and
forking while other threads may hold locks is how children deadlock.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import mmap
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

from ..content.files import BIG_RECORD_FILE, RECORD_FILE_NAMES, file_size
from ..options import BuildOptions
from .pool import PARALLEL_MINIMUM, can_fork, enlarge_pipe, fork_child, read_message, write_message

PREPARED_MOST = 8 << 20
"""Bytes of pages' HTML the helper writes at most: a bound on the memory it takes."""


class PreparedHtml:
    """Pages' HTML from pulldown.render, written by the helper into memory shared with this
    process, by the digest of each page's text. Each is taken once."""

    def __init__(self, region: mmap.mmap | None = None, spans: dict[bytes, tuple[int, int]] | None = None) -> None:
        self.region = region
        self.spans = spans or {}

    def take(self, text: str) -> str | None:
        if not self.spans:
            return None
        span = self.spans.pop(_digest(text), None)
        if span is None or self.region is None:
            return None
        return str(self.region[span[0] : span[1]], "utf-8")


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class Helper:
    """What the helper sends back; nothing where there is no helper, or it failed."""

    def __init__(self, pid: int | None = None, results: int = -1, stop: int = -1, region: mmap.mmap | None = None):
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


@contextlib.contextmanager
def helper_for(options: BuildOptions, write: bool) -> Iterator[Helper]:
    """Within this block, a big build's templates are being compiled in another process, then
    its pages' Markdown parsed (a small build, or one on a platform that cannot fork, gets a
    Helper that has nothing)."""
    if not (can_fork(options.workers) and looks_big(options.content_dir)):
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
        _help(options.templates_dir, options.compiled_templates_folder(write), options.content_dir / "pages",
              region, results_write, stop_read)  # fmt: skip
    os.close(results_write)
    os.close(stop_read)
    helper = Helper(pid, results_read, stop_write, region)
    try:
        yield helper
    finally:
        helper.close()


def looks_big(content_dir: Path) -> bool:
    """Whether a site is big enough for a helper (a big record file, or PARALLEL_MINIMUM pages or
    more), judged cheaply before the engine is even imported."""
    if any(file_size(content_dir / f"{name}.yaml") >= BIG_RECORD_FILE for name in RECORD_FILE_NAMES):
        return True
    pages = content_dir / "pages"
    if pages.is_symlink():  # not counted: it may lead outside the content folder
        return False
    try:
        with os.scandir(pages) as entries:
            return sum(1 for _ in itertools.islice(entries, PARALLEL_MINIMUM)) >= PARALLEL_MINIMUM
    except OSError:
        return False


def _help(
    templates_dir: Path, compiled_dir: Path | None, pages_dir: Path, region: mmap.mmap, results: int, stop: int
) -> NoReturn:
    """The forked helper: compile, send, parse, send, and end without running anything of the
    build's."""
    try:
        from ..render.templates import compile_every_template

        write_message(results, compile_every_template(templates_dir, compiled_dir))
        write_message(results, prepare_pages(pages_dir, region, stop))
    finally:
        os._exit(0)


def prepare_pages(pages_dir: Path, region: mmap.mmap, stop: int) -> dict[bytes, tuple[int, int]]:
    """Write pulldown.render's HTML of each page's Markdown (where it has one) into `region`, in
    the loader's order, until `stop` is closed at its other end or the region is full; return
    where each page's HTML is, by the digest of its text."""
    from ..content.files import list_files, read_text
    from ..content.pages import FRONT_MATTER
    from ..render import pulldown

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
        spans[_digest(body)] = (end, end + len(data))
        end += len(data)
    return spans


def _asked_to_stop(stop: int) -> bool:
    try:
        return os.read(stop, 1) == b""  # the main process closed its end
    except BlockingIOError:
        return False
