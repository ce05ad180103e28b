"""Publish atomically: build a sibling folder, then swap it in; the old site survives any failure."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..errors import UsageError
from .staging import MARKER, MARKER_TEXT, StagingTree

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


def remove_leftovers(output_dir: Path) -> None:
    """Delete staging folders that an interrupted build left beside the output."""
    parent = output_dir.resolve().parent
    for leftover in parent.glob(f".{output_dir.name}.tmp-*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


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
    symbols: no library search needed)."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)
