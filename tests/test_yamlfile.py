"""Hostile or odd YAML becomes a clean problem with a line, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factsite.content import yaml_flat, yaml_general
from factsite.content.files import MAX_FILE_BYTES, read_text
from factsite.content.yaml_flat import Mapping, parse_yaml
from factsite.errors import Problem


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


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 65537, 200_001])
def test_files_of_any_size_are_read_whole(tmp_path: Path, size: int) -> None:
    """One read per file where it fits (a short read is the end), more where it does not."""
    path = tmp_path / "f.md"
    text = ("line of text\n" * (size // 13 + 1))[:size]
    path.write_text(text)
    assert read_text(path, "f.md") == (text, [])


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


# -- the one-walk construction equals PyYAML's own ---------------------------------------------

VARIED_DOCUMENTS = [
    "- id: a\n  n: 1\n  f: 1.5\n  yes: yes\n  none: ~\n  empty:\n  date: 2022-01-26\n  tags: [x, 'y', \"z\"]\n",
    "title: 'Quoted: with colon'\nbody: |\n  Two\n  lines\nfolded: >\n  one\n  two\nnested: {a: {b: [1, {c: d}]}}\n",
    "? [complex, key]\n: value\n? {a: b}\n: other\n1: number key\ntrue: bool key\n",
    "explicit: !!str 123\nint: !!int '7'\nfloat: !!float '2'\nbinary: !!binary aGk=\nnull: !!null ''\n",
    "set: !!set {a, b}\nomap: !!omap [a: 1, b: 2]\n",
    "- - - deep\n    - [1, [2, [3]]]\n- ünïcödé: “quotes” — dashes\n",
    "a: 1\nb: *x\n",
    "a: &x 1\nb: *x\nc: !!int nope\n",
    "a: 1\na: 2\n",
    "a: !!int nope\nb: !!float nope\n",
    "a: !unknown tag\n",
    "[" * 41 + "]" * 41,
    "x: " + "[" * 40 + "]" * 40,
]


def parse_generally(text: str, first_line: int = 1) -> tuple[object, list[Problem]]:
    """The path PyYAML's constructor takes for every node (what parse_yaml falls back to)."""
    original = yaml_general._Construction.value

    def refuse(self: object, node: object, depth: int) -> object:
        raise yaml_general._Unusual

    yaml_general._Construction.value = refuse  # type: ignore[method-assign]
    original_flat, yaml_flat._flat_mapping = yaml_flat._flat_mapping, lambda text, offset: None
    original_records, yaml_flat._flat_records = yaml_flat._flat_records, lambda text, offset: None
    try:
        return parse_yaml(text, "f.yaml", first_line)
    finally:
        yaml_general._Construction.value = original  # type: ignore[method-assign]
        yaml_flat._flat_mapping = original_flat
        yaml_flat._flat_records = original_records


def shape(value: object) -> object:
    """A value with every mapping's line and key lines spelled out, for comparison."""
    if isinstance(value, Mapping):
        return ("mapping", value.line, dict(value.key_lines), {k: shape(v) for k, v in value.items()})
    if isinstance(value, list):
        return [shape(item) for item in value]
    return (type(value).__name__, value)


def assert_read_as_pyyaml_reads_it(text: str, first_line: int) -> list[Problem]:
    """parse_yaml gives what the general way (PyYAML's constructor for every node) gives: the
    same value, every line, the same problems (returned)."""
    value, problems = parse_yaml(text, "f.yaml", first_line)
    general, general_problems = parse_generally(text, first_line)
    assert problems == general_problems
    assert shape(value) == shape(general)
    return problems


@pytest.mark.parametrize("text", VARIED_DOCUMENTS)
def test_one_walk_builds_what_pyyaml_builds_with_the_same_problems(text: str) -> None:
    assert_read_as_pyyaml_reads_it(text, 3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
        max_leaves=20,
    ),
    st.sampled_from([None, False, True]),
)
def test_one_walk_equals_pyyaml_on_generated_documents(value: object, flow: bool | None) -> None:
    text = yaml.safe_dump(value, default_flow_style=flow, allow_unicode=True)
    assert shape(parse_yaml(text, "f.yaml")[0]) == shape(parse_generally(text)[0])


# -- flat front matter is read without libyaml, with the same result ----------------------------

