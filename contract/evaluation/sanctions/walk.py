"""Sanction ladders: what a commissioner may do, step by step, when an obligation is not met.

A sanction term whose steps carry `next_on` transitions (``specs/<version>/enforcement.yaml``) is a
state machine. Nothing about its states lives here: the steps, the event each step takes and the
step it leads to, the cure period and which money a remedy releases all come from the spec. This
module walks one practice's or network's dated events (:class:`~contract.evaluation.events.LadderEvent`)
through it, in date order, up to the as-of date, in one of two ways that must agree:

* through durable_rules, as a statechart (:meth:`contract.engine.durable.RulesEngine.chart_session`), the
  default;
* through :func:`reference_step`, a plain walk of the same transition table (``use_reference``),
  for the differential tests.

Around either, the same driver (:func:`run_ladder`) does what is not a transition:

* **derived expiry.** A step with `cure_days` (the remedial notice) starts a cure period when it is
  entered: the notice date plus the notice's `cure_days` (at least the step's minimum). The day
  after the period ends, if no event has left the step, a ``cure_period_expired`` event is derived
  and takes the step's transition for it (to "breach notice available"). It is never recorded.
* **money.** Money is event-driven. ``payment_withheld`` and ``payment_deferred`` add their
  ``amount_gbp``; with no amount, the caller's ``amount_for`` computes it (the evaluation takes the
  next instalment, on or after the event date, of each entitlement the missed obligations fund).
  ``remedied`` pays out the kinds of money the term's ``released_on_remedy`` names (deferred money
  in our specs; withheld money is not paid later). Termination releases nothing.
* **events that do nothing.** An event the current step has no transition for leaves the state as
  it is and is reported as an :class:`~contract.spec.facts.InputIssue` naming the file and row; it is
  never silently dropped. Events after the as-of date are counted, not applied.

The result (:class:`LadderResult`) gives the state at the as-of date, the history (date, event,
from, to), the money withheld, deferred (still held) and released, and the next deadline with what
happens then. :func:`contract.evaluation.sanctions.findings.sanction_findings` turns it into a finding
for the evaluation.
"""


from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from contract.engine.compiler import engine_value
from contract.engine.durable import ChartSession, shared_engine
from contract.evaluation.events import LadderEvent
from contract.evaluation.money import to_penny
from contract.evaluation.sanctions.ladder_spec import Ladder
from contract.lang.expressions import describe_value
from contract.spec.facts import InputError, InputIssue
from contract.spec.schema import SanctionEvent

AmountFor = Callable[[LadderEvent, tuple[str, ...]], Decimal | None]
"""(event, obligations open at the time) -> the amount it holds back, or None when unknown."""

_VERBS = {
    SanctionEvent.payment_withheld: "withhold payment",
    SanctionEvent.payment_deferred: "defer payment",
    SanctionEvent.remedial_notice_served: "serve a remedial notice",
    SanctionEvent.breach_notice_served: "serve a breach notice",
    SanctionEvent.terminated: "terminate",
}
ZERO = Decimal("0.00")


# --- results ---------------------------------------------------------------------------------


class LadderMove(BaseModel):
    """One event on the ladder and what it did."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    date: date
    event: SanctionEvent
    source: str
    target: str
    applied: bool
    """False: the step had no transition for this event; the state did not change (reported)."""
    derived: bool = False
    """A derived cure expiry, or an obligation the evaluation found not met with no event for it."""
    term_id: str | None = None
    cure_days: int | None = None
    amount: Decimal | None = None
    """Money this event withheld, deferred (its own amount or the computed one) or released."""
    where: str | None = None
    """File and row the event was read from."""
    note: str | None = None

    def describe(self) -> str:
        text = f"{describe_value(self.date)} {self.event.value.replace('_', ' ')}"
        if self.term_id:
            text += f" ({self.term_id})"
        if self.cure_days is not None:
            text += f" ({self.cure_days} days to remedy)"
        if self.amount is not None:
            text += f" £{self.amount:,}"
        if self.derived:
            text += " [derived]"
        if not self.applied:
            return text + f": no effect in {self.source}"
        return text + (f": {self.source} → {self.target}" if self.source != self.target else f": stays {self.target}")


class LadderResult(BaseModel):
    """One practice or network on one ladder at the as-of date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    term_id: str
    entity_code: str
    as_of: date
    state: str
    state_title: str
    compliant: bool
    history: list[LadderMove]
    withheld: Decimal
    """Withheld and not paid out."""
    deferred: Decimal
    """Deferred and still held (not yet released)."""
    released: Decimal
    """Paid out on a remedy."""
    unknown_amounts: int = 0
    """Withholdings or deferrals whose amount was neither given nor computable (counted as £0)."""
    next_deadline: date | None = None
    """The last day of a running cure period."""
    next_step: str
    """What happens next, in words."""
    later_events: int = 0
    """Events dated after the as-of date (not applied)."""
    issues: list[InputIssue] = Field(default_factory=list)
    engine: str = "durable_rules"

    @property
    def held(self) -> Decimal:
        """Money held back at the as-of date: withheld plus deferred and not released."""
        return self.withheld + self.deferred


