"""`contract versions`: every version with its status and period."""

from __future__ import annotations

from contract.cli.common import command
from contract.spec.loader import read_meta, version_ids


def register(app) -> None:
    command(app, "versions", run, [], help="List the versions (contract years, drafts, proposals).")


def run(args) -> int:
    rows = [read_meta(v) for v in version_ids()]
    width = max(len(m.id) for m in rows)
    for m in rows:
        base = f"  overlay on {m.base}" if m.base else ""
        print(f"{m.id:<{width}}  {m.status.value:<10}  {m.in_force.start} to {m.in_force.end}  {m.title}{base}")
    return 0