FLAT_DOCUMENTS = [
    "title: Page 1\ndescription: Agreement, minister; no. It's 100% sure!\norder: 1\n",
    "\n\ntitle:   spaced out   \n  \ndraft: yes\nupdated: 2022-01-26\n",
    "a: ~\nb: null\nc: 0x1F\nd: 1_000\ne: .inf\nf: -.5\ng: 12:30\nh: on\ni: C# and a#b\nj: ünïcödé “q”\n",
    "a: [1, 2]\nb: []\nc: [ ]\nd: [ New York ,yes,~, 0x1F,  two  words ]\ne: [a'b, c\"d, x-y, -z, 1.5]\n",
]
NOT_FLAT_DOCUMENTS = [
    "a: b # a comment\n",
    "# a comment\na: b\n",
    "a: 'quoted'\n",
    "a: b: c\n",
    "a: b:\n",
    "a:\n",
    "a: [1, [2]]\n",
    "a: [b: c]\n",
    "a: [b:c]\n",
    "a: [x, ]\n",
    "a: [x,,y]\n",
    "a: ['q']\n",
    'a: ["q"]\n',
    "a: [1, 2] x\n",
    "a: [1, 2]]\n",
    "a: [1,\n  2]\n",
    "a: [x #y]\n",
    "a: [{b}]\n",
    "a: [*x]\n",
    "a: [&x y]\n",
    "a: [!!str 1]\n",
    "a: [-]\n",
    "a: [- x]\n",
    "a: [? x]\n",
    "a: [0,?0]\n",
    "a: [?]\n",
    "a: [x\ty]\n",
    "a: [=]\n",
    "a: &x 1\n",
    "a: *x\n",
    "a: !!str 1\n",
    "a: |\n  text\n",
    "a: one\n  two\n",
    "a: 1\na: 2\n",
    "yes: key\n",
    "null: key\n",
    "a: =\n",
    "a: b\tc\n",
    "a: non\u00a0breaking\n",
    "a: line\u2028separator\n",
    "- a\n",
    "a b: c\n",
]


@pytest.mark.parametrize("text", FLAT_DOCUMENTS + NOT_FLAT_DOCUMENTS)
def test_flat_front_matter_reads_as_pyyaml_reads_it(text: str) -> None:
    assert (yaml_flat._flat_mapping(text, 2) is not None) == (text in FLAT_DOCUMENTS)
    assert_read_as_pyyaml_reads_it(text, 3)


_KEYS = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,6}", fullmatch=True) | st.sampled_from(["on", "No", "NULL", "y"])
_VALUES = (
    st.text(st.sampled_from(list("abXYZ0159 .,:;#-_+'\"!&*~?%@`|>[]{}=\tüé“\u00a0")), min_size=1, max_size=14)
    | st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=8)
    | st.sampled_from(["yes", "Off", "~", "0o17", "0b101", "190:20:30", "1e3", ".NaN", "-.inf", "2022-02-30", "="])
    | st.sampled_from(["0", "00", "007", "10", "+5", "-5", "1_000", "0x1F", "12345678901234567890", "\u0664\u0662"])
    | st.sampled_from(["---", "- x", "? x", ": x", "-x", "?x", ":x"])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_KEYS, st.text(" ", max_size=2), _VALUES, st.booleans()), min_size=1, max_size=5))
def test_flat_path_equals_pyyaml_on_generated_front_matter(lines: list[tuple[str, str, str, bool]]) -> None:
    text = "".join(f"{key}:{space or ' '}{value}\n" + ("\n" if blank else "") for key, space, value, blank in lines)
    assert_read_as_pyyaml_reads_it(text, 2)


# -- record files written as lists of flat mappings are read without libyaml, alike ---------------

RECORD_DOCUMENTS = [
    "- id: a\n  name: A\n\n- id: b\n  name: B\n",
    "- id: event-1\n  date: 2022-01-26\n  actors: [actor-1, actor-2]\n  tags: []\n  order: 3\n  draft: no\n",
    "- id: x\n\n\n  later: after blank lines   \n- id: y\n",
]
NOT_RECORD_DOCUMENTS = [
    "- a\n- b\n",
    "- id: a\n  name: A # comment\n",
    "# comment\n- id: a\n",
    "- id: a\n  # comment\n",
    "  id: a\n- id: b\n",
    "- id: a\n   name: three spaces\n",
    "- id: a\n    name: four spaces\n",
    "-  id: a\n   name: A\n",
    "- id: a\n  name: long\n    text\n",
    "- id: a\n  name:\n    - nested\n",
    "- id: a\n  id: b\n",
    "- id: a\n  yes: key\n",
    "- id: a\n  b: 'quoted'\n",
    "- id: a\n  b: [1,\n    2]\n",
    "- id: a\n  b: {c: d}\n",
    "- id: a\n- - nested\n",
    "- id: a\n-\n",
    "---\n- id: a\n",
    "- id: a\n...\n",
    "- id: &x a\n- id: *x\n",
    "- id: a\n\tname: tab\n",
]


