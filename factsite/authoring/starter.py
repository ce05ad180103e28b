"""`init DIR`: a small, valid explainer to start from, with the JSON Schemas its files point at."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ..errors import UsageError
from .json_schemas import FOLDER, write_schemas


def write_starter(folder: Path) -> list[Path]:
    """Write the starter explainer into `folder`, which must not exist or be empty; returns the
    files written. Every kind of record and page is there, each file commented."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} is not an empty folder; init writes only into a new or empty one")
    written = []
    for relative, source in _starter_files(resources.files(__package__) / "starter", ""):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(source.read_bytes())
        written.append(path)
    return written + write_schemas(folder / FOLDER)


def _starter_files(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    files = []
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.is_dir():
            files += _starter_files(entry, f"{prefix}{entry.name}/")
        elif not entry.name.startswith((".", "__")):
            files.append((prefix + entry.name, entry))
    return files
