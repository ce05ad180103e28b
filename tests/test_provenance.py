"""Quotes checked against archived copies of their sources: the matcher forgives typography and
nothing else; a changed word fails `check` at its line; readers and the JSON see what was verified."""

from __future__ import annotations

import json
import os

import jsonschema
import pytest

from factsite.cli import main
from factsite.content.incremental import ContentState
from factsite.content.quote_match import Archive, find_quote
from factsite.errors import SiteError

from conftest import REPO, Project

ARTICLE = """Reporters asked about the plan.

“I don’t think there is an escalation scenario,” she said — and added: ‘Anything is possible’.
"But clearly the intent ... is not to be military involved directly."

Later, she said it was "a sacred obligation."
"""


def matches(quote: str, archive: str = ARTICLE, is_html: bool = False) -> bool:
    return find_quote(quote, Archive.read(archive, is_html)) is None


class TestTheMatcher:
    def test_curly_and_straight_quotes_apostrophes_and_dashes_are_one(self) -> None:
        assert matches("I don't think there is an escalation scenario,")
        assert matches('"I don\u2019t think there is an escalation scenario," she said - and added')
        assert matches("she said \u2013 and added: 'Anything is possible'.")

    def test_runs_of_whitespace_and_line_breaks_are_one_space(self) -> None:
        assert matches("Reporters   asked\tabout the plan.")
        assert matches('is possible\u2019.\n"But clearly')

    def test_html_tags_and_entities_are_not_words(self) -> None:
        page = (
            "<html><head><title>x</title><style>p { color: red }</style></head><body>\n"
            "<p>I don&#8217;t <em>think</em> there is an\n<a href='#'>escalation</a> scenario,&rdquo;</p>\n"
            "<script>var words = 'not part of the article';</script></body></html>"
        )
        assert matches("I don't think there is an escalation scenario,", page, is_html=True)
        assert not matches("not part of the article", page, is_html=True)

    def test_an_ellipsis_stands_for_omitted_words_in_order(self) -> None:
        assert matches("Reporters asked ... I don't think")
        assert matches('Reporters asked\u2026 it was "a sacred obligation."')
        mismatch = find_quote("I don't think ... Reporters asked", Archive.read(ARTICLE, False))
        assert mismatch is not None and mismatch.part == "Reporters asked"
        assert "come before" in mismatch.difference

    def test_the_articles_own_ellipsis_is_one_too(self) -> None:
        assert matches("But clearly the intent ... is not to be military involved directly.")

    def test_a_sic_marker_is_not_part_of_the_words(self) -> None:
        assert matches("not to be military [sic] involved directly.")

    def test_nothing_else_is_forgiven(self) -> None:
        assert not matches("I do not think there is an escalation scenario,")
        assert not matches("i don't think there is an escalation scenario,")  # letter case
        assert not matches("I don't think there is an escalation scenario.")  # punctuation

    def test_a_near_miss_names_the_closest_passage_its_line_and_the_difference(self) -> None:
        mismatch = find_quote("Later, she said it was a holy obligation.", Archive.read(ARTICLE, False))
        assert mismatch is not None
        assert mismatch.line == 6
        assert mismatch.passage == 'Later, she said it was "a sacred obligation."'
        assert "“holy” where the archive has “sacred”" in mismatch.difference

    def test_an_archive_without_the_words_says_so(self) -> None:
        mismatch = find_quote("Completely different words", Archive.read("", False))
        assert mismatch is not None and mismatch.passage == ""


SOURCES = """
- id: article
  title: The article
  publisher: A paper
  url: https://example.org/article
  archive: archives/article.md
  archived: 2026-12-01
  archive_url: https://web.archive.org/web/20261201000000/https://example.org/article
- id: interview
  title: An interview
  publisher: A broadcaster
"""
QUOTES = """
- id: first
  speaker: ada
  text: I don't think there is an escalation scenario,
  source: article
- id: second
  speaker: ada
  text: Reporters asked ... it was "a sacred obligation."
  source: article
- id: unarchived
  speaker: ada
  text: Words from an interview nobody archived.
  source: interview
"""


@pytest.fixture
def archived(project: Project) -> Project:
    project.write("actors.yaml", "- id: ada\n  name: Ada\n  kind: person\n")
    project.write("sources.yaml", SOURCES)
    project.write("quotes.yaml", QUOTES)
    project.write("archives/article.md", ARTICLE)
    return project


def test_check_and_build_say_how_many_quotes_were_verified(archived: Project, capsys) -> None:
    for command in ("check", "build"):
        result = archived.run(command, capsys=capsys)
        assert result.code == 0, result.err
        last = result.out.splitlines()[-1]
        assert last == "2 of 3 quotes verified against archived sources (1 has no archived source to check against)"


