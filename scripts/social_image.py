"""Make static/social.png, the 1200x630 share image, from the site's own title, question and
colours with Debian's Chromium (no network, no stock art): `python scripts/social_image.py`."""

from __future__ import annotations

import html
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402

from factsite.content.load import load_site  # noqa: E402

from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

CARD = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; width: 1200px; height: 630px; display: flex; flex-direction: column; justify-content: center;
  padding: 0 90px; box-sizing: border-box; background: #0b57a4; color: #fff;
  font-family: system-ui, "Noto Sans", "DejaVu Sans", sans-serif; }}
h1 {{ font-size: 76px; line-height: 1.05; margin: 0 0 28px; }}
p {{ font-size: 34px; line-height: 1.3; margin: 0; max-width: 980px; opacity: .92; }}
.mark {{ width: 96px; height: 96px; margin-bottom: 40px; }}
</style></head><body>
{favicon}
<h1>{title}</h1>
<p>{subtitle}</p>
</body></html>"""


def main() -> None:
    config = load_site(REPO / "content").config
    favicon = (REPO / "static" / "favicon.svg").read_text().replace("<svg ", '<svg class="mark" ', 1)
    subtitle = f"A fact-checked explainer, as of {config.as_of_label}: who said what, and what NATO's Article 5 covers."
    page_html = CARD.format(favicon=favicon, title=html.escape(config.title), subtitle=html.escape(subtitle))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(page_html)
        page.screenshot(path=str(REPO / "static" / "social.png"))
        browser.close()
    print("wrote", REPO / "static" / "social.png")


if __name__ == "__main__":
    main()
