"""Random Markdown documents for differential tests: the constructs authors use, mixed with the
punctuation, URLs and layouts on which CommonMark parsers tend to part ways. Seeded, so a failing
document can be made again from its number."""

from __future__ import annotations

import random

WORDS = [
    "alpha", "beta", "Gamma", "d'elta", "naïve", "“quoted”", "x", "1999.", "a_b", "*", "**", "_",
    "__", "!", "[", "]", "(", ")", "#", "-", "+", "|", ":", '"', "'", ">", "https://example.org/a?b=c&d=e",
    "é", "—", "  ", "1)", "2.", "$", "%", "=", "{", "}", "£", "€", "→", "©", "'s", '"x"', "*a*b",
    "a*b*", "**a**b", "_a_b", "ab_", "*£*", "_€_", "**→**", "$*x*", "*x*$", "x**£**", "—*x*—",
    "“*x*”", "A&B", "a*", "*a", "***", "___", "~~", 'href="x', ' src="',
]  # fmt: skip
RISKY_WORDS = ["`", "``", "~", "\\*", "\\", "&amp;", "&copy;", "&#35;", "&#0;", "&nbsp;", "<", "<b>", "\t"]
URLS = [
    "/a/b/", "actor:ivo-daalder", "term:nato", "event:biden-call#x", "https://e.org/p q", "/x y", "#frag",
    "http://a.b/c(d)", "mailto:a@b", "/é", "/%20", "/a%2", '/a"b', "/a'b", "/a&b", "/a[b]", "/(x)",
    "https://xn--e.org", "https://例え.jp/", "/a?b=c&d", "", "/~x", "/a*b", "HTTP://X", "/a|b", "/a`b",
    "/a{b}", "/a^b", "javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "java&#115;cript:x",
]  # fmt: skip
TITLES = ["", ' "title"', " 'ti&tle'", " (paren)", ' "a\'b"', " 'a\"b'", ' "x&y"']
LINE_STARTS = ["1. ", "2. ", "1) ", "10. ", "- ", "+ ", "* ", "# ", "#", "> ", "1999. ", "=", "===", "---", "***", "  "]
LINE_STARTS += ["- - ", "-1. ", "0. ", "[x]: /y\n", "| a |"]
"""Starts of a paragraph's later lines that may or may not begin a block there."""
LINK_FORMS = ["[a [b] c](/x)", "[![i](/i.png)](/x)", "[x](</y>)", "[x]( /y )", "[x](/y 'a' )", "[x][]"]
LINK_FORMS += ["[x]\n\n[x]: /z", "[*a*][b]\n\n[b]: /b", "[a](/b\n)", "[a\nb](/c)", "snake_case_word", "2*3*4"]


def document(seed: int, risky: bool = False) -> str:
    """A document of one to six blocks, ending with a newline (as files do)."""
    rng = random.Random(seed)
    words = WORDS + (RISKY_WORDS if risky else [])
    blocks = [_block(rng, words, 0) for _ in range(rng.randint(1, 6))]
    return rng.choice(["\n\n", "\n"]).join(blocks).rstrip("\n") + "\n"


def _inline(rng: random.Random, words: list[str]) -> str:
    parts = []
    for _ in range(rng.randint(1, 12)):
        roll, word = rng.random(), rng.choice(words)
        if roll < 0.1:
            parts.append(f"*{word}*")
        elif roll < 0.2:
            parts.append(f"**{word} {rng.choice(words)}**")
        elif roll < 0.25:
            parts.append(f"`{word}`")
        elif roll < 0.34:
            parts.append(f"[{word}]({rng.choice(URLS)}{rng.choice(TITLES)})")
        elif roll < 0.37:
            parts.append(f"![{word} {rng.choice(words)}]({rng.choice(URLS)}{rng.choice(TITLES)})")
        elif roll < 0.40:
            parts.append(f"~~{word}~~")
        elif roll < 0.42:
            parts.append(f"_{word}_")
        elif roll < 0.44:
            parts.append(word + "  \n")
        elif roll < 0.46:
            parts.append(f"[{word}][{rng.choice(['a', 'b', 'x'])}]")
        elif roll < 0.48:
            parts.append(f"***{word}***")
        else:
            parts.append(word)
    return rng.choice(["", " ", "  "]) + " ".join(parts) + rng.choice(["", " ", "  "])


