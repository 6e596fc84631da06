"""`contract docs generate` and `contract docs build [--site-dir DIR]`: the docs site from the specs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from contract.cli.common import command, option, progress


def register(app) -> None:
    import typer

    docs = typer.Typer(no_args_is_help=True, help="Generate the docs pages from the specs, and build the site.")
    command(docs, "generate", run_generate, [],
            help="Write the generated pages into docs/ and the nav into mkdocs.yml.")
    command(docs, "build", run_build, [
        option("site_dir", "--site-dir", "where to write the site (default: site/)", Path | None, metavar="DIR"),
        option("no_generate", "--no-generate", "build the pages in docs/ as they are", bool, False),
    ], help="Generate, then mkdocs build --strict.")
    app.add_typer(docs, name="docs")


def run_generate(args) -> int:
    from contract.site.docs_gen import generate

    started = time.perf_counter()
    done = generate()
    progress(f"{len(done.written)} page(s) written, {len(done.unchanged)} unchanged, {len(done.removed)} removed"
             f"{', nav updated' if done.nav_changed else ''} in {time.perf_counter() - started:.1f}s")
    return 0


def run_build(args) -> int:
    from contract.site.docs_gen import BuildError, build, generate

    started = time.perf_counter()
    if not args.no_generate:
        done = generate()
        progress(f"generated: {len(done.written)} page(s) written, {len(done.unchanged)} unchanged, "
                 f"{len(done.removed)} removed{', nav updated' if done.nav_changed else ''}")
    try:
        build(args.site_dir, regenerate=False)
    except BuildError as exc:
        # A warning in strict mode comes from a page: a broken link, a bad template or spec text.
        print(f"contract: {exc}", file=sys.stderr)
        return 1
    progress(f"built the site into {args.site_dir or 'site/'} in {time.perf_counter() - started:.1f}s")
    return 0
