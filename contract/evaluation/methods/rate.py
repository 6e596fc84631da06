"""rate_times_basis: a rate per patient (or bed, or network) times the entity's basis, pro rata.

The year's amount is one exact product, rounded once to the penny, half up:
basis × rate × (months accrued) ÷ (months in the rate's period: 12 for a yearly rate, 1 for a
monthly one, the accrual's month count for a rate for the whole period). Where the rate changes
during the year, the exact total is the sum over the months of basis × that month's rate, divided
once by the months in the rate's period. Months outside the entitlement's `in_effect` period do not
accrue. Instalments are each month's exact share rounded, the last taking the difference.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache

from contract.evaluation.context import Context
from contract.evaluation.findings import FindingBuilder
from contract.evaluation.methods.base import Payment, Unpriced
from contract.evaluation.money import Exact, months, split_total
from contract.evaluation.values import OVERRIDE_SOURCE
from contract.lang import text
from contract.lang.expressions import describe_value, formula_names
from contract.spec.schema import Entitlement, Method, Parameter, RatePeriod, Version
from contract.spec.vocab import PER_WORDS, PERIOD_WORDS


def months_in_period(rate: Parameter, accrual_months: int) -> int:
    """The months a rate's period spans: 12 for a yearly rate, 1 for a monthly one, the accrual's
    month count for a rate for the whole accrual period."""
    if rate.period is RatePeriod.year:
        return 12
    if rate.period is RatePeriod.month:
        return 1
    if rate.period is RatePeriod.period:
        return accrual_months
    raise ValueError(f"{rate.id}: a rate per {rate.period} cannot be paid monthly")


def accruing_months(term: Entitlement) -> list[date]:
    """The months of the accrual period in which the entitlement is in effect."""
    in_effect = term.in_effect
    return [m for m in months(term.accrual.start, term.accrual.end)
            if in_effect is None or in_effect.start <= m <= in_effect.end]


class RateTimesBasis:
    """The rate_times_basis method."""

    methods = (Method.rate_times_basis,)

    def reads(self, version: Version, term: Entitlement) -> set[str]:
        return {n for n in (term.rate, term.basis) if n}

    def compute(self, builder: FindingBuilder, ctx: Context, term: Entitlement) -> Payment | Unpriced:
        rate_term = builder.version.terms.get(term.rate or "")
        if not isinstance(rate_term, Parameter) or term.basis is None:
            raise ValueError(f"{term.id}: a rate_times_basis entitlement needs a rate parameter and a basis")
        names = frozenset({term.basis, rate_term.id})
        basis = ctx.env.get(term.basis)
        formula_unknown = bool(rate_term.formula) and rate_term.id not in ctx.env \
            and rate_term.id not in builder.national.overridden
        if basis is None or formula_unknown:
            wanted = [term.basis] if basis is None else sorted(formula_names(rate_term.formula or ""))
            missing = builder.missing(ctx, wanted)
            return Unpriced(f"Cannot compute: {', '.join(missing)} not given.", missing, names)
        if isinstance(basis, bool) or not isinstance(basis, Decimal):
            raise ValueError(f"{term.id}: the basis {term.basis} is {basis!r}, not a number")
        divisor = months_in_period(rate_term, len(months(term.accrual.start, term.accrual.end)))
        rates = [(m, r) for m in accruing_months(term) if (r := builder.rate_on(rate_term, m, ctx)) is not None]
        per_unit = Fraction(basis) / divisor
        exact: list[tuple[date, Exact]] = [(m, per_unit * _fraction(r)) for m, r in rates]
        total, _ = split_total(exact)
        return Payment(total, exact, self._explain(builder, ctx, term, rate_term, basis, rates, divisor, total))

    def _explain(self, builder: FindingBuilder, ctx: Context, term: Entitlement, rate_term: Parameter,
                 basis: Decimal, rates: list[tuple[date, Decimal]], divisor: int, total: Decimal) -> str:
        per = PER_WORDS[rate_term.per] if rate_term.per else "per unit"
        if rate_term.period is RatePeriod.period:
            period = f"for {describe_value(term.accrual.start)} to {describe_value(term.accrual.end)}"
        else:
            period = PERIOD_WORDS[rate_term.period] if rate_term.period else ""
        given = f" ({OVERRIDE_SOURCE})" if rate_term.id in builder.national.overridden else ""
        label = builder.labels.get(term.basis or "", term.basis or "")
        runs = _runs(rates)
        if len(runs) <= 1:
            rate = runs[0][1] if runs else None
            rate_text = text.rate(rate) if rate is not None else "£?"
            share = f"{len(rates)}/{divisor}" if divisor != 1 else f"{len(rates)} month(s)"
            arithmetic = f"{label} {describe_value(basis)} × {rate_text} {per} {period}{given} × {share}"
        else:
            parts = ", ".join(f"{text.rate(r)} from {describe_value(start)} for {n} month(s)"
                              for start, r, n in runs)
            over = f" ÷ {divisor}" if divisor != 1 else ""
            arithmetic = f"{label} {describe_value(basis)} × ({parts}) {per} {period}{given}{over}"
        return f"{arithmetic}, over {len(rates)} month(s) = {text.gbp(total)}."


@cache
def _fraction(rate: Decimal) -> Fraction:
    """A rate as an exact fraction (the same few rates for every entity)."""
    return Fraction(rate)


def _runs(rates: list[tuple[date, Decimal]]) -> list[tuple[date, Decimal, int]]:
    """Consecutive months at the same rate: (first month, rate, months)."""
    runs: list[tuple[date, Decimal, int]] = []
    for month, rate in rates:
        if runs and runs[-1][1] == rate:
            start, same, n = runs[-1]
            runs[-1] = (start, same, n + 1)
        else:
            runs.append((month, rate, 1))
    return runs
