"""Parse YAML, keeping the line of every mapping and key for error messages.

Nearly all content is front matter of `key: value` lines and record files of such records. Those
are read here line by line, by YAML's rules for plain scalars (PyYAML's resolvers, copied; a test
keeps the copy true): several times faster than PyYAML, and most builds never import it. Every
other document goes to yaml_general (PyYAML).
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Problem

MAX_DEPTH = 40
"""Deeper YAML nesting than this is refused; real content needs three or four levels."""


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers where it and each of its keys were written."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def parse_yaml(text: str, shown_as: str, first_line: int = 1) -> tuple[Any, list[Problem]]:
    """Parse one YAML document; lines in marks and problems count from `first_line`."""
    offset = first_line - 1
    flat: Any = _flat_records(text, offset) if text.startswith("- ") else _flat_mapping(text, offset)
    if flat is not None:
        return flat, []
    from .yaml_general import parse_general

    return parse_general(text, shown_as, first_line)


_STR = "tag:yaml.org,2002:str"
_INT, _BOOL, _NULL = "tag:yaml.org,2002:int", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"
_BOOLEANS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}

_FLAT_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):  *([^ ](?:.*[^ ])?) *")
"""`key: value` on one line, spaces around the value dropped (as YAML drops them)."""
_RECORD_LINE = re.compile(r"(- |  )([A-Za-z][A-Za-z0-9_-]*):  *([^ ](?:.*[^ ])?) *")
"""A record's first `key: value` (after `- `) or a further one (indented two spaces)."""
_NOT_PLAIN_START = frozenset(",[]{}#&*!|>'\"%@`")
"""A value starting with one of these is YAML syntax (or may be), not plain text; so is one
starting with '-', '?' or ':' and a space."""
_LIST_SYNTAX = re.compile(r"[][{}#:]")
"""Characters in a `[a, b]` list (besides commas) that may change how YAML reads it."""
_FLAT_TAGS = frozenset({_STR, _INT, "tag:yaml.org,2002:float", _BOOL, _NULL})
_NOT_FLAT = object()
"""What `_plain_scalar` and `_flat_list` return for a value they leave to the general way."""


def _flat_mapping(text: str, offset: int) -> Mapping | None:
    """A mapping of `key: plain value` lines (or `key: [a, b]`), which is what front matter
    nearly always is, built without PyYAML's events and nodes (several times faster; a big site
    has thousands of front matters). Anything else, even a comment, returns None and takes the general
    way. Values are resolved and constructed by PyYAML's own rules, so they are exactly what that
    way gives."""
    if len(text) > 4096:
        return None
    mapping = Mapping()
    key_lines: dict[str, int] = {}
    mapping.key_lines = key_lines
    for index, line in enumerate(text.split("\n")):
        if not line.strip(" "):
            continue
        match = _FLAT_LINE.fullmatch(line)
        if match is None:
            return None
        key, value = match.groups()
        if key in key_lines or _key_tag(key) != _STR:
            return None
        parsed = _flat_list(value, {}) if value[0] == "[" else _plain_scalar(value)
        if parsed is _NOT_FLAT:
            return None
        if not key_lines:
            mapping.line = index + 1 + offset
        key_lines[key] = index + 1 + offset
        mapping[key] = parsed
    return mapping if key_lines else None


def _flat_records(text: str, offset: int) -> list[Mapping] | None:
    """A list of records written as most record files are: each a `- key: value` line and then
    `  key: value` lines, values as in `_flat_mapping`. Read line by line, several times faster
    than PyYAML's events and nodes (records are most of a big site's YAML); anything else returns
    None and takes the general way."""
    records: list[Mapping] = []
    key_lines: dict[str, int] = {}
    mapping: Mapping | None = None
    scalars: dict[str, Any] = {}
    """Short values (and list items) met so far, read: ids and the like recur from record to
    record. (A list item is never read from a value that reads otherwise: the ones that would,
    such as `?x`, are refused before.)"""
    for index, line in enumerate(text.split("\n")):
        match = _RECORD_LINE.fullmatch(line)
        if match is None:
            if line.strip(" "):
                return None
            continue
        start, key, value = match.groups()
        if start == "- ":
            mapping = Mapping()
            mapping.line = index + 1 + offset
            mapping.key_lines = key_lines = {}
            records.append(mapping)
        elif mapping is None:
            return None
        if key in key_lines or (_KEY_TAGS.get(key) or _key_tag(key)) != _STR:
            return None
        parsed = scalars.get(value, _NOT_FLAT)
        if parsed is _NOT_FLAT:
            parsed = _flat_list(value, scalars) if value[0] == "[" else _plain_scalar(value)
            if parsed is _NOT_FLAT:
                return None
            if len(value) <= _REMEMBERED_LENGTH:
                scalars[value] = parsed
        elif parsed.__class__ is list:
            parsed = parsed.copy()  # each record its own list
        key_lines[key] = index + 1 + offset
        mapping[key] = parsed
    return records or None


