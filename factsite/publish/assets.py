"""static/ -> the files to publish, CSS and JS under content-hashed names (cache busting)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..content.files import list_files
from ..errors import Problem

HASHED_SUFFIXES = (".css", ".js")


@dataclass(frozen=True)
class Assets:
    """Static files by their name in static/ ('style.css')."""

    files: dict[str, Path]
    """Output path ('static/style.1a2b3c4d.css') -> source file."""
    output_path_of: dict[str, str]
    """Name in static/ -> output path."""


def collect_assets(static_dir: Path | None, hashed: bool = True) -> tuple[Assets, list[Problem]]:
    """List static files in sorted order; refuse links that lead outside static/."""
    files: dict[str, Path] = {}
    output_path_of: dict[str, str] = {}
    if static_dir is None or not static_dir.is_dir():
        return Assets(files, output_path_of), []
    paths, problems = list_files(static_dir)
    for path in map(Path, paths):
        name = path.relative_to(static_dir).as_posix()
        output_path = "static/" + name
        if hashed and path.suffix in HASHED_SUFFIXES:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            output_path = f"static/{name[: -len(path.suffix)]}.{digest}{path.suffix}"
        files[output_path] = path
        output_path_of[name] = output_path
    return Assets(files, output_path_of), problems
