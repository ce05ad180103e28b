"""`new KIND ID`: a page, or a record at the end of its file, with every field to fill in.

A record's required facts are left empty, so `check` lists them until they are written (nothing
half-made can be published); its other fields are there as comments to fill in or delete. A new
page is a draft, published once `draft: true` goes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..content.fields import ID_PATTERN, Field
from ..content.files import read_text
from ..content.pages import FRONT_MATTER, stem
from ..content.schema import RECORD_FILES
from ..content.yaml_flat import Mapping, parse_yaml
from ..errors import UsageError
from .json_schemas import modeline

FILE_OF_KIND = {what: name for name, (_, what, _) in RECORD_FILES.items()}
"""Record kind ('actor') -> its file's name without .yaml ('actors')."""


def add_skeleton(content_dir: Path, kind: str, record_id: str) -> tuple[Path, int]:
    """Add a page or a record; returns the file and the line where it starts."""
    if not ID_PATTERN.fullmatch(record_id):
        raise UsageError(f"{record_id!r} is not a valid id: use lowercase letters, digits and single hyphens")
    if not content_dir.is_dir():
        raise UsageError(f"{content_dir} is not a folder; give the content folder with --content")
    if kind == "page":
        return _add_page(content_dir / "pages", record_id), 1
    return _add_record(content_dir / f"{FILE_OF_KIND[kind]}.yaml", kind, record_id)


def _add_page(pages_dir: Path, slug: str) -> Path:
    path = pages_dir / f"{slug}.md"
    if path.exists() or slug in _page_slugs(pages_dir):
        raise UsageError(f"a page with the slug {slug!r} exists already in {pages_dir}; nothing was written")
    title = slug.replace("-", " ").capitalize()
    text = (
        "---\n"
        f"title: {title}\n"
        "description:  # one sentence: the lede, and the description for search engines\n"
        "draft: true  # delete this line to publish the page\n"
        "---\n\n"
        "Write the page here, in Markdown.\n"
    )
    pages_dir.mkdir(exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # (never replaces a file made meanwhile)
        file.write(text)
    return path


def _page_slugs(pages_dir: Path) -> set[str]:
    """The slug of every page, as its front matter or its file's name gives it."""
    slugs = set()
    for path in pages_dir.rglob("*.md") if pages_dir.is_dir() else ():
        slugs.add(stem(path.name))
        text, _ = read_text(path, str(path))
        front_matter = FRONT_MATTER.match(text or "")
        if front_matter:
            meta, _ = parse_yaml(front_matter.group(1) or "", str(path), 2)
            if isinstance(meta, Mapping) and isinstance(meta.get("slug"), str):
                slugs.add(meta["slug"])
    return slugs


def _add_record(path: Path, kind: str, record_id: str) -> tuple[Path, int]:
    fields, what, _ = RECORD_FILES[FILE_OF_KIND[kind]]
    existing = ""
    if path.exists():
        text, problems = read_text(path, str(path))
        if text is None:
            raise UsageError(f"cannot add to {path}: {problems[0].message}")
        if record_id in _ids_in(text, path):
            raise UsageError(f"{path} already has a {what} with the id {record_id!r}; nothing was written")
        existing = text
    else:
        existing = modeline(path.name)
    separator = "" if not existing or existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    start_line = (existing + separator).count("\n") + 1
    with path.open("a", encoding="utf-8") as file:  # appended: every byte before stays as it was
        if not path.stat().st_size:
            file.write(existing)
        file.write(separator + record_skeleton(fields, record_id))
    return path, start_line


def _ids_in(text: str, path: Path) -> set[str]:
    data, problems = parse_yaml(text, str(path))
    if problems:
        raise UsageError(f"{path} does not parse ({problems[0]}); fix it first, then add to it")
    records: list[Any] = data if isinstance(data, list) else []
    return {record["id"] for record in records if isinstance(record, Mapping) and isinstance(record.get("id"), str)}


def record_skeleton(fields: dict[str, Field], record_id: str) -> str:
    """A record as YAML: the id, the other required fields empty, the optional ones commented out,
    each with what it is for."""
    lines = [f"- id: {record_id}"]
    for name, field in fields.items():
        if name == "id":
            continue
        about = field.description
        if "enum" in field.type.schema:
            about += f" One of: {', '.join(field.type.schema['enum'])}."
        lines.append(f"  {name}:  # required: {about}" if field.required else f"  # {name}:  ({about})")
    return "\n".join(lines) + "\n"
