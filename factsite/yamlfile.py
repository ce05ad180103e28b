"""Read text and YAML safely, keeping the line of every mapping and key for error messages.

PyYAML raises more than YAMLError (ValueError for bad timestamps, RecursionError for deep
nesting, UnicodeDecodeError for bad bytes), and expands aliases into shared objects, which an
alias bomb turns into exponential work. This module turns all of that into `Problem`s.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
"""Content files larger than this are refused (documented in docs/content.md)."""
MAX_DEPTH = 40
"""Deeper YAML nesting than this is refused; real content needs three or four levels."""

_BaseLoader: type[yaml.SafeLoader]
try:
    _BaseLoader = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _BaseLoader = yaml.SafeLoader


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers where it and each of its keys were written."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _ContentLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as text (we validate them ourselves) and records lines."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }

    line_offset = 0
    """Added to every recorded line: front matter starts below the file's first line."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Locate the values PyYAML rejects with plain exceptions (an explicit !!timestamp that
        is not a date, an !!int that is not a number...)."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as error:
            raise _BadValue(str(error), node.start_mark.line + 1 + self.line_offset) from None

    def construct_mapping_with_lines(self, node: yaml.MappingNode) -> Mapping:
        mapping = Mapping()
        mapping.line = node.start_mark.line + 1 + self.line_offset
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            line = key_node.start_mark.line + 1 + self.line_offset
            if key in mapping.key_lines:
                raise _DuplicateKey(key, line)
            mapping.key_lines[key] = line
            mapping[key] = self.construct_object(value_node, deep=True)
        return mapping


_ContentLoader.add_constructor(
    "tag:yaml.org,2002:map",
    _ContentLoader.construct_mapping_with_lines,
)


class _BadValue(Exception):
    def __init__(self, message: str, line: int) -> None:
        self.message, self.line = message, line


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int) -> None:
        self.key, self.line = key, line


def read_text(path: Path | str, shown_as: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 file (a BOM is allowed, CRLF becomes LF), or say why it cannot be read."""
    text, problems, _ = read_text_and_status(path, shown_as)
    return text, problems


def read_text_and_status(path: Path | str, shown_as: str) -> tuple[str | None, list[Problem], os.stat_result | None]:
    """read_text, and the file's status as it was read (size, modification time, inode...).

    Plain os calls: a big archive reads ten thousand pages. Anything but a regular file (a pipe
    would block the build forever) is refused."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError as error:
        return None, [Problem(shown_as, 1, f"cannot read file: {error.strerror}")], None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return None, [Problem(shown_as, 1, "cannot read file: it is not a regular file")], None
        data = b""
        while len(data) <= MAX_FILE_BYTES and status.st_size <= MAX_FILE_BYTES:
            wanted = max(status.st_size + 1 - len(data), 65536)
            block = os.read(descriptor, wanted)
            data += block
            if len(block) < wanted:  # a regular file reads short only at its end: no read for b""
                break
        if max(len(data), status.st_size) > MAX_FILE_BYTES:  # too big, or grew that big while read
            limit = MAX_FILE_BYTES // (1024 * 1024)
            return None, [Problem(shown_as, 1, f"file is larger than {limit} MiB; split it up")], None
    except OSError as error:
        return None, [Problem(shown_as, 1, f"cannot read file: {error.strerror}")], None
    finally:
        os.close(descriptor)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [Problem(shown_as, line, "file is not valid UTF-8 text; save it as UTF-8")], None
    return (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text), [], status


def parse_yaml(text: str, shown_as: str, first_line: int = 1) -> tuple[Any, list[Problem]]:
    """Parse one YAML document; lines in marks and problems count from `first_line`."""
    offset = first_line - 1
    flat: Any = _flat_records(text, offset) if text.startswith("- ") else _flat_mapping(text, offset)
    if flat is not None:
        return flat, []
    loader = _ContentLoader(text)
    loader.line_offset = offset
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        try:
            return _Construction(loader, offset, aliases_possible="*" in text).value(node, 1), []
        except _Unusual:
            pass
        except (_GraphProblem, _BadValue, _DuplicateKey, yaml.YAMLError):
            # An alias or deep nesting anywhere is reported before any other problem, found the
            # same way whatever else is wrong.
            problem = _check_node_graph(node, shown_as, offset)
            if problem:
                return None, [problem]
            raise
        problem = _check_node_graph(node, shown_as, offset)
        if problem:
            return None, [problem]
        return loader.construct_document(node), []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        what = error.problem or error.context or "invalid YAML"
        return None, [Problem(shown_as, line, f"invalid YAML: {what}")]
    except yaml.YAMLError as error:
        return None, [Problem(shown_as, first_line, f"invalid YAML: {error}")]
    except _BadValue as error:
        return None, [Problem(shown_as, error.line, f"invalid YAML value: {error.message}")]
    except _DuplicateKey as error:
        return None, [Problem(shown_as, error.line, f"key '{error.key}' appears twice")]
    except RecursionError:
        return None, [Problem(shown_as, first_line, f"YAML is nested too deeply (limit {MAX_DEPTH})")]
    finally:
        loader.dispose()


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_INT = "tag:yaml.org,2002:int"

_FLAT_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):  *([^ ](?:.*[^ ])?) *")
"""`key: value` on one line, spaces around the value dropped (as YAML drops them)."""
_RECORD_LINE = re.compile(r"(- |  )([A-Za-z][A-Za-z0-9_-]*):  *([^ ](?:.*[^ ])?) *")
"""A record's first `key: value` (after `- `) or a further one (indented two spaces)."""
_NOT_PLAIN_START = frozenset(",[]{}#&*!|>'\"%@`")
"""A value starting with one of these is YAML syntax (or may be), not plain text; so is one
starting with '-', '?' or ':' and a space."""
_LIST_SYNTAX = re.compile(r"[][{}#:]")
"""Characters in a `[a, b]` list (besides commas) that may change how YAML reads it."""
_FLAT_TAGS = frozenset({_STR, _INT, "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"})
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_NOT_FLAT = object()
"""What `_plain_scalar` and `_flat_list` return for a value they leave to the general way."""


