"""Arguments and output shared by subcommands."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

from contract.cli.app import UsageError


def as_of_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def add_output(parser: argparse.ArgumentParser, formats: list[str], default: str) -> None:
    parser.add_argument("--format", choices=formats, default=default, help=f"output format (default {default})")
    parser.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")


def add_inputs(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("input files (see docs/inputs.md)")
    group.add_argument("--register", type=Path, help="NHS Digital ePCN register (.xlsx)")
    group.add_argument("--lists", type=Path, action="append", default=[],
                       help="list sizes: QOF prevalence CSV or patients-registered CSV (repeatable)")
    group.add_argument("--practices", type=Path, help="the project's practices CSV or JSON")
    group.add_argument("--networks", type=Path, help="the project's networks CSV or JSON")
    group.add_argument("--staff", type=Path, help="the project's additional-roles staff CSV or JSON")
    group.add_argument("--keep-going", action="store_true",
                       help="evaluate the good rows even when some rows are bad (bad rows are still reported)")


def read_inputs(args: argparse.Namespace):
    """Read the population; bad rows stop the run (exit 2) unless --keep-going."""
    from contract.io.readers import read_population

    for path in [args.register, *args.lists, args.practices, args.networks, args.staff]:
        if path is not None and not path.exists():
            raise UsageError(f"{path}: no such file")
    if not any([args.register, args.lists, args.practices, args.networks]):
        raise UsageError("give at least one input file (--register, --lists, --practices or --networks)")
    given = [args.register, *args.lists, args.practices, args.networks, args.staff]
    progress(f"reading inputs ({', '.join(str(p) for p in given if p)})")
    population = read_population(register=args.register, lists=args.lists or None, practices=args.practices,
                                 networks=args.networks, staff=args.staff)
    if population.issues:
        for issue in population.issues[:50]:
            print(f"contract: {issue}", file=sys.stderr)
        if len(population.issues) > 50:
            print(f"contract: … and {len(population.issues) - 50} more input issues", file=sys.stderr)
        if not getattr(args, "keep_going", False):
            raise UsageError(f"{len(population.issues)} bad input row(s); fix them, or pass --keep-going "
                             "to evaluate the good rows (the bad ones are listed in the report)")
    progress(f"{len(population.practices):,} practices, {len(population.networks):,} networks")
    return population


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        progress(f"wrote {output}")


def parse_sets(texts: list[str] | None, version) -> dict[str, Decimal]:
    """`--set PARAM=VALUE` (repeatable) as evaluation overrides: each PARAM a national parameter of
    `version`, each VALUE a plain decimal number. Anything else is a usage error (exit 2)."""
    from contract.spec.schema import EntityLevel, Parameter

    overrides: dict[str, Decimal] = {}
    for text in texts or []:
        name, sep, raw = text.partition("=")
        name, raw = name.strip(), raw.strip()
        if not sep or not name or not raw:
            raise UsageError(f"--set {text!r}: write PARAM=VALUE, e.g. --set rate.core_pcn_funding=1.60")
        term = version.terms.get(name)
        if not (isinstance(term, Parameter) and term.level is EntityLevel.national):
            raise UsageError(f"--set {text!r}: {name} is not a national parameter of {version.id} "
                             f"(see `contract show {version.id}`)")
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", raw):
            raise UsageError(f"--set {text!r}: {raw!r} is not a plain decimal number")
        if name in overrides:
            raise UsageError(f"--set {text!r}: {name} is set twice")
        overrides[name] = Decimal(raw)
    return overrides
