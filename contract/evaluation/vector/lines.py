"""Statuses and amounts of one level's obligations and rate_times_basis entitlements, by column.

The same decisions as :class:`contract.evaluation.terms.TermFindings`, row for row: an obligation
is not yet due, not applicable, met, not met or undecided from its dates and its compiled
conditions; an entitlement is not payable, undecided, or priced (:mod:`.price`) and withheld while
an obligation that funds it is not met.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from contract.engine.compiler import Decision
from contract.evaluation.results import Status
from contract.evaluation.vector.compile import Compiler
from contract.evaluation.vector.frame import ROW, LevelFrame
from contract.evaluation.vector.price import RatePlan, pence, scaled_bases, sweep_pence, withheld_pence
from contract.lang.expressions import Value
from contract.spec.schema import Entitlement, Obligation

STATUS = pl.Enum([s.value for s in Status])


def decide_all(frame: LevelFrame, decisions: list[Decision]) -> pl.DataFrame:
    """One column per decision key (True, False or null), one row per entity of the frame."""
    names = set().union(*(d.names for d in decisions)) if decisions else set()
    data = frame.engine_frame(names)
    compiler = Compiler(set(data.columns), frame.national)
    return data.select([pl.col(ROW), *(compiler.decision(d).alias(d.key) for d in decisions)])


def due_dates(frame: LevelFrame, term: Obligation) -> list[date | None]:
    """An obligation's due date for every row: a date in the spec, or a date parameter's value."""
    if not term.due:
        return [None] * len(frame)
    try:
        return [date.fromisoformat(term.due)] * len(frame)
    except ValueError:
        return [v if isinstance(v, date) else None for v in frame.column(term.due)]


def obligation_statuses(term: Obligation, decided: pl.DataFrame, due: list[date | None], as_of: date) -> list[str]:
    """The obligation's status for every row (as TermFindings.obligation decides it)."""
    height = decided.height
    if term.in_effect and as_of < term.in_effect.start:
        return [Status.not_yet_due.value] * height
    if term.in_effect and as_of > term.in_effect.end:
        return [Status.not_applicable.value] * height
    met = pl.col(f"{term.id}#requirement")
    not_due = pl.Series("due", due, dtype=pl.Date) > as_of
    applies = pl.col(f"{term.id}#applies_when") if term.applies_when else pl.lit(True)
    expr = pl.when(applies.not_()).then(pl.lit(Status.not_applicable.value)) \
        .when(applies.is_null()).then(pl.lit(Status.input_missing.value)) \
        .when(met).then(pl.lit(Status.met.value)) \
        .when(pl.lit(not_due).fill_null(False)).then(pl.lit(Status.not_yet_due.value)) \
        .when(met.not_()).then(pl.lit(Status.not_met.value)) \
        .otherwise(pl.lit(Status.input_missing.value))
    return decided.select(expr.alias("status"))["status"].to_list()


@dataclass
class Line:
    """One entitlement for every row of a level: status, amount and withheld (pence; None when none),
    and the rows' exact bases (for sweeps)."""

    term: Entitlement
    plan: RatePlan
    status: list[str]
    amount: list[int | None]
    withheld: list[int | None]
    basis: list[Decimal | None]


def _number(term_id: str, name: str | None, value: Value | None) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise ValueError(f"{term_id}: {name} is {value!r}, not a number")
    return value


def entitlement_line(term: Entitlement, plan: RatePlan, frame: LevelFrame, decided: pl.DataFrame,
                     funders: list[tuple[list[str], list[date | None]]], as_of: date) -> Line:
    """The line's status and money for every row. `funders` are the statuses and due dates, row by
    row, of the obligations that fund it. A national rate prices every row at once in integer
    pence (:func:`.price.sweep_pence`; row by row only if int64 could overflow); a rate that is a
    formula is each row's own."""
    height = len(frame)
    eligible: list[bool | None] = [True] * height
    if term.eligible_when:
        eligible = decided[f"{term.id}#eligible_when"].to_list()
    basis_column = frame.column(term.basis or "")
    entity_rates = frame.column(plan.rate.id) if plan.monthly is None else [Decimal(0)] * height
    priced = [ok is True and basis is not None and rate is not None
              for ok, basis, rate in zip(eligible, basis_column, entity_rates, strict=True)]
    bases = [_number(term.id, term.basis, b) for ok, b in zip(priced, basis_column, strict=True) if ok]
    if plan.monthly is not None:
        national = list(plan.monthly)
        row_rates = [national] * len(bases)
        totals = _national_pence(plan, bases)
        if totals is None:
            totals = [pence(b, plan.rate_sum, plan.divisor) for b in bases]
    else:
        own = [_number(plan.rate.id, plan.rate.id, r) for ok, r in zip(priced, entity_rates, strict=True) if ok]
        row_rates = [plan.rows_rates(r) for r in own]
        totals = [pence(b, r * len(rr), plan.divisor) for b, r, rr in zip(bases, own, row_rates, strict=True)]
    not_met = Status.not_met.value
    failing = [not_met in row_statuses for row_statuses in zip(*(statuses for statuses, _ in funders), strict=True)] \
        if funders else [False] * height
    month_start = as_of.replace(day=1)
    priced_state = Status.not_yet_due.value if as_of < term.accrual.start else Status.met.value
    status: list[str] = []
    amount: list[int | None] = []
    withheld: list[int | None] = []
    kept: list[Decimal | None] = []
    next_priced = iter(zip(bases, totals, row_rates, strict=True))
    for row in range(height):
        if not priced[row]:
            status.append(Status.not_applicable.value if eligible[row] is False else Status.input_missing.value)
            amount.append(None)
            withheld.append(None)
            kept.append(None)
            continue
        basis, total, month_rates = next(next_priced)
        held = _held(plan, basis, month_rates, funders, row, month_start, total) if failing[row] else None
        status.append(not_met if held else priced_state)
        amount.append(total)
        withheld.append(held)
        kept.append(basis)
    return Line(term, plan, status, amount, withheld, kept)


def _national_pence(plan: RatePlan, bases: list[Decimal]) -> list[int] | None:
    """Pence for every priced row at the national rates, at once; None when int64 could overflow."""
    scaled = scaled_bases(bases, 1, plan.divisor)
    if scaled is None:
        return None
    numerators, denominator = scaled
    table = sweep_pence(numerators, denominator, [plan.rate_sum])
    return None if table is None else [int(v) for v in table[0]]


def _held(plan: RatePlan, basis: Decimal, rates: list[tuple[date, Decimal]],
          funders: list[tuple[list[str], list[date | None]]], row: int, month_start: date, total: int) -> int:
    """Pence withheld from a row whose funding obligation is not met (from the as-of month, or the
    latest failing obligation's due date)."""
    dues = [funder_due[row] for funder_status, funder_due in funders if funder_status[row] == Status.not_met.value]
    hold_from = max([month_start, *(d for d in dues if d is not None)])
    return withheld_pence(plan, basis, rates, hold_from, total)
