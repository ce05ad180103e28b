"""What a repeated build keeps for the next one. Its own module, apart from the renderer, so that a
build can hold its caches before it imports Jinja (see build._import_rendering)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .markdown import MarkdownCache
from .memo import Memo


@dataclass
class RenderCache:
    """What a repeated build (the preview) may reuse: compiled templates and rendered Markdown."""

    markdown: MarkdownCache = field(default_factory=MarkdownCache)
    pages: Memo[tuple[str, str, str], bytes] = field(default_factory=Memo)
    """Page bytes by (template, digest of shared context and templates, digest of page context)."""
    environment: Any = None
    """The Jinja environment (render.make_environment), kept while `environment_key` holds."""
    environment_key: tuple[object, ...] = ()
    repeated: bool = True
    """False for a one-shot build: nothing is reused, so pages are not digested and template files
    are not re-checked on each use."""
    compiled_dir: Path | None = None
    """Where compiled templates are kept for the next build (a published build's cache folder)."""
