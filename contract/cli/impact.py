"""`contract impact A B --register F --lists F ...`: the money effect of B against A on real practices.

Both versions are evaluated over the same population (each at a date inside its own in-force
period: the last day unless ``--as-of-a``/``--as-of-b`` say otherwise) and every payment line is
compared per practice, per network, per commissioner and nationally. Lines whose inputs are missing
are reported as unknown, never as £0. ``--assume FIELD=EXPR`` fills a missing input (each
assumption is listed in the report); ``--attribute-networks`` shares network lines out to member
practices pro rata to their registered lists.
"""

from __future__ import annotations

import csv
import io
import time
from decimal import Decimal

from contract.analysis.impact import TOP_N, Impact, impact
from contract.cli.common import add_inputs, add_output, as_of_date, emit, progress, read_inputs
from contract.render.diff import environment, to_json
from contract.spec.loader import load_version


def register(app) -> None:
    from datetime import date

    from contract.cli.common import add_sets, argument, command, option

    params = [
        argument("a", "the terms in force (or the earlier version)", metavar="A"),
        argument("b", "the proposal (or the later version)", metavar="B"),
        option("as_of_a", "--as-of-a", "evaluate A at this date, YYYY-MM-DD (default: A's last day)", date | None,
               metavar="DATE", parser=as_of_date),
        option("as_of_b", "--as-of-b", "evaluate B at this date, YYYY-MM-DD (default: B's last day)", date | None,
               metavar="DATE", parser=as_of_date),
        option("attribute_networks", "--attribute-networks",
               "share network-level lines out to member practices pro rata to registered list", bool, False),
        option("assume", "--assume", "fill a missing input, e.g. registered=yes or weighted_list=registered_list "
               "(repeatable; each assumption is listed in the report)", list[str], [], metavar="FIELD=EXPR",
               show_default=False),
        option("national_sums", "--national-sums",
               "for a proposal that moves money between streams, spread the cited national sums instead of "
               "what the removed lines pay over this population (not cost-neutral here)", bool, False),
        option("top", "--top", f"winners and losers to list (default {TOP_N})", int, TOP_N, show_default=False),
    ]
    add_sets(params)
    add_inputs(params)
    add_output(params, ["md", "json", "csv"], "md")
    command(app, "impact", run, params,
            help="The money effect of one version against another on practices and networks.")


def run(args) -> int:
    a, b = load_version(args.a), load_version(args.b)
    population = read_inputs(args)
    described: list[str] = []
    if args.assume:
        from contract.io.assumptions import apply_assumptions

        population, assumptions = apply_assumptions(population, list(args.assume))
        described = [x.describe() for x in assumptions]
        for line in described:
            progress(f"assumed: {line}")
    started = time.perf_counter()
    progress(f"evaluating {a.id} and {b.id}")
    result = impact(a, b, population, args.as_of_a, args.as_of_b, args.attribute_networks, top=args.top,
                    assumptions=described, cost_neutral=not args.national_sums)
    progress(f"compared {len(result.entities):,} practices and networks in {time.perf_counter() - started:.1f}s")
    emit(render(result, args.format), args.output)
    return 0


def render(result: Impact, fmt: str) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "md":
        return environment().get_template("impact.md.j2").render(r=result)
    raise ValueError(f"unknown format {fmt!r}")


CSV_COLUMNS = ["level", "code", "name", "commissioner", "network", "list_size", "band", "term_id", "attributed",
               "status_a", "status_b", "amount_a_gbp", "amount_b_gbp", "change_gbp", "missing"]


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def to_csv(result: Impact) -> str:
    """One row per entity and payment line; an empty amount is unknown (an input is missing)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in result.entities:
        for x in e.lines:
            writer.writerow({
                "level": e.level, "code": e.code, "name": e.name or "", "commissioner": e.commissioner or "",
                "network": e.network or "", "list_size": "" if e.list_size is None else e.list_size, "band": e.band,
                "term_id": x.term_id, "attributed": "yes" if x.attributed else "", "status_a": x.status_a,
                "status_b": x.status_b, "amount_a_gbp": _money(x.old), "amount_b_gbp": _money(x.new),
                "change_gbp": _money(x.delta), "missing": "; ".join(x.missing),
            })
    return out.getvalue()
