"""A cache for repeated builds (the preview): values whose key recurs are reused, others dropped."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """Keys must capture every input (e.g. the file's text), so a hit is always correct."""

    def __init__(self) -> None:
        self._previous: dict[K, V] = {}
        self._current: dict[K, V] = {}

    def get(self, key: K, compute: Callable[[], V]) -> V:
        if key in self._current:
            return self._current[key]
        value = self._previous[key] if key in self._previous else compute()
        self._current[key] = value
        return value

    def end_build(self) -> None:
        """Forget what this build did not use, so memory follows the site, not its history."""
        self._previous, self._current = self._current, {}
