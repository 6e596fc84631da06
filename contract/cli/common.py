"""Arguments and output shared by subcommands.

Each command is declared as a list of parameters (:func:`argument`, :func:`option`, and the shared
groups :func:`add_inputs`, :func:`add_events`, :func:`add_sets`, :func:`add_output`) and registered
with :func:`command`, which hands the parsed values to the command's ``run(args)`` as an
argparse-style namespace (``args.as_of``, ``args.lists``, ...).
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any, Literal

import typer

from contract.cli.errors import PipeClosed, UsageError
from contract.io.readers import InputFiles, Payments, read_files
from contract.spec.facts import Population

INPUTS_PANEL = "Input files (see docs/inputs.md)"


def as_of_date(text: str | date) -> date:
    """A YYYY-MM-DD date from the command line (a bad one is a usage error, exit 2)."""
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from None


def argument(dest: str, help: str, kind: Any = str, *, metavar: str | None = None, **settings: Any,
             ) -> inspect.Parameter:
    """A positional argument whose value reaches `run` as `args.<dest>`."""
    default = settings.pop("default", inspect.Parameter.empty)
    info = typer.Argument(help=help, metavar=metavar or dest.upper(), show_default=False, **settings)
    return inspect.Parameter(dest, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=Annotated[kind, info])


def option(dest: str, flags: str | tuple[str, ...], help: str, kind: Any = str, default: Any = None, *,
           metavar: str | None = None, **settings: Any) -> inspect.Parameter:
    """An option whose value reaches `run` as `args.<dest>` (`default` when it is not given)."""
    names = (flags,) if isinstance(flags, str) else flags
    if metavar is not None:
        settings["metavar"] = metavar
    info = typer.Option(*names, help=help, **settings)
    return inspect.Parameter(dest, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[kind, info])


def as_of_option(dest: str = "as_of", flag: str = "--as-of", help: str = "the date to evaluate at (YYYY-MM-DD)",
                 required: bool = True) -> inspect.Parameter:
    """A date option: `--as-of` (required) unless told otherwise."""
    default = ... if required else None
    return option(dest, flag, help, date if required else date | None, default, metavar="DATE",
                  parser=as_of_date, show_default=False)


def add_output(params: list[inspect.Parameter], formats: list[str], default: str) -> None:
    """`--format` (one of `formats`) and `-o/--output FILE`."""
    params.append(option("format", "--format", f"output format (default {default})",
                         Literal[tuple(formats)], default, show_default=False))
    params.append(option("output", ("-o", "--output"), "write to this file instead of standard output",
                         Path | None, None, metavar="FILE"))


def add_inputs(params: list[inspect.Parameter]) -> None:
    """The population's input files (docs/inputs.md) and `--keep-going`."""
    def file(dest: str, help: str) -> inspect.Parameter:
        return option(dest, f"--{dest}", help, Path | None, None, metavar="FILE", rich_help_panel=INPUTS_PANEL)

    params += [
        file("register", "NHS Digital ePCN register (.xlsx)"),
        option("lists", "--lists", "list sizes: QOF prevalence CSV or patients-registered CSV (repeatable)",
               list[Path], [], metavar="FILE", show_default=False, rich_help_panel=INPUTS_PANEL),
        file("practices", "the project's practices CSV or JSON"),
        file("networks", "the project's networks CSV or JSON"),
        file("staff", "the project's additional-roles staff CSV or JSON"),
        option("keep_going", "--keep-going", "evaluate the good rows even when some rows are bad "
               "(the bad rows are still reported)", bool, False, rich_help_panel=INPUTS_PANEL),
    ]


def add_filters(params: list[inspect.Parameter]) -> None:
    """`--commissioner CODE` and `--pcn CODE` (both repeatable): evaluate one area, not the country."""
    params += [
        option("commissioner", "--commissioner", "only this commissioner's networks, their member practices and "
               "its practices (repeatable), e.g. --commissioner 03N", list[str], [], metavar="CODE",
               show_default=False, rich_help_panel=INPUTS_PANEL),
        option("pcn", "--pcn", "only this network and its member practices (repeatable), e.g. --pcn U26996",
               list[str], [], metavar="CODE", show_default=False, rich_help_panel=INPUTS_PANEL),
    ]


