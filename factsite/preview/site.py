"""The previewed site: its private folder, its builds, and its latest problems shown in pages."""

from __future__ import annotations

import dataclasses
import shutil
import sys
from html import escape
from pathlib import Path
from typing import Any

from tornado import web

from ..content.load import Loader
from ..content.yaml_flat import parse_yaml
from ..errors import Problem, SiteError
from ..options import BuildOptions
from ..plan.urls import Urls
from ..publish.staging import MARKER
from ..report import text_lines
from .browsers import PreviewAssets
from .rebuild import Rebuilder


class Preview:
    """The preview's build folder, served under the site's base path (so base-path mistakes show
    before publishing), with drafts included; its builder; and the latest problems."""

    def __init__(self, options: BuildOptions, preview_root: Path) -> None:
        self.base_path = Urls(options.base_url or _configured_base_url(options.content_dir)).base_path
        self.serve_root = preview_root / "site"
        self.site_dir = self.serve_root.joinpath(*self.base_path.strip("/").split("/"))
        _remove_other_base_paths(self.serve_root, self.site_dir)
        self.sources = [options.content_dir, options.templates_dir, options.static_dir]
        build_options = dataclasses.replace(
            options, output_dir=self.site_dir, base_url=self.base_path, include_drafts=True, hash_assets=False
        )
        self.rebuilder = Rebuilder(build_options)
        self.problems: list[Problem] = []
        self.overlay = b""

    def rebuild(self, changed_sources: list[Path] | None = None) -> tuple[str, ...] | None:
        """Build (again, after `changed_sources` changed); on failure keep the last good site,
        print and remember the problems. Returns the output paths that changed, or None if the
        build failed."""
        try:
            report = self.rebuilder.build(changed_sources)
        except SiteError as error:
            self.problems = error.problems
            lines = text_lines(error.problems, [], str(self.site_dir))
            self.overlay = error_overlay(lines)
            for line in lines:
                print(line, file=sys.stderr, flush=True)
            count = len(error.problems)
            print(f"{count} problem{'s' if count != 1 else ''}; still serving the last good build.", file=sys.stderr)
            return None
        self.problems, self.overlay = [], b""
        print(f"Rebuilt in {report.seconds * 1000:.0f} ms: {len(report.changed)} file(s) changed.", flush=True)
        return report.changed

    def html_as_served(self, html: bytes) -> bytes:
        """A page with the reload script, and the problems over it while there are any."""
        html = html.replace(b"</head>", PreviewAssets.RELOAD_TAG + b"</head>", 1)
        return html.replace(b"</body>", self.overlay + b"</body>", 1) if self.overlay else html

    def file_handler(self) -> type[web.StaticFileHandler]:
        """Tornado's static files from the build folder, with pages as `html_as_served` and the
        site's own 404 page for anything missing."""
        preview = self

        class PreviewFiles(web.StaticFileHandler):
            def set_extra_headers(self, path: str) -> None:
                self.set_header("Cache-Control", "no-store")  # the files change under the same names

            def compute_etag(self) -> str | None:
                return None  # (Tornado keeps each file's first one, made for files that never change)

            def should_return_304(self) -> bool:
                return False

            @classmethod
            def get_content(cls, abspath: str, start: int | None = None, end: int | None = None) -> Any:
                if abspath.endswith(".html"):
                    return preview.html_as_served(Path(abspath).read_bytes())[start:end]
                return super().get_content(abspath, start, end)

            def get_content_size(self) -> int:
                if str(self.absolute_path).endswith(".html"):
                    return len(self.get_content(str(self.absolute_path)))
                return int(super().get_content_size())

            def write_error(self, status_code: int, **kwargs: Any) -> None:
                page = preview.site_dir / "404.html"
                if status_code == 404 and page.is_file():
                    self.set_header("Content-Type", "text/html; charset=UTF-8")
                    self.finish(preview.html_as_served(page.read_bytes()))
                else:
                    super().write_error(status_code, **kwargs)

        return PreviewFiles


def error_overlay(problem_lines: list[str]) -> bytes:
    """HTML shown over every preview page while the latest edit does not build (errors.css
    places it)."""
    lines = "\n".join(escape(line) for line in problem_lines)
    return (
        PreviewAssets.ERRORS_TAG
        + (
            '<div id="factsite-errors" role="alert"><strong>The latest edit does not build; '
            f"showing the last good version.</strong>\n{lines}</div>"
        ).encode()
    )


def _configured_base_url(content_dir: Path) -> str:
    """site.yaml's base_url, or "/" if it has none yet (its problems are the first build's)."""
    config = Loader(content_dir, include_drafts=True, parse=parse_yaml, workers=1).load_config()
    return config.base_url if config else "/"


def _remove_other_base_paths(serve_root: Path, site_dir: Path) -> None:
    """Leave in the folder served only an earlier session's build for this base path, if any
    (the folder is the preview's own: in the build cache, or new)."""
    if not (site_dir / MARKER).is_file():  # no earlier build for this base path
        if serve_root.is_dir() and not (serve_root / MARKER).is_file():
            for entry in serve_root.iterdir():
                _remove(entry)
        return
    keep = site_dir
    while keep != serve_root:  # keep it, and the folders above it up to the one served
        for entry in keep.parent.iterdir():
            if entry != keep:
                _remove(entry)
        keep = keep.parent


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry)
    else:
        entry.unlink()
