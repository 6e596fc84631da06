"""`contract docs generate` and `contract docs build [--site-dir DIR]`: the docs site from the specs."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from contract.cli.common import progress


def register(sub) -> None:
    p = sub.add_parser("docs", help="generate the docs pages from the specs, and build the site")
    inner = p.add_subparsers(dest="docs_command", required=True, metavar="COMMAND")
    g = inner.add_parser("generate", help="write the generated pages into docs/ and the nav into mkdocs.yml")
    g.set_defaults(run=run_generate)
    b = inner.add_parser("build", help="generate, then mkdocs build --strict")
    b.add_argument("--site-dir", type=Path, help="where to write the site (default: site/)")
    b.add_argument("--no-generate", action="store_true", help="build the pages in docs/ as they are")
    b.set_defaults(run=run_build)


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
