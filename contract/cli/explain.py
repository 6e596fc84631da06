"""`contract explain VERSION ENTITY TERM --as-of DATE ...`: one decision, in full."""

from __future__ import annotations

from contract.cli.common import add_inputs, as_of_date, read_inputs
from contract.evaluation.evaluate import evaluate
from contract.io.readers.events import add_events_option, events_of
from contract.lang.expressions import describe_value
from contract.spec.loader import load_version


def register(sub) -> None:
    p = sub.add_parser("explain", help="explain one decision for one practice or network")
    p.add_argument("version")
    p.add_argument("entity", help="practice or network code")
    p.add_argument("term", help="term id, e.g. payment.core_pcn_funding")
    p.add_argument("--as-of", type=as_of_date, required=True)
    add_inputs(p)
    add_events_option(p)
    p.set_defaults(run=run)


def run(args) -> int:
    version = load_version(args.version)
    if args.term not in version.terms:
        raise ValueError(f"{args.version} has no term {args.term!r} (see `contract show {args.version}`)")
    population = read_inputs(args)
    if args.entity not in population.practices and args.entity not in population.networks:
        raise ValueError(f"unknown practice or network code {args.entity!r}")
    result = evaluate(version, population, args.as_of, events=events_of(args, version))
    finding = result.finding(args.entity, args.term)
    term = version.terms[args.term]
    print(f"{finding.title} ({finding.term_id}), {finding.entity_type} {finding.entity_code}"
          f"{' ' + finding.entity_name if finding.entity_name else ''}, {version.id} at {args.as_of}")
    print(f"Status: {finding.status.value.replace('_', ' ')}")
    if finding.amount is not None:
        print(f"Amount for the contract year: £{finding.amount:,}")
    if finding.withheld:
        print(f"Withheld: £{finding.withheld:,}")
    print(f"\nWhy: {finding.explanation}")
    print(f"\nThe term: {term.summary}")
    if finding.values:
        print("\nValues that decided it:")
        for name, value in finding.values.items():
            print(f"  {name} = {value}")
    if finding.schedule:
        print("\nSchedule:")
        for i in finding.schedule:
            print(f"  {i.month:%b %Y}  paid {describe_value(i.paid_on)}  £{i.amount:,}  {i.state.value}")
    print(f"\nSources (confidence: {finding.confidence.value}):")
    for c in finding.citations:
        where = f", {c.locator}" if c.locator else ""
        caveat = f"\n    ⚠ {c.caveat.lstrip('⚠ ')}" if c.caveat else ""
        print(f"  - {c.title}{where} [{c.confidence.value}]\n    {c.url}{caveat}")
    return 0
