"""Live preview: build into a private folder, serve it on loopback, rebuild and reload on every save."""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import socket
import sys
import tempfile
from pathlib import Path
from types import FrameType
from typing import Any

from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler

from .build import BuildOptions, build_site
from .errors import SiteError, UsageError
from .urls import Urls

# livereload drops any reload within 3 s of the previous one, losing quick second edits.
LiveReloadHandler.DEFAULT_RELOAD_TIME = 0


def _port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


class _Preview:
    """Builds the preview; a failed build keeps the last good site and prints the problems."""

    def __init__(self, options: BuildOptions, preview_root: Path) -> None:
        # Serve under the base URL's path so base-path mistakes show before publishing.
        self.base_path = Urls(options.base_url or "/").base_path
        self.preview_root = preview_root
        self.options = options

    def configure(self) -> None:
        from .load import load_site

        try:
            site_base = load_site(self.options.content_dir, include_drafts=True).config.base_url
        except SiteError:
            site_base = "/"
        self.base_path = Urls(self.options.base_url or site_base).base_path
        output = self.preview_root / self.base_path.strip("/") if self.base_path != "/" else self.preview_root / "site"
        self.options = dataclasses.replace(
            self.options, output_dir=output, base_url=self.base_path, include_drafts=True
        )

    @property
    def site_dir(self) -> Path:
        return self.options.output_dir

    def rebuild(self) -> None:
        try:
            report = build_site(self.options)
        except SiteError as error:
            for problem in error.problems:
                print(problem, file=sys.stderr, flush=True)
            print(f"{len(error.problems)} problem(s); still serving the last good build.", file=sys.stderr, flush=True)
            return
        print(f"Rebuilt {report.pages} pages in {report.seconds:.2f} s.", flush=True)


def serve(options: BuildOptions, host: str, port: int) -> int:
    """Build, then serve and watch until Ctrl-C or SIGTERM."""
    if not _port_is_free(host, port):
        raise UsageError(f"port {port} on {host} is busy; choose another with --port")
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host}: other machines on the network can see the preview", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="factsite-preview-") as temp:
        preview = _Preview(options, Path(temp))
        preview.configure()
        preview.rebuild()
        serve_root = preview.preview_root if preview.base_path != "/" else preview.site_dir

        class NotFoundPage(StaticFileHandler):  # type: ignore[misc]
            def write_error(self, status_code: int, **kwargs: Any) -> None:
                page = preview.site_dir / "404.html"
                if status_code == 404 and page.is_file():
                    self.set_header("Content-Type", "text/html; charset=UTF-8")
                    self.finish(page.read_bytes())
                else:
                    super().write_error(status_code, **kwargs)

        server = Server()
        server.SFH = NotFoundPage
        for folder in (options.content_dir, options.templates_dir, options.static_dir):
            if folder.is_dir():
                server.watch(str(folder), preview.rebuild)

        def stop(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        print(f"Serving http://{host}:{port}{preview.base_path} (Ctrl-C to stop)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve(host=host, port=port, root=str(serve_root), open_url=False)
    print("Stopped.", flush=True)
    return 0
