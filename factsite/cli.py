"""Command line: build (default), check, serve, and the authoring commands init, new and schema.
The only place errors are printed."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .errors import SiteError, UsageError
from .options import BuildOptions, default_workers
from .parallel.helper import helper_for
from .parallel.pool import WorkerLost
from .report import FORMATS, github_lines, json_report, text_lines

if TYPE_CHECKING:  # (the model is imported only when a command needs it)
    from .content.model import Site

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130
"""What shells report for a program stopped by Ctrl-C (128 + SIGINT)."""
RECORD_KINDS = ("actor", "event", "quote", "source", "term")


class TerminalProgress:
    """A one-line progress display on a terminal, shown only once a build has run for a second;
    it goes to stdout, so it never mixes with the problems on stderr."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, step: str, done: int, total: int) -> None:
        if time.monotonic() - self.started < 1.0:
            return
        sys.stdout.write(f"\r\033[K{step}: {done:,} of {total:,}")
        sys.stdout.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stdout.write("\r\033[K")
            sys.stdout.flush()


def _add_paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content", type=Path, default=Path("content"), metavar="DIR", help="content folder (default: content)"
    )
    parser.add_argument(
        "--templates", type=Path, default=Path("templates"), metavar="DIR", help="templates folder (default: templates)"
    )
    parser.add_argument(
        "--static", type=Path, default=Path("static"), metavar="DIR", help="static files folder (default: static)"
    )
    parser.add_argument("--out", type=Path, default=Path("_site"), metavar="DIR", help="output folder (default: _site)")
    parser.add_argument("--base-url", metavar="URL", help="where the site is published; overrides site.yaml's base_url")
    parser.add_argument("--drafts", action="store_true", help="include pages marked 'draft: true'")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    parser.add_argument(
        "--workers",
        type=_worker_count,
        default=None,
        metavar="N",
        help=f"processes rendering a big site in parallel (default: {default_workers()}, this machine's "
        "cores up to 4); 1 uses the least memory",
    )


def _add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="how problems are printed: text (path:line: message, the default), json (a list on stdout) "
        "or github (annotations for GitHub Actions)",
    )


