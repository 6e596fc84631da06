"""A parameter's values as the diff reads and shows them.

`value_at` is the evaluator's (it honours a value's `decided` date); `typed` is a small local
reading of a dated value until contract.evaluation.values (typed_value) is on main.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contract.evaluation.evaluate import value_at
from contract.lang.expressions import describe_value
from contract.spec.schema import Parameter, Period, Unit

__all__ = ["show_period", "show_schedule", "show_value", "typed", "value_at"]


def typed(param: Parameter, value: object) -> object:
    """A dated value as its proper type (the YAML keeps numbers and dates as text)."""
    if param.unit is Unit.date and isinstance(value, str):
        return date.fromisoformat(value)
    if param.unit is Unit.flag or isinstance(value, bool | date | Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return value


_PER_WORDS = {
    "registered_patient": "per registered patient", "weighted_patient": "per weighted patient",
    "adjusted_patient": "per adjusted patient", "bed": "per bed", "wte": "per whole-time equivalent",
    "point": "per point", "network": "per network", "practice": "per practice",
    "1000_patients": "per 1,000 patients",
}
_PERIOD_WORDS = {"year": "a year", "month": "a month", "week": "a week", "day": "a day",
                 "period": "for the accrual period"}


def show_value(param: Parameter, value: object) -> str:
    """A parameter's value in words, with its unit, basis and period."""
    if value is None:
        return "none"
    value = typed(param, value)
    text = describe_value(value)  # type: ignore[arg-type]
    unit = param.unit
    if unit is Unit.gbp:
        text = f"£{text}"
    elif unit is Unit.percent:
        text = f"{text}%"
    elif unit not in (Unit.date, Unit.flag, Unit.count, Unit.ratio, Unit.points):
        text = f"{text} {unit.value}"
    elif unit is Unit.points:
        text = f"{text} points"
    if param.per:
        text += " " + _PER_WORDS.get(param.per.value, f"per {param.per.value}")
    if param.period:
        text += " " + _PERIOD_WORDS.get(param.period.value, param.period.value)
    return text


def show_schedule(param: Parameter) -> str:
    if param.formula:
        return f"formula {param.formula}"
    return "; ".join(f"from {describe_value(v.effective)}: {show_value(param, v.value)}" for v in param.values)


def show_period(period: Period | None) -> str:
    if period is None:
        return "the whole version"
    return f"{describe_value(period.start)} to {describe_value(period.end)}"

