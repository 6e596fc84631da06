"""`contract impact A B --register F --lists F ...`: the money effect of B against A on real practices.

Both versions are evaluated over the same population (each at a date inside its own in-force
period: the last day unless ``--as-of-a``/``--as-of-b`` say otherwise) and every payment line is
compared per practice, per network, per commissioner and nationally. Lines whose inputs are missing
are reported as unknown, never as £0. ``--assume FIELD=EXPR`` fills a missing input (each
assumption is listed in the report); ``--set PARAM=VALUE`` sets a national parameter of B (listed
likewise, and winning over a neutrality figure); ``--attribute-networks`` shares network lines out to
member practices pro rata to their registered lists. Rendering: contract.render.impact.
"""

from __future__ import annotations

import time
from datetime import date

from contract.analysis.impact import TOP_N, impact
from contract.cli.common import (
    add_filters,
    add_inputs,
    add_output,
    add_sets,
    apply_filters,
    argument,
    as_of_date,
    command,
    emit,
    emit_bytes,
    option,
    parse_sets,
    progress,
    read_inputs,
)
from contract.io.assumptions import apply_assumptions
from contract.render.impact import FORMATS, render, render_bytes
from contract.spec.loader import load_version


def register(app) -> None:
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
    add_filters(params)
    add_output(params, list(FORMATS), "md")
    command(app, "impact", run, params,
            help="The money effect of one version against another on practices and networks.")


def run(args) -> int:
    a, b = load_version(args.a), load_version(args.b)
    overrides = parse_sets(getattr(args, "set", None), b)
    population = apply_filters(args, read_inputs(args))
    described: list[str] = []
    if args.assume:
        population, assumptions = apply_assumptions(population, list(args.assume))
        described = [x.describe() for x in assumptions]
        for line in described:
            progress(f"assumed: {line}")
    for name, value in overrides.items():
        progress(f"set: {name} = {value} in {b.id}")
    started = time.perf_counter()
    progress(f"evaluating {a.id} and {b.id}")
    result = impact(a, b, population, args.as_of_a, args.as_of_b, args.attribute_networks, top=args.top,
                    assumptions=described, cost_neutral=not args.national_sums, overrides=overrides)
    progress(f"compared {len(result.entities):,} practices and networks in {time.perf_counter() - started:.1f}s")
    if args.format == "xlsx":
        emit_bytes(render_bytes(result, args.format), args.output)
    else:
        emit(render(result, args.format), args.output)
    return 0
