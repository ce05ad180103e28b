"""Golden test: tests/golden/content builds to exactly tests/golden/expected.

Regenerate after an intended change with:  python tests/test_golden.py
"""

from __future__ import annotations

import difflib
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from factsite.build import build_site  # noqa: E402
from factsite.options import BuildOptions  # noqa: E402

GOLDEN = HERE / "golden"


def build_golden(out: Path) -> None:
    build_site(BuildOptions(GOLDEN / "content", REPO / "templates", REPO / "static", out, search=False))


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_golden_site_matches_expected_output(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    build_golden(out)
    actual, expected = files(out), files(GOLDEN / "expected")
    assert sorted(actual) == sorted(expected), "file list differs; regenerate with python tests/test_golden.py"
    for name, data in expected.items():
        if actual[name] != data:
            diff = difflib.unified_diff(
                data.decode(errors="replace").splitlines(),
                actual[name].decode(errors="replace").splitlines(),
                f"expected/{name}",
                f"actual/{name}",
                lineterm="",
            )
            raise AssertionError("\n".join(diff) + "\n\nregenerate with: python tests/test_golden.py")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as temp:
        build_golden(Path(temp) / "_site")
        shutil.rmtree(GOLDEN / "expected", ignore_errors=True)
        shutil.copytree(Path(temp) / "_site", GOLDEN / "expected")
    print("regenerated", GOLDEN / "expected")
