"""`contract evaluate VERSION --as-of DATE ...`: every practice and network against a version."""

from __future__ import annotations

import time

from contract.cli.common import add_inputs, add_output, as_of_date, emit, progress, read_inputs
from contract.evaluation.evaluate import evaluate
from contract.io.readers.events import add_events_option, events_of
from contract.render.report import render, write_xlsx
from contract.spec.loader import load_version


def register(sub) -> None:
    p = sub.add_parser("evaluate", help="evaluate practices and networks against a version at a date")
    p.add_argument("version")
    p.add_argument("--as-of", type=as_of_date, required=True, help="the date to evaluate at (YYYY-MM-DD)")
    p.add_argument("--reference", action="store_true", help="use the plain-Python evaluator instead of the engine")
    add_inputs(p)
    add_events_option(p)
    add_output(p, ["csv", "json", "md", "xlsx"], "csv")
    p.set_defaults(run=run)


def run(args) -> int:
    version = load_version(args.version)
    population = read_inputs(args)
    started = time.perf_counter()
    result = evaluate(version, population, args.as_of, use_reference=args.reference, events=events_of(args, version))
    progress(f"evaluated {len(result.findings):,} findings in {time.perf_counter() - started:.2f}s")
    if args.format == "xlsx":
        if args.output is None:
            raise ValueError("--format xlsx needs -o FILE")
        write_xlsx(result, args.output)
        progress(f"wrote {args.output}")
    else:
        emit(render(result, args.format), args.output)
    return 0
