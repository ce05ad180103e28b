"""Live preview: build into a private folder, serve it on loopback, rebuild and reload on every save.

livereload serves the files and speaks the browser protocol; the watching is ours, because the
package's own loop drops reloads within 3 s of each other, runs one rebuild per watched folder in
a burst, and polls only every 800 ms. Ours polls every 100 ms, waits for a burst of saves to
settle, rebuilds once (reusing rendered Markdown for untouched pages), and then tells the browser
to reload, or to swap the stylesheet in place when only CSS changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import socket
import sys
import tempfile
from html import escape
from pathlib import Path
from types import FrameType
from typing import Any

from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado import ioloop

from .build import Builder
from .errors import Problem, SiteError, UsageError
from .load import ParseMemo, load_site
from .options import BuildOptions
from .urls import Urls

POLL_SECONDS = 0.1
"""How often source folders are checked for saves."""
SETTLE_SECONDS = 0.03
"""A burst of saves is over when a check this long after the last one finds nothing new."""
MAX_SETTLE_ROUNDS = 20
"""Build anyway after this many unsettled checks (an editor that never stops writing)."""


def snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every file under the source folders, without following links."""
    state: dict[str, tuple[int, int]] = {}
    pending = [str(folder) for folder in folders if folder.is_dir()]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                else:
                    info = entry.stat(follow_symlinks=False)
                    state[entry.path] = (info.st_mtime_ns, info.st_size)
    return state


def error_overlay(problems: list[Problem]) -> bytes:
    """HTML shown over every preview page while the latest edit does not build."""
    lines = "\n".join(escape(str(problem)) for problem in problems)
    return (
        '<div id="factsite-errors" role="alert" style="position:fixed;left:0;right:0;bottom:0;'
        "max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.25rem;"
        "background:#7f1d1d;color:#fff;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap;"
        'box-shadow:0 -4px 16px rgba(0,0,0,.4)"><strong>The latest edit does not build; '
        f"showing the last good version.</strong>\n{lines}</div>"
    ).encode()


class Preview:
    """The preview's own build folder, its incremental builder, and the latest problems."""

    def __init__(self, options: BuildOptions, preview_root: Path) -> None:
        parsed = ParseMemo()  # handed to the builder, so the first build does not parse twice
        try:
            site_base = load_site(options.content_dir, include_drafts=True, parsed=parsed).config.base_url
        except SiteError:
            site_base = "/"
        self.base_path = Urls(options.base_url or site_base).base_path
        # Served under the base URL's path, so base-path mistakes show before publishing.
        self.serve_root = preview_root
        self.site_dir = (
            preview_root.joinpath(*self.base_path.strip("/").split("/")) if self.base_path != "/" else (preview_root)
        )
        self.sources = [options.content_dir, options.templates_dir, options.static_dir]
        self.builder = Builder(
            dataclasses.replace(
                options, output_dir=self.site_dir, base_url=self.base_path, include_drafts=True, hash_assets=False
            ),
            parse_memo=parsed,
        )
        self.problems: list[Problem] = []
        self.overlay = b""

    def rebuild(self) -> tuple[str, ...] | None:
        """Build; on failure keep the last good site, print and remember the problems."""
        try:
            report = self.builder.build(incremental=True)
        except SiteError as error:
            self.problems = error.problems
            self.overlay = error_overlay(error.problems)
            for problem in error.problems:
                print(problem, file=sys.stderr, flush=True)
            count = len(error.problems)
            print(f"{count} problem{'s' if count != 1 else ''}; still serving the last good build.", file=sys.stderr)
            return None
        self.problems, self.overlay = [], b""
        print(f"Rebuilt in {report.seconds * 1000:.0f} ms: {len(report.changed)} file(s) changed.", flush=True)
        return report.changed


