"""`contract explain VERSION [ENTITY] TERM --as-of DATE ...`: any term, answered.

A decision (an obligation, an entitlement, a sanction ladder) for one practice or network is shown
in full: status, amount, why, the values that decided it, the schedule and the sources. A parameter
is shown with its value at the date: the dated value in effect (when it took effect, when it was
decided, its source) or, for a formula, the formula in words and its value (for a practice or network
formula, computed for the entity given). A term of the other level than the entity asked for, an
unknown term and an unknown entity are usage errors (exit status 2), each named.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contract.cli.common import (
    add_events,
    add_filters,
    add_inputs,
    add_sets,
    apply_filters,
    argument,
    as_of_option,
    command,
    describe_sets,
    parse_sets,
    read_inputs,
)
from contract.cli.errors import UsageError
from contract.evaluation.evaluate import (
    DateOutOfRange,
    contexts,
    evaluate,
    formula_order,
    national_values,
    value_at,
)
from contract.io.readers.events import events_of
from contract.io.select import around
from contract.lang import text
from contract.lang.expressions import Missing, describe_value, evaluate_formula, parse_formula, to_sentence
from contract.spec.loader import catalogue, load_version
from contract.spec.references import users
from contract.spec.schema import Citation, EntityLevel, Parameter, Term, Unit, Version


def register(app) -> None:
    params = [
        argument("version", "the version id, e.g. 2019-20 (see `contract versions`)"),
        argument("entity", "a practice or network code; for a national parameter, the term id itself "
                 "(and leave TERM out)", metavar="ENTITY"),
        argument("term", "the term id, e.g. payment.core_pcn_funding or extended_hours.required_minutes",
                 str | None, metavar="TERM", default=None),
        as_of_option(),
    ]
    add_inputs(params)
    add_filters(params)
    add_events(params)
    add_sets(params)
    command(app, "explain", run, params,
            help="Explain any term at a date: one decision for one practice or network, or a parameter's value "
                 "with its working.")


def run(args) -> int:
    version = load_version(args.version)
    entity, term_id = (args.entity, args.term) if args.term is not None else (None, args.entity)
    term = version.terms.get(term_id)
    if term is None:
        raise UsageError(f"{version.id} has no term {term_id!r} (see `contract show {version.id}`)")
    period = version.meta.in_force
    if not period.contains(args.as_of):
        raise DateOutOfRange(f"as-of date {args.as_of} is outside {version.id} ({period.start} to {period.end}); "
                             f"choose a date in the period, or another version")
    overrides = parse_sets(args.set, version)
    level = getattr(term, "level", None)
    needs_entity = level in (EntityLevel.practice, EntityLevel.network)
    if entity is None and needs_entity and not (isinstance(term, Parameter) and term.values):
        raise UsageError(f"{term_id} is a {_level_word(term)} term: give a {_level_word(term)} code before it, "
                         f"e.g. `contract explain {version.id} CODE {term_id} --as-of {args.as_of} ...`")
    population = None
    if entity is not None and needs_entity:
        population = apply_filters(args, read_inputs(args))
        asked = _entity_level(population, entity)
        if level is not None and level is not EntityLevel.national and level is not asked:
            example = _example(population, entity, asked)
            raise UsageError(f"{term_id} is a {level.value} term; ask for a {level.value}"
                             f"{f' (e.g. {example})' if example else ''}, not the {asked.value} {entity}")
    assumed = describe_sets(overrides, version, args.as_of)
    if isinstance(term, Parameter):
        _explain_parameter(version, term, args.as_of, overrides, population, entity)
    elif population is None:
        _explain_without_decision(version, term, entity, args.as_of)
    else:
        _explain_decision(version, term, args, overrides, population, entity)
    if assumed:
        print("\nAssumed (--set):")
        for line in assumed:
            print(f"  - {line}")
    return 0


# --- a decision for one practice or network ----------------------------------------------------


def _explain_decision(version: Version, term: Term, args, overrides: dict[str, Decimal], population, entity) -> None:
    # Only the entity asked about and what it depends on (a network's member practices) is evaluated.
    result = evaluate(version, around(population, entity), args.as_of, events=events_of(args, version),
                      overrides=overrides)
    finding = next((f for f in result.for_entity(entity) if f.term_id == term.id), None)
    if finding is None:
        _explain_without_decision(version, term, entity, args.as_of)
        return
    print(f"{finding.title} ({finding.term_id}), {finding.entity_type} {finding.entity_code}"
          f"{' ' + finding.entity_name if finding.entity_name else ''}, {version.id} at {args.as_of}")
    print(f"Status: {finding.status.value.replace('_', ' ')}")
    if finding.amount is not None:
        print(f"Amount for the contract year: {text.gbp(finding.amount)}")
    if finding.withheld:
        print(f"Withheld: {text.gbp(finding.withheld)}")
    print(f"\nWhy: {finding.explanation}")
    print(f"\nThe term: {term.summary}")
    if finding.values:
        print("\nValues that decided it:")
        for name, value in finding.values.items():
            print(f"  {name} = {value}")
    if finding.schedule:
        print("\nSchedule:")
        for i in finding.schedule:
            print(f"  {i.month:%b %Y}  paid {describe_value(i.paid_on)}  {text.gbp(i.amount)}  {i.state.value}")
    _print_sources(finding.citations, f"Sources (confidence: {finding.confidence.value})")


KIND_WORDS = {"obligation": "an obligation", "entitlement": "an entitlement", "sanction": "a sanction ladder",
              "roles": "a roles table", "indicators": "an indicator set", "parameter": "a parameter"}


def _explain_without_decision(version: Version, term: Term, entity: str | None, as_of: date) -> None:
    """A term the evaluation makes no finding of for this entity: a table other terms read, or a
    sanction ladder the entity is not on."""
    print(f"{term.title} ({term.id}), {KIND_WORDS.get(term.kind, 'a ' + term.kind)} of {version.id}")
    print(f"\n{term.summary}")
    if term.kind == "sanction":
        print(f"\nNo decision for {entity} at {as_of}: it has no events and no failed obligation on this ladder, "
              "so it is in good standing.")
    elif entity is not None:
        print(f"\nNo decision of its own for {entity}: the terms that use it decide.")
    used_by = users(version, term.id)
    if used_by:
        print(f"\nUsed by: {', '.join(used_by)}" + (f" (explain one of those for {entity})" if entity else ""))
    _print_sources(term.citations, "Sources")


# --- a parameter at a date -----------------------------------------------------------------------


def _explain_parameter(version: Version, param: Parameter, as_of: date, overrides: dict[str, Decimal],
                       population, entity: str | None) -> None:
    national, used = national_values(version, as_of, overrides)
    print(f"{param.title} ({param.id}), a {param.level.value} parameter of {version.id} at {as_of}")
    print(f"\n{param.summary}")
    if param.id in overrides:
        print(f"\nValue: {_value_words(param, overrides[param.id])} (set with --set)")
    elif param.values:
        _print_dated_values(param, as_of, used)
    elif param.level is EntityLevel.national:
        tree = parse_formula(param.formula or "")
        print(f"\nFormula: {to_sentence(tree, _labels(version))}")
        print(f"With the values at {text.day(as_of)}: {to_sentence(tree, _labels(version), national)}")
        value = national.get(param.id)
        print(f"Value: {_value_words(param, value)}" if value is not None else
              "Value: cannot be computed at this date (an input it reads has no value; see above)")
    else:
        tree = parse_formula(param.formula or "")
        print(f"\nFormula: {to_sentence(tree, _labels(version))}")
        if population is None or entity is None:
            print(f"Give a {param.level.value} code and input files to compute it for one {param.level.value}.")
        else:
            env = _entity_values(version, population, entity, national)
            print(f"For {param.level.value} {entity}: {to_sentence(tree, _labels(version), env)}")
            value = env.get(param.id)
            print(f"Value: {_value_words(param, value)}" if value is not None else
                  f"Value: cannot be computed for {entity} (an input it reads is not given; see above)")
    used_by = users(version, param.id)
    if used_by:
        print(f"\nUsed by: {', '.join(used_by)}")
    _print_sources(param.citations, "Sources")


def _print_dated_values(param: Parameter, as_of: date, used: dict) -> None:
    current = used.get(param.id) or value_at(param, as_of)
    if current is None:
        print(f"\nValue: none in effect at {as_of} (the first takes effect on {text.day(param.values[0].effective)})")
    else:
        decided = f", decided {text.day(current.decided)}" if current.decided else ""
        print(f"\nValue: {_value_words(param, _typed(param, current.value))} "
              f"(in effect from {text.day(current.effective)}{decided})")
        if current.note:
            print(f"  {current.note}")
        _print_sources(current.citations, "Source of this value")
    if len(param.values) > 1:
        print("\nEvery dated value:")
        for v in param.values:
            decided = f", decided {text.day(v.decided)}" if v.decided else ""
            mark = "  <- in effect" if v is current else ""
            print(f"  from {text.day(v.effective)}{decided}: {_value_words(param, _typed(param, v.value))}{mark}")


def _entity_values(version: Version, population, entity: str, national: dict[str, object]) -> dict[str, object]:
    """The entity's values as the evaluation sees them: its inputs (and its members' totals), then
    every formula of its level, in order."""
    ctx = next(c for c in contexts(population, catalogue(), national) if c.code == entity)
    for param in formula_order(version):
        if param.level is ctx.level:
            try:
                ctx.env[param.id] = evaluate_formula(parse_formula(param.formula or ""), ctx.env)
            except Missing:
                continue
    return ctx.env


# --- words -----------------------------------------------------------------------------------------


def _typed(param: Parameter, value: object) -> object:
    if isinstance(value, str) and param.unit is Unit.date:
        return date.fromisoformat(value)
    if isinstance(value, str | int | float) and not isinstance(value, bool) and param.unit is not Unit.flag:
        return Decimal(str(value))
    return value


def _value_words(param: Parameter, value: object) -> str:
    """A parameter's value with its unit: £1.50 per registered patient a year, 1,230 minutes a week."""
    if isinstance(value, bool) or param.unit in (Unit.flag, Unit.date) or not isinstance(value, Decimal | int):
        return describe_value(value) if isinstance(value, bool | date | Decimal | int | str) else str(value)
    if param.unit is Unit.gbp:
        words = text.rate(value)
    elif param.unit is Unit.percent:
        words = f"{text.number(value)}%"
    else:
        words = f"{text.number(value)} {param.unit.value}"
    if param.per is not None:
        words += f" per {param.per.value.replace('_', ' ').replace('1000 patients', '1,000 patients')}"
    if param.period is not None:
        words += " for the accrual period" if param.period.value == "period" else f" a {param.period.value}"
    return words


