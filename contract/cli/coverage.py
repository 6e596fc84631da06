"""`contract coverage VERSION --as-of DATE ...`: practices leaving the DES, the networks that lose
members, the patients no network covers, and the payments lost (see contract.analysis.coverage)."""

from __future__ import annotations

from contract.analysis.coverage import coverage
from contract.cli.common import add_inputs, add_output, as_of_date, emit, progress, read_inputs
from contract.render.coverage import render
from contract.spec.loader import load_version


def register(sub) -> None:
    p = sub.add_parser("coverage", help="who opts out, which networks lose members, whose patients lose cover, "
                                        "and the money lost")
    p.add_argument("version")
    p.add_argument("--as-of", type=as_of_date, required=True, help="the date to evaluate at (YYYY-MM-DD)")
    add_inputs(p)
    add_output(p, ["md", "csv", "json"], "md")
    p.set_defaults(run=run)


def run(args) -> int:
    version = load_version(args.version)
    population = read_inputs(args)
    report = coverage(version, population, args.as_of)
    progress(f"{len(report.leavers)} practice(s) leaving, {len(report.networks)} network(s) losing members")
    emit(render(report, args.format), args.output)
    return 0
