"""Markdown rendering rules as a text-fixture table (tests/fixtures/markdown.md), on both paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from factsite.render.markdown import MarkdownRenderer
from factsite.render.targets import Resolver, Target

FIXTURES = Path(__file__).parent / "fixtures" / "markdown.md"


class FakeSite(Resolver):
    records = {
        ("actor", "ivo-daalder"): "/actors/ivo-daalder/",
        ("event", "biden-call"): "/timeline/#biden-call",
        ("term", "nato"): "/glossary/#nato",
    }

    def resolve(self, kind: str, record_id: str) -> Target | None:
        url = self.records.get((kind, record_id))
        if url is None:
            return None
        return Target(url, "A military alliance." if kind == "term" else "")

    def embed(self, kind: str, record_id: str) -> str | None:
        return f'<div class="embed">{kind} {record_id}</div>\n' if record_id == "q1" else None


def read_cases() -> list[tuple[str, str, str]]:
    blocks = FIXTURES.read_text().split("\n\n")[1:]
    text = "\n\n".join(blocks)
    cases = []
    for chunk in text.strip().split("\n.\n\n"):
        title, rest = chunk.split("\n.\n", 1)
        source, expected = rest.split("\n.\n", 1)
        cases.append((title.strip(), source + "\n", expected.removesuffix("\n.") + "\n"))
    return cases


CASES = read_cases()


@pytest.mark.parametrize("path", ["quickest", "reference"])
@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rendering_rule(source: str, expected: str, path: str) -> None:
    markdown = MarkdownRenderer(FakeSite(), allow_raw_html=False)
    result = markdown.render(source) if path == "quickest" else markdown.render_reference(source)
    assert result.problems == []
    assert result.html == expected


def test_raw_html_passes_only_when_the_site_opts_in() -> None:
    assert MarkdownRenderer(FakeSite(), allow_raw_html=True).render("<b>bold</b>\n").html == "<p><b>bold</b></p>\n"
    escaped = MarkdownRenderer(FakeSite(), allow_raw_html=False).render("<b>bold</b>\n").html
    assert escaped == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_unknown_references_are_reported_with_their_line() -> None:
    source = "Intro.\n\nSee [x](actor:nobody).\n\n::event[nothing]\n"
    result = MarkdownRenderer(FakeSite(), allow_raw_html=False).render(source)
    assert result.problems == [
        (3, "link to unknown actor 'nobody' (actor:nobody); check the id in the actor list"),
        (5, "::event[nothing] embeds an unknown event 'nothing'"),
    ]
