"""Helpers for preview tests: run `build.py serve` on a free loopback port, talk the LiveReload protocol."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from conftest import REPO, Project


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


@contextmanager
def running_preview(project: Project, *extra: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Start the preview server; yields its root URL (http://127.0.0.1:PORT) and the process."""
    port = free_port()
    log_path = project.root / "serve.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), *project.args("serve", "--port", str(port), *extra)],
        cwd=project.root,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    root = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("preview did not start:\n" + log_path.read_text()) from None
                time.sleep(0.05)
        yield root, process
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


class LiveReloadClient:
    """A browser stand-in: does the LiveReload hello/info handshake, then receives reload messages."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.stack = ExitStack()

    def __enter__(self) -> LiveReloadClient:
        root = self.root
        self.connection: ClientConnection = self.stack.enter_context(
            connect(root.replace("http", "ws", 1) + "/livereload", origin=root)  # type: ignore[arg-type]
        )
        hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
        self.connection.send(json.dumps(hello, separators=(",", ":")))  # as JSON.stringify (Hugo looks for it)
        assert json.loads(self.connection.recv(timeout=5))["command"] == "hello"
        self.connection.send(json.dumps({"command": "info", "url": root + "/", "plugins": {}}, separators=(",", ":")))
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stack.close()

    def next_reload(self, timeout: float = 5.0) -> dict[str, Any]:
        message = json.loads(self.connection.recv(timeout=timeout))
        assert message["command"] == "reload", message
        return message

    def reloads_within(self, seconds: float) -> list[dict[str, Any]]:
        messages = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                messages.append(json.loads(self.connection.recv(timeout=left)))
            except TimeoutError:
                break
        return messages


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
