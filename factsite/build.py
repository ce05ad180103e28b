"""The pipeline: load and check everything, render, check links, then (and only then) publish."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .assets import collect_assets
from .errors import Problems, SiteError
from .links import check_links
from .load import load_site
from .render import check_page_references, render_site
from .urls import Urls
from .write import guard_output, publish


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


@dataclass(frozen=True)
class BuildReport:
    pages: int
    files: int
    seconds: float


def build_site(options: BuildOptions, write: bool = True) -> BuildReport:
    """Build the site; raise SiteError with every problem, leaving the output untouched."""
    started = time.perf_counter()
    if write:
        guard_output(options.output_dir, [options.content_dir, options.templates_dir, options.static_dir])
    try:
        site = load_site(options.content_dir, options.include_drafts)
    except SiteError as error:
        if error.partial is None:
            raise
        raise SiteError(error.problems + check_page_references(error.partial)) from None
    urls = Urls(options.base_url or site.config.base_url)
    problems = Problems()
    assets, asset_problems = collect_assets(options.static_dir)
    problems.extend(asset_problems)
    rendered = render_site(site, options.templates_dir, urls, assets)
    problems.extend(rendered.problems)
    problems.extend(check_links(rendered.pages, assets.files, urls, rendered.markdown_sources, str(options.output_dir)))
    problems.raise_if_any()
    if write:
        publish(options.output_dir, rendered.pages, assets.files)
    return BuildReport(len(rendered.pages), len(assets.files), time.perf_counter() - started)
