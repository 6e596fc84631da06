"""A parameter's values as the diff reads and shows them.

`value_at` and `typed_value` are the evaluator's (contract.evaluation.values); `typed` is the latter
that falls back to the raw value, so the diff still shows a value the evaluator would refuse.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contract.evaluation.values import typed_value, value_at
from contract.lang import text as fmt
from contract.lang.expressions import describe_value
from contract.spec.schema import Parameter, Period, Unit
from contract.spec.vocab import PER_WORDS, PERIOD_WORDS

__all__ = ["show_period", "show_schedule", "show_value", "typed", "value_at"]


def typed(param: Parameter, value: object) -> object:
    """A dated value as its proper type: the evaluator's typing (contract.evaluation.values), or the
    raw value where it is not of the parameter's unit (the diff still shows it rather than failing)."""
    try:
        return typed_value(param, value)
    except (ValueError, ArithmeticError):
        return value


def show_value(param: Parameter, value: object) -> str:
    """A parameter's value in words, with its unit, basis and period: "£1.50 per registered patient
    a year" (money in the one rate format, contract.lang.text.rate)."""
    if value is None:
        return "none"
    text = _amount(param.unit, typed(param, value))
    if param.per:
        text += " " + PER_WORDS[param.per]
    if param.period:
        text += " " + PERIOD_WORDS[param.period]
    return text


_BARE_UNITS = (Unit.date, Unit.flag, Unit.count, Unit.ratio)


def _amount(unit: Unit, value: object) -> str:
    """The value with its unit. A value not of its unit (the diff shows what the spec holds rather
    than failing) is written as it stands, without a £ or % it does not have."""
    if not isinstance(value, Decimal | date | bool | str):
        return str(value)
    if unit is Unit.gbp and isinstance(value, Decimal):
        return fmt.rate(value)
    words = describe_value(value)
    if unit is Unit.gbp or unit in _BARE_UNITS:
        return words
    if unit is Unit.percent:
        return f"{words}%"
    if unit is Unit.points:
        return f"{words} points"
    return f"{words} {unit.value}"


def show_schedule(param: Parameter) -> str:
    if param.formula:
        return f"formula {param.formula}"
    return "; ".join(f"from {describe_value(v.effective)}: {show_value(param, v.value)}" for v in param.values)


def show_period(period: Period | None) -> str:
    if period is None:
        return "the whole version"
    return f"{describe_value(period.start)} to {describe_value(period.end)}"

