"""rate_times_basis lines in exact integer pence, one rounding per entity and line.

The engine of record (:mod:`contract.evaluation.methods.rate`) computes a line's exact total as the
sum over its accruing months of basis × that month's rate ÷ (months in the rate's period), and
rounds it once to the penny, half up. That sum is basis × (the sum of the monthly rates) ÷ divisor,
so here it is one integer division per entity: with basis = B/b and rate sum = Q/q as exact integer
ratios, the amount in pence is B·Q·100 ÷ (b·q·divisor) rounded half away from zero, which is what
:func:`contract.evaluation.money.to_penny` does with the same Fraction.

A withholding needs the monthly instalments (each month's share rounded, the last taking the
difference): :func:`withheld_pence` computes them for the few rows whose funding obligation fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from contract.evaluation.methods.rate import accruing_months, months_in_period
from contract.evaluation.money import months, payment_date
from contract.evaluation.values import National
from contract.spec.schema import Entitlement, Parameter, Version


def ratio(value: Decimal | int) -> tuple[int, int]:
    """An exact number as (numerator, positive denominator)."""
    return value.as_integer_ratio() if isinstance(value, Decimal) else (value, 1)


def rounded_pence(numerator: int, denominator: int) -> int:
    """numerator/denominator pounds in pence, rounded half away from zero (as to_penny)."""
    magnitude = (2 * 100 * abs(numerator) + denominator) // (2 * denominator)
    return -magnitude if numerator < 0 else magnitude


def pence(basis: Decimal | int, rate_sum: Decimal | int, divisor: int) -> int:
    """basis × rate_sum ÷ divisor pounds, in pence, rounded once half up."""
    bn, bd = ratio(basis)
    rn, rd = ratio(rate_sum)
    return rounded_pence(bn * rn, bd * rd * divisor)


@dataclass(frozen=True)
class RatePlan:
    """How one rate_times_basis line is priced at one as-of date: its rate parameter, the months
    that accrue, the divisor, and (unless the rate is a formula) the rate in each of those months."""

    term: Entitlement
    rate: Parameter
    divisor: int
    months: tuple[date, ...]
    monthly: tuple[tuple[date, Decimal], ...] | None
    """The national rate for each accruing month that has one; None when the rate is a formula
    computed per entity (each row's value for every month)."""

    @property
    def rate_sum(self) -> Decimal:
        return sum((r for _, r in self.monthly or ()), Decimal(0))

    def rows_rates(self, entity_rate: Decimal) -> list[tuple[date, Decimal]]:
        """The monthly rates of one row whose rate is a formula."""
        return [(m, entity_rate) for m in self.months]


def plan(version: Version, term: Entitlement, national: National) -> RatePlan:
    """The pricing plan of a rate_times_basis line (the rates as :meth:`National.rate_on` reads them)."""
    rate = version.terms.get(term.rate or "")
    if not isinstance(rate, Parameter) or term.basis is None:
        raise ValueError(f"{term.id}: a rate_times_basis entitlement needs a rate parameter and a basis")
    divisor = months_in_period(rate, len(months(term.accrual.start, term.accrual.end)))
    accruing = tuple(accruing_months(term))
    per_entity = bool(rate.formula) and rate.id not in national.overridden
    monthly = None if per_entity else tuple(
        (m, r) for m in accruing if (r := national.rate_on(rate, m, {})) is not None)
    return RatePlan(term, rate, divisor, accruing, monthly)


def withheld_pence(plan: RatePlan, basis: Decimal, rates: list[tuple[date, Decimal]], hold_from: date,
                   total: int) -> int:
    """Pence withheld from `hold_from`: the rounded instalments paid on or after it (the last
    instalment takes the rounding difference, so those are the total less the ones paid before)."""
    paid = [(payment_date(m, plan.term.schedule.first_payment), r) for m, r in rates]
    if not paid or paid[-1][0] < hold_from:
        return 0
    before = sum(pence(basis, r, plan.divisor) for on, r in paid if on < hold_from)
    return total - before


def _places(value: Decimal) -> int:
    """Decimal places of a finite Decimal (0 for a whole number)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"{value} is not a finite number")
    return max(-exponent, 0)


def scaled_bases(bases: list[Decimal], months_counted: int, divisor: int) -> tuple[np.ndarray, int] | None:
    """Each row's basis × months × 100 as integers over one common denominator (returned), ready to
    be multiplied by a rate's numerator; None when int64 could overflow (then price row by row)."""
    exponent = max((_places(b) for b in bases), default=0)
    scale = 10 ** exponent
    ints = [int(b * scale) for b in bases]
    if max((abs(i) for i in ints), default=0) * months_counted * 100 >= 2**62:
        return None
    return np.array(ints, dtype=np.int64) * (months_counted * 100), scale * divisor


def sweep_pence(numerators: np.ndarray, denominator: int, rates: list[Decimal]) -> np.ndarray | None:
    """A (rates × rows) table of pence: row i at rate r is numerators[i] × r ÷ denominator rounded
    half away from zero, in exact int64 arithmetic; None when a product could overflow."""
    common = max((_places(r) for r in rates), default=0)
    rate_ints = np.array([int(r * 10 ** common) for r in rates], dtype=np.int64)
    denom = denominator * 10 ** common
    biggest = int(np.abs(numerators).max(initial=0)) * int(np.abs(rate_ints).max(initial=0))
    if 2 * biggest + denom >= 2**62:
        return None
    products = np.outer(rate_ints, numerators)
    magnitude = (2 * np.abs(products) + denom) // (2 * denom)
    return np.where(products < 0, -magnitude, magnitude)
