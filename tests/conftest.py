"""Shared fixtures: tiny projects in tmp_path, and the CLI run in-process or as a subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from factsite.cli import main

from browser import CHROMIUM, CHROMIUM_ARGS, require_chromium, serve_folder

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))  # the benchmark corpus generator doubles as a test fixture

MINIMAL_SITE = {
    "site.yaml": "title: Test explainer\n",
}


@dataclass
class Result:
    code: int
    out: str
    err: str


class Project:
    """A throwaway project: content/ written from a dict, the repo's templates and static copied."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.content = root / "content"
        self.out = root / "_site"
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copytree(REPO / "static", root / "static")
        self.content.mkdir()

    def write(self, name: str, text: str) -> Path:
        path = self.content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def args(self, command: str, *extra: str) -> list[str]:
        return [
            command,
            "--content",
            str(self.content),
            "--templates",
            str(self.root / "templates"),
            "--static",
            str(self.root / "static"),
            "--out",
            str(self.out),
            *extra,
        ]

    def run(self, command: str = "build", *extra: str, capsys: pytest.CaptureFixture[str]) -> Result:
        code = main(self.args(command, *extra))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def run_subprocess(self, command: str = "build", *extra: str) -> Result:
        completed = subprocess.run(
            [sys.executable, str(REPO / "build.py"), *self.args(command, *extra)],
            capture_output=True,
            text=True,
            cwd=self.root,
            timeout=120,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    def page(self, site_path: str) -> str:
        return (self.out / site_path).read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = Project(tmp_path)
    for name, text in MINIMAL_SITE.items():
        proj.write(name, text)
    return proj


@pytest.fixture
def bundled(tmp_path: Path) -> Project:
    """The repo's own content, copied so tests can change it."""
    proj = Project(tmp_path)
    shutil.rmtree(proj.content)
    shutil.copytree(REPO / "content", proj.content)
    return proj


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled explainer, built once for the tests that only read it."""
    from factsite.build import build_site
    from factsite.options import BuildOptions

    out = tmp_path_factory.mktemp("bundled") / "_site"
    build_site(BuildOptions(REPO / "content", REPO / "templates", REPO / "static", out))
    return out


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """`site` served on a free loopback port."""
    with serve_folder(site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (skips, or fails in CI, when it is absent)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by relative path: for byte-identical comparisons."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
