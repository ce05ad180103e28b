"""The README stays true: its commands are the ones CI runs, the pinned versions fit the ranges
pyproject.toml declares, and it stays short enough to read."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def shell_blocks_after(heading: str) -> list[str]:
    section = README.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)```", section, re.DOTALL)


def pinned() -> dict[str, str]:
    lines = (REPO / "constraints.txt").read_text().splitlines()
    pins = [line.split("==") for line in lines if line and not line.startswith("#")]
    return {name.lower().replace("_", "-"): version for name, version in pins}


def test_the_set_up_and_test_commands_are_the_ones_ci_runs() -> None:
    (set_up,) = shell_blocks_after("Set up and build (one command)")
    (test,) = shell_blocks_after("Run the tests (second command)")
    ci = (REPO / ".ci" / "run").read_text()
    install = '.venv/bin/python -m pip install -c constraints.txt -e ".[test]"'
    assert set_up.strip() == f"python3 -m venv .venv && {install} && .venv/bin/python build.py"
    assert install.replace("install -c", "install -q -c") in ci
    assert test.strip() == ".venv/bin/python -m pytest"
    assert "\n.venv/bin/python -m pytest\n" in ci


def test_every_dependency_is_pinned_within_its_declared_range() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = [
        *project["dependencies"],
        *(r for extra in project["optional-dependencies"].values() for r in extra),
    ]
    pins = pinned()
    for text in requirements:
        requirement = Requirement(text)
        name = requirement.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {requirement.specifier}"
        if not text.startswith("ruff=="):  # (the linter is pinned exactly: its rules change between releases)
            assert "<" in str(requirement.specifier), f"{name} has no upper bound"


def test_the_readme_stays_short_and_its_performance_section_shorter() -> None:
    assert README.count("\n") < 250
    performance = README.split("## Performance", 1)[1].split("\n## ", 1)[0]
    assert performance.count("\n") < 50
    assert "docs/performance.md" in performance
