"""Exact money: the one rounding rule, months of an accrual period, and monthly schedules.

Amounts are Decimals in pounds. The rule, where a source says nothing else: a line's total for the
year is computed exactly and rounded once to the penny, half up; monthly instalments are each
month's exact share rounded to the penny, the last instalment taking the rounding difference so
that instalments always add up to the total.
"""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def to_penny(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months(start: date, end: date) -> list[date]:
    """First days of the months from `start`'s month to `end`'s month, inclusive."""
    found, cursor = [], start.replace(day=1)
    while cursor <= end:
        found.append(cursor)
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return found


def split_total(exact_by_month: list[tuple[date, Decimal]]) -> tuple[Decimal, list[tuple[date, Decimal]]]:
    """Round the total once, then the instalments, the last one taking the difference."""
    total = to_penny(sum((a for _, a in exact_by_month), Decimal(0)))
    rounded = [(m, to_penny(a)) for m, a in exact_by_month]
    if rounded:
        drift = total - sum((a for _, a in rounded), Decimal(0))
        last_month, last = rounded[-1]
        rounded[-1] = (last_month, last + drift)
    return total, rounded


def payment_date(accrual_month: date, first_payment: date | None) -> date:
    """Each month is paid at its end, in arrears; months before the first payment date are paid
    with the first payment (backdating)."""
    paid = month_end(accrual_month)
    if first_payment and paid < first_payment:
        return first_payment
    return paid

