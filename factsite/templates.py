"""Our Jinja environment, apart from the renderer: its settings, how `{{ value }}` is escaped, and
compiled templates, kept for the next build or made in another process. Its own module, needing
only Jinja, so the helper that compiles templates while the build loads (factsite.precompile)
starts compiling 20 ms sooner than it would after importing the renderer and the views."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame


def escape_output(value: Any) -> str:
    """What `markupsafe.escape` makes of a value, as a plain string.

    A template's `{{ value }}` is escaped and joined with the rest of its output at once, so
    wrapping each escaped value in `Markup` (two Python calls in MarkupSafe 3) buys nothing; it
    was a tenth of rendering a page. (A captured block, a macro's result or a rendered template is
    still marked safe by Jinja as a whole.)"""
    if type(value) is str:
        return _escape_text(value)
    if hasattr(value, "__html__"):
        html = value.__html__()
        return html if isinstance(html, str) else str(html)
    return _escape_text(str(value))


def _escape_replacing(text: str) -> str:
    """MarkupSafe's escaping, where its C function is missing."""
    for character, entity in _ENTITIES:
        text = text.replace(character, entity)
    return text


_ENTITIES = (("&", "&amp;"), (">", "&gt;"), ("<", "&lt;"), ("'", "&#39;"), ('"', "&#34;"))


try:
    from markupsafe._speedups import _escape_inner as _escape_text  # MarkupSafe 3's own, in C
except ImportError:  # pragma: no cover - MarkupSafe before 3, or without its C speedups
    _escape_text = _escape_replacing


class _Template(jinja2.Template):
    """A compiled template whose `{{ value }}` outputs use `escape_output`."""

    @classmethod
    def _from_namespace(cls, environment: Any, namespace: Any, globals: Any) -> Any:  # noqa: A002
        # The compiled module imported `escape` from jinja2.runtime; its output code looks it up
        # here, in the module's namespace (tests/test_golden.py checks the bytes are unchanged).
        namespace["escape"] = escape_output
        return super()._from_namespace(environment, namespace, globals)


class _JoinedOutput(CodeGenerator):
    """Jinja's code generator, writing each run of template text and `{{ value }}`s between two
    tags as one `yield ''.join((...))` instead of a `yield` for each part.

    Every part a template yields passes up through each block and include it is in (a page's
    `<title>` through page.html's root and base.html's), one generator step at each level: with
    a yield per part, a page took about 1.5% more of a build's instructions (counted with
    Valgrind, one process). The text is the same: the parts are joined in the same order."""

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.buffer is not None or frame.require_output_check:  # Jinja's own way is one call
            super().visit_Output(node, frame)
            return
        finalize = self._make_finalize()
        parts: list[list[str] | nodes.Expr] = []  # as Jinja groups them: constant text, or an expression
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except Exception:  # (nodes.Impossible included) evaluated when the template runs
                parts.append(child)
                continue
            if parts and isinstance(parts[-1], list):
                parts[-1].append(const)
            else:
                parts.append([const])
        if len(parts) == 1:
            super().visit_Output(node, frame)
            return
        self.writeline("yield ''.join((")
        self.indent()
        for part in parts:
            if isinstance(part, list):
                self.writeline(self._output_const_repr(part) + ",")
            else:
                self.newline(part)
                self._output_child_pre(part, frame, finalize)
                self.visit(part, frame)
                self._output_child_post(part, frame, finalize)
                self.write(",")
        self.outdent()
        self.writeline("))")


_JSON = json.JSONEncoder(sort_keys=True)
"""Jinja's `tojson` with its default policy (keys sorted), made once instead of at every call."""


def tojson(value: Any, indent: int | None = None) -> markupsafe.Markup:
    """Jinja's `tojson` filter, byte for byte (`<`, `>`, `&` and `'` written as \\u escapes, safe
    in a <script> or an attribute), without its per-call lookups of the environment's policies
    (the site never changes them), and replacing only the characters there are: a JSON-LD
    block costs about a third as much."""
    text = _JSON.encode(value) if indent is None else json.dumps(value, sort_keys=True, indent=indent)
    for character, escaped in _JSON_ESCAPES:
        if character in text:  # (a memchr; str.replace counts the characters one by one, found or not)
            text = text.replace(character, escaped)
    return markupsafe.Markup(text)


_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"))


class _Environment(jinja2.Environment):
    """Jinja's environment, with each template's globals in one plain dict.

    Jinja layers a template's globals over the environment's in a ChainMap, and every render
    copies them into the new context key by key in Python (and takes their keys again): 10 to
    20 µs a render, about 3% of a build's CPU. Ours are all set before any template is loaded
    (`make_environment`), so a copy made when a template loads is the same map."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept from one build to the next: compiling ours takes about 130 ms, a
    third of a small site's build. Jinja recompiles a template whose source changed; the folder is
    named after everything else that shapes the compiled code (Jinja, Python, our settings). A
    cache that cannot be read or written is simply not used."""

    def __init__(self, folder: Path, settings: object) -> None:
        compiler = os.stat(jinja2.compiler.__file__)  # a reinstalled Jinja has new files, whatever its version says
        jinja = (getattr(jinja2, "__version__", ""), compiler.st_size, compiler.st_mtime_ns)
        key = repr((jinja, sys.version_info[:2], settings))
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


def compile_every_template(templates_dir: Path, compiled_dir: Path | None) -> dict[str, bytes]:
    """Every .html template in the folder compiled, unless kept compiled in `compiled_dir` already:
    bucket key -> bytes, as Jinja's bytecode cache stores them (see CompiledElsewhere). One with
    a mistake is left out (the build reports it if it uses it)."""
    compiled: dict[str, bytes] = {}
    kept = kept_compiled(compiled_dir)

    class Captured(jinja2.BytecodeCache):
        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            if kept is not None:  # found there, the build will find it too
                kept.load_bytecode(bucket)

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            compiled[bucket.key] = bucket.bytecode_to_string()

    env = bare_environment(templates_dir, auto_reload=False, bytecode_cache=Captured())
    for name in env.list_templates(extensions=["html"]):  # not whatever else the folder holds
        with contextlib.suppress(Exception):
            env.get_template(name)
    return compiled


_SETTINGS = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True}
_CODE_SHAPE = "joined output; plain tojson"
"""What shapes a template's compiled code, besides its source: the settings, and our changes to
the code Jinja writes (a template compiled without them must not be used with them)."""


def kept_compiled(compiled_dir: Path | None) -> CompiledTemplates | None:
    return CompiledTemplates(compiled_dir, (sorted(_SETTINGS.items()), _CODE_SHAPE)) if compiled_dir else None


def bare_environment(
    templates_dir: Path, auto_reload: bool = True, bytecode_cache: jinja2.BytecodeCache | None = None
) -> jinja2.Environment:
    """Our templates' environment without the site's globals: enough to compile them."""
    env = _Environment(
        auto_reload=auto_reload,
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        bytecode_cache=bytecode_cache,
        **_SETTINGS,  # type: ignore[arg-type]
    )
    env.template_class = _Template
    env.code_generator_class = _JoinedOutput
    env.filters["tojson"] = tojson  # known when a template is compiled: Jinja passes no context to it
    return env