def _flat_mapping(text: str, offset: int) -> Mapping | None:
    """A mapping of `key: plain value` lines (or `key: [a, b]`), which is what front matter
    nearly always is, built without libyaml's events and nodes (five times faster; 10,000 pages
    have 10,000 front matters). Anything else, even a comment, returns None and takes the general
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
        parsed = _flat_list(value) if value[0] == "[" else _plain_scalar(value)
        if parsed is _NOT_FLAT:
            return None
        if not key_lines:
            mapping.line = index + 1 + offset
        key_lines[key] = index + 1 + offset
        mapping[key] = parsed
    return mapping if key_lines else None


def _flat_records(text: str, offset: int) -> list[Mapping] | None:
    """A list of records written as most record files are: each a `- key: value` line and then
    `  key: value` lines, values as in `_flat_mapping`. Read line by line, ten times faster than
    libyaml's events and nodes (records are most of a big site's YAML: 3 MB at 10,000 pages took
    2 s); anything else returns None and takes the general way."""
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


def _flat_list(value: str, scalars: dict[str, Any] | None = None) -> Any:
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
        parsed = scalars.get(item, _NOT_FLAT) if scalars is not None else _NOT_FLAT
        if parsed is _NOT_FLAT:
            parsed = _plain_scalar(item)
            if parsed is _NOT_FLAT:
                return _NOT_FLAT
            if scalars is not None and len(item) <= _REMEMBERED_LENGTH:
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
    return _ContentLoader.yaml_constructors[tag](_SCALAR_CONSTRUCTOR, yaml.ScalarNode(tag, value))


def _key_tag(key: str) -> str:
    tag = _KEY_TAGS.get(key)
    if tag is None:
        tag = _KEY_TAGS[key] = _implicit_tag(key)
    return tag


_KEY_TAGS: dict[str, str] = {}
"""The tag of each key met (front matters use the same few keys)."""
_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
"""PyYAML's implicit resolvers that may apply to a scalar, by its first character."""


def _implicit_tag(value: str) -> str:
    """The tag YAML gives a plain scalar (yaml.resolver.BaseResolver.resolve, for plain text)."""
    resolvers = _RESOLVERS.get(value[0])
    if resolvers is None:
        every = _ContentLoader.yaml_implicit_resolvers
        resolvers = _RESOLVERS[value[0]] = every.get(value[0], []) + every.get(None, [])
    for tag, pattern in resolvers:
        if pattern.match(value):
            return tag
    return _STR


class _GraphProblem(Exception):
    """An alias or nesting beyond MAX_DEPTH: `_check_node_graph` words it."""


class _Unusual(Exception):
    """A collection with another tag (!!set, !!omap...): PyYAML's own constructor builds the file."""


class _Construction:
    """Builds Python values from a composed node graph in one walk, refusing aliases and deep
    nesting on the way. Strings, lists and mappings (nearly everything content holds) are built
    here directly; any other value goes through PyYAML's constructor, which is several times
    slower per node but knows every tag."""

    def __init__(self, loader: _ContentLoader, offset: int, aliases_possible: bool) -> None:
        self.loader = loader
        self.offset = offset + 1
        self.seen: set[int] | None = set() if aliases_possible else None
        """Ids of the nodes built so far: an alias is a node met twice (only a '*' makes one)."""

    def value(self, node: yaml.Node, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise _GraphProblem
        if self.seen is not None:
            if id(node) in self.seen:
                raise _GraphProblem
            self.seen.add(id(node))
        tag = node.tag
        if tag == _STR and isinstance(node, yaml.ScalarNode):
            return node.value
        if tag == _MAP and isinstance(node, yaml.MappingNode):
            return self.mapping(node, depth)
        if tag == _SEQ and isinstance(node, yaml.SequenceNode):
            return [self.value(child, depth + 1) for child in node.value]
        if not isinstance(node, yaml.ScalarNode):
            raise _Unusual
        return self.loader.construct_object(node, deep=True)

    def mapping(self, node: yaml.MappingNode, depth: int) -> Mapping:
        mapping = Mapping()
        mapping.line = node.start_mark.line + self.offset
        mapping.key_lines = key_lines = {}
        for key_node, value_node in node.value:
            key = self.value(key_node, depth + 1)
            if not isinstance(key, str):
                key = str(key)
            line = key_node.start_mark.line + self.offset
            if key in key_lines:
                raise _DuplicateKey(key, line)
            key_lines[key] = line
            mapping[key] = self.value(value_node, depth + 1)
        return mapping


def _check_node_graph(root: yaml.Node, shown_as: str, offset: int) -> Problem | None:
    """Refuse aliases (the alias-bomb vector) and deep nesting before constructing anything."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        line = node.start_mark.line + 1 + offset
        if id(node) in seen:
            return Problem(shown_as, line, "YAML anchors and aliases (& and *) are not supported")
        seen.add(id(node))
        if depth > MAX_DEPTH:
            return Problem(shown_as, line, f"YAML is nested too deeply (limit {MAX_DEPTH})")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
    return None