def apply_filters(args: Any, population):
    """The population restricted to `--commissioner` and `--pcn` (contract.io.select); unchanged
    when neither is given; an unknown code is a usage error (exit 2) naming it."""
    from contract.io.select import UnknownCodes, describe_selection, select

    commissioners, networks = getattr(args, "commissioner", None) or [], getattr(args, "pcn", None) or []
    try:
        selected = select(population, commissioners, networks)
    except UnknownCodes as exc:
        flag = "--commissioner" if exc.kind == "commissioner" else "--pcn"
        raise UsageError(f"{flag}: {exc}") from None
    scope = describe_selection(selected, commissioners, networks)
    if scope is not None:
        progress(f"selected {scope}")
    return selected


def filter_scope(args: Any, population) -> str | None:
    """What `--commissioner`/`--pcn` selected, in words, for a report's heading (None: everything read)."""
    from contract.io.select import describe_selection

    return describe_selection(population, getattr(args, "commissioner", None) or [], getattr(args, "pcn", None) or [])


def add_events(params: list[inspect.Parameter]) -> None:
    """`--events FILE`: sanction events (contract.io.readers.events)."""
    params.append(option("events", "--events", "sanction events file, .csv or .json (see docs/sanctions.md)",
                         Path | None, None, metavar="FILE", rich_help_panel=INPUTS_PANEL))


def add_sets(params: list[inspect.Parameter]) -> None:
    """`--set PARAM=VALUE` (repeatable), as `args.set`: a list of strings, [] when absent."""
    params.append(option("set", "--set", "replace a national parameter's value, e.g. "
                         "--set rate.core_pcn_funding=1.60 (repeatable; each is listed as an assumption)",
                         list[str], [], metavar="PARAM=VALUE", show_default=False))


def command(app: typer.Typer, name: str, run: Callable[[Any], int], params: list[inspect.Parameter], *,
            help: str) -> None:
    """Register `name` on `app`: a command taking `params` whose values reach `run(args)` as an
    argparse-style namespace; `run` returns the exit status."""

    def invoke(**values: Any) -> int:
        args = SimpleNamespace(**{k: list(v) if isinstance(v, tuple) else v for k, v in values.items()})
        try:
            return int(run(args) or 0)
        except BrokenPipeError as exc:  # the reader went away (`| head`): nothing more to say
            raise PipeClosed() from exc

    vars(invoke)["__signature__"] = inspect.Signature(params)  # what Typer reads for the parameters
    invoke.__annotations__ = {p.name: p.annotation for p in params} | {"return": int}
    invoke.__name__ = invoke.__qualname__ = name.replace("-", "_")
    invoke.__doc__ = help
    app.command(name, help=help)(invoke)


def read_inputs(args: Any) -> Population:
    """Read the population; bad rows stop the run (exit 2) unless --keep-going."""
    return read_inputs_and_payments(args)[0]


def input_files(args: Any) -> InputFiles:
    """The input files a command was given (`--register`, `--lists`, ..., and `--payments` where
    the command has it)."""
    return InputFiles.of(register=args.register, lists=args.lists, practices=args.practices,
                         networks=args.networks, staff=args.staff, payments=getattr(args, "payments", None))


def inputs_as_of(args: Any) -> date | None:
    """The date the register's end and close dates are judged at: the command's `--as-of` (for
    `impact`, `--as-of-a`); None when the command has none, and then any end date ends a row."""
    return getattr(args, "as_of", None) or getattr(args, "as_of_a", None)


def read_inputs_and_payments(args: Any, *, report: bool = True) -> tuple[Population, Payments | None]:
    """The population and, when the command has `--payments`, what was paid (else None); bad rows
    stop the run (exit 2) unless --keep-going. With `report=False` the issues are left for the
    command to pass to :func:`report_issues` (with any it finds later, such as events')."""
    output = getattr(args, "output", None)
    if output is not None:
        check_output(output)
    files = input_files(args)
    given = files.given()
    for path in given:
        if not path.exists():
            raise UsageError(f"{path}: no such file")
        if path.is_dir():
            raise UsageError(f"{path}: is a folder, not a file")
    if not any([files.register, files.lists, files.practices, files.networks, files.payments]):
        raise UsageError("give at least one input file (--register, --lists, --practices or --networks)")
    progress(f"reading inputs ({', '.join(str(p) for p in given)})")
    read = read_files(files, as_of=inputs_as_of(args))
    population, summary = read.population, read.summary
    for file in summary.files:
        if file.rows_left_out:
            progress(str(file))
    args.read_summary = [str(file) for file in summary.files]  # what each file gave, for the reports
    if report:
        report_issues(args, population.issues)
    progress(f"{len(population.practices):,} practices, {len(population.networks):,} networks")
    return population, read.payments


SHOWN_ISSUES = 50
"""Input issues printed to stderr when they are also written somewhere complete."""


