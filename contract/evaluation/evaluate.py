"""Evaluate a version for every practice and network of a population, at an explicit date.

The engine decides the conditions (met or not, eligible or not, or undecided for want of an
input); Python computes the money exactly from the rates in the specs. Nothing reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from contract.engine.compiler import compile_version, engine_value
from contract.engine.durable import Outcome, shared_engine
from contract.engine.reference import run_reference
from contract.evaluation import sanctions
from contract.evaluation.money import months, payment_date, split_total
from contract.evaluation.results import Evaluation, Finding, InputGap, Instalment, InstalmentState, Status
from contract.evaluation.staff import reimburse_staff
from contract.io.readers.events import LadderEvent
from contract.lang.expressions import (
    Missing,
    describe_value,
    evaluate_formula,
    parse_condition,
    parse_formula,
    refs,
    to_sentence,
)
from contract.spec.facts import FieldDef, Level, Population
from contract.spec.loader import catalogue, expressions_of
from contract.spec.schema import (
    Citation,
    Confidence,
    DatedValue,
    Entitlement,
    EntityLevel,
    Method,
    Obligation,
    Parameter,
    RatePeriod,
    RolesTable,
    Version,
)


class DateOutOfRange(ValueError):
    """The as-of date falls outside the version's period: we refuse rather than answer £0."""


@dataclass
class Context:
    """One practice or network with everything a rule may read about it."""

    level: EntityLevel
    code: str
    name: str | None
    commissioner: str | None
    env: dict[str, object]
    sources: dict[str, str] = field(default_factory=dict)
    missing_from_members: dict[str, list[str]] = field(default_factory=dict)


_CONFIDENCE_ORDER = [Confidence.official, Confidence.secondary, Confidence.derived]


def weakest(citations: Iterable[Citation]) -> Confidence:
    found = [c.confidence for c in citations]
    return max(found, key=_CONFIDENCE_ORDER.index) if found else Confidence.derived


# --- dated values known on a date, and formula rates (indicators/2023-24 work) ----------------


def value_at(param: Parameter, day: date, known_on: date | None = None) -> DatedValue | None:
    """The value in effect on `day`, as known on `known_on` (default: `day` itself).

    A value decided after the day it takes effect (a backdated uplift: the 2023/24 global sum rise
    decided on 2 October 2023, effective from 1 April 2023) is ignored by an evaluation made before
    its decision date, which therefore still shows the value it replaced."""
    known_on = known_on or day
    current = None
    for v in param.values:
        if v.effective <= day and (v.decided is None or v.decided <= known_on):
            current = v
    return current


def rate_value(param: Parameter, day: date, as_of: date, env: dict[str, object]) -> Decimal | None:
    """A rate for one month: its dated value as known on `as_of`, or, for a formula rate (a
    proposal's consolidated rate, say), the value computed for this evaluation."""
    if param.formula:
        value = env.get(param.id)
        return None if value is None else Decimal(value)  # type: ignore[arg-type]
    found = value_at(param, day, as_of)
    return None if found is None else Decimal(found.value)  # type: ignore[arg-type]


# --- end of indicators/2023-24 work ------------------------------------------------------------


def national_values(version: Version, as_of: date, overrides: dict[str, Decimal] | None = None,
                    ) -> tuple[dict[str, object], dict[str, DatedValue]]:
    """National parameter values at `as_of`; `overrides` replace named national parameters (constants
    or formulas) before the formulas that read them are computed."""
    overrides = overrides or {}
    for name in overrides:
        term = version.terms.get(name)
        if not (isinstance(term, Parameter) and term.level is EntityLevel.national):
            raise ValueError(f"cannot override {name!r}: not a national parameter of {version.id}")
    values: dict[str, object] = {"as_of": as_of, **overrides}
    used: dict[str, DatedValue] = {}
    for term in version.terms.values():
        if isinstance(term, Parameter) and term.values and term.id not in overrides:
            found = value_at(term, as_of)
            if found is not None:
                values[term.id] = _typed(term, found.value)
                used[term.id] = found
    for param in formula_order(version):
        if param.level is EntityLevel.national and param.id not in overrides:
            try:
                values[param.id] = evaluate_formula(parse_formula(param.formula or ""), values)  # type: ignore[arg-type]
            except Missing:
                continue
    return values, used