def _labels(version: Version) -> dict[str, str]:
    """Words for the names in a formula: field labels and parameter titles (as the evaluation's
    explanations use them)."""
    labels = {f.name: f.label[0].lower() + f.label[1:] for f in catalogue().values()}
    labels.update({t.id: t.title[0].lower() + t.title[1:] for t in version.terms.values() if isinstance(t, Parameter)})
    labels["as_of"] = "the as-of date"
    return labels


def _print_sources(citations: list[Citation], heading: str) -> None:
    print(f"\n{heading}:")
    for c in citations:
        where = f", {c.locator}" if c.locator else ""
        caveat = f"\n    ⚠ {c.caveat.lstrip('⚠ ')}" if c.caveat else ""
        print(f"  - {c.title}{where} [{c.confidence.value}]\n    {c.url}{caveat}")


def _level_word(term: Term) -> str:
    level = getattr(term, "level", None)
    return level.value if level is not None else "practice or network"


def _entity_level(population, code: str) -> EntityLevel:
    if code in population.practices:
        return EntityLevel.practice
    if code in population.networks:
        return EntityLevel.network
    raise UsageError(f"unknown practice or network code {code!r} (not in the input files given)")


def _example(population, code: str, asked: EntityLevel) -> str | None:
    """A code of the other level related to `code`: a practice's network, or a network's first member."""
    if asked is EntityLevel.practice:
        return population.practices[code].pcn_code or next(iter(population.networks), None)
    members = population.networks[code].member_codes
    return members[0] if members else next(iter(population.practices), None)
