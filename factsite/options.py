"""What a build is asked to do: where things are, as the user named them. Light to import, so the
command line can start the build's helper before the engine is imported (see parallel.helper)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def default_workers() -> int:
    """This machine's cores, up to 4 (more start faster than they pay off for a site's size)."""
    return min(os.cpu_count() or 1, 4)


@dataclass(frozen=True)
class BuildOptions:
    """Where things are, as the user named them."""

    content_dir: Path = Path("content")
    templates_dir: Path = Path("templates")
    static_dir: Path = Path("static")
    output_dir: Path = Path("_site")
    base_url: str | None = None
    """Overrides site.yaml's base_url (e.g. from GitHub Pages' configure step)."""
    include_drafts: bool = False
    hash_assets: bool = True
    """Content-hashed CSS/JS names; the preview turns this off so CSS can be swapped live."""
    search: bool = True
    """Build the Pagefind search index (published builds only; `--no-search` turns it off)."""
    workers: int = field(default_factory=default_workers)
    """Processes rendering pages in parallel (used only when there are many pages)."""
    cache_dir: Path | None = None
    """Where builds keep what the next build can reuse; default: .cache/factsite beside the output."""

    def cache_folder(self) -> Path:
        return self.cache_dir or self.output_dir.resolve().parent / ".cache" / "factsite"

    def compiled_templates_folder(self, write: bool) -> Path | None:
        """Where a one-shot build keeps compiled templates for the next; None for one that writes
        nothing (`check`)."""
        return self.cache_folder() / "templates" if write else None