def _typed(param: Parameter, value: object) -> object:
    if isinstance(value, str) and param.unit.value not in ("date", "flag"):
        return Decimal(value)
    if isinstance(value, str) and param.unit.value == "date":
        return date.fromisoformat(value)
    return value


def formula_order(version: Version) -> list[Parameter]:
    """Formula parameters, each after the formulas it reads."""
    formulas = {t.id: t for t in version.terms.values() if isinstance(t, Parameter) and t.formula}
    ordered: list[Parameter] = []
    done: set[str] = set()

    def visit(term_id: str) -> None:
        if term_id in done:
            return
        done.add(term_id)
        for dep in refs(parse_formula(formulas[term_id].formula or "")):
            if dep in formulas:
                visit(dep)
        ordered.append(formulas[term_id])

    for term_id in formulas:
        visit(term_id)
    return ordered


def _apply_formulas(ctx: Context, formulas: list[Parameter]) -> None:
    for param in formulas:
        if param.level is not ctx.level:
            continue
        try:
            value = evaluate_formula(parse_formula(param.formula or ""), ctx.env)  # type: ignore[arg-type]
        except Missing:
            continue
        ctx.env[param.id] = value
        ctx.sources[param.id] = f"computed: {param.title.lower()}"


def contexts(population: Population, fields: dict[str, FieldDef], national: dict[str, object]) -> list[Context]:
    found: list[Context] = []
    for practice in population.practices.values():
        ctx = Context(EntityLevel.practice, practice.code, practice.name, practice.commissioner_code,
                      {**national, **practice.values})
        ctx.sources = {k: str(v) for k, v in practice.provenance.items()}
        found.append(ctx)
    aggregated = [f for f in fields.values() if f.level is Level.practice and f.aggregate]
    for network in population.networks.values():
        ctx = Context(EntityLevel.network, network.code, network.name, network.commissioner_code,
                      {**national, **network.values})
        ctx.sources = {k: str(v) for k, v in network.provenance.items()}
        members = [population.practices[c] for c in network.member_codes if c in population.practices]
        for f in aggregated:
            target = f.aggregates_to or f.name
            if target in ctx.env:
                continue
            lacking = [m.code for m in members if f.name not in m.values]
            if not members:
                continue
            if lacking:
                ctx.missing_from_members[target] = lacking
                continue
            member_values = [m.values[f.name] for m in members]
            if f.aggregate == "sum":
                ctx.env[target] = sum(member_values, Decimal(0)) if any(
                    isinstance(v, Decimal) for v in member_values) else sum(member_values)  # type: ignore[arg-type]
            elif f.aggregate == "all":
                ctx.env[target] = all(member_values)
            else:
                ctx.env[target] = any(member_values)
            ctx.sources[target] = f"sum of {len(members)} member practices"
        found.append(ctx)
    return found


def _engine_facts(ctx: Context) -> dict:
    return {k: engine_value(v) for k, v in ctx.env.items()}  # type: ignore[arg-type]


def decide(version: Version, ctxs: list[Context], use_reference: bool = False) -> dict[str, Outcome]:
    """Run every ruleset of the version over the contexts of its level; merge per entity."""
    compiled = compile_version(version)
    merged: dict[str, tuple[set[str], set[str]]] = {}
    for level in (EntityLevel.practice, EntityLevel.network):
        units = [(f"{level.value}:{c.code}", _engine_facts(c)) for c in ctxs if c.level is level]
        if not units:
            continue
        for ruleset in compiled.for_level(level):
            outcomes = run_reference(ruleset, units) if use_reference else shared_engine().run(ruleset, units)
            for unit, outcome in outcomes.items():
                true, false = merged.setdefault(unit, (set(), set()))
                true |= outcome.true
                false |= outcome.false
    return {unit: Outcome(frozenset(t), frozenset(f)) for unit, (t, f) in merged.items()}


class _Labels(dict):
    """Words for names in explanations: field labels and parameter titles."""

    def __init__(self, version: Version, fields: dict[str, FieldDef]):
        super().__init__({f.name: f.label[0].lower() + f.label[1:] for f in fields.values()})
        self.update({t.id: t.title[0].lower() + t.title[1:] for t in version.terms.values()
                     if isinstance(t, Parameter)})
        self["as_of"] = "the as-of date"