def test_a_one_word_change_fails_check_at_the_quotes_line(archived: Project, capsys) -> None:
    quotes = archived.content / "quotes.yaml"
    quotes.write_text(quotes.read_text().replace("an escalation scenario", "an escalation plan"))
    result = archived.run("check", capsys=capsys)
    assert result.code == 1
    problem, summary = result.err.splitlines()
    assert problem.startswith(
        f"{quotes}:3: quote 'first' is not word for word in the archived copy of source 'article'"
    )
    assert "closest passage, archives/article.md:3:" in problem
    assert "the quote has “plan” where the archive has “scenario”" in problem
    assert summary == "1 problem found; nothing was written."


def test_archives_are_read_but_never_published(archived: Project, capsys) -> None:
    assert archived.run("build", capsys=capsys).code == 0
    published = [path for path in archived.out.rglob("*") if path.is_file()]
    assert not any(path.name == "article.md" for path in published)
    assert not any(b"Reporters asked about the plan" in path.read_bytes() for path in published)


def test_readers_see_what_was_verified_and_the_archive_link(archived: Project, capsys) -> None:
    assert archived.run("build", capsys=capsys).code == 0
    quotes = archived.page("quotes/index.html")
    assert 'verified against an archived copy (<time datetime="2026-12-01">1 December 2026</time>)' in quotes
    assert quotes.count("verified against an archived copy") == 2
    assert 'href="https://web.archive.org/web/20261201000000/https://example.org/article"' in quotes
    sources = archived.page("sources/index.html")
    assert "Quotes checked word for word against a copy taken on" in sources


def test_the_json_carries_the_same_and_validates(archived: Project, capsys) -> None:
    assert archived.run("build", capsys=capsys).code == 0
    data = json.loads(archived.page("data/explainer.json"))
    verified = {quote["id"]: quote["verified_against_archive"] for quote in data["quotes"]}
    assert verified == {"first": "2026-12-01", "second": "2026-12-01", "unarchived": None}
    article = next(source for source in data["sources"] if source["id"] == "article")
    assert article["archived"] == "2026-12-01" and article["archive_url"].startswith("https://web.archive.org/")
    jsonschema.validate(data, json.loads(archived.page("data/explainer.schema.json")))


@pytest.mark.parametrize(
    ("line", "replacement", "expected"),
    [
        ("  archive: archives/article.md", "  archive: archives/missing.md", "is not a file in"),
        ("  archive: archives/article.md", "  archive: ../outside.md", "is not a path inside the content folder"),
        ("  archive: archives/article.md", "  archive: pages/article.md", "whose files are published"),
        ("  archived: 2026-12-01", "", "'archive' needs 'archived'"),
    ],
)
def test_a_bad_archive_is_an_error_at_its_line(
    archived: Project, capsys, line: str, replacement: str, expected: str
) -> None:
    sources = archived.content / "sources.yaml"
    sources.write_text(sources.read_text().replace(line + "\n", replacement + "\n" if replacement else ""))
    result = archived.run("check", capsys=capsys)
    assert result.code == 1
    assert f"{sources}:5: " in result.err and expected in result.err, result.err


def test_an_archive_linked_from_outside_the_content_folder_is_refused(archived: Project, capsys) -> None:
    outside = archived.root / "elsewhere.md"
    outside.write_text(ARTICLE)
    (archived.content / "archives" / "article.md").unlink()
    os.symlink(outside, archived.content / "archives" / "article.md")
    result = archived.run("check", capsys=capsys)
    assert result.code == 1 and "is a link out of the content folder" in result.err


def test_the_preview_checks_quotes_again_when_an_archive_changes(archived: Project) -> None:
    state = ContentState(archived.content, include_drafts=True)
    state.load()
    archive = archived.content / "archives" / "article.md"
    archive.write_text(ARTICLE.replace("escalation", "escalating"))
    with pytest.raises(SiteError) as failed:
        state.load([archive])
    assert [problem.code for problem in failed.value.problems] == ["quote-not-in-archive"]
    archive.write_text(ARTICLE)
    assert state.load([archive]).quote_by_id["first"]


def test_the_preview_reads_an_archive_again_only_when_its_text_changed(
    archived: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[int] = []
    real_read = Archive.read.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(Archive, "read", classmethod(lambda cls, *args: read.append(1) or real_read(cls, *args)))
    state = ContentState(archived.content, include_drafts=True)
    state.load()
    assert len(read) == 1
    actors = archived.content / "actors.yaml"
    actors.write_text(actors.read_text().replace("name: Ada", "name: Ada Lovelace"))
    assert state.load([actors]).actor_by_id["ada"].name == "Ada Lovelace"
    assert len(read) == 1  # the quotes were checked again, against the archive as read before
    archive = archived.content / "archives" / "article.md"
    archive.write_text(ARTICLE + "\nA paragraph added later.\n")
    state.load([archive])
    assert len(read) == 2


def test_the_bundled_explainer_verifies_every_quote(capsys) -> None:
    assert main(["check", "--content", str(REPO / "content")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "22 of 22 quotes verified against archived sources"
