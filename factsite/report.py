"""Problems written for people (`path:line: message`), for programs (JSON) and for GitHub Actions
(annotations on the commit and pull request)."""

from __future__ import annotations

import json

from .errors import Problem

FORMATS = ("text", "json", "github")


SAME_SHOWN = 3
"""How many times a problem a template makes on every page of the output is shown."""


def text_lines(problems: list[Problem], notes: list[Problem], output_dir: str = "") -> list[str]:
    """One line per problem, then one per note. A problem found in the output's pages (made by a
    template: the same message on each page that uses it) is shown SAME_SHOWN times, then counted,
    so a mistake in base.html is not ten thousand lines."""
    lines: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for problem in problems:
        if output_dir and problem.path.startswith(output_dir + "/"):
            key = (problem.code, problem.message)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > SAME_SHOWN:
                continue
        lines.append(str(problem))
    for (_, message), count in seen.items():
        if count > SAME_SHOWN:
            more = count - SAME_SHOWN
            lines.append(f"{output_dir}/: note: and {more} more page{'s' if more > 1 else ''} with: {message}")
    return lines + [f"{note.path}:{note.line}: note: {note.message}" for note in notes]


def json_report(problems: list[Problem], notes: list[Problem]) -> str:
    """A JSON list of {file, line, message, code, severity}: problems ('error') first, then notes."""
    entries = [_entry(problem, "error") for problem in problems] + [_entry(note, "note") for note in notes]
    return json.dumps(entries, ensure_ascii=False, indent=1)


def _entry(problem: Problem, severity: str) -> dict[str, object]:
    return {
        "file": problem.path,
        "line": problem.line,
        "message": problem.message,
        "code": problem.code,
        "severity": severity,
    }


def github_lines(problems: list[Problem], notes: list[Problem]) -> list[str]:
    """GitHub Actions workflow commands: `::error` for each problem, `::notice` for each note."""
    return [_command("error", problem) for problem in problems] + [_command("notice", note) for note in notes]


def _command(kind: str, problem: Problem) -> str:
    properties = f"file={_property(problem.path)},line={problem.line},title={_property(problem.code)}"
    return f"::{kind} {properties}::{_data(problem.message)}"


def _data(text: str) -> str:
    """A command's message, escaped as GitHub's runner unescapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
