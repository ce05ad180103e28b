"""Every promised error: its exact `path:line: message`, exit code 1, and the old site untouched."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import REPO, Project, snapshot

ACTOR = "- id: ivo-daalder\n  name: Ivo Daalder\n  kind: person\n"
SOURCE = "- id: insider\n  title: An article\n  publisher: Insider\n"

CASES = [
    (
        "malformed YAML",
        {"actors.yaml": "- id: a\n  name: [unclosed\n"},
        "actors.yaml:3: invalid YAML: did not find expected ',' or ']'",
    ),
    (
        "malformed front matter",
        {"pages/a.md": "---\ntitle: [x\n---\nBody\n"},
        "pages/a.md:3: invalid YAML: did not find expected ',' or ']'",
    ),
    (
        "missing front matter",
        {"pages/a.md": "# Just markdown\n"},
        "pages/a.md:1: page must start with front matter: a '---' line, 'title: ...', then '---'",
    ),
    (
        "missing required field",
        {"actors.yaml": "- id: ivo-daalder\n  kind: person\n"},
        "actors.yaml:1: actor 'ivo-daalder' is missing required field 'name'",
    ),
    (
        "missing title in front matter",
        {"pages/a.md": "---\ndescription: no title\n---\nBody\n"},
        "pages/a.md:2: front matter is missing required field 'title'",
    ),
    (
        "wrong type",
        {"actors.yaml": ACTOR + "  aliases: Ivo\n"},
        "actors.yaml:4: field 'aliases': expected a list, got text 'Ivo'; write [a, b] or one '- item' per line",
    ),
    (
        "a number where text belongs",
        {"actors.yaml": ACTOR + "  summary: 12345\n"},
        "actors.yaml:4: field 'summary': expected text, got the number 12345; put it in quotes if it is meant as text",
    ),
    (
        "a bare NO where text belongs",
        {"actors.yaml": ACTOR + "  role: NO\n"},
        "actors.yaml:4: field 'role': expected text, got false (YAML reads yes, no, on, off, true and false so); "
        "put it in quotes if it is meant as text",
    ),
    (
        "a mapping where text belongs",
        {"actors.yaml": ACTOR + "  role: {a: b}\n"},
        "actors.yaml:4: field 'role': expected text, got a mapping; text with ': ' in it must be in quotes",
    ),
    (
        "a list where text belongs",
        {"actors.yaml": ACTOR + "  role:\n    - Ambassador\n"},
        "actors.yaml:4: field 'role': expected text, got a list; write the text on one line "
        "(a line starting with '- ' is a list item)",
    ),
    (
        "text where a number belongs",
        {"pages/a.md": "---\ntitle: A\norder: '3'\n---\n"},
        "pages/a.md:3: field 'order': expected a whole number, got text '3'; write the number without quotes",
    ),
    (
        "text where true or false belongs",
        {"pages/a.md": "---\ntitle: A\ndraft: 'yes'\n---\n"},
        "pages/a.md:3: field 'draft': expected true or false, got text 'yes'; write true or false, without quotes",
    ),
    (
        "unknown embed with a suggestion",
        {
            "actors.yaml": ACTOR,
            "sources.yaml": SOURCE,
            "quotes.yaml": "- id: big-line\n  speaker: ivo-daalder\n  text: Hi\n  source: insider\n",
            "pages/a.md": "---\ntitle: A\n---\n\n::quote[big-lines]\n",
        },
        "pages/a.md:5: ::quote[big-lines] embeds an unknown quote 'big-lines'; did you mean 'big-line'?",
    ),
    (
        "impossible date",
        {"timeline.yaml": "- id: e\n  date: 2022-02-30\n  title: T\n"},
        "timeline.yaml:2: field 'date': 2022-02-30 is not a real date: February 2022 has 28 days",
    ),
    (
        "leap day in a year that has none",
        {"timeline.yaml": "- id: e\n  date: 1900-02-29\n  title: T\n"},
        "timeline.yaml:2: field 'date': 1900-02-29 is not a real date: February 1900 has 28 days",
    ),
    (
        "impossible date in front matter",
        {"pages/a.md": "---\ntitle: A\ndate: 2021-13-01\n---\n"},
        "pages/a.md:3: field 'date': 2021-13-01 has no month 13; months run 01 to 12",
    ),
    (
        "not a date",
        {"timeline.yaml": "- id: e\n  date: last week\n  title: T\n"},
        "timeline.yaml:2: field 'date': 'last week' is not a date; write YYYY-MM-DD, YYYY-MM or YYYY",
    ),
    (
        "range that ends before it starts",
        {"timeline.yaml": "- id: e\n  date: 2022-01-19/2022-01-18\n  title: T\n"},
        "timeline.yaml:2: field 'date': range '2022-01-19/2022-01-18' ends before it starts",
    ),
    (
        "duplicate id",
        {"actors.yaml": ACTOR + "\n" + ACTOR},
        "actors.yaml:5: duplicate actor id 'ivo-daalder' (first used on line 1); ids must be unique",
    ),
    (
        "duplicate key",
        {"actors.yaml": ACTOR + "  name: Again\n"},
        "actors.yaml:4: key 'name' appears twice",
    ),
    (
        "unknown actor in YAML",
        {"sources.yaml": SOURCE, "quotes.yaml": "- id: q\n  speaker: ivo-dalder\n  text: Hi\n  source: insider\n"},
        "quotes.yaml:2: field 'speaker': unknown actor 'ivo-dalder'; add it to the actor list or fix the id",
    ),
    (
        "unknown source with a suggestion",
        {
            "actors.yaml": ACTOR,
            "sources.yaml": SOURCE,
            "quotes.yaml": "- id: q\n  speaker: ivo-daalder\n  text: Hi\n  source: insidr\n",
        },
        "quotes.yaml:4: field 'source': unknown source 'insidr'; did you mean 'insider'?",
    ),
    (
        "unknown quote in an event",
        {"timeline.yaml": "- id: e\n  date: 2022-01-01\n  title: T\n  quotes: [nope]\n"},
        "timeline.yaml:4: field 'quotes': unknown quote 'nope'; add it to the quote list or fix the id",
    ),
    (
        "unknown actor in Markdown",
        {"actors.yaml": ACTOR, "pages/a.md": "---\ntitle: A\n---\n\nSee [him](actor:ivo-dalder).\n"},
        "pages/a.md:5: link to unknown actor 'ivo-dalder' (actor:ivo-dalder); did you mean 'ivo-daalder'?",
    ),
    (
        "unknown term in Markdown",
        {"pages/a.md": "---\ntitle: A\n---\nThe [clause](term:article-6).\n"},
        "pages/a.md:4: link to unknown term 'article-6' (term:article-6); check the id in the term list",
    ),
    (
        "unknown quote embed",
        {"pages/a.md": "---\ntitle: A\n---\n\n::quote[missing]\n"},
        "pages/a.md:5: ::quote[missing] embeds an unknown quote 'missing'",
    ),
    (
        "unknown field",
        {"actors.yaml": ACTOR + "  rol: Ambassador\n"},
        "actors.yaml:4: unknown field 'rol' in actor 'ivo-daalder'; did you mean 'role'? "
        "fields are: affiliation, aliases, id, kind, name, role, summary",
    ),
    (
        "invalid id",
        {"actors.yaml": "- id: ../etc\n  name: X\n  kind: person\n"},
        "actors.yaml:1: field 'id': '../etc' is not a valid id: use lowercase letters, digits and single hyphens "
        "(e.g. 'ivo-daalder')",
    ),
    (
        "two pages claiming one URL",
        {"pages/a.md": "---\ntitle: A\n---\n", "pages/b.md": "---\ntitle: B\nslug: a\n---\n"},
        "pages/b.md:1: page URL /a/ is already claimed by {content}/pages/a.md; give one page another 'slug'",
    ),
    (
        "page clashing with a generated page",
        {"timeline.yaml": "- id: e\n  date: 2022-01-01\n  title: T\n", "pages/timeline.md": "---\ntitle: Mine\n---\n"},
        "pages/timeline.md:1: page URL /timeline/ clashes with a generated page; set another 'slug'",
    ),
    (
        "broken internal link",
        {"pages/a.md": "---\ntitle: A\n---\n\nSee [this](../missing/).\n"},
        "pages/a.md:5: broken link '../missing/': nothing is published at /missing/",
    ),
    (
        "broken anchor",
        {
            "timeline.yaml": "- id: e\n  date: 2022-01-01\n  title: T\n",
            "pages/a.md": "---\ntitle: A\n---\nSee [the day](../timeline/#no-such-day).\n",
        },
        "pages/a.md:4: broken link '../timeline/#no-such-day': no element with id 'no-such-day' on /timeline/",
    ),
    (
        "broken anchor on the same page",
        {"pages/a.md": "---\ntitle: A\n---\n## Here\n\n[up](#here) and [gone](#nowhere).\n"},
        "pages/a.md:6: broken link '#nowhere': no element with id 'nowhere' on this page",
    ),
    (
        "link escaping the base path",
        {
            "site.yaml": "title: T\nbase_url: https://example.github.io/explainer/\n",
            "pages/a.md": "---\ntitle: A\n---\nSee [home](/).\n",
        },
        "pages/a.md:4: link '/' leaves the site's base path /explainer/; "
        "link records with actor:/event:/page: references or use a relative link",
    ),
    (
        "unknown topic",
        {
            "site.yaml": "title: T\ntopics:\n  diplomacy: Diplomacy\n",
            "timeline.yaml": "- id: e\n  date: 2022-01-01\n  title: T\n  tags: [diplomcy]\n",
        },
        "timeline.yaml:4: field 'tags': unknown topic 'diplomcy'; did you mean 'diplomacy'?; "
        "topics are listed in site.yaml",
    ),
    (
        "site.yaml missing a title",
        {"site.yaml": "description: x\n"},
        "site.yaml:1: site.yaml is missing required field 'title'",
    ),
    (
        "a list where records are expected",
        {"actors.yaml": "ivo: daalder\n"},
        "actors.yaml:1: actors.yaml must be a list of actors, each starting with '- id: ...'",
    ),
    (
        "sic text not in the quote",
        {
            "actors.yaml": ACTOR,
            "sources.yaml": SOURCE,
            "quotes.yaml": "- id: q\n  speaker: ivo-daalder\n  text: Hi there\n  source: insider\n  sic: hello\n",
        },
        "quotes.yaml:5: field 'sic': 'hello' does not occur in the quote's text",
    ),
]


@pytest.mark.parametrize(("files", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_each_error_is_reported_with_path_line_and_exit_1(project: Project, capsys, files, expected) -> None:
    for name, text in files.items():
        project.write(name, text)
    result = project.run("build", capsys=capsys)
    lines = result.err.splitlines()
    assert f"{project.content}/{expected.format(content=project.content)}" in lines
    assert result.code == 1
    assert lines[-1].endswith("was left as it was.")
    assert not project.out.exists()


def test_all_problems_are_reported_at_once(project: Project, capsys) -> None:
    project.write("actors.yaml", ACTOR + "  rol: x\n")
    project.write(
        "timeline.yaml",
        "- id: e\n  date: 2022-02-30\n  title: T\n- id: f\n  date: 2022\n  title: F\n  actors: [nobody]\n",
    )
    project.write("pages/a.md", "---\ntitle: A\n---\n[x](actor:ghost) [y](event:e)\n")
    result = project.run("check", capsys=capsys)
    assert result.code == 1
    located = [line.removeprefix(f"{project.content}/") for line in result.err.splitlines()]
    assert [line.split(": ")[0] for line in located[:-1]] == [
        "actors.yaml:4",
        "pages/a.md:4",
        "timeline.yaml:2",
        "timeline.yaml:7",
    ]
    assert located[-1] == "4 problems found; nothing was written."


def test_a_failed_build_leaves_the_previous_site_byte_identical(bundled: Project, capsys) -> None:
    assert bundled.run("build", capsys=capsys).code == 0
    before = snapshot(bundled.out)
    timeline = bundled.content / "timeline.yaml"
    timeline.write_text(timeline.read_text().replace("2021-12-08", "2021-12-32"))
    result = bundled.run("build", capsys=capsys)
    assert result.code == 1
    assert snapshot(bundled.out) == before


def test_errors_never_show_a_traceback(project: Project) -> None:
    project.write("actors.yaml", "- id: x\n  name: [\n")
    result = project.run_subprocess("build")
    assert result.code == 1
    assert "Traceback" not in result.err
    assert "actors.yaml:3: invalid YAML" in result.err


def test_a_template_mistake_names_the_template_and_line(project: Project, capsys) -> None:
    (project.root / "templates" / "404.html").write_text(
        '{% extends "base.html" %}\n{% block main %}{{ nope }}{% endblock %}\n'
    )
    result = project.run("build", capsys=capsys)
    assert result.code == 1
    assert f"{project.root}/templates/404.html:2: template error: 'nope' is undefined" in result.err.splitlines()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["build", "--nope"], "unrecognized arguments: --nope"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["build", "--workers", "0"], "argument --workers: expected a whole number of processes, 1 or more, not '0'"),
        (["check", "--workers", "two"], "argument --workers: expected a whole number of processes, 1 or more"),
    ],
)
def test_usage_errors_exit_2(argv, message, capsys) -> None:
    from factsite.cli import main

    assert main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("year", [1900, 2000, 2022, 2024])
def test_dates_are_checked_against_the_gregorian_calendar(year: int) -> None:
    import calendar

    from factsite.content.fields import FieldError, parse_date

    for month in range(1, 13):
        last = calendar.monthrange(year, month)[1]
        assert parse_date(f"{year}-{month:02}-{last:02}").day == last
        with pytest.raises(FieldError, match=f"has {last} days"):
            parse_date(f"{year}-{month:02}-{last + 1:02}")


BROKEN_FILES = {
    "YAML that does not parse": ("actors.yaml", lambda text: text.replace("  name: Ivo Daalder", "  name: [Ivo", 1)),
    "a file that is not UTF-8": ("actors.yaml", lambda text: "\udcff" + text),
    "an empty file": ("actors.yaml", lambda text: ""),
    "a broken sources file": ("sources.yaml", lambda text: text.replace("- id: insider-article", "- id: [x", 1)),
}


@pytest.mark.parametrize("case", list(BROKEN_FILES))
def test_one_broken_file_gives_one_problem_and_a_note_not_a_flood(bundled: Project, capsys, case: str) -> None:
    """References into a file that did not load are counted in one note, not reported one by one
    as unknown (the bundled explainer refers to its actors and sources from every other file)."""
    name, damage = BROKEN_FILES[case]
    path = bundled.content / name
    path.write_bytes(damage(path.read_text(encoding="utf-8")).encode("utf-8", "surrogateescape"))
    result = bundled.run("check", capsys=capsys)
    lines = result.err.splitlines()
    assert result.code == 1 and len(lines) <= 3, lines
    kind = name.removesuffix("s.yaml")
    assert re.fullmatch(
        rf"{bundled.content}/{name}:1: note: \d+ references to {kind}s in other files could not be checked, "
        "as this file did not load",
        lines[1],
    )
    assert lines[-1] == "1 problem found; nothing was written."


def test_references_to_a_record_that_failed_validation_are_not_reported_again(project: Project, capsys) -> None:
    project.write("actors.yaml", "- id: ivo-daalder\n  name: Ivo Daalder\n  kind: diplomat\n")
    project.write("sources.yaml", SOURCE)
    project.write("quotes.yaml", "- id: q\n  speaker: ivo-daalder\n  text: Hi\n  source: insider\n")
    project.write("pages/a.md", "---\ntitle: A\n---\n[Daalder](actor:ivo-daalder) said ::\n")
    result = project.run("check", capsys=capsys)
    assert result.err.splitlines() == [
        f"{project.content}/actors.yaml:3: field 'kind': 'diplomat' is not one of: person, country, organisation, "
        "institution, region, group",
        "1 problem found; nothing was written.",
    ]


def test_problems_as_json_carry_file_line_message_and_a_stable_code(bundled: Project, capsys) -> None:
    from factsite.errors import CODES

    actors = bundled.content / "actors.yaml"
    actors.write_text(actors.read_text().replace("  name: Ivo Daalder", "  name: [Ivo", 1))
    (bundled.content / "pages" / "article-5.md").write_text("---\ntitle: A\n---\n\n[x](term:nope)\n")
    (bundled.content / "pages" / "about.md").write_text("---\ntitle: About\nsummary: 1\n---\n")
    result = bundled.run("check", "--format", "json", capsys=capsys)
    assert result.code == 1 and result.err == ""
    entries = json.loads(result.out)
    assert [(Path(e["file"]).name, e["line"], e["code"], e["severity"]) for e in entries] == [
        ("actors.yaml", 9, "yaml-syntax", "error"),
        ("about.md", 3, "field-unknown", "error"),
        ("article-5.md", 5, "unknown-reference", "error"),
        ("actors.yaml", 1, "references-not-checked", "note"),
    ]
    assert all(entry["code"] in CODES and entry["message"] for entry in entries)
    clean = bundled.run("check", "--format", "json", "--content", str(REPO / "content"), capsys=capsys)
    assert clean.code == 0 and json.loads(clean.out) == []


def test_problems_as_github_annotations(project: Project, capsys) -> None:
    project.write("actors.yaml", ACTOR + "  role: [a, b]\n  summary: '50%: a, b\\nc'\n")
    result = project.run("check", "--format", "github", capsys=capsys)
    assert result.code == 1
    path = str(project.content / "actors.yaml").replace(":", "%3A").replace(",", "%2C")
    assert result.out.splitlines() == [
        f"::error file={path},line=4,title=field-type::field 'role': expected text, got a list; write the text on "
        "one line (a line starting with '- ' is a list item)",
    ]
    assert result.err == "1 problem found; nothing was written.\n"


def test_a_mistake_a_template_makes_on_every_page_is_shown_three_times_then_counted(
    bundled: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    base = bundled.root / "templates" / "base.html"
    base.write_text(base.read_text().replace("</footer>", '<a href="/no-such-page/">Gone</a></footer>'))
    result = bundled.run("build", capsys=capsys)
    assert result.code == 1
    lines = result.err.splitlines()
    broken = [line for line in lines if "broken link '/no-such-page/'" in line]
    assert len(broken) == 4 and all(line.startswith(f"{bundled.out}/") for line in broken[:3])
    pages = len(list((bundled.root / "templates").glob("*.html")))  # (not a count to test: just more than 3)
    more = int(re.search(r"and (\d+) more pages with: broken link", broken[3]).group(1))  # type: ignore[union-attr]
    assert broken[3].startswith(f"{bundled.out}/: note: and ") and more > pages
    assert lines[-1] == f"{3 + more} problems found; {bundled.out}/ was left as it was."