_REMEMBERED_LENGTH = 40


def _flat_list(value: str, scalars: dict[str, Any]) -> Any:
    """A `[a, b]` list of plain scalars as YAML reads it, or _NOT_FLAT for any other value that
    starts with `[`. `scalars`: items read before, by their text."""
    if value[-1] != "]" or _LIST_SYNTAX.search(value, 1, len(value) - 1):
        return _NOT_FLAT
    inner = value[1:-1]
    if not inner.strip(" "):
        return []
    items = []
    for item in inner.split(","):
        item = item.strip(" ")
        if not item or item[0] == "?":  # (`?` opens a key there)
            return _NOT_FLAT
        parsed = scalars.get(item, _NOT_FLAT)
        if parsed is _NOT_FLAT:
            parsed = _plain_scalar(item)
            if parsed is _NOT_FLAT:
                return _NOT_FLAT
            if len(item) <= _REMEMBERED_LENGTH:
                scalars[item] = parsed
        items.append(parsed)
    return items


def _plain_scalar(value: str) -> Any:
    """A plain scalar as YAML reads it, or _NOT_FLAT where it may be more (quotes, comments,
    anchors, tags...) or something other than text, a number, a boolean or null."""
    if (
        value[0] in _NOT_PLAIN_START
        or (value[0] in "-?:" and value[1:2] in ("", " "))
        or ": " in value
        or " #" in value
        or value.endswith(":")
        or not value.isprintable()
    ):
        return _NOT_FLAT
    tag = _implicit_tag(value)
    if tag == _STR:
        return value
    if tag == _INT and value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1):
        return int(value)  # what PyYAML makes of a plain decimal (0... is octal there)
    if tag not in _FLAT_TAGS:
        return _NOT_FLAT
    if tag == _BOOL:
        return _BOOLEANS[value.lower()]  # (SafeConstructor.construct_yaml_bool)
    if tag == _NULL:
        return None
    from .yaml_general import construct_scalar  # a float, or an int written otherwise

    return construct_scalar(tag, value)


def _key_tag(key: str) -> str:
    tag = _KEY_TAGS.get(key)
    if tag is None:
        tag = _KEY_TAGS[key] = _implicit_tag(key)
    return tag


_KEY_TAGS: dict[str, str] = {}
"""The tag of each key met (front matters use the same few keys)."""
_BOOL_TEXT = re.compile(
    r"""^(?:yes|Yes|YES|no|No|NO
                    |true|True|TRUE|false|False|FALSE
                    |on|On|ON|off|Off|OFF)$""",
    re.X,
)
_FLOAT_TEXT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT_TEXT = re.compile(
    r"""^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+
                    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$""",
    re.X,
)
_NULL_TEXT = re.compile(
    r"""^(?: ~
                    |null|Null|NULL
                    | )$""",
    re.X,
)
_RESOLVERS: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}
"""PyYAML's implicit resolvers (yaml.resolver.Resolver's, in its order) by the first character of
the scalars they apply to, without the timestamp one (dates are kept as text and checked by us)."""
for _tag, _pattern, _firsts in [
    (_BOOL, _BOOL_TEXT, "yYnNtTfFoO"),
    ("tag:yaml.org,2002:float", _FLOAT_TEXT, "-+0123456789."),
    (_INT, _INT_TEXT, "-+0123456789"),
    ("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), "<"),
    (_NULL, _NULL_TEXT, ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:value", re.compile(r"^(?:=)$"), "="),
    ("tag:yaml.org,2002:yaml", re.compile(r"^(?:!|&|\*)$"), "!&*"),
]:
    for _first in _firsts:
        _RESOLVERS.setdefault(_first, []).append((_tag, _pattern))


def _implicit_tag(value: str) -> str:
    """The tag YAML gives a plain scalar (yaml.resolver.BaseResolver.resolve, for plain text: no
    resolver applies to any first character, so only the first one's are tried)."""
    for tag, pattern in _RESOLVERS.get(value[0], ()):
        if pattern.match(value):
            return tag
    return _STR
