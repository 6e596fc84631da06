"""`contract coverage VERSION --as-of DATE ...`: practices leaving the DES, the networks that lose
members, the patients no network covers, and the payments lost (see contract.analysis.coverage)."""

from __future__ import annotations

from contract.analysis.coverage import coverage
from contract.cli.common import (
    add_filters,
    add_inputs,
    add_output,
    apply_filters,
    argument,
    as_of_option,
    command,
    emit,
    progress,
    read_inputs,
)
from contract.render.coverage import render
from contract.spec.loader import load_version


def register(app) -> None:
    params = [argument("version", "the version id, e.g. 2020-21 (see `contract versions`)"), as_of_option()]
    add_inputs(params)
    add_filters(params)
    add_output(params, ["md", "csv", "json"], "md")
    command(app, "coverage", run, params,
            help="Who opts out, which networks lose members, whose patients lose cover, and the money lost.")


def run(args) -> int:
    version = load_version(args.version)
    population = apply_filters(args, read_inputs(args))
    report = coverage(version, population, args.as_of)
    progress(f"{len(report.leavers)} practice(s) leaving, {len(report.networks)} network(s) losing members")
    emit(render(report, args.format), args.output)
    return 0
