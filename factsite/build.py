"""The pipeline: load and check everything, render, check links, then (and only then) publish."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .assets import collect_assets
from .errors import Problems, SiteError
from .links import PageScan, check_links
from .load import ParseMemo, load_site
from .render import Progress, RenderCache, check_page_references, render_site
from .search import index_site
from .urls import Urls
from .write import guard_output, publish, write_changed


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
    workers: int = field(default_factory=lambda: min(os.cpu_count() or 1, 4))
    """Processes rendering Markdown in parallel (used only when many pages need rendering)."""


@dataclass(frozen=True)
class BuildReport:
    pages: int
    files: int
    seconds: float
    changed: tuple[str, ...] = ()
    """Output paths written by an incremental build (the preview)."""


@dataclass
class Builder:
    """Builds a site, possibly many times: the preview keeps one and reuses its caches."""

    options: BuildOptions
    render_cache: RenderCache = field(default_factory=RenderCache)
    scan_cache: dict[bytes, PageScan] = field(default_factory=dict)
    parse_memo: ParseMemo = field(default_factory=ParseMemo)
    previous: dict[str, bytes] = field(default_factory=dict)
    """Output path -> bytes of the last successful incremental build."""

    def build(self, write: bool = True, incremental: bool = False, progress: Progress | None = None) -> BuildReport:
        """Build the site; raise SiteError with every problem, leaving the output untouched.

        A normal build swaps a complete new folder in. An incremental build (the preview, which
        owns its folder) writes only the files whose bytes changed.
        """
        options = self.options
        started = time.perf_counter()
        if write:
            guard_output(options.output_dir, [options.content_dir, options.templates_dir, options.static_dir])
        assets, asset_problems = collect_assets(options.static_dir, hashed=options.hash_assets)
        try:
            site = load_site(options.content_dir, options.include_drafts, self.parse_memo)
        except SiteError as error:
            references = check_page_references(error.partial) if error.partial else []
            raise SiteError(error.problems + references + asset_problems) from None
        urls = Urls(options.base_url or site.config.base_url)
        problems = Problems()
        problems.extend(asset_problems)
        search = options.search and write and not incremental
        rendered = render_site(
            site, options.templates_dir, urls, assets, self.render_cache, search, options.workers, progress
        )
        problems.extend(rendered.problems)
        if progress is not None:
            progress("Checking links", len(rendered.pages), len(rendered.pages))
        problems.extend(
            check_links(
                rendered.pages, assets.files, urls, rendered.markdown_sources, str(options.output_dir), self.scan_cache
            )
        )
        problems.raise_if_any()
        changed: tuple[str, ...] = ()
        if write and incremental:
            changed = write_changed(options.output_dir, rendered.pages, assets.files, self.previous)
        elif write:
            if progress is not None:
                progress("Writing and indexing" if search else "Writing", len(rendered.pages), len(rendered.pages))
            language = site.config.language
            finish = (lambda folder: index_site(folder, language)) if search else None
            publish(options.output_dir, rendered.pages, assets.files, finish)
        html_pages = sum(1 for path in rendered.pages if path.endswith(".html"))
        other_files = len(rendered.pages) - html_pages + len(assets.files)
        return BuildReport(html_pages, other_files, time.perf_counter() - started, changed)


def build_site(options: BuildOptions, write: bool = True, progress: Progress | None = None) -> BuildReport:
    """Build once: validate everything, render, check links, then swap the new site in."""
    return Builder(options, render_cache=RenderCache(keeps_pages=False)).build(write, progress=progress)
