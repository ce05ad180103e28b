"""Preview latency: median time from saving a file to the browser's reload message.

    python bench/preview_latency.py [--trials 15] [--size 1000]

Runs `build.py serve` on a free loopback port for the bundled explainer and for a 1,000-page
synthetic corpus (bench/corpus.py), edits one Markdown page per trial and times the reload
message on a livereload WebSocket client. Targets: under 300 ms (bundled), under 1 s (1,000 pages).
(Not named preview.py: tests/conftest.py puts bench/ first on the import path, and the tests'
helper module `preview`, imported here, would then be this script.)
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

from conftest import Project  # noqa: E402
from corpus import make_corpus  # noqa: E402
from preview import LiveReloadClient, running_preview  # noqa: E402


def measure(project: Project, page: Path, trials: int) -> list[float]:
    timings = []
    with running_preview(project) as (root, _), LiveReloadClient(root) as client:
        client.reloads_within(1.0)  # let start-up settle
        for trial in range(trials):
            text = page.read_text()
            started = time.perf_counter()
            page.write_text(text + f"\nEdit number {trial}.\n")
            client.next_reload(timeout=10)
            timings.append(time.perf_counter() - started)
            time.sleep(0.2)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--size", type=int, default=1000, help="pages of the synthetic corpus")
    args = parser.parse_args()
    print(
        f"# Preview save-to-reload, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    print("| site | pages | median ms | min ms | max ms | target |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as temp:
        bundled = Project(Path(temp) / "bundled")
        shutil.rmtree(bundled.content)
        shutil.copytree(REPO / "content", bundled.content)
        synthetic = Project(Path(temp) / "synthetic")
        make_corpus(args.size, synthetic.content)
        for name, project, page, target in (
            ("bundled explainer", bundled, bundled.content / "pages" / "article-5.md", 300),
            ("synthetic", synthetic, synthetic.content / "pages" / f"page-{args.size // 2}.md", 1000),
        ):
            pages = len(list((project.content / "pages").glob("*.md")))
            timings = [t * 1000 for t in measure(project, page, args.trials)]
            median = statistics.median(timings)
            verdict = "met" if median < target else "MISSED"
            print(
                f"| {name} | {pages} | {median:.0f} | {min(timings):.0f} | {max(timings):.0f} | "
                f"< {target} ms: {verdict} |"
            )


if __name__ == "__main__":
    main()
