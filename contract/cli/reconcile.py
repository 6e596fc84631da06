"""`contract reconcile VERSION --payments FILE ...`: what the rules say was due against what was paid.

One evaluation of the version (contract.analysis.reconcile) is compared with NHS Digital's *NHS
Payments to General Practice*: per practice for participation, per network for the other headings.
Rendering: contract.render.reconcile.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from contract.analysis.reconcile import reconcile
from contract.cli.common import (
    INPUTS_PANEL,
    add_filters,
    add_inputs,
    add_output,
    apply_filters,
    argument,
    as_of_date,
    command,
    emit,
    option,
    progress,
    read_inputs_and_payments,
)
from contract.io.select import select_payments
from contract.render.reconcile import to_csv, to_json, to_markdown
from contract.spec.loader import load_version

RENDERERS = {"csv": to_csv, "json": to_json, "md": to_markdown}


def register(app) -> None:
    params = [
        argument("version", "the version id, e.g. 2020-21 (see `contract versions`)"),
        option("payments", "--payments", "NHS Payments to General Practice, practice-level CSV (NHS Digital)",
               Path, ..., metavar="FILE", rich_help_panel=INPUTS_PANEL, show_default=False),
        option("as_of", "--as-of", "evaluate at this date, YYYY-MM-DD (default: the version's last day)",
               date | None, None, metavar="DATE", parser=as_of_date, show_default=False),
        option("largest", "--largest", "unexplained differences to list per stream (default 10)", int, 10,
               show_default=False),
    ]
    add_inputs(params)
    add_filters(params)
    add_output(params, list(RENDERERS), "csv")
    command(app, "reconcile", run, params,
            help="Compare what a version's rules say was due with what NHS England paid.")


def run(args) -> int:
    version = load_version(args.version)
    as_of = args.as_of = args.as_of or version.meta.in_force.end  # the register's end dates are judged at it too
    population, payments = read_inputs_and_payments(args)
    population = apply_filters(args, population)
    if args.commissioner or args.pcn:
        payments = select_payments(payments, population, args.commissioner)
    progress(f"evaluating {version.id} at {as_of} and comparing with {args.payments}")
    result = reconcile(version, population, payments, as_of, largest=args.largest)
    emit(RENDERERS[args.format](result), args.output)
    return 0
