"""The one configured Markdown renderer, with our record syntax.

Syntax on top of CommonMark (+ tables, strikethrough, footnotes, heading anchors):

- ``[text](actor:ivo-daalder)``: a link to any record: ``actor:``, ``event:``, ``quote:``,
  ``source:``, ``term:``, ``page:``. Resolved to the record's URL; an unknown id is an error.
- ``[Article 5](term:article-5)``: a term link also shows the definition in place (CSS reveals it
  on hover and keyboard focus; it is plain text in the page, so it reads without JavaScript).
- A line of its own ``::quote[daalder-no-escalation]`` or ``::event[biden-rules-out-troops]``:
  embeds that record's card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from types import ModuleType
from typing import TYPE_CHECKING, Any, Union

from markupsafe import Markup

from .values import value_methods
from .workers import PARALLEL_MINIMUM, can_fork, fork_pool

if TYPE_CHECKING:  # markdown-it-py is imported when a page first needs it (see DeferredMarkdown)
    from markdown_it import MarkdownIt
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token
    from markdown_it.utils import EnvType, OptionsDict

REFERENCE_KINDS = ("actor", "event", "quote", "source", "term", "page")
EMBED_KINDS = ("quote", "event")
_REFERENCE = re.compile(rf"({'|'.join(REFERENCE_KINDS)}):([^#\s]*)(#[\w-]*)?")
_EMBED = re.compile(rf"::({'|'.join(EMBED_KINDS)})\[([^\]\s]*)\][ \t]*")


@value_methods
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Target:
    """What a record reference resolves to."""

    url: str
    """Site URL (base path included)."""
    definition: str = ""
    """For terms: the text shown in place."""


class Resolver:
    """What the Markdown renderer needs from the site: record URLs and embed HTML."""

    def resolve(self, kind: str, record_id: str) -> Target | None:  # pragma: no cover - interface
        raise NotImplementedError

    def embed(self, kind: str, record_id: str) -> str | None:  # pragma: no cover - interface
        raise NotImplementedError

    def embed_fingerprint(self, kind: str, record_id: str) -> object:
        """Something equal whenever `embed` would return the same HTML; cheaper to compute."""
        return self.embed(kind, record_id)


@dataclass
class RenderResult:
    html: Markup
    """Safe HTML; the same object while cached, so its hash is computed once."""
    problems: list[tuple[int, str]]
    """(line, message), lines counted from the start of the Markdown body."""


def make_markdown(allow_raw_html: bool) -> MarkdownIt:
    """CommonMark with raw HTML off unless the site opts in (the commonmark preset turns it on)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.anchors import anchors_plugin
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": allow_raw_html, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=3, permalink=False)
    md.block.ruler.before("paragraph", "record_embed", _embed_block, {"alt": ["paragraph"]})
    md.core.ruler.push("record_references", _resolve_references)
    md.add_render_rule("record_embed", _render_embed)
    return md


class DeferredMarkdown:
    """The configured markdown-it-py, made on first use. Most pages take the fast path and never
    need it, and importing it is about 40 ms of every start (a tenth of a small build)."""

    def __init__(self, allow_raw_html: bool) -> None:
        self.options = {"html": allow_raw_html}
        self._md: MarkdownIt | None = None

    def render(self, src: str, env: EnvType | None = None) -> str:
        if self._md is None:
            self._md = make_markdown(bool(self.options["html"]))
        return str(self._md.render(src, env))


Markdown = Union["MarkdownIt", DeferredMarkdown]
"""What renders Markdown: markdown-it-py itself, or made when first needed."""


class _RecordingResolver(Resolver):
    """Passes lookups through and remembers them, so a cached render can be re-validated."""

    def __init__(self, inner: Resolver) -> None:
        self.inner = inner
        self.lookups: list[tuple[str, str, str, object]] = []

    def resolve(self, kind: str, record_id: str) -> Target | None:
        target = self.inner.resolve(kind, record_id)
        self.lookups.append(("resolve", kind, record_id, target))
        return target

    def embed(self, kind: str, record_id: str) -> str | None:
        self.lookups.append(("embed_fingerprint", kind, record_id, self.inner.embed_fingerprint(kind, record_id)))
        return self.inner.embed(kind, record_id)


