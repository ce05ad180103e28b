"""The README stays true: its commands are the ones CI runs, the pinned versions fit the ranges
pyproject.toml declares, and it stays short enough to read."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

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


def test_the_authors_guide_commands_run_as_shown(tmp_path: Path) -> None:
    """docs/writing.md's commands, in order, in a clone's folder (templates and static beside the
    new content); a command noted '# exits N' must exit so, the rest cleanly. `serve` runs until
    stopped: the preview has its own tests."""
    guide = (REPO / "docs" / "writing.md").read_text(encoding="utf-8")
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    shutil.copytree(REPO / "static", tmp_path / "static")
    commands = [line for block in re.findall(r"```sh\n(.*?)```", guide, re.DOTALL) for line in block.splitlines()]
    assert len(commands) >= 6
    for line in commands:
        command, _, comment = line.partition("#")
        argv = shlex.split(command)
        assert argv[:2] == ["python", "build.py"], line
        if argv[2] == "serve":
            continue
        expected = int(comment.split("exits ")[1].split(":")[0]) if "exits " in comment else 0
        result = subprocess.run([sys.executable, str(REPO / "build.py"), *argv[2:]], cwd=tmp_path, capture_output=True)
        assert result.returncode == expected, (line, result.stderr.decode())
        if argv[2] == "check" and expected:  # the author fills in what it listed, as the guide says
            actors = tmp_path / "my-explainer" / "actors.yaml"
            text = actors.read_text().replace("  name:  #", "  name: Vladimir Putin  #")
            actors.write_text(text.replace("  kind:  #", "  kind: person  #"))
    (tmp_path / "my-explainer" / "pages" / "example.md").write_text(
        "---\ntitle: Example\n---\n" + guide.split("```markdown\n", 1)[1].split("```", 1)[0]
    )
    check = [sys.executable, str(REPO / "build.py"), "check", "--content", "my-explainer", "--drafts"]
    result = subprocess.run(check, cwd=tmp_path, capture_output=True, text=True)
    assert "example.md" not in result.stderr  # the guide's Markdown example is valid


def test_the_template_reference_lists_what_the_build_gives_each_template() -> None:
    """docs/templates.md against the plan of the bundled site: every template file, every
    template's own variables (in its row), those every page gets, and every function."""
    import jinja2

    from factsite.content.load import load_site
    from factsite.plan.pages import plan_site
    from factsite.plan.urls import Urls
    from factsite.publish.assets import collect_assets
    from factsite.render.cards import Cards
    from factsite.render.renderer import make_environment

    guide = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    rows = {line.split("`")[1]: line for line in guide.splitlines() if line.startswith("| `")}
    for template in (REPO / "templates").glob("*.html"):
        assert f"`{template.name}`" in guide, template.name
    site = load_site(REPO / "content")
    urls = Urls(site.config.base_url)
    assets, _ = collect_assets(REPO / "static")
    plan = plan_site(site, urls, assets.output_path_of, search=True)
    every_page = set.intersection(*(set(job.variables) for job in plan.jobs)) | set(plan.shared)
    for name in every_page:
        assert name in rows, f"{name} is not in the table of variables every page gets"
    for job in plan.jobs:
        for name in set(job.variables) - every_page:
            assert f"`{name}`" in rows[job.template], f"{job.template}'s {name} is not in its row"
    env = make_environment(REPO / "templates", urls, {})
    Cards().start(env, plan.views)
    functions = set(env.globals)
    ours = functions - set(jinja2.Environment().globals)
    assert ours == {"url", "absolute_url", "asset", "event_card", "quote_card"}
    for name in ours:
        assert f"| `{name}(" in guide, name
