"""pulldown-cmark (through pyromark), made to write what markdown-it-py writes.

Both follow CommonMark, and on most text they agree but for how they write some things (tables,
struck-through text, quotes and apostrophes, empty block quotes), which `render` rewrites. Where
they read the text differently (each case was found by tests/test_fastmarkdown.py's generated
documents), or where pulldown-cmark could not be as safe (it has no switch to turn raw HTML off
and does not refuse `javascript:` links), `render` returns None and the text goes to the
reference path. pyromark is optional: without it, every text does.
"""

from __future__ import annotations

import re

try:
    import pyromark

    _PULLDOWN_OPTIONS = pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
except (ImportError, AttributeError):  # missing, or not the pyromark we know: the reference path does all
    pyromark = None  # type: ignore[assignment]


def _may_read_alike(text: str) -> bool:
    """False for raw HTML and autolinks, escapes, and whitespace each treats in its own way (one
    `in` each: a regular expression's character set costs ten times more)."""
    if "<" in text or "\\" in text or "\t" in text:
        return False
    return not ("\r" in text or "\x00" in text or "\x0b" in text or "\x0c" in text)


_ENTITY = re.compile(r"&[#0-9A-Za-z]+;")
_TABLE_ROWS = re.compile(r"(?: {0,3}\|[^\n]*[^|\s][^\n]*\n)+")
_QUOTE_MARKERS = re.compile(r"(?: {0,3}> ?)*")
_LIST_MARKER = re.compile(r"([-+*]|[0-9]{1,9}[.)])( +)")
_NOT_AS_MARKDOWN_IT = re.compile(r"[^A-Za-z0-9._~:/?#@!$&;=+,*()'\-\n]")
"""A character of a URL that markdown-it would percent-encode (or punycode) otherwise (`'` is
written `&#x27;` by pulldown-cmark, and put back by render)."""


def render(text: str) -> str | None:
    """pulldown-cmark's HTML for text, written as markdown-it writes it (before our syntax is
    applied), or None where the two may differ or pyromark is not installed."""
    if pyromark is None or not text.endswith("\n") or not _may_read_alike(text):
        return None
    # (A one-character `in` is a memchr, much quicker than a longer one: a rare character is
    # looked for first.)
    pipes, tildes, quotes, definitions = "|" in text, "~" in text, ">" in text, "]:" in text
    images = "!" in text and "![" in text
    if "&" in text and _ENTITY.search(text):
        return None
    if tildes and _tildes_not_two(text):
        return None
    if "`" in text and not _code_spans_on_their_lines(text):
        return None
    if (pipes and not _tables_read_alike(text)) or (quotes and not _quotes_read_alike(text)):
        return None
    if definitions and not _definitions_set_apart(text):
        return None
    if not _lazy_lines_read_alike(text) or (images and not _image_texts_on_one_line(text)):
        return None
    html = pyromark.html(text, options=_PULLDOWN_OPTIONS)
    if "<li></li>" in html or "<li>\n</li>" in html:  # an empty item: the two end lists differently
        return None
    if ("](" in text or definitions) and not _links_written_alike(html, images):
        return None
    if pipes:
        html = _table_lines(html)
    if tildes and "<del>" in html:
        html = html.replace("<del>", "<s>").replace("</del>", "</s>")
    if '"' in text:  # markdown-it escapes quotes in text too
        html = _quotes_escaped(html)
    if "'" in text:
        html = html.replace("&#39;", "'").replace("&#x27;", "'")
    return _empty_quotes(html) if quotes else html


def _tildes_not_two(text: str) -> bool:
    """Whether a run of tildes is not two long: pulldown-cmark strikes text through between
    single tildes too, and `~~~` may open a fence. (Searched with str.find: see
    _code_spans_on_their_lines.)"""
    position = 0
    while (start := text.find("~", position)) >= 0:
        position = _end_of_run(text, start, "~")
        if position - start != 2:
            return True
    return False


def _code_spans_on_their_lines(text: str) -> bool:
    """False where a code span may go on over a line break (or a fence opens): where a run of
    backticks has no run of as many after it on its line. (Searched with str.find: a regular
    expression has no literal to search for first, and is much slower.)"""
    position = 0
    while (start := text.find("`", position)) >= 0:
        end = _end_of_run(text, start)
        width = end - start
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        while True:  # the next run of as many backticks on the line closes the span
            closer = text.find("`", end, line_end)
            if closer < 0:
                return False
            end = _end_of_run(text, closer)
            if end - closer == width:
                break
        position = end
    return True


def _end_of_run(text: str, start: int, character: str = "`") -> int:
    """Where the run of backticks (or `character`) starting at `start` ends."""
    end = start + 1
    while end < len(text) and text[end] == character:
        end += 1
    return end


def _links_written_alike(html: str, images: bool) -> bool:
    """False where a link's or image's URL has a character markdown-it would percent-encode (or
    punycode) otherwise, or a scheme it refuses (pulldown-cmark makes such links)."""
    urls = [piece.partition('"')[0] for piece in html.split(' href="')[1:]]  # text may say href=" too
    if images:
        urls += [piece.partition('"')[0] for piece in html.split(' src="')[1:]]
    joined = "\n".join(urls)
    lowered = joined.lower()
    if "javascript:" in lowered or "vbscript:" in lowered or "file:" in lowered or "data:" in lowered:
        return False
    return _NOT_AS_MARKDOWN_IT.search(joined) is None


