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

from ..publish.staging import MARKER, MARKER_TEXT, inside, remove_file, write_file


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class PreviewFolder:
    """A folder this process owns, and a digest of each file it holds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.digests: dict[str, bytes] = {}
        """Output path -> digest of the bytes the folder holds."""

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
        for output_path, data_digest in sorted(self.staged.items()):
            destination = inside(self.root, output_path)
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(inside(self.staging, output_path), destination)
            folder.digests[output_path] = data_digest
        (self.root / MARKER).write_text(MARKER_TEXT)
        self.discard()
        return tuple(sorted([*self.staged, *removed]))

    def discard(self) -> None:
        """Drop what was staged (the folder stays as it was)."""
        shutil.rmtree(self.staging, ignore_errors=True)
