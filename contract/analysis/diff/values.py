"""A parameter's values as the diff reads and shows them.

`value_at` is the evaluator's (it honours a value's `decided` date); `typed` is a small local
reading of a dated value until contract.evaluation.values (typed_value) is on main.
"""

from __future__ import annotations

from contract.evaluation.values import typed_value, value_at
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
        text += " " + PER_WORDS[param.per]
    if param.period:
        text += " " + PERIOD_WORDS[param.period]
    return text


def show_schedule(param: Parameter) -> str:
    if param.formula:
        return f"formula {param.formula}"
    return "; ".join(f"from {describe_value(v.effective)}: {show_value(param, v.value)}" for v in param.values)


def show_period(period: Period | None) -> str:
    if period is None:
        return "the whole version"
    return f"{describe_value(period.start)} to {describe_value(period.end)}"

