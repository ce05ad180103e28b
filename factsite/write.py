"""Publish atomically: build a sibling folder, then swap it in; the old site survives any failure."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from .errors import UsageError

MARKER = ".factsite-build"
"""Written into every output folder; only a folder holding it may be replaced."""
MARKER_TEXT = "Built by factsite; this whole folder is replaced on each build.\n"
_RENAME_EXCHANGE = 2


def guard_output(output_dir: Path, source_dirs: list[Path], cache_dir: Path | None = None) -> None:
    """Refuse an output (or cache) folder that would overwrite anything the user wrote."""
    output = output_dir.resolve()
    for source in source_dirs:
        source = source.resolve()
        if _overlap(output, source):
            raise UsageError(f"output folder {output_dir} overlaps the source folder {source}; choose another --out")
        if cache_dir is not None and _overlap(cache_dir.resolve(), source):
            raise UsageError(f"cache folder {cache_dir} overlaps the source folder {source}")
    if cache_dir is not None and _overlap(cache_dir.resolve(), output):
        raise UsageError(f"cache folder {cache_dir} overlaps the output folder {output_dir}")
    if output == Path.cwd().resolve() or output == Path(output.anchor):
        raise UsageError(f"output folder {output_dir} is the project folder; choose another --out")
    if output.exists():
        if not output.is_dir():
            raise UsageError(f"output {output_dir} is a file, not a folder; choose another --out")
        if any(output.iterdir()) and not (output / MARKER).is_file():
            raise UsageError(
                f"output folder {output_dir} is not empty and was not made by this generator "
                f"(no {MARKER} file); refusing to replace it. Choose another --out or empty it yourself"
            )


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
            _write(Path(destination), data)

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
                _remove(self.root, output_path)
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


def _remove(root: Path, output_path: str) -> None:
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


def _write(destination: Path, data: bytes) -> None:
    os.makedirs(destination.parent, exist_ok=True)
    _write_new(str(destination), data)


def _clear_way(root: Path, destination: Path) -> None:
    for folder in reversed(destination.parents):
        if folder != root and folder.is_relative_to(root) and folder.is_file():
            with contextlib.suppress(FileNotFoundError):  # another worker may have just removed it
                folder.unlink()
    if destination.is_dir():
        shutil.rmtree(destination)


def _overlap(first: Path, second: Path) -> bool:
    return first == second or first in second.parents or second in first.parents


def publish(
    output_dir: Path,
    fill: Callable[[StagingTree], None],
    keep: Path | None = None,
    finish: Callable[[Path], None] | None = None,
) -> None:
    """Let `fill` write the whole site into a temporary sibling folder, run `finish` on the
    complete folder (the search index), then swap it in as `output_dir`. If either raises, the
    old site stays exactly as it was.

    With `keep` (a folder in the cache), the site this build replaces is moved there instead of
    being deleted, and the next build starts from it.
    """
    parent = output_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(output_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.tmp-", dir=parent))
    tree = _reuse(keep, staging) if keep is not None else StagingTree(staging)
    try:
        fill(tree)
        tree.finish()
        if finish is not None:
            finish(staging)
        (staging / MARKER).write_text(MARKER_TEXT)
        os.chmod(staging, 0o755)
        _swap_in(staging, output_dir.resolve())
    finally:
        if staging.exists() and not _keep(staging, keep):
            shutil.rmtree(staging, ignore_errors=True)


def _reuse(keep: Path, staging: Path) -> StagingTree:
    """Start from the kept earlier build when there is one we made, holding no links."""
    if not (keep / MARKER).is_file() or keep.is_symlink():
        return StagingTree(staging)
    files = _files_without_links(keep)
    if files is None:
        return StagingTree(staging)
    try:
        os.rename(keep, staging)  # replaces the empty staging folder
    except OSError:
        return StagingTree(staging)
    return StagingTree(staging, files - {MARKER})


def _files_without_links(root: Path) -> set[str] | None:
    """Every file under root as a site-relative path, or None if anything in it is a link or
    something else than a file or folder. (os.scandir knows an entry's type without another
    system call per entry.)"""
    files: set[str] = set()
    folders = [("", str(root))]
    try:
        while folders:
            prefix, folder = folders.pop()
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((f"{prefix}{entry.name}/", entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        files.add(prefix + entry.name)
                    else:  # a link, a pipe...: not something a build of ours leaves
                        return None
    except OSError:
        return None
    return files


def _keep(folder: Path, keep: Path | None) -> bool:
    """Move a finished or failed staging folder to `keep` for the next build to start from."""
    if keep is None:
        return False
    try:
        keep.parent.mkdir(parents=True, exist_ok=True)
        if keep.exists():
            shutil.rmtree(keep)
        (folder / MARKER).write_text(MARKER_TEXT)
        os.rename(folder, keep)
    except OSError:
        return False
    return True


def copy_files(tree: StagingTree, files: dict[str, Path]) -> None:
    """Copy files (output path -> source) into the tree."""
    for output_path in sorted(files):
        tree.copy(output_path, files[output_path])


def write_changed(
    output_dir: Path, pages: dict[str, bytes], files: dict[str, Path], previous: dict[str, bytes]
) -> tuple[str, ...]:
    """Bring a folder this process owns (the preview's) up to date, touching only what changed.

    `previous` (output path -> bytes, updated in place) is what the folder holds; empty means
    read it from disk. Returns the output paths written or removed.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    wanted = dict(pages)
    for output_path, source in files.items():
        wanted[output_path] = source.read_bytes()
    baseline = previous or {
        path.relative_to(output_dir).as_posix(): path.read_bytes()
        for path in sorted(output_dir.rglob("*"))
        if path.is_file() and path.name != MARKER
    }
    changed = []
    for output_path in sorted(wanted):
        if baseline.get(output_path) != wanted[output_path]:
            _write(inside(output_dir, output_path), wanted[output_path])
            changed.append(output_path)
    for output_path in sorted(set(baseline) - set(wanted)):
        _remove(output_dir, output_path)
        changed.append(output_path)
    (output_dir / MARKER).write_text(MARKER_TEXT)
    previous.clear()
    previous.update(wanted)
    return tuple(changed)


def remove_leftovers(output_dir: Path) -> None:
    """Delete staging folders that an interrupted build left beside the output."""
    parent = output_dir.resolve().parent
    for leftover in parent.glob(f".{output_dir.name}.tmp-*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def inside(root: Path, output_path: str) -> Path:
    """Resolve a site-relative output path, refusing anything that would leave `root`."""
    _check_output_path(output_path)
    return root.joinpath(*PurePosixPath(output_path).parts)


def _check_output_path(output_path: str) -> None:
    parts = output_path.split("/")
    if not output_path or output_path.startswith("/") or ".." in parts or "" in parts[:-1] or parts[-1] in ("", "."):
        raise ValueError(f"unsafe output path {output_path!r}")  # a bug: paths are built from ids


def _swap_in(staging: Path, output: Path) -> None:
    """Exchange the two folders atomically where the kernel can; else two quick renames."""
    if output.exists() and _rename_exchange(staging, output):
        return  # staging now holds the old site, removed by the caller
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}.tmp-old-", dir=output.parent))
        os.rmdir(old)
        os.rename(output, old)
        os.rename(staging, output)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, output)


def _rename_exchange(first: Path, second: Path) -> bool:
    """renameat2(RENAME_EXCHANGE) from the C library this process runs on (CDLL(None): its own
    symbols; ctypes.util.find_library would cost 20 ms of imports and a search)."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)
