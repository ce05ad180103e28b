"""Instructions a cold build executes, counted by valgrind: a measure that, unlike seconds, does
not drift with the machine, so a change of 1% can be seen in one run.

    python bench/instructions.py                       # this working tree, a 1,000-page corpus
    python bench/instructions.py --against HEAD~1      # ... and a commit, built alike, compared
    python bench/instructions.py --size 300 --against main --workdir /dev/shm

Each version (the working tree's or a commit's build.py, factsite/, templates/ and static/,
byte-compiled first, as pip leaves an installed package) builds the same corpus from the same
folder path, cold (no output, no cache), with `--no-search`, under `valgrind --tool=callgrind
--trace-children=yes --dump-before=*fork` and PYTHONHASHSEED=0. Every process of the build is
counted: the main one, the record-file loader, the template compiler and the rendering workers
(which pages each worker renders varies from run to run, their sum barely: the same code counted
twice here agreed within 0.4%). Each process counts its own work only: callgrind gives a forked
child the counts its parent had at the fork, so the counts are written out (and restarted) just
before every fork, and a process's parts added up. (Until 2026-11-27 they were not: every child
counted the main process's start-up and loading again, and a change to those counted once per
process.) Needs valgrind (Debian: `apt-get install valgrind`); about a minute per version at 1,000
pages on two cores.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from corpus import make_corpus  # noqa: E402

PARTS = ("build.py", "factsite", "templates", "static")


def export(version: str | None, into: Path) -> Path:
    """The parts a build runs, as the working tree has them (None) or as a commit had them."""
    into.mkdir(parents=True)
    if version is None:
        for part in PARTS:
            source = REPO / part
            if source.is_dir():
                shutil.copytree(source, into / part, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, into / part)
    else:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", version, *PARTS], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(into / "factsite")], check=True)
    return into


def count(code: Path, project: Path, out: Path) -> list[tuple[str, int]]:
    """(process role, instructions) for each process of one cold build of `project`, with this
    version's templates and static files."""
    for made in ("_site", ".cache", "templates", "static"):
        shutil.rmtree(project / made, ignore_errors=True)
    shutil.copytree(code / "templates", project / "templates")
    shutil.copytree(code / "static", project / "static")
    out.mkdir(parents=True)
    command = [
        "valgrind", "--tool=callgrind", "--trace-children=yes", "--dump-before=*fork",
        f"--callgrind-out-file={out}/callgrind.%p", sys.executable, str(code / "build.py"), "build", "--no-search",
        "--quiet",
    ]  # fmt: skip
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run(command, cwd=project, env=environment, check=True, capture_output=True)
    by_process: dict[int, int] = {}
    for file in out.glob("callgrind.*"):
        text = file.read_text(errors="replace")
        total = re.search(r"^summary: (\d+)", text, re.MULTILINE)
        command_line = re.search(r"^cmd: (.*)$", text, re.MULTILINE)
        if total and command_line and "build.py" in command_line.group(1):
            pid = int(file.name.split(".")[1])
            by_process[pid] = by_process.get(pid, 0) + int(total.group(1))
    counted = [(f"process {number}", by_process[pid]) for number, pid in enumerate(sorted(by_process), start=1)]
    counted[0] = ("main", counted[0][1])  # the first started is the build itself; the rest it forked
    return counted


def main() -> None:
    parser = argparse.ArgumentParser(description="Instructions executed by a cold build, per process.")
    parser.add_argument("--size", type=int, default=1000, help="corpus pages")
    parser.add_argument("--against", action="append", default=[], help="a commit to count too (repeatable)")
    parser.add_argument("--workdir", type=Path, default=None, help="where to build (e.g. /dev/shm)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    versions: list[str | None] = [*args.against, None]
    totals: dict[str, int] = {}
    with tempfile.TemporaryDirectory(dir=args.workdir) as folder:
        root = Path(folder)
        project = root / "site"
        make_corpus(args.size, project / "content")
        print(f"# Instructions of a cold build, {args.size:,} pages (millions)\n")
        for number, version in enumerate(versions):
            name = version or "working tree"
            code = export(version, root / f"code-{number}")
            processes = count(code, project, root / f"counts-{number}")
            totals[name] = sum(instructions for _, instructions in processes)
            shown = ", ".join(f"{role} {instructions / 1e6:,.0f}" for role, instructions in processes)
            print(f"{name}: {totals[name] / 1e6:,.0f} in all ({shown})")
    if len(totals) > 1:
        mine = totals["working tree"]
        print()
        for name, total in totals.items():
            if name != "working tree":
                print(f"working tree vs {name}: {(mine - total) / total:+.2%}")


if __name__ == "__main__":
    main()
