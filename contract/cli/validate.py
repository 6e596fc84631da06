"""`contract validate`: load and check every version (exit 1 on the first spec error)."""

from __future__ import annotations

from contract.cli.common import command
from contract.engine.compiler import compile_version
from contract.spec.loader import load_version, version_ids


def register(app) -> None:
    command(app, "validate", run, [],
            help="Validate every spec: schema, references, types and engine limits (exit status 1 on the first error).")


def run(args) -> int:
    for vid in version_ids():
        version = load_version(vid)
        compiled = compile_version(version)
        print(f"{vid}: {len(version.terms)} terms, {len(compiled.decisions)} decisions, "
              f"{len(compiled.rulesets)} rulesets: ok")
    return 0
