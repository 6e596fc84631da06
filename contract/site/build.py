"""Writing the generated pages into ``docs/`` (and the nav into ``mkdocs.yml``), checking the vendored
assets, and building the site with ``mkdocs build --strict``."""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from contract.site.paths import GENERATED_DIRS
from contract.site.render import DOCS_ROOT, render_pages
from contract.spec.loader import SPECS_ROOT

CONFIG = DOCS_ROOT.parent / "mkdocs.yml"

NAV_BEGIN = "# BEGIN generated nav (contract docs generate; do not edit by hand)"
NAV_END = "# END generated nav"

MERMAID_VERSION = "11.17.2"
MERMAID_SHA256 = "581ed7d74bd9048d0e3a91363927d72ef22942d7722546b27f7cc29e35390eb8"
MERMAID_JS = Path("javascripts/vendor/mermaid.min.js")


@dataclass
class Generated:
    """What `generate` did: pages written, pages already up to date, stale pages removed."""

    written: list[str]
    unchanged: list[str]
    removed: list[str]
    nav_changed: bool


def replace_nav(config_text: str, nav: str) -> str:
    """mkdocs.yml's text with the nav between the two marker lines replaced."""
    begin, end = config_text.find(NAV_BEGIN), config_text.find(NAV_END)
    if begin < 0 or end < begin:
        raise ValueError(f"mkdocs.yml has no generated nav block ({NAV_BEGIN!r} … {NAV_END!r})")
    return config_text[:begin] + NAV_BEGIN + "\n" + nav + "\n" + config_text[end:]


def generate(docs_dir: Path = DOCS_ROOT, config: Path | None = CONFIG, root: Path = SPECS_ROOT) -> Generated:
    """Render every generated page into `docs_dir` (and the nav into `config`), deleting stale
    generated pages. Files whose bytes would not change are not touched.

    The pages come from the specs under `root` (versions, author test cases, the diffs between
    versions, the sanction ladders, the timeline and the glossary); the output is the same byte for
    byte on every run. Hand-written pages (``inputs.md``, ``reference/cli.md`` ...) are left alone.
    """
    check_assets(docs_dir)
    pages, nav = render_pages(root, docs_dir)
    written, unchanged, removed = [], [], []
    for rel, text in pages.items():
        path = docs_dir / rel
        data = text.encode("utf-8")
        if path.exists() and path.read_bytes() == data:
            unchanged.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(rel)
    for folder in GENERATED_DIRS:
        for path in sorted((docs_dir / folder).rglob("*")):
            rel = path.relative_to(docs_dir).as_posix()
            if path.is_file() and rel not in pages:
                path.unlink()
                removed.append(rel)
        for path in sorted((docs_dir / folder).rglob("*"), reverse=True):
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    nav_changed = False
    if config is not None:
        old = config.read_text(encoding="utf-8")
        new = replace_nav(old, nav)
        if new != old:
            config.write_text(new, encoding="utf-8")
            nav_changed = True
    return Generated(written, unchanged, removed, nav_changed)


def check_assets(docs_dir: Path = DOCS_ROOT) -> None:
    """The vendored mermaid must be the pinned one: the site must never fall back to a CDN."""
    path = docs_dir / MERMAID_JS
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: vendor mermaid {MERMAID_VERSION} "
                                "(see docs/javascripts/vendor/README.txt)")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MERMAID_SHA256:
        raise ValueError(f"{path} is not mermaid {MERMAID_VERSION} (sha256 {digest}); "
                         "update MERMAID_SHA256 deliberately")


class BuildError(RuntimeError):
    """mkdocs failed, or warned (strict mode)."""


def build(site_dir: Path | None = None, config: Path = CONFIG, regenerate: bool = True) -> str:
    """Generate the pages (unless `regenerate` is false), then run ``mkdocs build --strict``.

    The site goes to `site_dir` (mkdocs' default, ``site/`` beside `config`, when None). Returns
    mkdocs' log; raises BuildError when mkdocs fails or logs a warning.
    """
    if regenerate:
        generate(config.parent / "docs", config)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "-f", str(config)]
    if site_dir is not None:
        command += ["--site-dir", str(Path(site_dir).resolve())]
    # Material prints an end-of-life notice on every build unless told not to.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(command, cwd=config.parent, capture_output=True, text=True, env=env, check=False)
    log = done.stdout + done.stderr
    warnings: list[str] = []
    for line in log.splitlines():
        if line.startswith(("WARNING", "ERROR")):
            warnings.append(line)
        elif warnings and line.startswith((" ", "\t", "-")) and not line.startswith(("INFO", "DEBUG")):
            warnings.append(line)  # the continuation lines of a warning (the pages it names)
    if done.returncode != 0 or warnings:
        raise BuildError("mkdocs build --strict failed:\n" + ("\n".join(warnings) or log))
    return log


def main(argv: list[str] | None = None) -> int:
    """`python -m contract.site.build [--site-dir DIR]`: generate and build (the CLI wraps this)."""
    parser = argparse.ArgumentParser(prog="python -m contract.site.build")
    parser.add_argument("--site-dir", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    build(args.site_dir)
    print(f"built in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