def issues_file(output: Path) -> Path:
    """Where `--keep-going` writes the input issues of a CSV report: `NAME.issues.csv` beside it."""
    return output.with_name(f"{output.stem if output.suffix else output.name}.issues.csv")


def report_issues(args: Any, issues: list) -> None:
    """Name every bad row. Without --keep-going they stop the run (exit 2). With it, a CSV report
    written to a file gets a companion `NAME.issues.csv` (file,row,field,message), and a CSV report on
    standard output has every issue on stderr; other formats list them in the report itself."""
    if not issues:
        return
    keep_going = getattr(args, "keep_going", False)
    output = getattr(args, "output", None)
    csv_report = getattr(args, "format", None) == "csv"
    companion = issues_file(output) if keep_going and csv_report and output is not None else None
    shown = issues if keep_going and csv_report and companion is None else issues[:SHOWN_ISSUES]
    for issue in shown:
        print(f"contract: {issue}", file=sys.stderr)
    if len(issues) > len(shown):
        where = f" (all {len(issues):,} are in {companion})" if companion else ""
        print(f"contract: … and {len(issues) - len(shown):,} more input issues{where}", file=sys.stderr)
    if not keep_going:
        raise UsageError(f"{len(issues)} bad input row(s); fix them, or pass --keep-going "
                         "to evaluate the good rows (the bad ones are listed in the report)")
    if companion is not None:
        write_text(issues_csv(issues), companion)
        progress(f"{len(issues):,} input issues written to {companion}")


def issues_csv(issues: list) -> str:
    """The input issues as CSV: file,row,field,message, every text cell inert in a spreadsheet."""
    import csv
    import io

    from contract.lang.text import spreadsheet_safe

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "row", "field", "message"])
    for i in issues:
        writer.writerow([spreadsheet_safe(i.file), "" if i.row is None else i.row,
                         spreadsheet_safe(i.field or ""), spreadsheet_safe(i.message)])
    return buffer.getvalue()


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def check_output(output: Path) -> None:
    """Refuse an output path that cannot be a file before any work is done (exit 2)."""
    if str(output) in ("", ".") or output.is_dir():
        raise UsageError(f"-o {str(output)!r}: is a folder, not a file to write")
    if output.parent.exists() and not output.parent.is_dir():
        raise UsageError(f"-o {output}: {output.parent} is not a folder")


def write_text(text: str, output: Path) -> None:
    """Write an output file; anything that stops it is a usage error naming the file (exit 2)."""
    check_output(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"-o {output}: cannot write ({exc.strerror or exc})") from None


def emit_bytes(data: bytes, output: Path | None) -> None:
    """A binary report (a workbook) to a file, or to standard output when that is not a terminal;
    anything that stops the write is a usage error naming the file (exit 2)."""
    if output is None:
        if sys.stdout.isatty():
            raise UsageError("this format writes a workbook: give -o FILE.xlsx (or redirect standard output)")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        return
    check_output(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"-o {output}: cannot write ({exc.strerror or exc})") from None
    progress(f"wrote {output}")


def emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_text(text, output)
        progress(f"wrote {output}")


def parse_sets(texts: list[str] | None, version) -> dict[str, Decimal]:
    """`--set PARAM=VALUE` (repeatable) as evaluation overrides: each VALUE a plain decimal number,
    each setting allowed by the evaluator's rule (contract.evaluation.values.override_problem).
    Anything else is a usage error (exit 2)."""
    from contract.evaluation.values import override_problem

    overrides: dict[str, Decimal] = {}
    for text in texts or []:
        name, sep, raw = text.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name or not raw:
            raise UsageError(f"--set {text!r}: write PARAM=VALUE, e.g. --set rate.core_pcn_funding=1.60")
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", raw):
            raise UsageError(f"--set {text!r}: {raw!r} is not a plain decimal number")
        if name in overrides:
            raise UsageError(f"--set {text!r}: {name} is set twice")
        problem = override_problem(version, name, Decimal(raw))
        if problem is not None:
            hint = f" (see `contract show {version.id}`)" if "not a national parameter" in problem else ""
            raise UsageError(f"--set {text!r}: {problem}{hint}")
        overrides[name] = Decimal(raw)
    return overrides


def describe_sets(overrides: dict[str, Decimal], version, as_of: date) -> list[str]:
    """Each `--set` override in words, with the value it replaces: the assumptions a report lists."""
    from contract.evaluation.evaluate import national_values

    found, _used = national_values(version, as_of)
    return [f"{name} = {value} (instead of {found.get(name, 'no value')}, set with --set)"
            for name, value in overrides.items()]