def evaluate(version: Version, population: Population, as_of: date, *, use_reference: bool = False,
             events: Iterable[LadderEvent] | None = None, overrides: dict[str, Decimal] | None = None) -> Evaluation:
    """Every obligation and entitlement of `version`, for every practice and network, at `as_of`.

    `events` (contract.io.readers.events) put practices and networks on the version's sanction ladders;
    entities with events or failing obligations get a finding per ladder (contract.evaluation.sanctions)."""
    period = version.meta.in_force
    if not period.contains(as_of):
        raise DateOutOfRange(f"as-of date {as_of} is outside {version.id} ({period.start} to {period.end}); "
                             f"choose a date in the period, or another version")
    fields = catalogue()
    national, used = national_values(version, as_of, overrides)
    ctxs = contexts(population, fields, national)
    formulas = formula_order(version)
    for ctx in ctxs:
        _apply_formulas(ctx, formulas)
    outcomes = decide(version, ctxs, use_reference)
    labels = _Labels(version, fields)
    staff_by_network: dict[str, list] = {}
    for s in population.staff:
        staff_by_network.setdefault(s.pcn_code, []).append(s)
    builder = _Findings(version, as_of, labels, used, staff_by_network,
                        staff_given=population.staff_given or bool(population.staff))
    # --- sanction ladders (contract.evaluation.sanctions, docs/sanctions.md) ---
    builder.sanctions = sanctions.prepare(version, population, events, as_of, use_reference)
    # --- end of sanction ladders ---
    findings: list[Finding] = []
    for ctx in ctxs:
        outcome = outcomes.get(f"{ctx.level.value}:{ctx.code}", Outcome(frozenset(), frozenset()))
        findings.extend(builder.for_entity(ctx, outcome))
    return Evaluation(version=version.id, as_of=as_of, findings=findings,
                      issues=list(population.issues) + builder.sanctions.issues,
                      gaps=input_gaps(version, population, fields),
                      overrides={k: str(v) for k, v in (overrides or {}).items()},
                      engine="reference" if use_reference else "durable_rules")


def input_gaps(version: Version, population: Population, fields: dict[str, FieldDef]) -> list[InputGap]:
    """For every input field the version's rules read (directly, or through a network total of its
    members' values), the practices and networks that lack it."""
    from contract.evaluation.indicators import fields_read
    from contract.spec.schema import IndicatorSet

    read: set[str] = set()
    for term in version.terms.values():
        for _attr, tree in expressions_of(term):  # conditions, formulas and bases
            read |= refs(tree)
        if isinstance(term, IndicatorSet):
            read |= fields_read(term)
    gaps = []
    for name in sorted(read & fields.keys()):
        field = fields[name]
        if field.level is Level.practice:
            lacking = sorted(code for code, p in population.practices.items() if name not in p.values)
            _add_gap(gaps, name, "practice", lacking, len(population.practices))
            if field.aggregate:
                # A network with neither its own value nor members to total it from lacks it too.
                orphans = sorted(code for code, n in population.networks.items()
                                 if (field.aggregates_to or name) not in n.values and not n.member_codes)
                _add_gap(gaps, field.aggregates_to or name, "network", orphans, len(population.networks))
        # A network total built from members is reported through the members, not here.
        elif field.level is Level.network and not any(
                f.aggregate and (f.aggregates_to or f.name) == name for f in fields.values()):
            lacking = sorted(code for code, n in population.networks.items() if name not in n.values)
            _add_gap(gaps, name, "network", lacking, len(population.networks))
    return gaps


def _add_gap(gaps: list[InputGap], name: str, level: str, lacking: list[str], of: int) -> None:
    if lacking:
        gaps.append(InputGap(field=name, level=level, missing=len(lacking), of=of, codes=lacking))


