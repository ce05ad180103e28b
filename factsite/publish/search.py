"""Full-text search: Pagefind indexes the finished pages before they are published."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from ..errors import UsageError
from ..parallel.pool import die_with_parent


def index_site(site_dir: Path, language: str) -> None:
    """Write site_dir/pagefind/ (a deterministic index plus Pagefind's search library)."""
    import subprocess  # (only builds with search need it)

    if importlib.util.find_spec("pagefind") is None:
        raise UsageError("search needs Pagefind: pip install 'pagefind[bin]', or build with --no-search")
    completed = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--force-language", language.split("-")[0].lower()],
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=die_with_parent if sys.platform == "linux" else None,
    )
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        raise UsageError("search indexing failed (Pagefind): " + " / ".join(detail) + "; or build with --no-search")