@value_methods
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _CachedRender:
    result: RenderResult
    lookups: tuple[tuple[str, str, str, object], ...]


class MarkdownCache:
    """Rendered Markdown by source text, reused while every record it referenced still resolves
    the same way. Entries not used by the latest build are dropped at `end_build`."""

    def __init__(self) -> None:
        self._entries: dict[tuple[bool, str], _CachedRender] = {}
        self._used: dict[tuple[bool, str], _CachedRender] = {}

    def end_build(self) -> None:
        self._entries, self._used = self._used, {}


_forked: tuple[Markdown, Resolver] | None = None
"""What forked workers render with: inherited from the parent, never pickled."""


def _render_in_worker(text: str) -> tuple[str, list[tuple[int, str]], tuple[tuple[str, str, str, object], ...]]:
    assert _forked is not None
    md, resolver = _forked
    recorder = _RecordingResolver(resolver)
    result = _render(md, text, recorder, accelerate=True)
    return str(result.html), result.problems, tuple(recorder.lookups)


def render_many(
    md: Markdown, texts: list[str], resolver: Resolver, cache: MarkdownCache, workers: int
) -> list[RenderResult]:
    """Render many pages, reusing the cache and spreading the rest over `workers` processes."""
    global _forked
    results: list[RenderResult | None] = [_cached(md, text, resolver, cache) for text in texts]
    missing = [index for index, result in enumerate(results) if result is None]
    if not md.options["html"]:
        from . import fastmarkdown

        # The fast path is quicker than starting workers: only the Python path's pages go to them.
        for index in [i for i in missing if fastmarkdown.can_render(texts[i])]:
            results[index] = _render_and_store(md, texts[index], resolver, cache, accelerate=True)
        missing = [index for index in missing if results[index] is None]
    if can_fork(workers) and len(missing) >= PARALLEL_MINIMUM:
        _forked = (md, resolver)
        try:
            with fork_pool(workers) as pool:
                rendered = list(pool.map(_render_in_worker, [texts[i] for i in missing], chunksize=16))
        finally:
            _forked = None
        for index, (html, problems, lookups) in zip(missing, rendered, strict=True):
            result = RenderResult(Markup(html), problems)
            cache._used[(bool(md.options["html"]), texts[index])] = _CachedRender(result, lookups)
            results[index] = result
    else:
        for index in missing:
            results[index] = _render_and_store(md, texts[index], resolver, cache, accelerate=True)
    return [result for result in results if result is not None]


def _cached(md: Markdown, text: str, resolver: Resolver, cache: MarkdownCache) -> RenderResult | None:
    key = (bool(md.options["html"]), text)
    cached = cache._used.get(key) or cache._entries.get(key)
    if cached is not None and all(
        getattr(resolver, operation)(kind, record_id) == result for operation, kind, record_id, result in cached.lookups
    ):
        cache._used[key] = cached
        return cached.result
    return None


_fastmarkdown: ModuleType | None = None


def _import_fastmarkdown() -> ModuleType:
    """fastmarkdown, imported when the first page is rendered (it loads the Rust parsers) and
    then kept here: `from . import` in each call cost 0.4% of a 10k build."""
    global _fastmarkdown
    from . import fastmarkdown

    _fastmarkdown = fastmarkdown
    return fastmarkdown


def _render(md: Markdown, text: str, resolver: Resolver, accelerate: bool) -> RenderResult:
    """markdown-it-pyrs when installed and exact for this text (see fastmarkdown), else markdown-it-py."""
    if accelerate and not md.options["html"]:
        return render_each(md, [text], resolver)[0]
    env: dict[str, Any] = {"resolver": resolver, "problems": [], "term_count": 0}
    return RenderResult(Markup(md.render(text, env)), env["problems"])


