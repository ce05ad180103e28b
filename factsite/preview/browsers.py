"""The browsers watching the preview, told to reload over the LiveReload protocol (version 7:
`hello`, `info`, `reload`), which our script in every page speaks, as do LiveReload's extensions."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from tornado import web, websocket

_PROTOCOL = "http://livereload.com/protocols/official-7"


class Browsers:
    """The connected pages, each ready to be told to reload."""

    def __init__(self) -> None:
        self.sockets: set[ReloadSocket] = set()

    def reload(self, path: str) -> None:
        """Tell every page that `path` changed: a stylesheet (by its output path) is swapped in
        place; anything else ('*' for everything) reloads the page."""
        message = json.dumps({"command": "reload", "path": path, "liveCSS": True, "liveImg": True})
        for browser in list(self.sockets):
            try:
                browser.write_message(message)
            except websocket.WebSocketClosedError:
                self.sockets.discard(browser)

    def close(self) -> None:
        for browser in list(self.sockets):
            browser.close()
        self.sockets.clear()


class ReloadSocket(websocket.WebSocketHandler):
    """One page's connection: after the handshake (`hello` both ways, then the page's `info`), it
    is told of every reload."""

    def initialize(self, browsers: Browsers) -> None:
        self.browsers = browsers

    def check_origin(self, origin: str) -> bool:
        """Pages come from this server (any of its names: 127.0.0.1, localhost...)."""
        return True

    def on_message(self, message: str | bytes) -> None:
        try:
            command = json.loads(message).get("command")
        except (ValueError, AttributeError):
            return
        if command == "hello":
            self.write_message(json.dumps({"command": "hello", "protocols": [_PROTOCOL], "serverName": "factsite"}))
        elif command == "info":
            self.browsers.sockets.add(self)

    def on_close(self) -> None:
        self.browsers.sockets.discard(self)


class PreviewAssets(web.RequestHandler):
    """The files the preview adds to the site's pages: reload.js in every page, and errors.css
    with the problems shown over a page. Files, not inline code or style attributes, so the pages'
    Content-Security-Policy holds in the preview too."""

    ROUTE = r"/_factsite/(reload\.js|errors\.css)"
    RELOAD_TAG = b'<script src="/_factsite/reload.js" defer></script>'
    ERRORS_TAG = b'<link rel="stylesheet" href="/_factsite/errors.css">'
    TYPES = {".js": "text/javascript; charset=UTF-8", ".css": "text/css; charset=UTF-8"}

    def get(self, name: str) -> None:
        self.set_header("Content-Type", self.TYPES[Path(name).suffix])
        self.set_header("Cache-Control", "no-cache")
        self.finish(resources.files(__package__).joinpath(name).read_bytes())