def _worker_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, 1 or more, not {text!r}")
    return int(text)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py",
        description="Build a fact-checked explainer site from content/ into _site/.",
        epilog="Without a command, 'build' runs. Exit codes: 0 ok, 1 content errors, 2 usage errors, 130 interrupted.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build = commands.add_parser(
        "build",
        help="build the site into the output folder (the default)",
        description="Validate everything, render, check links, then swap the new site in atomically.",
    )
    _add_paths(build)
    _add_format(build)
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index (faster)")
    check = commands.add_parser(
        "check",
        help="validate content and links; write nothing",
        description="Validate content, render in memory and check every internal link. Writes nothing.",
    )
    _add_paths(check)
    _add_format(check)
    check.add_argument(
        "--external",
        action="store_true",
        help="also request every link to another site (sources, archive copies, links in pages) and report "
        "dead ones; answers found fine are remembered for a day in .cache/",
    )
    check.add_argument(
        "--timeout", type=float, default=10.0, metavar="SECONDS", help="with --external: how long to wait for a site"
    )
    serve = commands.add_parser(
        "serve",
        help="live-reload preview on 127.0.0.1",
        description="Build, serve on 127.0.0.1 and rebuild and reload the browser on every save.",
    )
    _add_paths(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    _add_authoring_commands(commands)
    return parser


def _add_authoring_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = commands.add_parser(
        "init",
        help="start a new explainer: a small, valid content folder to edit",
        description="Write a starter explainer (every kind of record and page, each file commented) into DIR, "
        "which must be empty or not exist yet. Then: build.py serve --content DIR.",
    )
    init.add_argument("folder", type=Path, metavar="DIR", help="the new content folder")
    new = commands.add_parser(
        "new",
        help="add a page or a record skeleton to the content",
        description="Add a page (content/pages/SLUG.md) or a record (at the end of its YAML file), with every "
        "field to fill in; `check` lists what is left. Nothing else in the content changes.",
    )
    new.add_argument("kind", choices=("page", *RECORD_KINDS), help="what to add")
    new.add_argument("id", metavar="ID", help="its id (or a page's slug): lowercase letters, digits, hyphens")
    new.add_argument(
        "--content", type=Path, default=Path("content"), metavar="DIR", help="content folder (default: content)"
    )
    schema = commands.add_parser(
        "schema",
        help="write JSON Schemas of the content files, for editors",
        description="Write one JSON Schema per content file (actors.schema.json for actors.yaml...) and one "
        "for pages' front matter, made from the declarations the loader uses.",
    )
    schema.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write them")


def _options(args: argparse.Namespace) -> BuildOptions:
    return BuildOptions(
        content_dir=args.content,
        templates_dir=args.templates,
        static_dir=args.static,
        output_dir=args.out,
        base_url=args.base_url,
        include_drafts=args.drafts,
        search=not getattr(args, "no_search", False),
        **({"workers": args.workers} if args.workers is not None else {}),
    )


def run() -> NoReturn:
    """build.py's entry: run the command in sys.argv, then end the process.

    A build or check ends the process at once (output flushed, then os._exit, as mypy's fast
    exit does): freeing the loaded site object by object would take longer than anything else
    after the build, and nothing it uses registers exit handlers. The preview exits as usual."""
    argv = _with_command(sys.argv[1:])
    code = main(argv)
    if argv[0] == "serve":
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _with_command(argv: Sequence[str]) -> list[str]:
    """The arguments, starting with the command ('build' where none is given)."""
    argv = list(argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; return the exit code."""
    argv = _with_command(sys.argv[1:] if argv is None else argv)
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        if args.command in ("init", "new", "schema"):
            return _author(args)
        options = _options(args)
        if args.command == "serve":
            from .preview.server import serve

            return serve(options, host=args.host, port=args.port)
        return _build(args, options)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        # The swap is atomic, but Ctrl-C may come just after it: the old site or the new, complete.
        print(f"interrupted; {args.out}/ holds the last site built in full.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _build(args: argparse.Namespace, options: BuildOptions) -> int:
    """`build` or `check`: report what was built, or every problem at once."""
    write = args.command == "build"
    kept = "nothing was written" if not write else f"{options.output_dir}/ was left as it was"
    try:
        # The build's helper starts first of all (it compiles templates and parses Markdown while
        # the engine is imported and the site loaded: see parallel.helper), then the engine.
        with helper_for(options, write) as helper:
            from .build import build_site

            progress = TerminalProgress() if sys.stdout.isatty() and not args.quiet else None
            try:
                report = build_site(options, write, progress, helper)
            finally:
                if progress is not None:
                    progress.clear()
    except SiteError as error:
        _report_problems(error, args.format, kept, options.output_dir)
        return EXIT_CONTENT
    except WorkerLost as error:
        print(f"error: {error}; {kept}.", file=sys.stderr)
        return EXIT_CONTENT
    except OSError as error:
        where = error.filename or options.output_dir
        print(f"error: cannot write the site: {error.strerror or error} ({where})", file=sys.stderr)
        return EXIT_CONTENT
    external = getattr(args, "external", False)
    if args.format == "json":
        if not external:  # (its report is the one list printed)
            print(json_report([], []))
    elif args.quiet:
        pass
    elif write:
        print(
            f"Built {report.pages} pages and {report.files} files into {options.output_dir}/ in {report.seconds:.2f} s."
        )
    else:
        print(f"OK: {report.pages} pages checked in {report.seconds:.2f} s; nothing written.")
    if args.format != "json" and not args.quiet and report.quotes.total:
        print(report.quotes.summary())
    if external:
        return _check_external(args, options, report.site)
    return EXIT_OK


def _check_external(args: argparse.Namespace, options: BuildOptions, site: Site) -> int:
    """`check --external`, once the site itself checks: every link to another site requested."""
    from .check.external import check_external, external_links

    report = check_external(external_links(site), options.cache_folder() / "external-links.json", args.timeout)
    if report.problems:
        _report_problems(SiteError(report.problems), args.format, "nothing was written", options.output_dir)
    elif args.format == "json":
        print(json_report([], []))
    if args.format != "json":
        print(report.summary(), file=sys.stderr if report.problems else sys.stdout)
    return EXIT_CONTENT if report.problems else EXIT_OK


def _report_problems(error: SiteError, output_format: str, kept: str, output_dir: Path) -> None:
    if output_format == "json":
        print(json_report(error.problems, error.notes))
        return
    lines = github_lines(error.problems, error.notes) if output_format == "github" else []
    for line in lines or text_lines(error.problems, error.notes, str(output_dir)):
        print(line, file=sys.stdout if output_format == "github" else sys.stderr)
    count = len(error.problems)
    print(f"{count} problem{'s' if count != 1 else ''} found; {kept}.", file=sys.stderr)


def _author(args: argparse.Namespace) -> int:
    """`init`, `new` and `schema`: files for authors, written without touching anything else."""
    from . import authoring

    if args.command == "init":
        written = authoring.write_starter(args.folder)
        print(f"Wrote a starter explainer into {args.folder}/ ({len(written)} files). Preview it with:")
        print(f"  python build.py serve --content {args.folder}")
    elif args.command == "new":
        path, line = authoring.add_skeleton(args.content, args.kind, args.id)
        print(f"Added {args.kind} '{args.id}' to {path} (line {line}); `python build.py check` lists what to fill in.")
    else:
        written = authoring.write_schemas(args.out)
        print(f"Wrote {len(written)} JSON Schemas into {args.out}/.")
    return EXIT_OK
