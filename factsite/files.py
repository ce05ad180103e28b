"""List a source folder's files safely: sorted, and no link may lead outside the folder."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Problem


def list_files(root: Path, suffix: str = "") -> tuple[list[Path], list[Problem]]:
    """Files under root (ending in suffix), sorted; links that leave root are reported, not followed."""
    files: list[Path] = []
    problems: list[Problem] = []
    if not root.is_dir():
        return files, problems
    resolved_root = root.resolve()
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        for name in list(dirs):
            path = Path(folder, name)
            if path.is_symlink() and not is_within(path, resolved_root):
                problems.append(Problem(str(path), 1, f"is a link to a folder outside {root}; copy it in instead"))
                dirs.remove(name)
        for name in sorted(names):
            path = Path(folder, name)
            if not name.endswith(suffix):
                continue
            if path.is_symlink() and not is_within(path, resolved_root):
                problems.append(Problem(str(path), 1, f"is a link to a file outside {root}; copy the file in instead"))
                continue
            files.append(path)
    return sorted(files), problems


def is_within(path: Path, resolved_root: Path) -> bool:
    """Whether path, links followed, lies under resolved_root."""
    try:
        path.resolve().relative_to(resolved_root)
    except (ValueError, OSError, RuntimeError):  # outside, unreadable, or a link loop
        return False
    return True
