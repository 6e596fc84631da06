"""`contract sweep VERSION --vary PARAM=START:STOP:STEP ...`: many variants of a version, priced over a
population (contract.analysis.sweep), on this machine or on a Dask cluster (`--scheduler`)."""

from __future__ import annotations

import time

from contract.cli.common import (
    add_filters,
    add_inputs,
    add_output,
    add_sets,
    apply_filters,
    argument,
    as_of_option,
    command,
    emit,
    option,
    parse_sets,
    progress,
    read_inputs,
)
from contract.cli.errors import UsageError


def register(app) -> None:
    params = [
        argument("version", "the version id to vary, e.g. 2019-20 (see `contract versions`)"),
        option("vary", "--vary", "a national parameter's range, STOP inclusive, e.g. "
               "--vary rate.core_pcn_funding=1.50:2.00:0.01 (repeatable: every combination)",
               list[str], [], metavar="PARAM=START:STOP:STEP", show_default=False),
        option("against", "--against", "a base version: adds each line's change and the practices and "
               "networks gaining, losing and unknown", str | None, None, metavar="BASE"),
        as_of_option(required=False, help="the date to evaluate both versions at (default: the version's last day)"),
        option("scheduler", "--scheduler", "run the variants on this Dask distributed scheduler "
               "(e.g. tcp://10.0.0.5:8786); needs the `distributed` extra", str | None, None, metavar="ADDRESS"),
    ]
    add_inputs(params)
    add_filters(params)
    add_sets(params)
    add_output(params, ["csv", "parquet", "json", "md", "html"], "csv")
    command(app, "sweep", run, params,
            help="Price every combination of varied national parameters over a population (long CSV, "
                 "Parquet, JSON, or a summary with the cost-neutral value and a chart).")


def run(args) -> int:
    from contract.analysis.sweep import SweepError, parse_vary, sweep
    from contract.render.sweep import render, to_parquet
    from contract.spec.loader import load_version

    version = load_version(args.version)
    base = load_version(args.against) if args.against else None
    sets = parse_sets(args.set, version)
    try:
        varies = [parse_vary(text, version) for text in args.vary]
        if not varies:
            raise SweepError("give at least one --vary PARAM=START:STOP:STEP")
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "parquet" and args.output is None:
        raise UsageError("--format parquet needs -o FILE")
    as_of = args.as_of or version.meta.in_force.end
    population = apply_filters(args, read_inputs(args))
    started = time.perf_counter()
    try:
        result = sweep(version, population, as_of, varies, sets=sets, against=base, scheduler=args.scheduler)
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    progress(f"swept {result.variants:,} variants in {time.perf_counter() - started:.2f}s ({result.method})")
    if args.format == "parquet":
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(to_parquet(result))
        progress(f"wrote {args.output}")
    else:
        emit(render(result, args.format), args.output)
    return 0