class _SaveWatcher(Watcher):  # type: ignore[misc]
    """Replaces livereload's polling loop with ours (see the module docstring)."""

    def __init__(self, preview: Preview) -> None:
        super().__init__()
        self.preview = preview
        self.state = snapshot(preview.sources)
        self.changed_sources: set[str] = set()
        self.settling = False

    def start(self, callback: Any) -> bool:
        ioloop.PeriodicCallback(self.poll, POLL_SECONDS * 1000).start()
        return True  # livereload then starts no polling of its own

    def examine(self) -> tuple[None, None]:
        return None, None

    def take_changes(self) -> set[str]:
        current = snapshot(self.preview.sources)
        changed = {path for path in current.keys() | self.state.keys() if current.get(path) != self.state.get(path)}
        self.state = current
        return changed

    def poll(self) -> None:
        if self.settling:
            return
        changed = self.take_changes()
        if changed:
            self.changed_sources |= changed
            self.settling = True
            ioloop.IOLoop.current().call_later(SETTLE_SECONDS, self.settle, 0)

    def settle(self, rounds: int) -> None:
        more = self.take_changes()
        if more and rounds < MAX_SETTLE_ROUNDS:
            self.changed_sources |= more
            ioloop.IOLoop.current().call_later(SETTLE_SECONDS, self.settle, rounds + 1)
            return
        self.changed_sources |= more
        sources, self.changed_sources, self.settling = sorted(self.changed_sources), set(), False
        had_problems = bool(self.preview.problems)
        changed = self.preview.rebuild()
        if changed is None or had_problems:
            LiveReloadHandler.reload_waiters("*")  # show, refresh or clear the error overlay
        elif changed and all(path.endswith(".css") for path in changed):
            LiveReloadHandler.reload_waiters(changed[0])  # livereload.js swaps the stylesheet in place
        elif changed:
            LiveReloadHandler.reload_waiters(sources[0])


def _preview_file_handler(preview: Preview) -> type[StaticFileHandler]:
    class PreviewFiles(StaticFileHandler):  # type: ignore[misc]
        """Serves the preview folder; adds the error overlay to HTML and serves 404.html."""

        @classmethod
        def get_content(cls, abspath: str, start: int | None = None, end: int | None = None) -> Any:
            if preview.overlay and abspath.endswith(".html"):
                page = Path(abspath).read_bytes().replace(b"</body>", preview.overlay + b"</body>", 1)
                return page[start:end]
            return super().get_content(abspath, start, end)

        def get_content_size(self) -> int:
            if preview.overlay and str(self.absolute_path).endswith(".html"):
                return len(self.get_content(self.absolute_path))
            return int(super().get_content_size())

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            page = preview.site_dir / "404.html"
            if status_code == 404 and page.is_file():
                self.set_header("Content-Type", "text/html; charset=UTF-8")
                self.finish(page.read_bytes().replace(b"</body>", preview.overlay + b"</body>", 1))
            else:
                super().write_error(status_code, **kwargs)

    return PreviewFiles


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UsageError(f"cannot listen on {host}:{port} ({error.strerror}); choose another --port") from None


def serve(options: BuildOptions, host: str, port: int) -> int:
    """Build, then serve and watch until Ctrl-C or SIGTERM."""
    _check_port(host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host}: other machines can see the preview", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="factsite-preview-") as temp:
        preview = Preview(options, Path(temp))
        preview.rebuild()
        server = Server(watcher=_SaveWatcher(preview))
        server.SFH = _preview_file_handler(preview)

        def stop_before_loop(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        def stop_loop_on_sigterm() -> None:
            # Once the loop runs, stop it between callbacks: raising inside it could land in
            # the middle of tornado's own bookkeeping and leave the process hanging.
            loop = ioloop.IOLoop.current()
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, loop.stop)

        signal.signal(signal.SIGTERM, stop_before_loop)
        ioloop.IOLoop.current().add_callback(stop_loop_on_sigterm)
        print(f"Serving http://{host}:{port}{preview.base_path} (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve(host=host, port=port, root=str(preview.serve_root), open_url=False)
    print("Stopped.", flush=True)
    return 0
