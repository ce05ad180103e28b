"""JSON Schemas of the content files, made from the field declarations the loader reads them with,
so that an editor with the YAML language server completes and checks fields as authors type.
References between files are beyond a schema: `check` remains the authority."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..content.fields import Field, record_schema
from ..content.schema import PAGE_FIELDS, RECORD_FILES, SITE_FIELDS
from ..errors import UsageError

MADE_HERE = "Made by `python build.py schema` from factsite's field declarations; made again as they change."
DIALECT = "http://json-schema.org/draft-07/schema#"
"""Draft 7: the one editors' YAML support handles best; our schemas need nothing later."""
FOLDER = ".schemas"
"""Where `init` puts them, inside the content folder (the loader reads nothing there)."""


def content_schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for site.yaml, each record file, and a page's front matter."""
    schemas = {"site.schema.json": _document("site.yaml: the settings every page shares", SITE_FIELDS)}
    for name, (fields, what, _) in RECORD_FILES.items():
        schemas[f"{name}.schema.json"] = {
            "$schema": DIALECT,
            "$comment": MADE_HERE,
            "title": f"{name}.yaml: a list of {what}s",
            "type": "array",
            "items": record_schema(fields),
        }
    schemas["page.schema.json"] = _document("A page's front matter (between the --- lines)", PAGE_FIELDS)
    return schemas


def _document(title: str, fields: dict[str, Field]) -> dict[str, Any]:
    return {"$schema": DIALECT, "$comment": MADE_HERE, "title": title, **record_schema(fields)}


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every content file's schema into `folder` (made if need be), replacing only schemas
    this command wrote before; returns the files."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder; choose another --out")
    schemas = content_schemas()
    for name in schemas:
        if (folder / name).exists() and not _made_here(folder / name):
            raise UsageError(f"{folder / name} exists and was not written by this command; nothing was written")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas.items():
        path = folder / name
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written


def _made_here(path: Path) -> bool:
    try:
        return bool(json.loads(path.read_text(encoding="utf-8")).get("$comment") == MADE_HERE)
    except (OSError, ValueError, AttributeError):
        return False


def modeline(file_name: str) -> str:
    """The comment that points the YAML language server at a content file's schema."""
    stem = file_name.removesuffix(".yaml")
    return f"# yaml-language-server: $schema={FOLDER}/{stem}.schema.json\n"
