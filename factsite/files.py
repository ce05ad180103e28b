"""List a source folder's files safely: sorted, and no link may lead outside the folder."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from .errors import Problem
from .workers import PARALLEL_MINIMUM


def list_files(root: Path, suffix: str = "") -> tuple[list[str], list[Problem]]:
    """Files under root (ending in suffix), sorted as paths (folder by folder); links that leave
    root are reported, not followed. Links to folders are not entered.

    Plain strings: a big archive has ten thousand pages, and making and sorting a Path for each
    took 0.1 s at 10,000 (os.scandir knows whether an entry is a link or a folder without a
    system call per file)."""
    files: list[str] = []
    problems: list[Problem] = []
    if not root.is_dir():
        return files, problems
    resolved_root = root.resolve()
    folders = [str(root)]
    while folders:
        try:
            with os.scandir(folders.pop()) as listing:
                entries = list(listing)
        except OSError:  # unreadable: as os.walk, skip it
            continue
        for entry in entries:
            if entry.is_dir():
                if not entry.is_symlink():
                    folders.append(entry.path)
                elif not is_within(Path(entry.path), resolved_root):
                    problems.append(Problem(entry.path, 1, f"is a link to a folder outside {root}; copy it in instead"))
            elif entry.name.endswith(suffix):
                if entry.is_symlink() and not is_within(Path(entry.path), resolved_root):
                    message = f"is a link to a file outside {root}; copy the file in instead"
                    problems.append(Problem(entry.path, 1, message))
                    continue
                files.append(entry.path)
    return sorted(files, key=_path_parts), problems


def _path_parts(path: str) -> list[str]:
    """The order of pathlib's paths: part by part (so 'a/b' comes before 'a-c')."""
    return path.split(os.sep)


def is_within(path: Path, resolved_root: Path) -> bool:
    """Whether path, links followed, lies under resolved_root."""
    try:
        path.resolve().relative_to(resolved_root)
    except (ValueError, OSError, RuntimeError):  # outside, unreadable, or a link loop
        return False
    return True


RECORD_FILE_NAMES = ("sources", "actors", "quotes", "timeline", "glossary")
"""The record files a content folder holds (without .yaml); factsite.load knows their fields."""
BACKGROUND_MINIMUM = 512 * 1024
"""Record files at least this big (a few thousand records) are parsed in a worker process while
the rest loads: from about this size, parsing takes longer than forking and sending records back.
(Record files are mostly read line by line, see yamlfile._flat_records: 64 KB was the size when
libyaml read them all, seven times slower. At 1,000 pages, 0.3 MB of records, loading in one
process is 0.01 s faster, median of 16 interleaved runs; whole builds 1.38 -> 1.34 s, of 16.)
A worker that also read a share of the pages, sized to finish with this process's pages and
imports, made loading slower at both 1k and 10k (+0.05 and +0.09 s, paired medians of 16 and 8):
at 1k the template compiler has the second core then (see factsite.precompile)."""


def looks_big(content_dir: Path) -> bool:
    """Whether a site is big (a record file parsed in the background, or PARALLEL_MINIMUM
    Markdown pages or more), judged cheaply before loading it (here, not in factsite.load, so the
    command line can judge it before importing the engine)."""
    if any(file_size(content_dir / f"{name}.yaml") >= BACKGROUND_MINIMUM for name in RECORD_FILE_NAMES):
        return True
    pages = content_dir / "pages"
    if pages.is_symlink():  # not counted: it may lead outside the content folder
        return False
    try:
        with os.scandir(pages) as entries:
            return sum(1 for _ in itertools.islice(entries, PARALLEL_MINIMUM)) >= PARALLEL_MINIMUM
    except OSError:
        return False


def file_size(path: Path) -> int:
    """A file's size; 0 if it is missing or unreadable."""
    try:
        return path.stat().st_size
    except OSError:
        return 0
