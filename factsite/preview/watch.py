"""Watching the source folders with the operating system's file events (watchfiles: Rust's
`notify`), so an idle preview costs nothing; a burst of saves settles into one rebuild, and then
the browsers reload."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

from watchfiles import DefaultFilter, awatch

from .browsers import Browsers
from .site import Preview

SETTLE_MS = 50
"""A burst of saves is over when this long passes without another."""
LONGEST_BURST_MS = 1000
"""Rebuild anyway after this long (an editor that never stops writing)."""
COLLECT_AFTER_SECONDS = 0.5
COLLECT_ALL_AFTER_SECONDS = 60.0


class _SourceFilter(DefaultFilter):
    """watchfiles' own (editors' swap and backup files, version control folders), and the
    content folder's JSON Schemas, which no build reads."""

    def __call__(self, change: object, path: str) -> bool:
        return "/.schemas/" not in path and bool(super().__call__(change, path))  # type: ignore[arg-type]


async def watch_sources(preview: Preview, browsers: Browsers, stop: asyncio.Event) -> None:
    """Rebuild after each burst of changes to the sources, and tell the browsers, until `stop`."""
    folders = [folder for folder in preview.sources if folder.is_dir()]
    collector = IdleCollector()
    collector.collect_soon()  # (after the first build)
    if not folders:
        await stop.wait()
        return
    async for changes in awatch(
        *folders, watch_filter=_SourceFilter(), step=SETTLE_MS, debounce=LONGEST_BURST_MS, stop_event=stop
    ):
        changed_sources = sorted({Path(path) for _, path in changes})
        collector.pause()
        try:
            _rebuild_and_reload(preview, browsers, changed_sources)
        finally:
            collector.collect_soon()


class IdleCollector:
    """Python's cycle collector, kept off the author's path. A rebuild runs without it; shortly
    after the browsers have been told, it collects what the rebuild made and freezes what is left
    (`gc.freeze`), so later collections pass over the site's model (a full one takes a tenth of a
    second at ten thousand pages) instead of walking it each time. The preview's model holds no
    reference cycles (old plans are freed as soon as they are replaced); after a long idle spell
    everything is collected once anyway, in case something else does."""

    def __init__(self) -> None:
        self.pending: list[asyncio.TimerHandle] = []

    def pause(self) -> None:
        for handle in self.pending:
            handle.cancel()
        gc.disable()

    def collect_soon(self) -> None:
        loop = asyncio.get_running_loop()
        self.pending = [
            loop.call_later(COLLECT_AFTER_SECONDS, self._collect_new),
            loop.call_later(COLLECT_ALL_AFTER_SECONDS, self._collect_all),
        ]

    def _collect_new(self) -> None:
        gc.collect()
        gc.freeze()
        gc.enable()

    def _collect_all(self) -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()


def _rebuild_and_reload(preview: Preview, browsers: Browsers, changed_sources: list[Path]) -> None:
    had_problems = bool(preview.problems)
    changed = preview.rebuild(changed_sources)
    if changed is None or had_problems:
        browsers.reload("*")  # show, refresh or clear the problems over the page
    elif changed and all(path.endswith(".css") for path in changed):
        browsers.reload(changed[0])  # the script swaps the stylesheet in place
    elif changed:
        browsers.reload(str(changed_sources[0]))