# --- stepping: the engine or the reference walk ------------------------------------------------


Step = Callable[[SanctionEvent, date], tuple[str, str, bool]]
"""(event, date) -> (state before, state after, whether the ladder defines that move)."""


def reference_step(ladder_: Ladder) -> Step:
    """The plain-Python ladder: a walk of the transition table, starting in the first step."""
    state = ladder_.initial

    def step(event: SanctionEvent, day: date) -> tuple[str, str, bool]:
        nonlocal state
        source = state
        target = ladder_.target(source, event)
        state = target or source
        return source, state, target is not None

    return step


def _engine_step(session: ChartSession) -> Step:
    def step(event: SanctionEvent, day: date) -> tuple[str, str, bool]:
        move = session.post(event.value, date=engine_value(day))
        return move.source, move.target, move.defined

    return step


# --- the driver ---------------------------------------------------------------------------------


@dataclass
class _Walk:
    ladder: Ladder
    as_of: date
    step: Step
    amount_for: AmountFor | None
    moves: list[LadderMove] = field(default_factory=list)
    issues: list[InputIssue] = field(default_factory=list)
    state: str = ""
    deadline: date | None = None
    open_terms: list[str] = field(default_factory=list)
    withheld: Decimal = ZERO
    deferred: Decimal = ZERO
    released: Decimal = ZERO
    unknown: int = 0

    def apply(self, event: SanctionEvent, day: date, ev: LadderEvent | None) -> None:
        source, target, defined = self.step(event, day)
        if source != self.state:
            raise RuntimeError(f"{self.ladder.id}: the walk was in {self.state}, the step says {source}")
        common = {"date": day, "event": event, "source": source, "target": target, "derived": ev is None or ev.derived,
                  "term_id": ev.term_id if ev else None, "cure_days": ev.cure_days if ev else None,
                  "where": ev.where if ev else None,
                  "note": ev.note if ev else None}
        if not defined:
            if ev is not None and not ev.derived:
                self.issues.append(InputIssue(
                    file=ev.file, row=ev.row, field="event",
                    message=f"{ev.entity_code}: {event.value} on {day} has no effect on {self.ladder.id} in state "
                            f"{source} ({self.ladder.steps[source].title}); left out"))
            self.moves.append(LadderMove(applied=False, **common))
            return
        amount = self._money(event, ev)
        entered = self.ladder.steps[target]
        if target != source or event is SanctionEvent.cure_period_expired:
            self.deadline = None
        if target != source and entered.cure_days is not None:
            days = ev.cure_days if ev is not None and ev.cure_days is not None else entered.cure_days
            if days < entered.cure_days:
                raise InputError(ev.file if ev else "events", ev.row if ev else None, "cure_days",
                                 f"{days} days is below the minimum cure period of {entered.cure_days} days "
                                 f"({self.ladder.id}, step {target})")
            self.deadline = day + timedelta(days=days)
        if event is SanctionEvent.obligation_missed and ev is not None and ev.term_id \
                and ev.term_id not in self.open_terms:
            self.open_terms.append(ev.term_id)
        if entered.compliant:
            self.open_terms = []
        self.state = target
        self.moves.append(LadderMove(applied=True, amount=amount, **common))

    def _money(self, event: SanctionEvent, ev: LadderEvent | None) -> Decimal | None:
        if event in (SanctionEvent.payment_withheld, SanctionEvent.payment_deferred):
            amount = ev.amount_gbp if ev is not None else None
            if amount is None and ev is not None and self.amount_for is not None:
                amount = self.amount_for(ev, tuple(self.open_terms))
            if amount is None:
                self.unknown += 1
                return None
            amount = to_penny(amount)
            if event is SanctionEvent.payment_withheld:
                self.withheld += amount
            else:
                self.deferred += amount
            return amount
        if event is SanctionEvent.remedied:
            released = ZERO
            if "deferred" in self.ladder.term.released_on_remedy:
                released, self.deferred = released + self.deferred, ZERO
            if "withheld" in self.ladder.term.released_on_remedy:
                released, self.withheld = released + self.withheld, ZERO
            self.released += released
            return released if released else None
        return None

    def expire_before(self, day: date) -> None:
        """Derive the cure expiry if the cure period ended before `day` (it happens the day after)."""
        if self.deadline is not None and day > self.deadline:
            self.apply(SanctionEvent.cure_period_expired, self.deadline + timedelta(days=1), None)
            self.deadline = None


