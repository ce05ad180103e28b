"""Hostile or odd YAML becomes a clean problem with a line, never an exception."""

from __future__ import annotations

from pathlib import Path

from factsite.yamlfile import MAX_FILE_BYTES, parse_yaml, read_text


def test_lines_of_mappings_and_keys_are_kept() -> None:
    data, problems = parse_yaml("- id: a\n  name: A\n\n- id: b\n  name: B\n", "f.yaml")
    assert problems == []
    assert [item.line for item in data] == [1, 4]
    assert data[1].line_of("name") == 5


def test_dates_stay_text_so_we_can_validate_them() -> None:
    data, _ = parse_yaml("date: 2022-02-30\n", "f.yaml")
    assert data["date"] == "2022-02-30"


def test_alias_bombs_are_refused() -> None:
    bomb = (
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"
    )
    data, problems = parse_yaml(bomb, "f.yaml")
    assert data is None
    assert [p.message for p in problems] == ["YAML anchors and aliases (& and *) are not supported"]


def test_deep_nesting_is_refused() -> None:
    data, problems = parse_yaml("[" * 5000 + "]" * 5000, "f.yaml")
    assert data is None
    assert "nest" in problems[0].message


def test_bom_and_crlf_read_like_plain_lf(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: T\r\ndescription: D\r\n")
    text, problems = read_text(path, "f.yaml")
    assert problems == [] and text == "title: T\ndescription: D\n"


def test_text_that_is_not_utf8_is_a_problem_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"title: ok\nname: caf\xe9\n")
    text, problems = read_text(path, "f.yaml")
    assert text is None
    assert [str(p) for p in problems] == ["f.yaml:2: file is not valid UTF-8 text; save it as UTF-8"]


def test_oversized_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    text, problems = read_text(path, "f.yaml")
    assert text is None
    assert problems[0].message == "file is larger than 2 MiB; split it up"
