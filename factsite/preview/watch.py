"""Watching the source folders: a burst of saves settles into one rebuild, then the browsers reload."""

from __future__ import annotations

import os
from pathlib import Path

from tornado import ioloop

from .browsers import Browsers
from .site import Preview

POLL_SECONDS = 0.1
"""How often source folders are checked for saves."""
SETTLE_SECONDS = 0.03
"""A burst of saves is over when a check this long after the last one finds nothing new."""
MAX_SETTLE_ROUNDS = 20
"""Build anyway after this many unsettled checks (an editor that never stops writing)."""


def snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    """(modification time, size) of every file under the source folders, without following links."""
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


class SourceWatcher:
    """Checks the sources every POLL_SECONDS; after a burst of changes, rebuilds once and tells
    the browsers what to reload."""

    def __init__(self, preview: Preview, browsers: Browsers) -> None:
        self.preview, self.browsers = preview, browsers
        self.state = snapshot(preview.sources)
        self.changed_sources: set[str] = set()
        self.settling = False
        self.polling = ioloop.PeriodicCallback(self.poll, POLL_SECONDS * 1000)

    def start(self) -> None:
        self.polling.start()

    def stop(self) -> None:
        self.polling.stop()

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
        self.changed_sources |= more
        if more and rounds < MAX_SETTLE_ROUNDS:
            ioloop.IOLoop.current().call_later(SETTLE_SECONDS, self.settle, rounds + 1)
            return
        sources, self.changed_sources, self.settling = sorted(self.changed_sources), set(), False
        had_problems = bool(self.preview.problems)
        changed = self.preview.rebuild()
        if changed is None or had_problems:
            self.browsers.reload("*")  # show, refresh or clear the problems over the page
        elif changed and all(path.endswith(".css") for path in changed):
            self.browsers.reload(changed[0])  # the script swaps the stylesheet in place
        elif changed:
            self.browsers.reload(sources[0])
