"""Regenerate the README's screenshots: `python scripts/screenshots.py` (needs /usr/bin/chromium)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

from factsite.build import BuildOptions, build_site  # noqa: E402

from browser import CHROMIUM, CHROMIUM_ARGS, serve_folder  # noqa: E402

SHOTS = [
    ("home.png", "", "light", {"width": 1100, "height": 900}),
    ("timeline.png", "timeline/?actor=joe-biden", "light", {"width": 1100, "height": 900}),
    ("actor.png", "actors/steven-pifer/", "light", {"width": 1100, "height": 900}),
    ("dark-phone.png", "article-5/", "dark", {"width": 390, "height": 844}),
    ("map.png", "article-5/#map-who-article-5-covers", "light", {"width": 1100, "height": 1000}),
    ("search.png", "?search=Javelin", "light", {"width": 1100, "height": 700}),
]


def main() -> None:
    out_dir = REPO / "docs" / "screenshots"
    with tempfile.TemporaryDirectory() as temp:
        site = Path(temp) / "_site"
        build_site(BuildOptions(REPO / "content", REPO / "templates", REPO / "static", site))
        with serve_folder(site) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, path, scheme, viewport in SHOTS:
                context = browser.new_context(color_scheme=scheme, viewport=viewport)
                page = context.new_page()
                page.goto(f"{base_url}/{path.split('?search=')[0]}")
                if "?search=" in path:  # what a reader sees after typing into the search box
                    page.fill("#search-input", path.split("?search=")[1])
                    page.locator("#search-count", has_text="result").wait_for()
                page.screenshot(path=str(out_dir / name))
                context.close()
                print("wrote", out_dir / name)
            browser.close()


if __name__ == "__main__":
    main()
