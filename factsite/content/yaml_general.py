"""The general way to read YAML: PyYAML (with libyaml where installed), for every document the
line-by-line readers of yaml_flat leave (comments, quotes, nesting, block text...). Imported only
then: most content never needs it.

PyYAML raises more than YAMLError (ValueError for bad timestamps, RecursionError for deep
nesting), and expands aliases into shared objects, which an alias bomb turns into exponential
work. This module turns all of that into `Problem`s.
"""

from __future__ import annotations

from typing import Any

import yaml

from ..errors import Problem
from .yaml_flat import MAX_DEPTH, Mapping

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"

_BaseLoader: type[yaml.SafeLoader]
try:
    _BaseLoader = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _BaseLoader = yaml.SafeLoader


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


def parse_general(text: str, shown_as: str, first_line: int) -> tuple[Any, list[Problem]]:
    """Parse one YAML document with PyYAML; lines in marks and problems count from `first_line`."""
    offset = first_line - 1
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
        return None, [Problem(shown_as, line, f"invalid YAML: {what}", "yaml-syntax")]
    except yaml.YAMLError as error:
        return None, [Problem(shown_as, first_line, f"invalid YAML: {error}", "yaml-syntax")]
    except _BadValue as error:
        return None, [Problem(shown_as, error.line, f"invalid YAML value: {error.message}", "yaml-syntax")]
    except _DuplicateKey as error:
        return None, [Problem(shown_as, error.line, f"key '{error.key}' appears twice", "yaml-duplicate-key")]
    except RecursionError:
        return None, [
            Problem(shown_as, first_line, f"YAML is nested too deeply (limit {MAX_DEPTH})", "yaml-unsupported")
        ]
    finally:
        loader.dispose()


def construct_scalar(tag: str, value: str) -> Any:
    """A plain scalar's value as PyYAML constructs it for its (implicit) tag."""
    return _ContentLoader.yaml_constructors[tag](_SCALAR_CONSTRUCTOR, yaml.ScalarNode(tag, value))


_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()
IMPLICIT_RESOLVERS = _ContentLoader.yaml_implicit_resolvers
"""PyYAML's implicit resolvers, as our loader has them (yaml_flat keeps a copy: a test compares
the two)."""


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
            return Problem(shown_as, line, "YAML anchors and aliases (& and *) are not supported", "yaml-unsupported")
        seen.add(id(node))
        if depth > MAX_DEPTH:
            return Problem(shown_as, line, f"YAML is nested too deeply (limit {MAX_DEPTH})", "yaml-unsupported")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
    return None
