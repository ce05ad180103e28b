"""The one family of user-facing errors. Anything else escaping to the CLI is a bug."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CODES = {
    "file-unreadable": "a file cannot be read (missing rights, not a regular file, too big, not UTF-8)",
    "file-outside": "a link in a source folder leads outside it",
    "file-empty": "a content file holds nothing",
    "file-changed": "a page changed while the site was being built",
    "yaml-syntax": "YAML that does not parse",
    "yaml-unsupported": "YAML this generator refuses: anchors and aliases, deep nesting",
    "yaml-duplicate-key": "the same key twice in one mapping",
    "structure": "a file or front matter that is not the list or mapping it should be",
    "front-matter": "a page without front matter, or with front matter not closed or empty",
    "field-unknown": "a field no record of that kind has",
    "field-missing": "a required field left out",
    "field-type": "a value of the wrong type: a number or true/false where text belongs, and so on",
    "field-value": "a value of the right type that does not fit: an impossible date, a bad id or URL",
    "duplicate-id": "two records of one kind with the same id",
    "duplicate-url": "two pages that would be published at the same URL",
    "unknown-reference": "a reference (in YAML or Markdown) to a record that does not exist",
    "sic-mismatch": "a quote's `sic` that does not occur in its text",
    "quote-not-in-archive": "a quote not found word for word in the archived copy of its source",
    "archive-missing": "a source's `archive` that is not a file in the content folder",
    "archive-date": "an `archive` without the date it was taken, or a date without a copy",
    "external-link": "(check --external) a link to another site that is dead or now leads elsewhere",
    "unknown-topic": "a timeline tag that site.yaml's topics do not list",
    "asset-missing": "a file named in site.yaml that static/ does not have",
    "broken-link": "a link to a page, file or anchor the site does not have",
    "link-leaves-site": "a link that would leave the site's base path",
    "blocked-by-policy": "a file from elsewhere (image, frame, script, stylesheet...) the page's policy blocks",
    "template-error": "a template that does not compile or fails as it renders",
    "template-missing": "a template the build needs and the folder does not have",
    "references-not-checked": "(a note) references into a file that did not load, left unchecked",
}
"""Every problem's stable code, as `check --format json` and `--format github` report it."""


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One thing wrong with the input, located in a file."""

    path: str
    line: int
    message: str
    code: str = field(default="field-value", compare=False)
    """Which kind of problem (one of CODES), stable from version to version."""

    def __post_init__(self) -> None:
        assert self.code in CODES, self.code

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class PartialContent:
    """What a failed load could still read: enough to check Markdown references anyway."""

    declared_ids: dict[str, set[str]]
    """Record kind ('actor', 'page'...) -> every id declared, valid or not."""
    pages: tuple[Any, ...]
    """The Markdown pages that loaded (model.Page)."""
    unloaded: dict[str, str] = field(default_factory=dict)
    """Record kind -> the file of those records that did not load: its ids are not known."""
    unchecked: dict[str, int] = field(default_factory=dict)
    """Record kind -> references to it in YAML left unchecked (its file did not load)."""


class SiteError(Exception):
    """Input the generator refuses: carries every problem found, to be reported at once, and
    notes that help read them (what could not be checked because of them)."""

    def __init__(
        self, problems: list[Problem], partial: PartialContent | None = None, notes: list[Problem] | None = None
    ) -> None:
        self.problems = sorted(set(problems))
        self.partial = partial
        self.notes = sorted(set(notes or []))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """A command-line mistake (bad option, unsafe output folder): exit code 2."""


class Problems:
    """A collector: steps add problems and keep going, then the caller fails once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: str, line: int, message: str, code: str) -> None:
        self.items.append(Problem(path, line, message, code))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)
