"""Is a quote word for word in an archived copy of its source? Only what typography changes is
forgiven: runs of whitespace, curly or straight quotes and apostrophes, dashes, HTML tags and
entities. An ellipsis in the quote stands for omitted words (its parts must appear in order), and
a `[sic]` marker is not part of the words."""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass

_TAG = re.compile(r"<[^>]*>")
_NOT_SHOWN = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SIC = re.compile(r"\s*\[sic\]", re.IGNORECASE)
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s*")
_SPACES = re.compile(r"\s+")
_QUOTE_MARKS = {'"', "'"}
_TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")
"""A word (with its apostrophes) or one mark of punctuation."""
_TYPOGRAPHY = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "…": "...",
        "\u00ad": None,  # a soft hyphen is not shown
    }
)


def normalised(text: str) -> str:
    """Text as the words read: one kind of quote mark, apostrophe and dash, single spaces."""
    return _SPACES.sub(" ", text.translate(_TYPOGRAPHY)).strip()


@dataclass(frozen=True)
class Archive:
    """An archived copy's words, normalised, and where each of its lines starts in them."""

    text: str
    line_starts: tuple[int, ...]
    """Offset in `text` of each line of the file (lines count from 1)."""

    @classmethod
    def read(cls, raw: str, is_html: bool) -> Archive:
        if is_html:
            # Tags become spaces (keeping the lines they span); entities become their characters.
            raw = _NOT_SHOWN.sub(lambda m: "\n" * m.group().count("\n"), raw)
            raw = _TAG.sub(lambda m: "\n" * m.group().count("\n") or " ", raw)
            raw = html.unescape(raw)
        parts: list[str] = []
        starts: list[int] = []
        length = 0
        for line in raw.split("\n"):
            starts.append(length)
            words = normalised(line)
            if words:
                parts.append(words)
                length += len(words) + 1
        return cls(" ".join(parts), tuple(starts))

    def line_at(self, offset: int) -> int:
        """The file's line holding the normalised text's `offset`."""
        low, high = 0, len(self.line_starts)
        while high - low > 1:
            middle = (low + high) // 2
            if self.line_starts[middle] <= offset:
                low = middle
            else:
                high = middle
        return low + 1


@dataclass(frozen=True)
class Mismatch:
    """The part of a quote not found, the closest passage of the archive, and how they differ."""

    part: str
    passage: str
    line: int
    """The archive's line where the passage starts."""
    difference: str


def quote_parts(quote: str) -> list[str]:
    """A quote's words between its ellipses, each normalised, `[sic]` left out."""
    words = normalised(_SIC.sub("", quote))
    return [part for part in _ELLIPSIS.split(words) if part]


def find_quote(quote: str, archive: Archive) -> Mismatch | None:
    """None if every part of the quote appears in the archive, in order; else the first part
    that does not (searched for after the parts before it)."""
    position = 0
    for part in quote_parts(quote):
        found = archive.text.find(part, position)
        if found < 0 and (earlier := archive.text.find(part)) >= 0:
            line = archive.line_at(earlier)
            return Mismatch(part, part, line, "these words come before the words the quote puts ahead of them")
        if found < 0:
            return _closest(part, archive, position)
        position = found + len(part)
    return None


def _closest(part: str, archive: Archive, after: int) -> Mismatch:
    """The passage of the archive (after `after`, else anywhere) most like `part`, word by word."""
    searched = archive.text[after:]
    anchor = difflib.SequenceMatcher(None, searched, part, autojunk=False).find_longest_match(
        0, len(searched), 0, len(part)
    )
    if anchor.size == 0:
        if after:
            return _closest(part, archive, 0)
        return Mismatch(part, "", 1, "the archive has no passage like it")
    start = max(0, anchor.a - anchor.b - 20)
    end = min(len(searched), anchor.a - anchor.b + len(part) + 40)
    start = searched.rfind(" ", 0, start) + 1 if start else 0  # from the start of a word
    window = list(_TOKEN.finditer(searched, start, end))
    archived = [token.group() for token in window]
    quoted = _TOKEN.findall(part)
    blocks = [block for block in difflib.SequenceMatcher(None, archived, quoted, autojunk=False).get_matching_blocks()]
    blocks = [block for block in blocks if block.size] or [difflib.Match(0, 0, 0)]
    first, last = blocks[0], blocks[-1]
    low = max(0, first.a - first.b)
    high = min(len(archived), last.a + last.size + len(quoted) - last.b - last.size)
    while high < len(archived) and archived[high] in _QUOTE_MARKS:  # the passage's closing marks
        high += 1
    chosen = window[low:high] or window[:1]
    passage = searched[chosen[0].start() : chosen[-1].end()]
    return Mismatch(part, passage, archive.line_at(after + chosen[0].start()), _difference(quoted, archived[low:high]))


def _difference(quoted: list[str], archived: list[str]) -> str:
    """How the quote differs from the passage, in words: the quote has “x” where the archive has “y”."""
    changes = []
    for operation, a1, a2, b1, b2 in difflib.SequenceMatcher(None, archived, quoted, autojunk=False).get_opcodes():
        theirs, ours = _shown(archived[a1:a2]), _shown(quoted[b1:b2])
        if operation == "replace":
            changes.append(f"the quote has {ours} where the archive has {theirs}")
        elif operation == "insert":
            changes.append(f"the quote has {ours}, which the archive does not")
        elif operation == "delete" and not set(archived[a1:a2]) <= _QUOTE_MARKS:  # (marks around a quotation)
            changes.append(f"the archive has {theirs}, which the quote does not")
    return "; ".join(changes) or "the words differ only in where they break"


def _shown(tokens: list[str]) -> str:
    """Words and punctuation as written, between curly quotes (so a straight one inside shows)."""
    text = ""
    for token in tokens:
        glue = "" if not text or (not token[0].isalnum() and token not in "\"'(") else " "
        text += glue + token
    return f"“{text}”"
