"""Full-text search: Pagefind indexes the finished pages before they are published."""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import signal
import subprocess
import sys
from pathlib import Path

from .errors import UsageError


def index_site(site_dir: Path, language: str) -> None:
    """Write site_dir/pagefind/ (a deterministic index plus Pagefind's search library)."""
    if importlib.util.find_spec("pagefind") is None:
        raise UsageError("search needs Pagefind: pip install 'pagefind[bin]', or build with --no-search")
    completed = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--force-language", language.split("-")[0].lower()],
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    if completed.returncode != 0:
        detail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        raise UsageError("search indexing failed (Pagefind): " + " / ".join(detail) + "; or build with --no-search")


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the indexer, before it starts: if the build is killed, the indexer dies too, instead of
    writing on into a staging folder the next build is removing."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux's libc: nothing to do
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
