"""Bring the preview's folder up to date, writing only what changed."""

from __future__ import annotations

from pathlib import Path

from ..publish.staging import MARKER, MARKER_TEXT, inside, remove_file, write_file


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
            write_file(inside(output_dir, output_path), wanted[output_path])
            changed.append(output_path)
    for output_path in sorted(set(baseline) - set(wanted)):
        remove_file(output_dir, output_path)
        changed.append(output_path)
    (output_dir / MARKER).write_text(MARKER_TEXT)
    previous.clear()
    previous.update(wanted)
    return tuple(changed)
