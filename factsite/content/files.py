"""Read the content folder safely: list its files without following links out of it, and read
text that may be anything a user saved (not UTF-8, a named pipe, far too big)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import Problem

RECORD_FILE_NAMES = ("sources", "actors", "quotes", "timeline", "glossary", "maps")
"""The record files a content folder may hold (without .yaml); content.schema declares their fields."""
BIG_RECORD_FILE = 512 * 1024
"""A record file at least this big (a few thousand records) is parsed in a worker process while
the rest of the site loads: from about this size, parsing takes longer than forking and sending
the records back."""
MAX_FILE_BYTES = 2 * 1024 * 1024
"""Content files larger than this are refused (documented in docs/content.md)."""
_BOM = b"\xef\xbb\xbf"


def list_files(root: Path, suffix: str = "") -> tuple[list[str], list[Problem]]:
    """Files under root (ending in suffix), sorted as paths (folder by folder); links that leave
    root are reported, not followed. Links to folders are not entered.

    Plain strings and os.scandir rather than Path objects: an archive can have ten thousand pages."""
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
                    problems.append(
                        Problem(
                            entry.path, 1, f"is a link to a folder outside {root}; copy it in instead", "file-outside"
                        )
                    )
            elif entry.name.endswith(suffix):
                if entry.is_symlink() and not is_within(Path(entry.path), resolved_root):
                    message = f"is a link to a file outside {root}; copy the file in instead"
                    problems.append(Problem(entry.path, 1, message, "file-outside"))
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


def resolved_path(path: Path) -> Path:
    """A path with links resolved, as file-system events name it (or absolute, if it cannot be)."""
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def file_size(path: Path) -> int:
    """A file's size; 0 if it is missing or unreadable."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_text(path: Path | str, shown_as: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 file (a BOM is allowed, CRLF becomes LF), or say why it cannot be read."""
    text, problems, _ = read_text_and_status(path, shown_as)
    return text, problems


def read_text_and_status(path: Path | str, shown_as: str) -> tuple[str | None, list[Problem], os.stat_result | None]:
    """read_text, and the file's status as it was read (size, modification time, inode), which
    tells whether the file changed later. Anything but a regular file is refused: reading a named
    pipe would block the build forever."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as error:
        return None, [Problem(shown_as, 1, f"cannot read file: {error.strerror}", "file-unreadable")], None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return None, [Problem(shown_as, 1, "cannot read file: it is not a regular file", "file-unreadable")], None
        data = _read_at_most(descriptor, MAX_FILE_BYTES + 1, expected=status.st_size)
        if max(len(data), status.st_size) > MAX_FILE_BYTES:  # too big, or grew that big while read
            limit = MAX_FILE_BYTES // (1024 * 1024)
            return (
                None,
                [Problem(shown_as, 1, f"file is larger than {limit} MiB; split it up", "file-unreadable")],
                None,
            )
    except OSError as error:
        return None, [Problem(shown_as, 1, f"cannot read file: {error.strerror}", "file-unreadable")], None
    finally:
        os.close(descriptor)
    data = data.removeprefix(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return (
            None,
            [Problem(shown_as, line, "file is not valid UTF-8 text; save it as UTF-8", "file-unreadable")],
            None,
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, [], status


def _read_at_most(descriptor: int, limit: int, expected: int) -> bytes:
    """Up to `limit` bytes, in reads sized for the file's `expected` size (os.read allocates what
    it is asked for)."""
    blocks = []
    size = 0
    while size < limit:
        block = os.read(descriptor, min(limit - size, max(expected + 1 - size, 65536)))
        if not block:
            break
        blocks.append(block)
        size += len(block)
    return b"".join(blocks)
