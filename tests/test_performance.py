"""Speed features keep the engine's guarantees: parallel output equals serial output, progress
never reaches a pipe or the error stream, --quiet is quiet."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

from factsite.build import BuildOptions, build_site
from factsite.markdown import PARALLEL_MINIMUM

from conftest import REPO, snapshot
from corpus import make_corpus


def test_parallel_rendering_is_byte_identical_to_serial(tmp_path: Path) -> None:
    make_corpus(PARALLEL_MINIMUM + 50, tmp_path / "content")
    for page in (tmp_path / "content" / "pages").glob("*.md"):  # footnotes: the Python path, in workers
        page.write_text(page.read_text() + "\nA claim.[^1]\n\n[^1]: Its source.\n")
    options = BuildOptions(
        tmp_path / "content", REPO / "templates", REPO / "static", tmp_path / "serial", search=False, workers=1
    )
    build_site(options)
    build_site(dataclasses.replace(options, output_dir=tmp_path / "parallel", workers=2))
    assert snapshot(tmp_path / "serial") == snapshot(tmp_path / "parallel")


def test_progress_stays_off_pipes_and_quiet_prints_nothing(tmp_path: Path) -> None:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    command = [sys.executable, str(REPO / "build.py"), "--no-search"]
    loud = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=True)
    assert loud.stdout.startswith("Built ") and "\r" not in loud.stdout and loud.stderr == ""
    quiet = subprocess.run([*command, "--quiet"], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert quiet.stdout == "" and quiet.stderr == ""
