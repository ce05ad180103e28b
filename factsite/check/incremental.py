"""The link check kept page by page, for the preview: a build checks the links of the pages it
changed, and the links into pages whose anchors changed, instead of every link of the site."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from ..content.model import Page
from ..errors import Problem
from ..plan.urls import Urls
from .links import Deferred, LinkChecker, PageHtml, PageScan


@dataclass
class LinkState:
    """The pages of the latest good build as the link check saw them. That build had no broken
    link, so only what a change touches can have broken one. Never changed in place: `check`
    gives the state to keep if its build passes."""

    urls: Urls | None = None
    files: frozenset[str] = frozenset()
    scans: dict[str, PageScan] = field(default_factory=dict)
    """Output path -> what the page offers and links to."""
    wanted: dict[str, Deferred] = field(default_factory=dict)
    """Output path -> the anchors it links to on other pages."""
    linked_from: dict[str, set[str]] = field(default_factory=dict)
    """Output path -> the pages that link to anchors on it."""

    def check(
        self,
        files: Collection[str],
        changed: dict[str, PageScan],
        urls: Urls,
        markdown_sources: dict[str, Page],
        shown_output: str,
        page_html: PageHtml,
    ) -> tuple[list[Problem], LinkState]:
        """The problems of a build that writes `files`, whose pages in `changed` (output path ->
        scan) are new or changed since this state's build; and the state after it."""
        files = frozenset(files)
        scans = {path: scan for path, scan in self.scans.items() if path in files}
        scans.update(changed)
        # A link can break only if it is new, or if what it reached went: then check every page.
        recheck = scans.keys() if urls != self.urls or not files.issuperset(self.files) else changed.keys()
        new = _LinksBetweenPages(dict(self.wanted), dict(self.linked_from))
        for gone in self.scans.keys() - scans.keys():
            new.set_wanted(gone, {})
        checker = LinkChecker(set(files), urls, markdown_sources, shown_output)
        problems: list[Problem] = []
        for output_path in sorted(recheck):
            wanted: Deferred = {}
            problems += checker.check_page(output_path, scans[output_path], page_html, wanted)
            new.set_wanted(output_path, wanted)
        retargeted = {path for path in changed if self.scans.get(path, _NO_SCAN).ids != changed[path].ids}
        targets = retargeted | {target for path in recheck for target in new.wanted.get(path, {})}
        for target in sorted(targets):
            linking = new.linked_from.get(target, set())
            if target not in retargeted:
                linking = linking.intersection(recheck)
            fragments: list[str] = []
            sources: list[str] = []
            numbers: list[int] = []
            for source in sorted(linking):
                wanted_fragments, wanted_sources, wanted_numbers = new.wanted[source][target]
                fragments += wanted_fragments
                sources += wanted_sources
                numbers += wanted_numbers
            ids = {target: scans[target].ids} if target in scans else {}
            problems += checker.check_anchors({target: (fragments, sources, numbers)}, ids, page_html)
        return problems, LinkState(urls, files, scans, new.wanted, new.linked_from)


class _LinksBetweenPages:
    """A LinkState's `wanted` and `linked_from` being made from the last state's: copies, whose
    sets are copied in turn before they change."""

    def __init__(self, wanted: dict[str, Deferred], linked_from: dict[str, set[str]]) -> None:
        self.wanted, self.linked_from = wanted, linked_from
        self.copied: set[str] = set()

    def set_wanted(self, output_path: str, wanted: Deferred) -> None:
        """Record the anchors a page links to, and update `linked_from` to match."""
        before = self.wanted.pop(output_path, {})
        if wanted:
            self.wanted[output_path] = wanted
        for target in before.keys() - wanted.keys():
            self.linking(target).discard(output_path)
        for target in wanted.keys() - before.keys():
            self.linking(target).add(output_path)

    def linking(self, target: str) -> set[str]:
        if target not in self.copied:
            self.linked_from[target] = set(self.linked_from.get(target, ()))
            self.copied.add(target)
        return self.linked_from[target]


_NO_SCAN = PageScan(frozenset(), ())
