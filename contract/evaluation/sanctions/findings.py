"""Sanction ladders inside an evaluation: the events checked against the version and the population,
and a finding per ladder for each practice or network with events or failing obligations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from contract.evaluation.context import Context
from contract.evaluation.events import LadderEvent, minimum_cure_days
from contract.evaluation.findings import FindingBuilder, weakest
from contract.evaluation.money import to_penny
from contract.evaluation.results import Finding, Status
from contract.evaluation.sanctions.ladder_spec import Ladder, commissioner_duties, ladders
from contract.evaluation.sanctions.walk import ZERO, AmountFor, LadderResult, run_ladder
from contract.lang import text
from contract.lang.expressions import describe_value
from contract.spec.facts import InputError, InputIssue, Population
from contract.spec.schema import EntityLevel, Obligation, SanctionEvent, Version

# --- inside an evaluation -------------------------------------------------------------------------


@dataclass
class Prepared:
    """The events of one evaluation, checked against the version and population, by entity."""

    version: Version
    as_of: date
    use_reference: bool
    by_entity: dict[str, list[LadderEvent]] = field(default_factory=dict)
    issues: list[InputIssue] = field(default_factory=list)

    _ladders: dict[EntityLevel, list[Ladder]] = field(default_factory=dict)

    def ladders_at(self, level: EntityLevel) -> list[Ladder]:
        if level not in self._ladders:
            self._ladders[level] = ladders(self.version, level)
        return self._ladders[level]


def prepare(version: Version, population: Population, events: Iterable[LadderEvent] | None, as_of: date,
            use_reference: bool = False) -> Prepared:
    """Check events against the version (term ids, cure periods: InputError) and the population
    (codes it does not know, and events no ladder covers: issues), and group them by entity."""
    prepared = Prepared(version, as_of, use_reference)
    minimum = minimum_cure_days(version)
    for ev in events or ():
        if ev.term_id is not None and not isinstance(version.terms.get(ev.term_id), Obligation):
            raise InputError(ev.file, ev.row, "term_id", f"{ev.term_id!r} is not an obligation of {version.id}")
        if ev.cure_days is not None and minimum is not None and ev.cure_days < minimum:
            raise InputError(ev.file, ev.row, "cure_days",
                             f"{ev.cure_days} days is below the minimum cure period of {minimum} days in {version.id}")
        levels = [lvl for lvl, known in ((EntityLevel.practice, population.practices),
                                         (EntityLevel.network, population.networks)) if ev.entity_code in known]
        if not levels:
            prepared.issues.append(InputIssue(file=ev.file, row=ev.row, field="entity_code",
                                              message=f"{ev.entity_code} is not a practice or network of the "
                                                      f"inputs; event left out"))
            continue
        if not any(lad.covers(ev.term_id) for lvl in levels for lad in ladders(version, lvl)):
            duty = " (an obligation of the commissioner, not of the contractor)" \
                if ev.term_id in commissioner_duties(version) else ""
            prepared.issues.append(InputIssue(
                file=ev.file, row=ev.row, field="term_id" if ev.term_id else "entity_code",
                message=f"no sanction ladder of {version.id} at {' or '.join(lv.value for lv in levels)} level "
                        f"covers this event{duty}; left out"))
            continue
        prepared.by_entity.setdefault(ev.entity_code, []).append(ev)
    return prepared


def _instalment_amount(version: Version, findings: list[Finding]) -> AmountFor:
    """The evaluation's amount for a withholding or deferral recorded without one: the next
    instalment, paid on or after the event date, of each entitlement the obligations fund."""
    by_term = {f.term_id: f for f in findings}

    def amount(ev: LadderEvent, open_terms: tuple[str, ...]) -> Decimal | None:
        obligations = [ev.term_id] if ev.term_id else list(open_terms)
        funded: list[str] = []
        for term_id in obligations:
            term = version.terms.get(term_id)
            if isinstance(term, Obligation):
                funded.extend(t for t in term.funds if t not in funded)
        total: Decimal | None = None
        for entitlement in funded:
            finding = by_term.get(entitlement)
            if finding is None:
                continue
            due = next((i for i in finding.schedule if i.paid_on >= ev.date), None)
            if due is not None:
                total = (total or ZERO) + due.amount
        return total

    return amount


def sanction_findings(builder: FindingBuilder, prepared: Prepared, ctx: Context, statuses: dict[str, Status],
                      findings: list[Finding]) -> list[Finding]:
    """A finding per ladder of the entity's level, when it has events or failing obligations
    (`statuses`: the entity's obligations; `findings`: its entitlements, whose schedules price a
    withholding recorded without an amount)."""
    found: list[Finding] = []
    mine = prepared.by_entity.get(ctx.code, [])
    if not mine and Status.not_met not in statuses.values():
        return found  # the usual case: nothing to walk
    for lad in prepared.ladders_at(ctx.level):
        events = [e for e in mine if lad.covers(e.term_id)]
        failing = sorted(t for t, s in statuses.items() if s is Status.not_met and lad.covers(t))
        if not events and not failing:
            continue
        if not events:
            # No commissioner record: the evaluation's own finding starts the ladder, on the as-of date.
            events = [LadderEvent(entity_code=ctx.code, date=prepared.as_of, event=SanctionEvent.obligation_missed,
                                  term_id=t, file="evaluation", derived=True) for t in failing]
        result = run_ladder(lad, ctx.code, events, prepared.as_of, use_reference=prepared.use_reference,
                            amount_for=_instalment_amount(prepared.version, findings))
        prepared.issues.extend(result.issues)
        status = Status.met if result.compliant else Status.not_met
        finding = builder.finding(ctx, lad.term, status, explain(result, failing, events), (),
                                  withheld=to_penny(result.held), due=result.next_deadline)
        # The sources of the step reached, after the term's own.
        cites = list(finding.citations)
        cites += [c for c in lad.steps[result.state].citations if c not in cites]
        found.append(finding.model_copy(update={"values": _values(result), "citations": cites,
                                                "confidence": weakest(cites)}))
    return found


def explain(result: LadderResult, failing: Sequence[str] = (), events: Sequence[LadderEvent] = ()) -> str:
    """The finding's explanation: state, events, money, next deadline and step; and the
    obligations the evaluation finds not met that the events do not account for."""
    parts = [f"State: {result.state} ({result.state_title}) at {describe_value(result.as_of)}."]
    if result.history:
        parts.append("Events: " + "; ".join(m.describe() for m in result.history) + ".")
    money = (f"Money: {text.gbp(result.withheld)} withheld, {text.gbp(result.deferred)} deferred and held, "
             f"{text.gbp(result.released)} released.")
    if result.unknown_amounts:
        money += (f" The amount of {result.unknown_amounts} withholding(s) or deferral(s) was not given and "
                  "could not be computed (counted as £0).")
    parts.append(money)
    if result.next_deadline is not None:
        parts.append(f"Next deadline: {describe_value(result.next_deadline)}.")
    parts.append(f"Next: {result.next_step}.")
    unrecorded = [t for t in failing if not any(e.term_id == t for e in events)]
    if result.compliant and failing:
        parts.append("The evaluation finds not met at the as-of date: " + ", ".join(failing)
                     + " (record obligation_missed to put a breach on the ladder).")
    elif unrecorded:
        parts.append("Also not met at the as-of date, with no event recorded: " + ", ".join(unrecorded) + ".")
    if result.later_events:
        parts.append(f"{result.later_events} event(s) dated after the as-of date are not counted.")
    return " ".join(parts)


def _values(result: LadderResult) -> dict[str, str]:
    values = {
        "state": result.state,
        "money withheld": text.gbp(result.withheld),
        "money deferred (held)": text.gbp(result.deferred),
        "money released": text.gbp(result.released),
        "next deadline": describe_value(result.next_deadline) if result.next_deadline else "none",
    }
    for i, move in enumerate(result.history, start=1):
        values[f"event {i}"] = move.describe() + (f" ({move.where})" if move.where else "")
    return values
