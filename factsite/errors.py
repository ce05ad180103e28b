"""The one family of user-facing errors. Anything else escaping to the CLI is a bug."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One thing wrong with the input, located in a file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class PartialContent:
    """What a failed load could still read: enough to check Markdown references anyway."""

    declared_ids: dict[str, set[str]]
    """Record kind ('actor', 'page'...) -> every id declared, valid or not."""
    pages: tuple[Any, ...]
    """The Markdown pages that loaded (model.Page)."""


class SiteError(Exception):
    """Input the generator refuses: carries every problem found, to be reported at once."""

    def __init__(self, problems: list[Problem], partial: PartialContent | None = None) -> None:
        self.problems = sorted(set(problems))
        self.partial = partial
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """A command-line mistake (bad option, unsafe output folder): exit code 2."""


class Problems:
    """A collector: steps add problems and keep going, then `raise_if_any` fails once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: str, line: int, message: str) -> None:
        self.items.append(Problem(path, line, message))

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise SiteError(self.items)
