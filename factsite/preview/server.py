"""Live preview: build into a private folder, serve it on loopback, rebuild and reload on every save.

The server is Tornado's (static files, a WebSocket), speaking the LiveReload protocol to a small
script it adds to every page: the browser reloads when a build changes something it shows, swaps
stylesheets in place when only CSS changed, and shows the problems over the page while the
latest edit does not build (the last good build is still served).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import signal
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tornado import web

from ..errors import UsageError
from ..options import BuildOptions
from ..publish.publish import guard_output
from ..publish.staging import MARKER, MARKER_TEXT
from .browsers import Browsers, PreviewAssets, ReloadSocket
from .site import Preview
from .watch import watch_sources


def serve(options: BuildOptions, host: str, port: int) -> int:
    """Build, then serve and watch until Ctrl-C or SIGTERM."""
    _check_port(host, port)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host}: other machines can see the preview", file=sys.stderr)
    signal.signal(signal.SIGTERM, _interrupt)  # until the server runs: then it stops the loop
    with preview_folder(options) as folder:
        preview = Preview(options, folder)
        preview.rebuild()
        asyncio.run(_serve_until_stopped(preview, host, port))
    print("Stopped.", flush=True)
    return 0


@contextlib.contextmanager
def preview_folder(options: BuildOptions) -> Iterator[Path]:
    """The folder the preview builds into and serves: `preview` in the build cache, kept between
    sessions (deleting a big site's files took seconds at every Ctrl-C; kept, they are also not
    written again when unchanged). A second preview of the same site, while the first runs,
    builds into a temporary folder instead, deleted when it stops."""
    cache = options.cache_folder()
    folder = cache / "preview"
    guard_output(folder, [options.content_dir, options.templates_dir, options.static_dir])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text(MARKER_TEXT)
    with (cache / "preview.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            with tempfile.TemporaryDirectory(prefix="factsite-preview-") as temp:
                yield Path(temp)
            return
        yield folder


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


async def _serve_until_stopped(preview: Preview, host: str, port: int) -> None:
    browsers = Browsers()
    app = web.Application(
        [
            (r"/livereload", ReloadSocket, {"browsers": browsers}),
            (PreviewAssets.ROUTE, PreviewAssets),
            (r"/(.*)", preview.file_handler(), {"path": str(preview.serve_root), "default_filename": "index.html"}),
        ]
    )
    server = app.listen(port, address=host)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    watching = asyncio.create_task(watch_sources(preview, browsers, stopped))
    print(f"Serving http://{host}:{port}{preview.base_path} (Ctrl-C to stop)", flush=True)
    try:
        await stopped.wait()
    finally:
        await watching
        server.stop()
        browsers.close()


def _check_port(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UsageError(f"cannot listen on {host}:{port} ({error.strerror}); choose another --port") from None