class _Findings:
    """Turns decisions and facts into findings, term by term."""

    def __init__(self, version: Version, as_of: date, labels: _Labels, used: dict[str, DatedValue],
                 staff_by_network: dict[str, list], staff_given: bool):
        self.version, self.as_of, self.labels, self.used = version, as_of, labels, used
        self.staff_by_network, self.staff_given = staff_by_network, staff_given
        self.funders: dict[str, list[Obligation]] = {}
        for term in version.terms.values():
            if isinstance(term, Obligation):
                for target in term.funds:
                    self.funders.setdefault(target, []).append(term)

    # -- shared pieces ---------------------------------------------------------------------

    def _values(self, ctx: Context, names: Iterable[str]) -> dict[str, str]:
        shown = {}
        for name in sorted(names):
            if name in ctx.env:
                where = ctx.sources.get(name) or self._spec_source(name)
                shown[name] = describe_value(ctx.env[name]) + (f" ({where})" if where else "")  # type: ignore[arg-type]
        return shown

    def _spec_source(self, name: str) -> str:
        """Where a parameter's value comes from: the version, and the dated value in force."""
        dated = self.used.get(name)
        if dated is None:
            return ""
        decided = f", decided {describe_value(dated.decided)}" if dated.decided else ""
        return f"{self.version.id} spec, value in effect from {describe_value(dated.effective)}{decided}"

    def _missing(self, ctx: Context, names: Iterable[str]) -> list[str]:
        lacking = []
        for name in sorted(set(names) - ctx.env.keys()):
            members = ctx.missing_from_members.get(name)
            if members:
                shown = ", ".join(members[:5]) + (f" and {len(members) - 5} more" if len(members) > 5 else "")
                lacking.append(f"{name} (not given for member practices {shown})")
            else:
                lacking.append(name)
        return lacking

    def _citations(self, term, names: Iterable[str] = ()) -> list[Citation]:
        cites = list(term.citations)
        for name in names:
            if name in self.used:
                cites.extend(c for c in self.used[name].citations if c not in cites)
        return cites

    def _finding(self, ctx: Context, term, status: Status, explanation: str, names: Iterable[str] = (),
                 **extra) -> Finding:
        names = set(names)
        cites = self._citations(term, names)
        return Finding(
            version=self.version.id, as_of=self.as_of, entity_type=ctx.level.value, entity_code=ctx.code,
            entity_name=ctx.name, commissioner_code=ctx.commissioner, term_id=term.id, term_kind=term.kind,
            title=term.title, status=status, explanation=explanation, values=self._values(ctx, names),
            citations=cites, confidence=weakest(cites), **extra,
        )

    def _due_date(self, term: Obligation, ctx: Context) -> date | None:
        if not term.due:
            return None
        try:
            return date.fromisoformat(term.due)
        except ValueError:
            value = ctx.env.get(term.due)
            return value if isinstance(value, date) else None

    def _sentence(self, text: str, ctx: Context) -> str:
        return to_sentence(parse_condition(text), self.labels, ctx.env)  # type: ignore[arg-type]

    # -- per entity --------------------------------------------------------------------------

    def for_entity(self, ctx: Context, outcome: Outcome) -> list[Finding]:
        findings: list[Finding] = []
        statuses: dict[str, Status] = {}
        for term in self.version.terms.values():
            if isinstance(term, Obligation) and term.level is ctx.level:
                finding = self.obligation(ctx, term, outcome)
                statuses[term.id] = finding.status
                findings.append(finding)
        for term in self.version.terms.values():
            if isinstance(term, Entitlement) and term.level is ctx.level:
                findings.append(self.entitlement(ctx, term, outcome, statuses))
        # --- sanction ladders (contract.evaluation.sanctions): after the entitlements, whose schedules they read ---
        findings.extend(sanctions.sanction_findings(self, ctx, statuses, findings))
        return findings

    def obligation(self, ctx: Context, term: Obligation, outcome: Outcome) -> Finding:
        names: set[str] = set()
        for _attr, tree in expressions_of(term):
            names |= refs(tree)
        due = self._due_date(term, ctx)
        if term.in_effect and self.as_of < term.in_effect.start:
            return self._finding(ctx, term, Status.not_yet_due, f"Takes effect on {term.in_effect.start}.",
                                 names, due=due)
        if term.in_effect and self.as_of > term.in_effect.end:
            return self._finding(ctx, term, Status.not_applicable, f"Ceased on {term.in_effect.end}.", names, due=due)
        if term.applies_when:
            applies = outcome.value(f"{term.id}#applies_when")
            if applies is False:
                return self._finding(ctx, term, Status.not_applicable,
                                     f"Does not apply: {self._sentence(term.applies_when, ctx)} is false.",
                                     names, due=due)
            if applies is None:
                missing = self._missing(ctx, refs(parse_condition(term.applies_when)))
                return self._finding(ctx, term, Status.input_missing,
                                     f"Cannot tell whether it applies: {', '.join(missing)} not given.",
                                     names, due=due, missing=missing)
        met = outcome.value(f"{term.id}#requirement")
        rule = self._sentence(term.requirement, ctx)
        if met is True:
            return self._finding(ctx, term, Status.met, f"Met: {rule}.", names, due=due)
        if due and self.as_of < due:
            return self._finding(ctx, term, Status.not_yet_due, f"Due on {describe_value(due)}: {rule}.",
                                 names, due=due)
        if met is False:
            return self._finding(ctx, term, Status.not_met, f"Not met, because this is false: {rule}.", names, due=due)
        missing = self._missing(ctx, refs(parse_condition(term.requirement)))
        return self._finding(ctx, term, Status.input_missing, f"Cannot decide: {', '.join(missing)} not given. "
                             f"Rule: {rule}.", names, due=due, missing=missing)

    def entitlement(self, ctx: Context, term: Entitlement, outcome: Outcome, statuses: dict[str, Status]) -> Finding:
        names: set[str] = set()
        for _attr, tree in expressions_of(term):
            names |= refs(tree)
        if term.rate:
            names.add(term.rate)
        if term.eligible_when:
            eligible = outcome.value(f"{term.id}#eligible_when")
            if eligible is False:
                return self._finding(ctx, term, Status.not_applicable,
                                     f"Not payable: {self._sentence(term.eligible_when, ctx)} is false.", names)
            if eligible is None:
                missing = self._missing(ctx, refs(parse_condition(term.eligible_when)))
                return self._finding(ctx, term, Status.input_missing,
                                     f"Cannot tell whether it is payable: {', '.join(missing)} not given.",
                                     names, missing=missing)
        if term.method is Method.staff_reimbursement:
            computed = self._staff_amount(ctx, term)
        elif term.method is Method.rate_times_basis:
            computed = self._rate_amount(ctx, term)
        else:
            # Indicator-based methods (QOF, IIF and the like) live in their own module.
            from contract.evaluation import indicators

            computed = indicators.compute(self, ctx, term)
        if isinstance(computed, Finding):
            return computed
        total, exact_months, explanation = computed
        schedule, withheld, why_withheld = self._schedule(ctx, term, exact_months, statuses)
        status = Status.not_met if withheld else Status.met
        if self.as_of < term.accrual.start and not withheld:
            status = Status.not_yet_due
        text = explanation + (f" {why_withheld}" if why_withheld else "")
        return self._finding(ctx, term, status, text, names, amount=total, withheld=withheld, schedule=schedule)

    def _rate_amount(self, ctx: Context, term: Entitlement):
        rate_term = self.version.terms[term.rate]  # type: ignore[index]
        assert isinstance(rate_term, Parameter)
        basis = ctx.env.get(term.basis)  # type: ignore[arg-type]
        if rate_term.formula and rate_term.id not in ctx.env:  # a formula rate that could not be computed
            basis = None
        if basis is None:
            missing = self._missing(ctx, [term.basis] if term.basis not in ctx.env else  # type: ignore[list-item]
                                    refs(parse_formula(rate_term.formula or "")))
            return self._finding(ctx, term, Status.input_missing,
                                 f"Cannot compute: {', '.join(missing)} not given.", {term.basis, term.rate},
                                 missing=missing)
        accrual_months = [m for m in months(term.accrual.start, term.accrual.end)
                          if not term.in_effect or term.in_effect.start <= m <= term.in_effect.end]
        n = len(months(term.accrual.start, term.accrual.end))

        def share(month: date) -> Decimal | None:
            rate = rate_value(rate_term, month, self.as_of, ctx.env)
            if rate is None:
                return None
            per_month = {RatePeriod.month: rate, RatePeriod.year: rate / 12, RatePeriod.period: rate / n}
            if rate_term.period not in per_month:
                raise ValueError(f"{rate_term.id}: a {rate_term.period} rate cannot be paid monthly")
            return Decimal(basis) * per_month[rate_term.period]  # type: ignore[index,arg-type]

        exact = [(m, a) for m in accrual_months if (a := share(m)) is not None]
        total, _ = split_total(exact)
        first_rate = rate_value(rate_term, accrual_months[0] if accrual_months else self.as_of, self.as_of, ctx.env)
        # Rates read as money: at least two decimal places (£7.50, £0.5143), never "£7.5".
        rate_text = (describe_value(first_rate) if first_rate.as_tuple().exponent <= -2
                     else f"{first_rate:.2f}") if first_rate is not None else "?"
        per = rate_term.per.value.replace("_", " ") if rate_term.per else "unit"
        period = {"period": f"for {describe_value(term.accrual.start)} to {describe_value(term.accrual.end)}"}.get(
            rate_term.period.value, f"a {rate_term.period.value}") if rate_term.period else ""
        explanation = (f"{self.labels.get(term.basis, term.basis)} {describe_value(basis)} × £{rate_text} per {per} "  # type: ignore[arg-type]
                       f"{period}, over {len(exact)} month(s) = £{total:,}.")
        return total, exact, explanation

    def _staff_amount(self, ctx: Context, term: Entitlement):
        roles = self.version.terms[term.roles]  # type: ignore[index]
        assert isinstance(roles, RolesTable)
        if not self.staff_given:
            return self._finding(ctx, term, Status.input_missing,
                                 "Cannot compute: no staff file was given (additional-roles posts and costs).",
                                 missing=["staff"])
        posts_allowed = ctx.env.get(roles.posts_per_role) if roles.posts_per_role else None
        if roles.posts_per_role and posts_allowed is None:
            missing = self._missing(ctx, refs(parse_formula(self.version.terms[roles.posts_per_role].formula)))  # type: ignore[union-attr,arg-type]
            return self._finding(ctx, term, Status.input_missing,
                                 f"Cannot compute the posts allowed: {', '.join(missing)} not given.", missing=missing)
        staff = self.staff_by_network.get(ctx.code, [])
        result = reimburse_staff(staff, roles, term.accrual, posts_allowed)  # type: ignore[arg-type]
        if result.missing:
            return self._finding(ctx, term, Status.input_missing, "Cannot compute: " + "; ".join(result.missing) + ".",
                                 missing=result.missing)
        total, _ = split_total(result.exact_by_month)
        explanation = result.explain(total)
        if term.cap:
            cap = ctx.env.get(term.cap)
            cap_title = self.labels.get(term.cap, term.cap)
            if cap is None:
                missing = self._missing(ctx, refs(parse_formula(self.version.terms[term.cap].formula or "")))  # type: ignore[union-attr]
                return self._finding(ctx, term, Status.input_missing,
                                     f"Claims come to £{total:,}, but the {cap_title} cannot be computed: "
                                     f"{', '.join(missing)} not given.", missing=missing)
            if total > cap:  # type: ignore[operator]
                factor = Decimal(cap) / total  # type: ignore[arg-type]
                scaled = [(m, a * factor) for m, a in result.exact_by_month]
                capped, _ = split_total(scaled)
                return capped, scaled, f"{explanation} Capped at the {cap_title}, £{capped:,}."
        return total, result.exact_by_month, explanation

    def _schedule(self, ctx: Context, term: Entitlement, exact: list[tuple[date, Decimal]],
                  statuses: dict[str, Status]):
        _, rounded = split_total(exact)
        failing = [o for o in self.funders.get(term.id, []) if statuses.get(o.id) is Status.not_met]
        hold_from = None
        if failing:
            dues = [self._due_date(o, ctx) for o in failing]
            hold_from = max([self.as_of.replace(day=1), *[d for d in dues if d]])
        schedule, withheld = [], Decimal(0)
        for month, amount in rounded:
            paid_on = payment_date(month, term.schedule.first_payment)
            if hold_from and paid_on >= hold_from:
                state = InstalmentState.withheld
                withheld += amount
            else:
                state = InstalmentState.paid if paid_on <= self.as_of else InstalmentState.due
            schedule.append(Instalment(month=month, paid_on=paid_on, amount=amount, state=state))
        why = ""
        if failing:
            why = (f"£{withheld:,} may be withheld from {describe_value(hold_from)} while not met: "  # type: ignore[arg-type]
                   + ", ".join(o.title.lower() for o in failing) + ".")
        return schedule, (withheld if failing else None), why
