"""Watching the source folders with the operating system's file events (watchfiles: Rust's
`notify`), so an idle preview costs nothing; a burst of saves settles into one rebuild, and then
the browsers reload."""

from __future__ import annotations

import asyncio
from pathlib import Path

from watchfiles import DefaultFilter, awatch

from .browsers import Browsers
from .site import Preview

SETTLE_MS = 50
"""A burst of saves is over when this long passes without another."""
LONGEST_BURST_MS = 1000
"""Rebuild anyway after this long (an editor that never stops writing)."""


class _SourceFilter(DefaultFilter):
    """watchfiles' own (editors' swap and backup files, version control folders), and the
    content folder's JSON Schemas, which no build reads."""

    def __call__(self, change: object, path: str) -> bool:
        return "/.schemas/" not in path and bool(super().__call__(change, path))  # type: ignore[arg-type]


async def watch_sources(preview: Preview, browsers: Browsers, stop: asyncio.Event) -> None:
    """Rebuild after each burst of changes to the sources, and tell the browsers, until `stop`."""
    folders = [folder for folder in preview.sources if folder.is_dir()]
    if not folders:
        await stop.wait()
        return
    async for changes in awatch(
        *folders, watch_filter=_SourceFilter(), step=SETTLE_MS, debounce=LONGEST_BURST_MS, stop_event=stop
    ):
        changed_sources = sorted({Path(path) for _, path in changes})
        _rebuild_and_reload(preview, browsers, changed_sources)


def _rebuild_and_reload(preview: Preview, browsers: Browsers, changed_sources: list[Path]) -> None:
    had_problems = bool(preview.problems)
    changed = preview.rebuild(changed_sources)
    if changed is None or had_problems:
        browsers.reload("*")  # show, refresh or clear the problems over the page
    elif changed and all(path.endswith(".css") for path in changed):
        browsers.reload(changed[0])  # the script swaps the stylesheet in place
    elif changed:
        browsers.reload(str(changed_sources[0]))
