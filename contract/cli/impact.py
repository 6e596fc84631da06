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

from contract.analysis.impact import TOP_N, impact
from contract.cli.common import add_inputs, add_output, as_of_date, emit, parse_sets, progress, read_inputs
from contract.render.impact import render
from contract.spec.loader import load_version


def register(sub) -> None:
    p = sub.add_parser("impact", help="the money effect of one version against another on practices and networks")
    p.add_argument("a", metavar="A", help="the terms in force (or the earlier version)")
    p.add_argument("b", metavar="B", help="the proposal (or the later version)")
    p.add_argument("--as-of-a", type=as_of_date, help="evaluate A at this date (default: A's last day)")
    p.add_argument("--as-of-b", type=as_of_date, help="evaluate B at this date (default: B's last day)")
    p.add_argument("--attribute-networks", action="store_true",
                   help="share network-level lines out to member practices pro rata to registered list")
    p.add_argument("--assume", action="append", default=[], metavar="FIELD=EXPR",
                   help="fill a missing input, e.g. registered=yes or weighted_list=registered_list (repeatable; "
                        "each assumption is listed in the report)")
    p.add_argument("--national-sums", action="store_true",
                   help="for a proposal that moves money between streams, spread the cited national sums "
                        "instead of what the removed lines pay over this population (not cost-neutral here)")
    p.add_argument("--top", type=int, default=TOP_N, help=f"winners and losers to list (default {TOP_N})")
    add_inputs(p)
    add_output(p, ["md", "json", "csv"], "md")
    p.set_defaults(run=run)


def run(args) -> int:
    a, b = load_version(args.a), load_version(args.b)
    overrides = parse_sets(getattr(args, "set", None), b)
    population = read_inputs(args)
    described: list[str] = []
    if args.assume:
        from contract.io.assumptions import apply_assumptions

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
    emit(render(result, args.format), args.output)
    return 0
