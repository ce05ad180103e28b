"""The authoring kit: `init` starts a valid explainer, `new` adds skeletons without touching
anything else, and `schema` describes the content files to editors exactly as the loader reads them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from factsite.authoring.json_schemas import content_schemas
from factsite.cli import main
from factsite.content.schema import PAGE_FIELDS, RECORD_FILES, SITE_FIELDS
from factsite.content.yaml_flat import parse_yaml

from conftest import REPO, snapshot

PAGE_KINDS = [
    "index.html",
    "404.html",
    "article-5/index.html",
    "timeline/index.html",
    "actors/index.html",
    "actors/joe-biden/index.html",
    "quotes/index.html",
    "glossary/index.html",
    "sources/index.html",
    "embed/quote/biden-sacred-obligation/index.html",
    "embed/event/biden-rules-out-troops/index.html",
    "data/explainer.json",
]


def run(*argv: str | Path) -> tuple[int, str, str]:
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(arg) for arg in argv])
    return code, out.getvalue(), err.getvalue()


def theme(*more: str | Path) -> list[str | Path]:
    return ["--templates", REPO / "templates", "--static", REPO / "static", *more]


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    folder = tmp_path / "my-explainer"
    code, out, _ = run("init", folder)
    assert code == 0 and f"Wrote a starter explainer into {folder}/" in out
    return folder


def test_init_writes_a_starter_that_builds_and_checks_clean_with_every_page_kind(starter: Path, tmp_path: Path) -> None:
    assert run("check", "--content", starter, *theme())[0] == 0
    code, _, err = run("build", "--content", starter, *theme("--out", tmp_path / "site"))
    assert code == 0, err
    for page in PAGE_KINDS:
        assert (tmp_path / "site" / page).is_file(), page


def test_every_starter_file_says_what_it_is_for_and_points_at_its_schema(starter: Path) -> None:
    for path in sorted(starter.rglob("*.yaml")) + sorted(starter.rglob("*.md")):
        text = path.read_text()
        assert "\n# " in text or text.startswith("# "), f"{path.name} has no comment"
        if path.suffix == ".yaml":
            schema = re.match(r"# yaml-language-server: \$schema=(\S+)\n", text)
            assert schema and (path.parent / schema.group(1)).is_file(), path.name


def test_init_refuses_a_folder_that_is_not_empty_and_changes_nothing_there(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes\n")
    before = snapshot(folder)
    code, _, err = run("init", folder)
    assert code == 2 and "is not an empty folder" in err
    assert snapshot(folder) == before
    (tmp_path / "file").write_text("x")
    assert run("init", tmp_path / "file")[0] == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("init", empty)[0] == 0


def test_new_page_adds_a_draft_and_touches_nothing_else(starter: Path) -> None:
    before = snapshot(starter)
    code, out, _ = run("new", "page", "background", "--content", starter)
    assert code == 0 and "pages/background.md" in out
    after = snapshot(starter)
    assert {name: data for name, data in after.items() if name != "pages/background.md"} == before
    assert b"draft: true" in after["pages/background.md"]
    assert run("check", "--content", starter, *theme())[0] == 0  # a draft: not published, nothing to fix yet
    assert run("check", "--content", starter, "--drafts", *theme())[0] == 0


@pytest.mark.parametrize("slug", ["background", "article-5", "about"])
def test_new_page_refuses_a_slug_that_exists(starter: Path, slug: str) -> None:
    (starter / "pages" / "other.md").write_text("---\ntitle: Other\nslug: about\n---\n")
    run("new", "page", "background", "--content", starter)
    before = snapshot(starter)
    code, _, err = run("new", "page", slug, "--content", starter)
    assert code == 2 and f"a page with the slug '{slug}' exists already" in err
    assert snapshot(starter) == before


@pytest.mark.parametrize("kind", ["actor", "event", "quote", "source", "term"])
def test_new_record_is_appended_and_check_lists_what_to_fill_in(starter: Path, kind: str) -> None:
    file_name = {"actor": "actors", "event": "timeline", "quote": "quotes", "source": "sources", "term": "glossary"}
    path = starter / f"{file_name[kind]}.yaml"
    before = snapshot(starter)
    code, out, _ = run("new", kind, "fresh-one", "--content", starter)
    assert code == 0
    line = int(re.search(r"\(line (\d+)\)", out).group(1))  # type: ignore[union-attr]
    after = snapshot(starter)
    assert {name: data for name, data in after.items() if name != path.name} == {
        name: data for name, data in before.items() if name != path.name
    }
    assert after[path.name].startswith(before[path.name])  # every byte before it as it was
    assert path.read_text().splitlines()[line - 1] == "- id: fresh-one"
    code, _, err = run("check", "--content", starter, *theme())
    fields, what, _ = RECORD_FILES[file_name[kind]]
    required = sorted(name for name, field in fields.items() if field.required and name != "id")
    assert code == 1
    assert err.splitlines()[:-1] == [
        f"{path}:{line}: {what} 'fresh-one' is missing required field '{name}'" for name in required
    ]


def test_new_record_refuses_an_id_that_exists_and_starts_a_missing_file(starter: Path) -> None:
    before = snapshot(starter)
    code, _, err = run("new", "actor", "joe-biden", "--content", starter)
    assert code == 2 and "already has a actor with the id 'joe-biden'" in err
    assert snapshot(starter) == before
    (starter / "glossary.yaml").unlink()
    assert run("new", "term", "sanctions", "--content", starter)[0] == 0
    assert (starter / "glossary.yaml").read_text().startswith("# yaml-language-server: $schema=.schemas/glossary")
    assert run("new", "actor", "Not An Id", "--content", starter)[0] == 2


def load_yaml(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        text = text.split("---\n")[1]
    data, problems = parse_yaml(text, str(path))
    assert problems == []
    return data


def schema_of(path: Path) -> dict[str, Any]:
    name = "page" if path.suffix == ".md" else path.stem
    return content_schemas()[f"{name}.schema.json"]


@pytest.mark.parametrize("folder", ["bundled", "starter"])
def test_every_content_file_validates_against_its_schema(starter: Path, folder: str) -> None:
    content = REPO / "content" if folder == "bundled" else starter
    files = [content / "site.yaml", *(content / f"{name}.yaml" for name in RECORD_FILES)]
    files = [path for path in files if folder == "bundled" or path.name != "maps.yaml"]  # (the starter has no map)
    files += sorted((content / "pages").glob("*.md"))
    for path in files:
        jsonschema.Draft7Validator(schema_of(path)).validate(load_yaml(path))


@pytest.mark.parametrize(
    ("file_name", "damage", "complaint"),
    [
        ("actors.yaml", lambda data: data[0].update(rol="x"), "Additional properties"),
        ("actors.yaml", lambda data: data[0].update(summary=12345), "is not of type 'string'"),
        ("actors.yaml", lambda data: data[0].pop("name"), "'name' is a required property"),
        ("timeline.yaml", lambda data: data[0].update(date="last week"), "is not valid"),
        ("site.yaml", lambda data: data.update(allow_raw_html="yes"), "is not of type 'boolean'"),
        ("pages/article-5.md", lambda data: data.update(order="3"), "is not of type 'integer'"),
    ],
)
def test_schemas_refuse_unknown_fields_wrong_types_and_missing_required_fields(
    starter: Path, file_name: str, damage: Any, complaint: str
) -> None:
    path = starter / file_name
    data = load_yaml(path)
    damage(data)
    with pytest.raises(jsonschema.ValidationError, match=complaint):
        jsonschema.Draft7Validator(schema_of(path)).validate(data)


def test_schema_writes_one_file_per_content_file_and_replaces_only_its_own(tmp_path: Path) -> None:
    code, out, _ = run("schema", "--out", tmp_path / "schemas")
    assert code == 0
    written = sorted(path.name for path in (tmp_path / "schemas").iterdir())
    assert written == sorted(["site.schema.json", "page.schema.json", *(f"{n}.schema.json" for n in RECORD_FILES)])
    for path in (tmp_path / "schemas").iterdir():
        jsonschema.Draft7Validator.check_schema(json.loads(path.read_text()))
    assert run("schema", "--out", tmp_path / "schemas")[0] == 0  # its own files: made again
    (tmp_path / "schemas" / "actors.schema.json").write_text('{"mine": true}')
    before = snapshot(tmp_path / "schemas")
    code, _, err = run("schema", "--out", tmp_path / "schemas")
    assert code == 2 and "was not written by this command" in err
    assert snapshot(tmp_path / "schemas") == before


def test_the_content_reference_lists_every_field_the_loader_reads() -> None:
    reference = (REPO / "docs" / "content.md").read_text()
    declared = {"site.yaml": SITE_FIELDS, "pages/*.md": PAGE_FIELDS}
    declared.update({f"{name}.yaml": fields for name, (fields, _, _) in RECORD_FILES.items()})
    for file_name, fields in declared.items():
        section = reference.split(f"## {file_name}", 1)[1].split("\n## ", 1)[0]
        documented = set(re.findall(r"^\| ([a-z_]+(?:, [a-z_]+)*) \|", section, re.MULTILINE))
        names = {name for row in documented for name in row.split(", ")} - {"field"}  # (the header row)
        assert names == set(fields), file_name


def test_the_bundled_explainer_carries_its_schemas_up_to_date() -> None:
    """Its YAML files point editors at content/.schemas/; regenerate with
    `python build.py schema --out content/.schemas` after changing a field."""
    from factsite.authoring.json_schemas import schema_text

    folder = REPO / "content" / ".schemas"
    assert {path.name: path.read_text() for path in folder.iterdir()} == {
        name: schema_text(schema) for name, schema in content_schemas().items()
    }
    for name in ["site", *RECORD_FILES]:
        first_line = (REPO / "content" / f"{name}.yaml").read_text().splitlines()[0]
        assert first_line == f"# yaml-language-server: $schema=.schemas/{name}.schema.json"
