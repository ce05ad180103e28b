"""The reference Markdown renderer: markdown-it-py, with our record syntax as its plugins.

Every other path must give the HTML this one gives (see factsite.render.markdown). It is imported
when a page first needs it: most pages take the fast path.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..content.references import did_you_mean
from .targets import EMBED_KINDS, REFERENCE_KINDS, Resolver, Target

if TYPE_CHECKING:
    from markdown_it.renderer import RendererHTML
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore
    from markdown_it.utils import EnvType, OptionsDict

_REFERENCE = re.compile(rf"({'|'.join(REFERENCE_KINDS)}):([^#\s]*)(#[\w-]*)?")
_EMBED = re.compile(rf"::({'|'.join(EMBED_KINDS)})\[([^\]\s]*)\][ \t]*")


def render_with_markdown_it(text: str, resolver: Resolver, allow_raw_html: bool) -> tuple[str, list[tuple[int, str]]]:
    """The page's HTML, and its problems as (line in the text, message)."""
    env: dict[str, Any] = {"resolver": resolver, "problems": [], "term_count": 0}
    html = make_markdown(allow_raw_html).render(text, env)
    return str(html), env["problems"]


@functools.cache
def make_markdown(allow_raw_html: bool) -> MarkdownIt:
    """CommonMark with raw HTML off unless the site opts in (the commonmark preset turns it on)."""
    md = MarkdownIt("commonmark", {"html": allow_raw_html, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=3, permalink=False)
    md.block.ruler.before("paragraph", "record_embed", _embed_block, {"alt": ["paragraph"]})
    md.core.ruler.push("record_references", _resolve_references)
    md.core.ruler.push("table_alignment_classes", _alignment_as_classes)
    md.add_render_rule("record_embed", _render_embed)
    return md


def links_to_other_sites(text: str) -> Iterator[tuple[str, int]]:
    """(URL, line in the text) of each http(s) link and image, as CommonMark reads them (for
    `check --external`)."""
    lines = text.split("\n")
    for block in MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text):
        first, last = block.map or (0, len(lines))
        for token in block.children or ():
            url = str(token.attrs.get("href") or token.attrs.get("src") or "")
            if url.startswith(("http://", "https://")):
                yield url, next((n for n in range(first, last) if url in lines[n]), first) + 1


def _alignment_as_classes(state: StateCore) -> None:
    """A table column's alignment as `class="align-right"` rather than a `style` attribute, which
    the pages' Content-Security-Policy (`style-src 'self'`) would refuse to apply."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and (style := token.attrs.pop("style", None)):
            token.attrSet("class", "align-" + str(style).removeprefix("text-align:"))


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
    resolver: Resolver = env["resolver"]
    html = resolver.embed(kind, record_id)
    if html is None:
        line = token.map[0] + 1 if token.map else 1
        hint = did_you_mean(record_id, resolver.known_ids(kind))
        env["problems"].append((line, f"::{kind}[{record_id}] embeds an unknown {kind} '{record_id}'{hint}"))
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
                hint = did_you_mean(record_id, resolver.known_ids(kind)) or f"; check the id in the {kind} list"
                problems.append((line, f"link to unknown {kind} '{record_id}' ({href}){hint}"))
                token.attrSet("href", "#")
                continue
            if kind == "term":
                _make_term(state, children, index, target)
            else:
                token.attrSet("href", target.url + fragment)


def _make_term(state: StateCore, children: list[Token], index: int, target: Target) -> None:
    """Turn link_open ... link_close into a link plus an in-place definition."""
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
