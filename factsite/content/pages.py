"""Markdown pages: front matter read and validated, the text kept or left in its file."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from ..errors import Problem, Problems, SiteError
from .fields import ID_PATTERN, read_fields
from .files import read_text_and_status
from .model import Origin, Page, TextInFile
from .schema import PAGE_FIELDS
from .yaml_flat import Mapping

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
"""A page's front matter: its YAML (group 1) between `---` lines; the Markdown follows it."""

ParseYaml = Callable[[str, str, int], tuple[Any, list[Problem]]]
"""(text, file as shown, first line) -> (the parsed document, problems)."""


def read_page(path: str, parse: ParseYaml, problems: Problems, leave_text_in_file: bool = False) -> Page | None:
    """A page read from its file, or None with its problems added to `problems`.

    `leave_text_in_file`: keep only where the text is (see model.TextInFile), for a build whose
    forked workers would each copy the memory of the pages they render."""
    text, read_problems, status = read_text_and_status(path, path)
    problems.extend(read_problems)
    if text is None or status is None:
        return None
    match = FRONT_MATTER.match(text)
    if not match:
        if re.match(r"---[ \t]*(\n|\Z)", text):
            problems.add(path, 1, "front matter is not closed: end it with a '---' line", "front-matter")
        else:
            message = "page must start with front matter: a '---' line, 'title: ...', then '---'"
            problems.add(path, 1, message, "front-matter")
        return None
    values = _front_matter(path, match.group(1) or "", parse, problems)
    if values is None:
        return None
    name = os.path.basename(path)
    slug = values.pop("slug", None) or stem(name)
    if not ID_PATTERN.fullmatch(slug):
        message = f"file name {name!r} does not make a valid URL; rename it (lowercase, hyphens) or set 'slug'"
        problems.add(path, 1, message, "field-value")
        return None
    start = match.end()
    body_line = text.count("\n", 0, start) + 1
    if leave_text_in_file:
        body: str | TextInFile = TextInFile(path, start, status.st_size, status.st_mtime_ns, status.st_ino)
    else:
        body = text[start:]
    return Page(slug=slug, body=body, body_line=body_line, origin=Origin(path, 1), **values)


def _front_matter(path: str, yaml_text: str, parse: ParseYaml, problems: Problems) -> dict[str, Any] | None:
    meta, parse_problems = parse(yaml_text, path, 2)
    problems.extend(parse_problems)
    if parse_problems:
        return None
    if meta is None:
        problems.add(path, 1, "front matter is empty; it needs at least 'title: ...'", "front-matter")
        return None
    if not isinstance(meta, Mapping):
        problems.add(
            path, 2, "front matter must be a mapping of fields (title: ...), not a list or a value", "structure"
        )
        return None
    return read_fields(
        meta, PAGE_FIELDS, "front matter", lambda line, message, code: problems.add(path, line, message, code)
    )


def stem(name: str) -> str:
    """A file name without its suffix, as Path.stem gives it."""
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def page_body(page: Page) -> str:
    """A page's Markdown, read again from its file where loading left it there (TextInFile).

    Raises SiteError if the file has changed since it was loaded (its size, modification time or
    inode), so a build never mixes a page's new text with its old front matter."""
    body = page.body
    if isinstance(body, str):
        return body
    text, problems, status = read_text_and_status(body.path, page.origin.path)
    if text is None or status is None:
        raise SiteError(problems)
    if (status.st_size, status.st_mtime_ns, status.st_ino) != (body.size, body.modified_ns, body.inode):
        message = "file changed while the site was being built; build again"
        raise SiteError([Problem(page.origin.path, 1, message, "file-changed")])
    return text[body.start :]
