"""The preview's folder, brought up to date file by file: a build stages the files it changed next
to the folder, and only a build that passes moves them in. Staged files, not bytes held in
memory, so a build that changes every page needs no more memory than one that changes one."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import UsageError
from ..publish.staging import MARKER, MARKER_TEXT, inside, remove_file, write_file


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class PreviewFolder:
    """A folder the preview owns, and a digest of each file it holds. It may hold an earlier
    session's build: its files are then only rewritten where they changed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.digests: dict[str, bytes] = {}
        """Output path -> digest of the bytes the folder holds."""
        if (root / MARKER).is_file():
            for path in sorted(root.rglob("*")):
                if path.is_file() and path.name != MARKER:
                    self.digests[path.relative_to(root).as_posix()] = digest(path.read_bytes())
        elif root.is_dir() and any(root.iterdir()):
            raise UsageError(f"{root} holds files factsite did not write; move them, or the folder, away")

    def update(self) -> FolderUpdate:
        """Start bringing the folder up to date (one build)."""
        return FolderUpdate(self)


class FolderUpdate:
    """One build's changes to a PreviewFolder: staged until `commit`, dropped by `discard`."""

    def __init__(self, folder: PreviewFolder) -> None:
        self.folder = folder
        self.root.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=".factsite-next-", dir=self.root.parent))
        self.staged: dict[str, bytes] = {}
        """Output path -> digest of the staged file."""

    @property
    def root(self) -> Path:
        return self.folder.root

    def put(self, output_path: str, data: bytes) -> bool:
        """Stage a file, unless the folder holds it already. Returns whether it was staged."""
        data_digest = digest(data)
        if self.folder.digests.get(output_path) == data_digest:
            return False
        write_file(inside(self.staging, output_path), data)
        self.staged[output_path] = data_digest
        return True

    def read(self, output_path: str) -> bytes:
        """A file as this build leaves it (staged, or as the folder holds it)."""
        staged = inside(self.staging, output_path) if output_path in self.staged else inside(self.root, output_path)
        return staged.read_bytes()

    def commit(self, wanted: Iterable[str]) -> tuple[str, ...]:
        """Move the staged files in and remove files not `wanted`; returns the output paths
        written or removed."""
        folder = self.folder
        self.root.mkdir(parents=True, exist_ok=True)
        removed = sorted(folder.digests.keys() - set(wanted))
        for output_path in removed:  # first: a file may go where a folder was, or the other way
            remove_file(self.root, output_path)
            del folder.digests[output_path]
        moved: set[str] = set()
        for output_path, data_digest in sorted(self.staged.items()):
            self._move_in(output_path, moved)
            folder.digests[output_path] = data_digest
        (self.root / MARKER).write_text(MARKER_TEXT)
        self.discard()
        return tuple(sorted([*self.staged, *removed]))

    def _move_in(self, output_path: str, moved: set[str]) -> None:
        """Move a staged file into the folder; where the folder lacks the file's folder, the
        highest staged folder it lacks instead (one rename for a new page's folder, not a folder
        made and a file moved: making and removing folders is most of a first build's cost on a
        busy disk)."""
        try:
            os.replace(inside(self.staging, output_path), inside(self.root, output_path))
            return
        except FileNotFoundError:  # moved with its folder already, or its folder is new here
            pass
        parts = output_path.split("/")
        for depth in range(1, len(parts)):
            prefix = "/".join(parts[:depth])
            if prefix in moved:
                return
            if not inside(self.root, prefix).exists():
                os.replace(inside(self.staging, prefix), inside(self.root, prefix))
                moved.add(prefix)
                return

    def discard(self) -> None:
        """Drop what was staged (the folder stays as it was)."""
        shutil.rmtree(self.staging, ignore_errors=True)