def _definitions_set_apart(text: str) -> bool:
    """False where a line that may define a link reference (`[x]: /url`) is in a block quote or
    has a line right under it: the two end the definition, and what follows, differently."""
    position = 0
    while (colon := text.find("]:", position)) >= 0:
        start = text.rfind("\n", 0, colon) + 1
        end = text.index("\n", colon)  # the text ends with a newline
        if ">" in text[start:colon] or text[end + 1 : text.find("\n", end + 1)].strip():
            return False
        position = end
    return True


def _tables_read_alike(text: str) -> bool:
    """False where a line with a pipe may be read as part of a table by one and not the other.
    Rows both read alike start with a pipe (after at most three spaces: so not in a block quote)
    and hold something besides pipes. Until the next blank line, no line may be indented as code,
    and the lines after the rows must have no pipe and not be a line of dashes (a delimiter row
    without pipes, or a heading's underline)."""
    position = 0
    while (pipe := text.find("|", position)) >= 0:
        start = text.rfind("\n", 0, pipe) + 1
        end = text.find("\n\n", start) + 1 or len(text)
        rows = _TABLE_ROWS.match(text, start, end)
        after = text[rows.end() if rows else start : end]
        if "|" in after or "\n    " in text[start:end]:
            return False
        if any(line.lstrip(" ")[:1] in ("-", ":") and not line.strip("-: ") for line in after.split("\n")):
            return False
        position = end
    return True


def _quotes_read_alike(text: str) -> bool:
    """False where a block quote's paragraph may go on over a line indented as code (a lazy line:
    the two disagree on some). Any `>` counts as a quote's start here, until the next blank line."""
    position = 0
    while (mark := text.find(">", position)) >= 0:
        end = text.find("\n\n", mark)
        end = len(text) if end < 0 else end
        if "\n    " in text[mark:end]:
            return False
        position = end
    return True


def _lazy_lines_read_alike(text: str) -> bool:
    """False where a line indented as code (within its block quotes) follows lines, up to the
    last blank one, one of which has its text further right (in a list item with a wide marker,
    such as `10.  * a`): markdown-it ends the list there and makes the line code, pulldown-cmark
    (as CommonMark says) takes it as the paragraph's lazy line."""
    if "    " not in text:  # (every such line holds four spaces: one search instead of three)
        return True
    columns: list[int] = []
    """The text columns of the lines since the last blank one."""
    for line in text.split("\n"):
        body = line[_QUOTE_MARKERS.match(line).end() :]  # type: ignore[union-attr]  # it matches ""
        if not body.strip():
            columns = []
            continue
        indent = len(body) - len(body.lstrip(" "))
        if indent >= 4 and columns and indent < max(columns):
            return False
        columns.append(_text_column(body))
    return True


def _text_column(line: str) -> int:
    """Where a line's text starts, after its indentation, block quote markers and list markers."""
    column = 0
    while True:
        rest = line[column:].lstrip(" ")
        marker = _LIST_MARKER.match(rest)
        if rest.startswith(">"):
            column = len(line) - len(rest) + 1
        elif marker:
            column = len(line) - len(rest) + len(marker.group(1)) + min(len(marker.group(2)), 4)
        else:
            return len(line) - len(rest)


def _image_texts_on_one_line(text: str) -> bool:
    """False where an image's text may go on over a line break (markdown-it keeps it in the alt
    text, pulldown-cmark makes it a space): its brackets must close on the line."""
    position = 0
    while (image := text.find("![", position)) >= 0:
        depth = 0
        for character in text[image + 1 : text.find("\n", image)]:
            depth += (character == "[") - (character == "]")
            if depth == 0:
                break
        else:
            return False
        position = image + 2
    return True


def _table_lines(html: str) -> str:
    """Tables laid out on lines as markdown-it does, and alignment as our class for it."""
    pieces = []
    position = 0
    while (start := html.find("<table>", position)) >= 0:
        end = html.index("</table>", start) + len("</table>\n")
        # A new line before each table tag (a cell's content has no tag starting with t), as
        # markdown-it writes it; pulldown-cmark starts one only before a body row.
        table = (
            html[start:end]
            .replace("><t", ">\n<t")
            .replace("></tr>", ">\n</tr>")
            .replace("></thead>", ">\n</thead>")
            .replace("></tbody>", ">\n</tbody>")
            .replace("></table>", ">\n</table>")
            .replace('style="text-align: ', 'class="align-')  # as python_markdown writes it
            .replace("<tbody>\n</tbody>\n", "")
        )
        # markdown-it starts a table on a line of its own, in a list item too.
        pieces += [html[position:start], "\n" if start and html[start - 1] != "\n" else "", table]
        position = end
    pieces.append(html[position:])
    return "".join(pieces)


def _quotes_escaped(html: str) -> str:
    """`"` in text (not in a tag) as `&quot;`: the text has no raw HTML, so every `<` opens a tag."""
    pieces = []
    copied = searched = 0
    while (found := html.find('"', searched)) >= 0:
        if html.rfind("<", 0, found) > html.rfind(">", 0, found):  # in a tag: skip its attribute value
            searched = html.index('"', found + 1) + 1
            continue
        pieces += [html[copied:found], "&quot;"]
        copied = searched = found + 1
    if not pieces:
        return html
    pieces.append(html[copied:])
    return "".join(pieces)


def _empty_quotes(html: str) -> str:
    """An empty block quote as markdown-it-py writes it."""
    return html.replace("<blockquote>\n</blockquote>", "<blockquote></blockquote>")
