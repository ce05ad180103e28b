"""Publish atomically: build a sibling folder, then swap it in; the old site survives any failure."""

from __future__ import annotations

import ctypes
import ctypes.util
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


def guard_output(output_dir: Path, source_dirs: list[Path]) -> None:
    """Refuse an output folder that would overwrite anything the user wrote."""
    output = output_dir.resolve()
    for source in source_dirs:
        source = source.resolve()
        if output == source or output in source.parents or source in output.parents:
            raise UsageError(f"output folder {output_dir} overlaps the source folder {source}; choose another --out")
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


def publish(output_dir: Path, fill: Callable[[Path], None]) -> None:
    """Let `fill` write the whole site into a temporary sibling folder, then swap it in as
    `output_dir`. If `fill` raises, the old site stays exactly as it was."""
    parent = output_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(output_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.tmp-", dir=parent))
    try:
        fill(staging)
        (staging / MARKER).write_text(MARKER_TEXT)
        os.chmod(staging, 0o755)
        _swap_in(staging, output_dir.resolve())
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def write_files(root: Path, pages: dict[str, bytes], files: dict[str, Path]) -> None:
    """Write pages (output path -> bytes) and copy files (output path -> source) under `root`."""
    for output_path in sorted(pages):
        destination = inside(root, output_path)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(pages[output_path])
    for output_path in sorted(files):
        destination = inside(root, output_path)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(files[output_path], destination)


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
            destination = inside(output_dir, output_path)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(wanted[output_path])
            changed.append(output_path)
    for output_path in sorted(set(baseline) - set(wanted)):
        stale = inside(output_dir, output_path)
        stale.unlink(missing_ok=True)
        changed.append(output_path)
        for folder in stale.parents:
            if folder == output_dir or any(folder.iterdir()):
                break
            folder.rmdir()
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
    pure = PurePosixPath(output_path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"unsafe output path {output_path!r}")  # a bug: paths are built from ids
    return root.joinpath(*pure.parts)


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
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE)
    return bool(result == 0)
