"""Exact money: the one rounding rule, months of an accrual period, and monthly schedules.

Amounts are in pounds. The rule, where a source says nothing else: a line's total for the year is
computed exactly and rounded once to the penny, half up; monthly instalments are each month's exact
share rounded to the penny, the last instalment taking the rounding difference so that instalments
always add up to the total.

"Exactly" means exactly: a month's share of a yearly rate (basis × rate ÷ 12) has no finite decimal
expansion in general, so exact shares are :class:`~fractions.Fraction` values, summed without
loss, and only the rounding to the penny turns them into Decimals. (Summing 28-digit Decimal
shares loses the half penny: 38,550 × £0.5143 ÷ 9, nine times, is £19,826.264999…, not £19,826.265.)
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from math import lcm

Exact = Fraction | Decimal | int
"""An exact amount: a Decimal or int as given, or a Fraction from a division."""

PENNY = Decimal("0.01")


def to_penny(amount: Exact) -> Decimal:
    """`amount` rounded to the penny, half up (away from zero on an exact half), with two places."""
    return _pence_to_pounds(_pence(*amount.as_integer_ratio()))


def _pence(numerator: int, denominator: int) -> int:
    """numerator/denominator pounds in whole pence, half away from zero: floor((200·|n| + d) / 2d)."""
    rounded = (200 * abs(numerator) + denominator) // (2 * denominator)
    return -rounded if numerator < 0 else rounded


def _pence_to_pounds(pence: int) -> Decimal:
    return Decimal(pence).scaleb(-2)


def exact_sum(amounts: Iterable[Exact]) -> Fraction:
    """The sum of exact amounts, with no rounding at any step (Fraction + Decimal is not defined, so
    Decimals are made Fractions first; Fractions and ints add as they are)."""
    total = Fraction(0)
    for a in amounts:
        total += a if isinstance(a, Fraction | int) else Fraction(a)
    return total


@cache
def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months(start: date, end: date) -> list[date]:
    """First days of the months from `start`'s month to `end`'s month, inclusive."""
    found, cursor = [], start.replace(day=1)
    while cursor <= end:
        found.append(cursor)
        cursor = date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    return found


def split_total(exact_by_month: list[tuple[date, Exact]]) -> tuple[Decimal, list[tuple[date, Decimal]]]:
    """Round the exact total once, then each month's exact share, the last one taking the difference.
    The sum is exact in whole numbers over the months' common denominator (the same arithmetic as
    adding Fractions, without a Fraction per step)."""
    ratios = [amount.as_integer_ratio() for _, amount in exact_by_month]
    common = lcm(*(d for _, d in ratios)) if ratios else 1
    total = _pence(sum(n * (common // d) for n, d in ratios), common)
    monthly = [_pence(n, d) for n, d in ratios]
    if monthly:
        monthly[-1] += total - sum(monthly)
    months_rounded = [(m, _pence_to_pounds(p)) for (m, _), p in zip(exact_by_month, monthly, strict=True)]
    return _pence_to_pounds(total), months_rounded


def payment_date(accrual_month: date, first_payment: date | None) -> date:
    """Each month is paid at its end, in arrears; months before the first payment date are paid
    with the first payment (backdating)."""
    paid = month_end(accrual_month)
    if first_payment and paid < first_payment:
        return first_payment
    return paid
