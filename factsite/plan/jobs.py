"""A plan: every page and file a build writes, each page as a job rendered later."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..content.model import Page, Site
from ..errors import Problem
from .data import RecordLines
from .urls import Urls
from .views import PageLink, PageView, Views


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to render: its template and variables, and the Markdown it shows (if any).

    A page shows nothing but what its template makes of `make(*args)`, its Markdown, the plan's
    `shared` values and the site's settings and URLs: the preview renders a page again only when
    one of these changed (and compares `args` to tell)."""

    output_path: str
    template: str
    make: Callable[..., dict[str, Any]]
    """Makes the template's variables from `args` when the page is rendered, in whichever process
    renders it: held for every page to the end of a build, they would take a big site's memory."""
    args: tuple[Any, ...] = ()
    markdown: Page | None = None
    """The page whose rendered Markdown becomes `variables[slot].html`."""
    slot: str = ""

    @property
    def variables(self) -> dict[str, Any]:
        return self.make(*self.args)


@dataclass
class Plan:
    """Everything a build will write."""

    jobs: list[PageJob]
    files: dict[str, Callable[[], bytes]]
    """Output path -> maker of a machine-readable file (data exports, sitemap, feed...): the names
    are known up front (links to them are checked), the bytes can be made while pages render."""
    markdown_sources: dict[str, Page]
    """Output path -> the page whose Markdown made it (link errors point at its lines)."""
    problems: list[Problem]
    shared: dict[str, Any]
    """What every template sees besides its page's variables (the site's settings, as a view)."""
    views: Views
    page_views: dict[str, PageView]
    explainers: tuple[PageLink, ...]
    """The explainer pages in reading order (the home page lists them)."""
    urls: Urls
    data_lines: RecordLines
    """The data files' lines, for a plan made from this one to take over (see RecordLines)."""

    def with_bodies_of(self, site: Site) -> Plan:
        """This plan for `site`, a site that differs from the planned one only in the text of some
        pages (nothing planned depends on that text: see only_bodies_differ)."""
        pages = site.page_by_slug
        jobs = [
            dataclasses.replace(job, markdown=pages[job.markdown.slug])
            if job.markdown is not None and job.markdown is not pages[job.markdown.slug]
            else job
            for job in self.jobs
        ]
        sources = {path: pages[page.slug] for path, page in self.markdown_sources.items()}
        return dataclasses.replace(self, jobs=jobs, markdown_sources=sources)


def only_bodies_differ(old: Site, new: Site) -> bool:
    """Whether two sites differ at most in the text of pages that keep their front matter (then
    their plans are the same but for those pages' text, and rendered Markdown)."""
    if (old.config, old.actors, old.quotes, old.events, old.sources, old.terms) != (
        new.config,
        new.actors,
        new.quotes,
        new.events,
        new.sources,
        new.terms,
    ) or len(old.pages) != len(new.pages):
        return False
    return all(
        before is after or dataclasses.replace(before, body=after.body) == after
        for before, after in zip(old.pages, new.pages, strict=True)
    )