def _block(rng: random.Random, words: list[str], depth: int) -> str:
    roll = rng.random()
    if roll < 0.12:
        starts = [rng.choice(LINE_STARTS) if rng.random() < 0.6 else "" for _ in range(rng.randint(1, 4))]
        later = [start + _inline(rng, words) for start in starts]
        return "\n".join([_inline(rng, words), *later])
    if roll < 0.17:
        return " ".join(rng.choice(LINK_FORMS) for _ in range(rng.randint(1, 4)))
    if roll < 0.25:
        return _inline(rng, words) + ("\n" + _inline(rng, words) if rng.random() < 0.3 else "")
    if roll < 0.33:
        opening = rng.choice(["", " ", "  "]) + "#" * rng.randint(1, 7) + rng.choice([" ", "  "])
        return opening + _inline(rng, words) + rng.choice(["", " #"])
    if roll < 0.37:
        return _inline(rng, words) + "\n" + rng.choice(["===", "---", "-", " ---", "= ="])
    if roll < 0.50 and depth < 2:
        return _list(rng, words, depth)
    if roll < 0.57 and depth < 2:
        marker = rng.choice(["> ", ">", "> > "])
        return "\n".join(marker + line for line in _block(rng, words, depth + 1).split("\n"))
    if roll < 0.62:
        fence = rng.choice(["```", "~~~", "````"])
        body = _inline(rng, words) + "\n" + rng.choice(["x = 1", "  indented", ""])
        return f"{fence}{rng.choice(['', 'py', ' py '])}\n{body}\n{rng.choice([fence, fence + '`', ''])}"
    if roll < 0.66:
        return "    " + _inline(rng, words) + "\n    code" + rng.choice(["", "\n", "\n\n    more"])
    if roll < 0.69:
        return rng.choice(["---", "***", "___", "- - -", " * * *"])
    if roll < 0.85:
        return _table(rng, words)
    if roll < 0.92:
        label, used = rng.choice(["a", "b", "x", "A"]), rng.choice(["a", "b", "x"])
        return f"[{label}]: {rng.choice(URLS[:10])}{rng.choice(TITLES)}\n\n[{used}] and [x][{label}]"
    return _inline(rng, words)


def _list(rng: random.Random, words: list[str], depth: int) -> str:
    marker = rng.choice(["-", "*", "+", "1.", "2)", "10.", "0.", "003."])
    pad = " " * (len(marker) + 1)
    items = []
    for _ in range(rng.randint(1, 4)):
        item = f"{marker} {_inline(rng, words)}"
        if rng.random() < 0.25:  # a block in the item, after a blank line or right under its text
            item += rng.choice(["\n\n", "\n"]) + pad + _block(rng, words, depth + 1).replace("\n", "\n" + pad)
        if rng.random() < 0.2:
            item += "\n" + pad + "- " + _inline(rng, words)
        if rng.random() < 0.1:
            item += "\n" + _inline(rng, words)  # a lazy continuation line
        items.append(item)
    return rng.choice(["\n", "\n\n"]).join(items)


def _table(rng: random.Random, words: list[str]) -> str:
    columns = rng.randint(1, 4)
    aligns = [rng.choice(["---", ":--", "--:", ":-:", "-"]) for _ in range(columns)]
    head = " | ".join(rng.choice(words[:5]) for _ in range(columns))
    rows = [
        " | ".join(
            _inline(rng, words).replace("|", "\\|") if rng.random() < 0.5 else rng.choice(words[:5])
            for _ in range(rng.randint(1, columns + 1))
        )
        for _ in range(rng.randint(0, 3))
    ]
    lead, tail = rng.choice(["", "| "]), rng.choice(["", " |"])
    lines = [lead + line + tail for line in [head, " | ".join(aligns), *rows]]
    if rng.random() < 0.2:
        lines.insert(0, _inline(rng, words))  # right under a paragraph's line
    if rng.random() < 0.2:
        lines.append(rng.choice(["> quote", "- item", "# h", "text", "    code", "```", "---"]))
    return "\n".join(lines)
