"""Our Jinja environment: strict and escaped, and compiled templates kept for the next build or
made in another process. It needs only Jinja, so the helper that compiles templates while a build
loads (factsite.parallel.helper) imports nothing else."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2
import jinja2.compiler
import jinja2.runtime

from ..errors import Problem, SiteError

_SETTINGS = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}


def bare_environment(templates_dir: Path, bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """Our templates' environment without the site's globals: enough to compile them. A missing
    variable is an error, every value is HTML-escaped. Template files are not looked at again
    once loaded (the preview makes a new environment when any template changes: Jinja would not
    reload a template that imports an edited one)."""
    env = jinja2.Environment(
        auto_reload=False,
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=bytecode_cache,
        **_SETTINGS,  # type: ignore[arg-type]
    )
    env.filters["reading_minutes"] = reading_minutes  # (filters must be known to compile)
    return env


def reading_minutes(html: str) -> int:
    """Minutes to read a page's text at 230 words a minute (a common adult silent-reading
    rate), at least one."""
    words = len(_WORD.findall(_TAG.sub(" ", html)))
    return max(1, round(words / 230))


_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+(?:['’]\w+)*")


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept from one build to the next (Jinja's bytecode cache): a template
    whose source changed is compiled again. The folder is named after everything else that shapes
    the compiled code (Jinja's files, Python's version, our settings). A cache that cannot be read
    or written is simply not used."""

    def __init__(self, folder: Path) -> None:
        jinja = [(info.st_size, info.st_mtime_ns) for info in map(os.stat, _JINJA_CODE)]
        key = repr((jinja, sys.version_info[:2], sorted(_SETTINGS.items())))
        super().__init__(str(folder / hashlib.sha256(key.encode()).hexdigest()[:16]))

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or damaged: compile afresh (and replace it)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)


_JINJA_CODE = (jinja2.compiler.__file__, jinja2.runtime.__file__)
"""Jinja's code generator and the runtime its code calls: a reinstalled or upgraded Jinja has new
files, so templates compiled by another are never loaded."""


def kept_compiled(compiled_dir: Path | None) -> CompiledTemplates | None:
    return CompiledTemplates(compiled_dir) if compiled_dir else None


class CompiledElsewhere(jinja2.BytecodeCache):
    """Templates compiled in another process, as Jinja's bytecode cache stores them (bucket key
    -> bytes), each used only if its source is unchanged (Jinja compares checksums), and passed
    on to the kept compiled templates for the next build."""

    def __init__(self, compiled: dict[str, bytes], kept: jinja2.BytecodeCache | None) -> None:
        self.compiled, self.kept = compiled, kept

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.compiled.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)
            if bucket.code is not None:
                if self.kept is not None:
                    self.kept.dump_bytecode(bucket)
                return
        if self.kept is not None:
            self.kept.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.kept is not None:
            self.kept.dump_bytecode(bucket)


class _Captured(jinja2.BytecodeCache):
    """Keeps what Jinja compiles (bucket key -> bytes), unless the kept cache has it already."""

    def __init__(self, kept: jinja2.BytecodeCache | None) -> None:
        self.kept = kept
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if self.kept is not None:  # found there, the build will find it too
            self.kept.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


def compile_every_template(templates_dir: Path, compiled_dir: Path | None) -> dict[str, bytes]:
    """Every .html template in the folder compiled, unless kept compiled in `compiled_dir` already,
    as Jinja's bytecode cache stores them (see CompiledElsewhere). One with a mistake is left out:
    the build reports it if a page uses it."""
    captured = _Captured(kept_compiled(compiled_dir))
    env = bare_environment(templates_dir, bytecode_cache=captured)
    for name in env.list_templates(extensions=["html"]):  # not whatever else the folder holds
        with contextlib.suppress(Exception):
            env.get_template(name)
    return captured.compiled


@contextmanager
def template_errors(templates_dir: Path) -> Iterator[None]:
    """Turn a template mistake into a SiteError naming the template file and line."""
    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        where = error.filename or str(templates_dir / (error.name or "?"))
        raise SiteError([Problem(where, error.lineno, f"template error: {error.message}", "template-error")]) from None
    except jinja2.TemplateNotFound as error:
        problem = Problem(str(templates_dir), 1, f"template {error.name!r} is missing", "template-missing")
        raise SiteError([problem]) from None
    except jinja2.TemplateError as error:
        where, line = _template_position(error, templates_dir)
        raise SiteError([Problem(where, line, f"template error: {error.message or error}", "template-error")]) from None


def _template_position(error: BaseException, templates_dir: Path) -> tuple[str, int]:
    """Jinja rewrites tracebacks so template frames carry the template's file and line."""
    position = (str(templates_dir), 1)
    trace = error.__traceback__
    root = str(templates_dir.resolve())
    while trace is not None:
        filename = trace.tb_frame.f_code.co_filename
        if filename.endswith(".html") and str(Path(filename).resolve()).startswith(root):
            position = (filename, trace.tb_lineno)
        trace = trace.tb_next
    return position