def render_each(md: Markdown, texts: list[str], resolver: Resolver) -> list[RenderResult]:
    """Render many pages' Markdown (no cache) on the fast path where it is exact, each step for
    every text before the next (see factsite.stream._run_jobs: the same reason;
    with the pages' files read first too, cold 1k builds took 0.03 to 0.05 s less: paired medians
    of 20 interleaved builds, faster in 15 and 17). A text the fast path leaves goes to
    markdown-it-py."""
    if md.options["html"]:
        return [_render(md, text, resolver, accelerate=False) for text in texts]
    fastmarkdown = _fastmarkdown or _import_fastmarkdown()
    fast = fastmarkdown.render_fast_each([text if fastmarkdown.can_render(text) else None for text in texts], resolver)
    return [
        _render(md, text, resolver, accelerate=False) if html is None else RenderResult(Markup(html), [])
        for text, html in zip(texts, fast, strict=True)
    ]


def render_markdown(
    md: Markdown, text: str, resolver: Resolver, cache: MarkdownCache | None = None, accelerate: bool = True
) -> RenderResult:
    """Render one page's Markdown; with a cache, an unchanged page whose references still resolve
    to the same targets is not parsed again."""
    if cache is not None:
        hit = _cached(md, text, resolver, cache)
        if hit is not None:
            return hit
    return _render_and_store(md, text, resolver, cache, accelerate)


def _render_and_store(
    md: Markdown, text: str, resolver: Resolver, cache: MarkdownCache | None, accelerate: bool
) -> RenderResult:
    """Render (the cache already missed) and remember which records the page looked up."""
    if cache is None:
        return _render(md, text, resolver, accelerate)
    recorder = _RecordingResolver(resolver)
    result = _render(md, text, recorder, accelerate)
    cache._used[(bool(md.options["html"]), text)] = _CachedRender(result, tuple(recorder.lookups))
    return result


def _embed_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    begin = state.bMarks[start_line] + state.tShift[start_line]
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    match = _EMBED.fullmatch(state.src, begin, state.eMarks[start_line])
    if not match:
        return False
    if silent:
        return True
    token = state.push("record_embed", "", 0)
    token.meta = {"kind": match.group(1), "id": match.group(2)}
    token.map = [start_line, start_line + 1]
    token.block = True
    state.line = start_line + 1
    return True


def _render_embed(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    kind, record_id = token.meta["kind"], token.meta["id"]
    html = env["resolver"].embed(kind, record_id)
    if html is None:
        line = token.map[0] + 1 if token.map else 1
        env["problems"].append((line, f"::{kind}[{record_id}] embeds an unknown {kind} '{record_id}'"))
        return ""
    return str(html)


def _resolve_references(state: StateCore) -> None:
    resolver: Resolver = state.env["resolver"]
    problems: list[tuple[int, str]] = state.env["problems"]
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        line = block.map[0] + 1 if block.map else 1
        children = block.children
        for index, token in enumerate(children):
            if token.type != "link_open":
                continue
            href = str(token.attrGet("href") or "")
            match = _REFERENCE.fullmatch(href)
            if not match:
                continue
            kind, record_id, fragment = match.group(1), match.group(2), match.group(3) or ""
            target = resolver.resolve(kind, record_id)
            if target is None:
                problems.append(
                    (line, f"link to unknown {kind} '{record_id}' ({href}); check the id in the {kind} list")
                )
                token.attrSet("href", "#")
                continue
            if kind == "term":
                _make_term(state, children, index, target)
            else:
                token.attrSet("href", target.url + fragment)


def _make_term(state: StateCore, children: list[Token], index: int, target: Target) -> None:
    """Turn link_open ... link_close into a link plus an in-place definition."""
    from markdown_it.token import Token

    state.env["term_count"] += 1
    def_id = f"term-def-{state.env['term_count']}"
    opening = Token("html_inline", "", 0)
    opening.content = (
        f'<span class="term"><a class="term-link" href="{escape(target.url)}" aria-describedby="{def_id}">'
    )
    children[index] = opening
    depth = 0
    for close_index in range(index + 1, len(children)):
        kind = children[close_index].type
        if kind == "link_open":
            depth += 1
        elif kind == "link_close":
            if depth == 0:
                closing = Token("html_inline", "", 0)
                closing.content = (
                    f'</a><span class="term-def" role="tooltip" id="{def_id}">{escape(target.definition)}</span></span>'
                )
                children[close_index] = closing
                return
            depth -= 1