@pytest.mark.parametrize("text", RECORD_DOCUMENTS + NOT_RECORD_DOCUMENTS)
def test_flat_records_read_as_pyyaml_reads_them(text: str) -> None:
    assert (yaml_flat._flat_records(text, 2) is not None) == (text in RECORD_DOCUMENTS)
    assert_read_as_pyyaml_reads_it(text, 3)


_ITEMS = st.lists(
    st.text(st.sampled_from(list("ab019 .-_'\"!&*~?:#,[]{}\t")), min_size=0, max_size=6)
    | st.sampled_from(["yes", "~", "null", "0x1F", "1.5", "007", "-", "- x", "New York"]),
    max_size=4,
)
_RECORD_VALUES = (
    _VALUES
    | _ITEMS.map(lambda items: "[" + ",".join(items) + "]")
    | _ITEMS.map(lambda items: "[" + ", ".join(items) + "]")
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(_KEYS, st.text(" ", max_size=2), _RECORD_VALUES, st.booleans()), min_size=1, max_size=4),
        min_size=1,
        max_size=4,
    )
)
def test_flat_records_equal_pyyaml_on_generated_record_files(records: list[list[tuple[str, str, str, bool]]]) -> None:
    text = "".join(
        "".join(
            f"{'- ' if number == 0 else '  '}{key}:{space or ' '}{value}\n" + ("\n" if blank else "")
            for number, (key, space, value, blank) in enumerate(record)
        )
        for record in records
    )
    assert_read_as_pyyaml_reads_it(text, 2)


_PLAIN = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9 .,;!?'\"()%_-]{0,20}[A-Za-z0-9.!?)\"'])?", fullmatch=True)
_LIST_ITEM = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9 .;!?'\"()%_-]{0,12}[A-Za-z0-9.!?)\"'])?", fullmatch=True)
_SPECIAL = st.sampled_from(
    ["yes", "No", "~", "null", "0x1F", "1.5", "007", "0", "-3", "+5", ".inf", "1_000", "2022-02-30"]
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True).filter(
                    lambda key: yaml_flat._implicit_tag(key) == "tag:yaml.org,2002:str"  # not `no`, `null`...
                ),
                _PLAIN
                | _SPECIAL
                | st.lists(_LIST_ITEM | _SPECIAL, max_size=4).map(lambda items: f"[{', '.join(items)}]"),
            ),
            min_size=1,
            max_size=6,
            unique_by=lambda pair: pair[0],
        ),
        min_size=1,
        max_size=5,
    )
)
def test_record_files_of_plain_values_take_the_flat_path_and_read_alike(records: list[list[tuple[str, str]]]) -> None:
    text = "".join(
        "".join(f"{'  ' if n else '- '}{key}: {value}\n" for n, (key, value) in enumerate(r)) for r in records
    )
    assert yaml_flat._flat_records(text, 1) is not None
    assert assert_read_as_pyyaml_reads_it(text, 2) == []


def test_a_value_read_before_is_not_taken_as_a_list_item_where_it_reads_otherwise() -> None:
    text = "- id: a\n  note: ?x\n- id: b\n  tags: [?x]\n"
    assert parse_yaml(text, "f.yaml") == parse_generally(text)
    assert yaml_flat._flat_records(text, 0) is None


# -- the line-by-line readers resolve plain values as PyYAML does ---------------------------------


def test_the_copied_resolvers_are_pyyamls() -> None:
    """yaml_flat reads plain scalars with a copy of PyYAML's implicit resolvers: the same
    patterns, flags and order, by first character, as the general way's loader has them."""

    def spelled_out(resolvers: dict[object, list[tuple[str, object]]]) -> dict[object, list[tuple[str, str, int]]]:
        return {
            first: [(tag, pattern.pattern, pattern.flags) for tag, pattern in listed]  # type: ignore[attr-defined]
            for first, listed in resolvers.items()
            if listed
        }

    assert spelled_out(yaml_flat._RESOLVERS) == spelled_out(yaml_general.IMPLICIT_RESOLVERS)  # type: ignore[arg-type]