def run_ladder(ladder_: Ladder, entity_code: str, events: Iterable[LadderEvent], as_of: date, *,
               use_reference: bool = False, amount_for: AmountFor | None = None) -> LadderResult:
    """Walk one practice's or network's events (already routed to this ladder) up to `as_of`.

    Events are applied in date order, file order within a date; derived cure expiries come before
    the recorded events of their day. `amount_for` computes the amount of a withholding or deferral
    recorded without one (see the module docstring); without it such amounts are unknown."""
    mine = list(events)
    strangers = sorted({e.entity_code for e in mine} - {entity_code})
    if strangers:
        raise ValueError(f"run_ladder for {entity_code} was given events of {', '.join(strangers)}")
    ordered = [e for _, e in sorted(enumerate(mine), key=lambda p: (p[1].date, p[0])) if e.date <= as_of]
    later = sum(1 for e in mine if e.date > as_of)

    def walk(step: Step) -> _Walk:
        w = _Walk(ladder_, as_of, step, amount_for, state=ladder_.initial)
        for ev in ordered:
            w.expire_before(ev.date)
            w.apply(ev.event, ev.date, ev)
        w.expire_before(as_of)
        return w

    if use_reference:
        w = walk(reference_step(ladder_))
    else:
        with shared_engine().chart_session(ladder_.chart, f"{ladder_.id}:{entity_code}") as session:
            w = walk(_engine_step(session))
            if session.state != w.state:
                raise RuntimeError(f"{entity_code}: engine state {session.state} differs from {w.state}")
    step = ladder_.steps[w.state]
    return LadderResult(
        version=ladder_.version_id, term_id=ladder_.id, entity_code=entity_code, as_of=as_of, state=w.state,
        state_title=step.title, compliant=step.compliant, history=w.moves, withheld=w.withheld,
        deferred=w.deferred, released=w.released, unknown_amounts=w.unknown, next_deadline=w.deadline,
        next_step=_next_step(ladder_, w.state, w.deadline), later_events=later, issues=w.issues,
        engine="reference" if use_reference else "durable_rules",
    )


def _next_step(ladder_: Ladder, state: str, deadline: date | None) -> str:
    step = ladder_.steps[state]
    if deadline is not None:
        expired = step.next_on[SanctionEvent.cure_period_expired]
        return (f"if not remedied by {describe_value(deadline)}, from {describe_value(deadline + timedelta(days=1))}: "
                f"{ladder_.steps[expired].title.lower()} ({expired})")
    if not step.next_on:
        return "none: this is the last step"
    options = [verb for event, verb in _VERBS.items()
               if event in step.next_on and step.next_on[event] != state]
    text = f"the commissioner may {_join(options)}" if options else "no sanction is open"
    if SanctionEvent.remedied in step.next_on:
        target = step.next_on[SanctionEvent.remedied]
        text += f"; a remedy leads to {target}"
    if not step.compliant and SanctionEvent.obligation_missed in step.next_on \
            and step.next_on[SanctionEvent.obligation_missed] != state:
        text += f"; a further breach leads to {step.next_on[SanctionEvent.obligation_missed]}"
    elif step.compliant and SanctionEvent.obligation_missed in step.next_on:
        text += f"; a breach leads to {step.next_on[SanctionEvent.obligation_missed]}"
    return text


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
