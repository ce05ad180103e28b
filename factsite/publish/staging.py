"""The folder a build writes its site into, file by file, never outside it."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

MARKER = ".factsite-build"
"""Written into every output folder; only a folder holding it may be replaced."""
MARKER_TEXT = "Built by factsite; this whole folder is replaced on each build.\n"


class StagingTree:
    """The folder a build is written into. It may start out holding an earlier build (kept in
    the cache): a file whose bytes are unchanged is then not rewritten, and whatever this build
    does not write is removed by `finish`. Creating and deleting tens of thousands of files is
    the slowest part of a big build on a real disk; comparing bytes is cheap.

    Forked workers write into their own copies of the tree: folders another has just made, or an
    earlier build's file another has just cleared out of the way, are taken in their stride, and
    the main process's tree learns what they wrote through `wrote`."""

    def __init__(self, root: Path, leftover: set[str] | None = None) -> None:
        self.root = root
        self.leftover = leftover or set()
        """Files of the earlier build that this build has not written (yet)."""
        self.folders: set[str] = {""}
        """Folders this build has made sure exist (site-relative; "" is the root)."""

    def write(self, output_path: str, data: bytes) -> None:
        """Write one file. Called tens of thousands of times: plain strings and os calls, and each
        folder made once (pathlib and os.makedirs per file cost more than the file system does on
        tmpfs)."""
        _check_output_path(output_path)
        destination = f"{self.root}/{output_path}"
        if output_path in self.leftover:
            self.leftover.discard(output_path)
            if _holds(destination, data):
                return
        folder = output_path.rpartition("/")[0]
        try:
            if folder not in self.folders:
                self._make_folder(folder)
            _write_new(destination, data)
        except OSError:
            _clear_way(self.root, Path(destination))  # an earlier build had a file where a folder goes
            write_file(Path(destination), data)

    def wrote(self, output_paths: list[str]) -> None:
        """Files another process wrote into this tree (a forked worker, with its own copy of it)."""
        self.leftover.difference_update(output_paths)

    def _make_folder(self, folder: str) -> None:
        """Make a folder (site-relative) and the ones above it, at one system call per folder
        when the one above is known (os.makedirs checks every level first)."""
        parent = folder.rpartition("/")[0]
        if parent not in self.folders:
            self._make_folder(parent)
        try:
            os.mkdir(f"{self.root}/{folder}")
        except FileExistsError:  # kept from an earlier build, or a file there (the caller clears the way)
            if not os.path.isdir(f"{self.root}/{folder}"):
                raise
        self.folders.add(folder)

    def copy(self, output_path: str, source: Path) -> None:
        self.write(output_path, source.read_bytes())

    def finish(self) -> None:
        """Remove what the earlier build wrote and this one did not, then emptied folders."""
        for output_path in sorted(self.leftover, reverse=True):
            if not inside(self.root, output_path).is_dir():  # else: a folder this build made there
                remove_file(self.root, output_path)
        self.leftover = set()


def _holds(path: str, data: bytes) -> bool:
    """Whether the file at path holds exactly these bytes (a folder or a missing file does not)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if os.fstat(descriptor).st_size != len(data):
            return False
        held = bytearray()
        while len(held) <= len(data) and (block := os.read(descriptor, len(data) + 1 - len(held))):
            held += block
        return held == data
    except OSError:
        return False
    finally:
        os.close(descriptor)


def remove_file(root: Path, output_path: str) -> None:
    """Remove a file, then the folders it leaves empty."""
    stale = inside(root, output_path)
    stale.unlink(missing_ok=True)
    for folder in stale.parents:
        if folder == root or any(folder.iterdir()):
            break
        folder.rmdir()


def _write_new(destination: str, data: bytes) -> None:
    descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def write_file(destination: Path, data: bytes) -> None:
    os.makedirs(destination.parent, exist_ok=True)
    _write_new(str(destination), data)


def _clear_way(root: Path, destination: Path) -> None:
    for folder in reversed(destination.parents):
        if folder != root and folder.is_relative_to(root) and folder.is_file():
            with contextlib.suppress(FileNotFoundError):  # another worker may have just removed it
                folder.unlink()
    if destination.is_dir():
        shutil.rmtree(destination)


def inside(root: Path, output_path: str) -> Path:
    """Resolve a site-relative output path, refusing anything that would leave `root`."""
    _check_output_path(output_path)
    return root / output_path


def _check_output_path(output_path: str) -> None:
    parts = output_path.split("/")
    if not output_path or output_path.startswith("/") or ".." in parts or "" in parts[:-1] or parts[-1] in ("", "."):
        raise ValueError(f"unsafe output path {output_path!r}")  # a bug: paths are built from ids


def copy_files(tree: StagingTree, files: dict[str, Path]) -> None:
    """Copy files (output path -> source) into the tree."""
    for output_path in sorted(files):
        tree.copy(output_path, files[output_path])
