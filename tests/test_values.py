"""factsite.values: the value methods of our frozen dataclasses behave as dataclasses' own."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any

import pytest

import factsite
from factsite.values import value_methods


@value_methods
@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Ours:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)
    note: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class Theirs:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False, repr=False)
    note: str = field(default="", compare=False)


@value_methods
@dataclass(frozen=True, eq=False, repr=False)
class OneField:
    value: str


@dataclass(frozen=True)
class OneFieldTheirs:
    value: str


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "a"},
        {"name": "a", "count": 2, "tags": ("x", "y"), "lines": {"a": 1}, "note": "n"},
        {"name": 'it\'s "quoted"', "count": -1, "tags": ("é",)},
    ],
)
def test_equality_hashing_and_repr_are_dataclass_s_own(fields: dict[str, Any]) -> None:
    ours, theirs = Ours(**fields), Theirs(**fields)
    assert repr(ours) == repr(theirs).replace("Theirs(", "Ours(", 1)
    assert hash(ours) == hash(theirs)
    assert ours == Ours(**fields)
    assert ours == dataclasses.replace(ours, lines={"other": 2}, note="not compared")
    assert hash(ours) == hash(dataclasses.replace(ours, lines={"other": 2}, note="not compared"))
    assert ours != dataclasses.replace(ours, count=ours.count + 1)
    assert ours != theirs  # another class: never equal, as dataclasses
    assert (ours == theirs) is False and ours.__eq__(theirs) is NotImplemented
    with pytest.raises(dataclasses.FrozenInstanceError):
        ours.name = "b"  # type: ignore[misc]


def test_a_class_of_one_field_is_hashed_by_a_tuple_of_it_as_dataclasses_do() -> None:
    assert hash(OneField("x")) == hash(OneFieldTheirs("x")) == hash(("x",))
    assert repr(OneField("x")) == "OneField(value='x')"
    assert {OneField("x"), OneField("x")} == {OneField("x")}


def test_a_class_made_with_dataclass_s_own_methods_is_refused() -> None:
    with pytest.raises(AssertionError, match="eq=False, repr=False"):
        value_methods(Theirs)


def test_every_frozen_dataclass_of_factsite_compares_and_shows_its_values() -> None:
    """Whichever way its methods were made: no frozen class is left comparing by identity."""
    checked = 0
    for module_info in pkgutil.iter_modules(factsite.__path__):
        module = importlib.import_module(f"factsite.{module_info.name}")
        for value in vars(module).values():
            ours = isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__
            if ours and value.__dataclass_params__.frozen:  # type: ignore[attr-defined]
                assert value.__eq__ is not object.__eq__, value
                assert value.__repr__ is not object.__repr__, value
                assert value.__hash__ is not object.__hash__, value
                checked += 1
    assert checked > 30
