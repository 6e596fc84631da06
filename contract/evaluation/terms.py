"""Obligations and entitlements of one practice or network, as findings.

An obligation is met, not met, not yet due, not applicable or undecided (input missing), from the
engine's decisions and its dates. An entitlement is priced by its payment method
(:mod:`contract.evaluation.methods`) and laid out as a schedule of monthly instalments, withheld
from the as-of month (or the failing obligation's due date) while an obligation that funds it is
not met.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contract.engine.durable import Outcome
from contract.evaluation.context import Context
from contract.evaluation.findings import FindingBuilder
from contract.evaluation.methods import Unpriced, method_for
from contract.evaluation.money import Exact, payment_date, split_total
from contract.evaluation.results import Finding, Instalment, InstalmentState, Status
from contract.lang import text
from contract.lang.expressions import condition_names, describe_value
from contract.spec.references import expression_names
from contract.spec.schema import Entitlement, Obligation, Version


def _funders(version: Version) -> dict[str, list[Obligation]]:
    """Entitlement id -> the obligations that fund it."""
    found: dict[str, list[Obligation]] = {}
    for term in version.terms.values():
        if isinstance(term, Obligation):
            for target in term.funds:
                found.setdefault(target, []).append(term)
    return found


class TermFindings:
    """The obligation and entitlement findings of one version at one date."""

    def __init__(self, builder: FindingBuilder):
        self.builder = builder
        self.version = builder.version
        self.as_of = builder.as_of
        self.funders = _funders(builder.version)
        self._names: dict[str, frozenset[str]] = {}

    def names(self, term: Obligation | Entitlement) -> frozenset[str]:
        """The names a term's findings show the values of: those its expressions read, and its rate
        (worked out once per term, not once per entity)."""
        found = self._names.get(term.id)
        if found is None:
            rate = {term.rate} if isinstance(term, Entitlement) and term.rate else set()
            found = self._names[term.id] = frozenset(expression_names(term) | rate)
        return found

    def for_entity(self, ctx: Context, outcome: Outcome) -> tuple[list[Finding], dict[str, Status]]:
        """The entity's obligations, then its entitlements (whose schedules read the obligations'
        statuses); with each obligation's status."""
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
        return findings, statuses

    def obligation(self, ctx: Context, term: Obligation, outcome: Outcome) -> Finding:
        b = self.builder
        names = self.names(term)
        due = b.due_date(term, ctx)
        if term.in_effect and self.as_of < term.in_effect.start:
            return b.finding(ctx, term, Status.not_yet_due, f"Takes effect on {term.in_effect.start}.", names, due=due)
        if term.in_effect and self.as_of > term.in_effect.end:
            return b.finding(ctx, term, Status.not_applicable, f"Ceased on {term.in_effect.end}.", names, due=due)
        if term.applies_when:
            applies = outcome.value(f"{term.id}#applies_when")
            if applies is False:
                return b.finding(ctx, term, Status.not_applicable,
                                 f"Does not apply: {b.sentence(term.applies_when, ctx)} is false.", names, due=due)
            if applies is None:
                missing = b.missing(ctx, condition_names(term.applies_when))
                return b.finding(ctx, term, Status.input_missing,
                                 f"Cannot tell whether it applies: {', '.join(missing)} not given.",
                                 names, due=due, missing=missing)
        met = outcome.value(f"{term.id}#requirement")
        rule = b.sentence(term.requirement, ctx)
        if met is True:
            return b.finding(ctx, term, Status.met, f"Met: {rule}.", names, due=due)
        if due and self.as_of < due:
            return b.finding(ctx, term, Status.not_yet_due, f"Due on {describe_value(due)}: {rule}.", names, due=due)
        if met is False:
            return b.finding(ctx, term, Status.not_met, f"Not met, because this is false: {rule}.", names, due=due)
        missing = b.missing(ctx, condition_names(term.requirement))
        return b.finding(ctx, term, Status.input_missing, f"Cannot decide: {', '.join(missing)} not given. "
                         f"Rule: {rule}.", names, due=due, missing=missing)

    def entitlement(self, ctx: Context, term: Entitlement, outcome: Outcome, statuses: dict[str, Status]) -> Finding:
        b = self.builder
        names = self.names(term)
        if term.eligible_when:
            eligible = outcome.value(f"{term.id}#eligible_when")
            if eligible is False:
                return b.finding(ctx, term, Status.not_applicable,
                                 f"Not payable: {b.sentence(term.eligible_when, ctx)} is false.", names)
            if eligible is None:
                missing = b.missing(ctx, condition_names(term.eligible_when))
                return b.finding(ctx, term, Status.input_missing,
                                 f"Cannot tell whether it is payable: {', '.join(missing)} not given.",
                                 names, missing=missing)
        priced = method_for(term.method).compute(b, ctx, term)
        if isinstance(priced, Unpriced):
            return b.finding(ctx, term, Status.input_missing, priced.explanation, priced.names,
                             missing=priced.missing, maximum=priced.maximum)
        schedule, withheld, why_withheld = self._schedule(ctx, term, priced.exact_by_month, statuses)
        status = Status.not_met if withheld else Status.met
        if self.as_of < term.accrual.start and not withheld:
            status = Status.not_yet_due
        text = priced.explanation + (f" {why_withheld}" if why_withheld else "")
        return b.finding(ctx, term, status, text, names, amount=priced.total, withheld=withheld, schedule=schedule,
                         maximum=priced.maximum)

    def _schedule(self, ctx: Context, term: Entitlement, exact: list[tuple[date, Exact]],
                  statuses: dict[str, Status]) -> tuple[list[Instalment], Decimal | None, str]:
        """The instalments, and the money withheld (None when no funding obligation fails) and why."""
        _, rounded = split_total(exact)
        failing = [o for o in self.funders.get(term.id, []) if statuses.get(o.id) is Status.not_met]
        hold_from: date | None = None
        if failing:
            dues = [d for o in failing if (d := self.builder.due_date(o, ctx))]
            hold_from = max([self.as_of.replace(day=1), *dues])
        schedule, withheld = [], Decimal(0)
        for month, amount in rounded:
            paid_on = payment_date(month, term.schedule.first_payment)
            if hold_from and paid_on >= hold_from:
                state = InstalmentState.withheld
                withheld += amount
            else:
                state = InstalmentState.paid if paid_on <= self.as_of else InstalmentState.due
            schedule.append(Instalment(month=month, paid_on=paid_on, amount=amount, state=state))
        if hold_from is None:
            return schedule, None, ""
        why = (f"{text.gbp(withheld)} may be withheld from {describe_value(hold_from)} while not met: "
               + ", ".join(o.title.lower() for o in failing) + ".")
        return schedule, withheld, why
