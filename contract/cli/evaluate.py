"""`contract evaluate VERSION --as-of DATE ...`: every practice and network against a version."""

from __future__ import annotations

import time

from contract.cli.common import (
    add_events,
    add_filters,
    add_inputs,
    add_output,
    add_sets,
    apply_filters,
    argument,
    as_of_option,
    command,
    describe_sets,
    emit,
    filter_scope,
    option,
    parse_sets,
    progress,
    read_inputs_and_payments,
    report_issues,
)
from contract.cli.errors import UsageError
from contract.evaluation.evaluate import evaluate
from contract.io.readers.events import events_of
from contract.render.progress import step
from contract.render.report import render
from contract.render.workbook import write_workbook
from contract.spec.loader import load_version


def register(app) -> None:
    params = [
        argument("version", "the version id, e.g. 2019-20 (see `contract versions`)"),
        as_of_option(),
        option("reference", "--reference", "use the plain-Python evaluator instead of the rules engine", bool, False),
    ]
    add_inputs(params)
    add_filters(params)
    add_events(params)
    add_sets(params)
    add_output(params, ["csv", "json", "md", "xlsx"], "csv")
    command(app, "evaluate", run, params, help="Evaluate practices and networks against a version at a date.")


def run(args) -> int:
    version = load_version(args.version)
    overrides = parse_sets(args.set, version)
    if args.format == "xlsx" and args.output is None:
        raise UsageError("--format xlsx needs -o FILE")
    population = apply_filters(args, read_inputs_and_payments(args, report=False)[0])
    if not args.keep_going:
        report_issues(args, population.issues)  # bad rows stop the run before any work
    assumed = describe_sets(overrides, version, args.as_of)
    for line in assumed:
        progress(f"assumed: {line}")
    started = time.perf_counter()
    with step(f"evaluating {len(population.practices):,} practices and {len(population.networks):,} networks"):
        result = evaluate(version, population, args.as_of, use_reference=args.reference,
                          events=events_of(args, version), overrides=overrides)
    result = result.model_copy(update={"scope": filter_scope(args, population)})
    progress(f"evaluated {len(result.findings):,} findings in {time.perf_counter() - started:.2f}s")
    # The population's issues and the events' (an event about an unknown practice or network):
    # every bad row named, in the report, on stderr or in NAME.issues.csv beside a CSV report.
    report_issues(args, result.issues)
    if args.format == "xlsx":
        try:
            inputs = getattr(args, "read_summary", None) or population.sources  # what each file gave
            write_workbook(result, args.output, inputs=inputs, assumptions=assumed, progress=step)
        except OSError as exc:
            raise UsageError(f"-o {args.output}: cannot write ({exc.strerror or exc})") from None
        progress(f"wrote {args.output}")
    else:
        emit(render(result, args.format), args.output)
    return 0
