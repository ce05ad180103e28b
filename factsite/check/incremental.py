"""The link check kept page by page, for the preview: a build checks the links of the pages it
changed, and of the pages linking to anchors that went away, instead of every link of the site."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from ..content.model import Page
from ..errors import Problem
from ..plan.urls import Urls
from .links import Deferred, LinkChecker, PageHtml, PageScan, add_links, scan_page


@dataclass
class LinkState:
    """The pages of the latest good build as the link check saw them. That build had no broken
    link, so only what a change touches can have broken one. Never changed in place: a check
    started from it gives the state to keep if its build passes.

    A page's links are not kept (a big site's would be much of the preview's memory); where a
    page must be checked again without having changed, it is read again."""

    urls: Urls | None = None
    files: frozenset[str] = frozenset()
    ids: dict[str, frozenset[str]] = field(default_factory=dict)
    """Output path of each page -> the ids it offers."""
    targets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Output path -> the pages it links to anchors on."""
    linked_from: dict[str, set[str]] = field(default_factory=dict)
    """Output path -> the pages that link to anchors on it."""

    def start(
        self, files: Collection[str], urls: Urls, markdown_sources: dict[str, Page], shown_output: str
    ) -> LinkCheck:
        """The check of a build that writes `files`."""
        return LinkCheck(self, frozenset(files), urls, LinkChecker(set(files), urls, markdown_sources, shown_output))


class LinkCheck:
    """One build's link check: pages are checked as they are rendered (`page`), the rest at the
    end (`finish`)."""

    def __init__(self, last: LinkState, files: frozenset[str], urls: Urls, checker: LinkChecker) -> None:
        self.last, self.files, self.urls, self.checker = last, files, urls, checker
        self.everything = urls != last.urls or not files.issuperset(last.files)
        """A link breaks only if it is new, or what it reached went: a file (then every page is
        checked again), or an anchor (then the pages linking to anchors on that page are)."""
        self.ids = {path: ids for path, ids in last.ids.items() if path in files}
        self.vanished: set[str] = set()
        """Pages that no longer offer an id they offered."""
        self.checked: set[str] = set()
        self.problems: list[Problem] = []
        self.deferred: Deferred = {}
        linked_from = {} if self.everything else dict(last.linked_from)
        self.index = _AnchorIndex(files, {} if self.everything else dict(last.targets), linked_from)

    def page(self, output_path: str, scan: PageScan, page_html: PageHtml) -> None:
        """Check a page this build changed (or one the last state does not know)."""
        before = self.ids.get(output_path)
        if before is not None and not scan.ids.issuperset(before):
            self.vanished.add(output_path)
        self.ids[output_path] = scan.ids
        self._check(output_path, scan, page_html)

    def finish(self, page_html: PageHtml) -> tuple[list[Problem], LinkState]:
        """The build's problems, and the state to keep if there are none. `page_html` gives any
        page as the build leaves it."""
        again = set(self.ids) if self.everything else set()
        for target in self.vanished:
            again |= self.last.linked_from.get(target, set())
        for output_path in sorted(again - self.checked):
            self._check(output_path, scan_page(page_html(output_path)), page_html)
        problems = self.problems + self.checker.check_anchors(self.deferred, self.ids, page_html)
        return problems, LinkState(self.urls, self.files, self.ids, self.index.targets, self.index.linked_from)

    def _check(self, output_path: str, scan: PageScan, page_html: PageHtml) -> None:
        wanted: Deferred = {}
        self.problems += self.checker.check_page(output_path, scan, page_html, wanted)
        self.checked.add(output_path)
        self.index.link(output_path, wanted)
        for target, links in wanted.items():
            add_links(self.deferred, target, links)


class _AnchorIndex:
    """A LinkState's `targets` and `linked_from` being made from the last one's: copies, whose
    sets are copied in turn before they change."""

    def __init__(self, files: frozenset[str], targets: dict[str, tuple[str, ...]], linked_from: dict[str, set[str]]):
        self.targets, self.linked_from = targets, linked_from
        self.copied: set[str] = set()
        self.shared = {path: path for path in files}
        """Each output path as one string object (held by many pages' entries)."""

    def link(self, output_path: str, wanted: Deferred) -> None:
        """Record the pages a page links to anchors on (`wanted`'s keys)."""
        before = self.targets.pop(output_path, ())
        if wanted:
            self.targets[output_path] = tuple(self.shared.get(target, target) for target in wanted)
        for target in set(before) - wanted.keys():
            self._linking(target).discard(output_path)
        for target in wanted.keys() - set(before):
            self._linking(target).add(self.shared.get(output_path, output_path))

    def _linking(self, target: str) -> set[str]:
        if target not in self.copied:
            self.linked_from[target] = set(self.linked_from.get(target, ()))
            self.copied.add(target)
        return self.linked_from[target]
