"""A parameter's value in words, with its unit and what it is per: '£0.147 per weighted patient a month'.

Numbers, money and dates are written by contract.lang.text; the words for units, bases and periods
come from contract.render.vocab.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from contract.lang.text import day, number, rate
from contract.render.vocab import PER_WORDS, PERIOD_WORDS, UNIT_WORDS, UNITS_SHOWN_AFTER_A_NUMBER
from contract.spec.schema import Parameter, Unit


def typed_value(param: Any, value: Any) -> Any:
    """A value as its parameter's unit says (YAML gives numbers and dates as text)."""
    unit = getattr(param, "unit", None)
    if not isinstance(value, str):
        return value
    if unit == Unit.date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if unit != Unit.flag:
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def unit_words(param: Any) -> str:
    """What a rate is per and the time it covers: 'per weighted patient a month' (empty for neither)."""
    per, period = getattr(param, "per", None), getattr(param, "period", None)
    return " ".join(filter(None, [PER_WORDS[per] if per else "", PERIOD_WORDS[period] if period else ""]))


def amount_words(param: Any, value: Any) -> str:
    """A value with its unit but without what it is per: '£0.147'."""
    if not isinstance(param, Parameter):
        return str(value)
    return _amount(param, value)


def value_words(param: Any, value: Any) -> str:
    """A parameter value with its unit and basis: '£0.147 per weighted patient a month'."""
    return " ".join(filter(None, [_amount(param, value), unit_words(param)]))


def _amount(param: Any, value: Any) -> str:
    unit = getattr(param, "unit", None)
    value = typed_value(param, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return day(value)
    if isinstance(value, Decimal | int):
        if unit == Unit.gbp:
            return rate(value)
        if unit == Unit.percent:
            return f"{number(value)}%"
        return " ".join(filter(None, [number(value), UNIT_WORDS[unit] if unit in UNITS_SHOWN_AFTER_A_NUMBER else ""]))
    return str(value)
