"""The authoring kit: a starter explainer (init), skeletons of pages and records (new), and JSON
Schemas of the content files for editors (schema). Each writes only files that do not exist yet,
or appends to one, and changes nothing else."""

from .json_schemas import write_schemas
from .skeletons import add_skeleton
from .starter import write_starter

__all__ = ["add_skeleton", "write_schemas", "write_starter"]
