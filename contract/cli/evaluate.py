"""`contract evaluate VERSION --as-of DATE ...`: every practice and network against a version.

The findings are written as they are produced (contract.evaluation.stream): the report never holds
the nation's findings. A report written to a file is written beside it under a temporary name and
takes its name only when complete, so a run stopped part way (bad rows found late, an interruption)
leaves no half-written report. On standard output the rows written before such a stop stay
written; the exit status says the run failed.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

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
    filter_scope,
    option,
    parse_sets,
    progress,
    read_inputs_and_payments,
    report_issues,
)
from contract.cli.errors import UsageError
from contract.evaluation.evaluate import evaluate_stream
from contract.evaluation.results import EvaluationHeader, Finding
from contract.evaluation.stream import FindingStream
from contract.io.readers.events import events_of
from contract.render.parquet import write_parquet
from contract.render.progress import Progress, step
from contract.render.report import TEXT_FORMATS, write_report
from contract.render.workbook import write_workbook
from contract.spec.loader import load_version

FILE_FORMATS = ("parquet", "xlsx")
"""Formats written only to a file (-o): a workbook, a Parquet file."""


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
    add_output(params, [*TEXT_FORMATS, *FILE_FORMATS], "csv")
    command(app, "evaluate", run, params, help="Evaluate practices and networks against a version at a date "
            "(csv, json, jsonl, md, parquet or xlsx, written as the findings are produced).")


def run(args) -> int:
    version = load_version(args.version)
    overrides = parse_sets(args.set, version)
    if args.format in FILE_FORMATS and args.output is None:
        raise UsageError(f"--format {args.format} needs -o FILE")
    population = apply_filters(args, read_inputs_and_payments(args, report=False)[0])
    if not args.keep_going:
        report_issues(args, population.issues)  # bad rows stop the run before any work
    assumed = describe_sets(overrides, version, args.as_of)
    for line in assumed:
        progress(f"assumed: {line}")
    started = time.perf_counter()
    stream = evaluate_stream(version, population, args.as_of, use_reference=args.reference,
                             events=events_of(args, version), overrides=overrides)
    stream.scoped(filter_scope(args, population))
    if not args.keep_going:
        report_issues(args, stream.header.issues)  # events about unknown entities: before any output
    entities = len(population.practices) + len(population.networks)
    with step(f"evaluating {len(population.practices):,} practices and {len(population.networks):,} networks",
              entities) as bar:
        counted = Counted(stream, bar)
        with _destination(args.output) as path:
            _write(counted, args, path, assumed, population)
            # The input issues, complete now the last finding is written (the ladders add theirs as they
            # go): every bad row named, in the report, on stderr or in NAME.issues.csv beside a CSV or
            # Parquet report.
            report_issues(_issues_beside(args), counted.header.issues)
    progress(f"evaluated and wrote {counted.findings:,} findings for {counted.entities:,} practices and networks "
             f"in {time.perf_counter() - started:.2f}s")
    if args.output is not None:
        progress(f"wrote {args.output}")
    return 0


class Counted:
    """A stream whose findings advance a progress bar an entity at a time, counted as they pass."""

    def __init__(self, stream: FindingStream, bar: Progress):
        self.stream, self.bar = stream, bar
        self.findings = self.entities = 0

    @property
    def header(self) -> EvaluationHeader:
        return self.stream.header

    def __iter__(self) -> Iterator[Finding]:
        last: tuple[str, str] | None = None
        for f in self.stream:
            if (f.entity_type, f.entity_code) != last:
                last = (f.entity_type, f.entity_code)
                self.entities += 1
                self.bar.advance()
            self.findings += 1
            yield f
        self.bar.finish()  # before any step that follows (one live display at a time on a terminal)


def _write(counted: Counted, args, path: Path | None, assumed: list[str], population) -> None:
    if args.format == "xlsx":
        assert path is not None
        inputs = getattr(args, "read_summary", None) or population.sources  # what each file gave
        write_workbook(counted, path, inputs=inputs, assumptions=assumed, progress=step)
    elif args.format == "parquet":
        assert path is not None
        write_parquet(counted, path)
    elif path is None:
        write_report(counted, args.format, sys.stdout)
    else:
        with path.open("w", encoding="utf-8") as out:
            write_report(counted, args.format, out)


def _issues_beside(args):
    """A Parquet report, like a CSV one, has its input issues in NAME.issues.csv beside it (with
    --keep-going): the file holds findings only."""
    return SimpleNamespace(**{**vars(args), "format": "csv"}) if args.format == "parquet" else args


@contextmanager
def _destination(output: Path | None) -> Iterator[Path | None]:
    """Where to write: None for standard output; for `-o FILE`, a temporary file beside it that takes
    its name once the report is complete (and is removed if the run stops), unless FILE is already
    something other than a plain file. A file that cannot be written is a usage error naming it
    (exit 2)."""
    if output is None:
        yield None
        return
    if output.is_symlink() or (output.exists() and not output.is_file()):
        # A device, a pipe or a link (/dev/stdout, /dev/full, a FIFO): written in place, never replaced.
        with _cannot_write(output):
            yield output
        return
    partial = output.with_name(f".{output.name}.partial")
    try:
        with _cannot_write(output):
            output.parent.mkdir(parents=True, exist_ok=True)
            yield partial
            os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


@contextmanager
def _cannot_write(output: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise UsageError(f"-o {output}: cannot write ({exc.strerror or exc})") from None
