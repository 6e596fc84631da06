"""Parameter values on a date: the one place that reads a parameter's dated values.

:func:`value_at` picks the value in effect on a day as known on a date (honouring ``decided``);
:func:`typed_value` types it; :class:`National` holds an evaluation's national values, with the
user's overrides, and :meth:`National.rate_on` is the one way a payment reads a rate for a month.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from contract.lang.expressions import Missing, Value, evaluate_formula, parse_formula, refs
from contract.spec.schema import DatedValue, EntityLevel, Parameter, Unit, Version

OVERRIDE_SOURCE = "set with --set"
"""Where a value the user set for this evaluation comes from, in explanations and values shown."""


def value_at(param: Parameter, day: date, known_on: date | None = None) -> DatedValue | None:
    """The value in effect on `day`, as known on `known_on` (default: `day` itself).

    A value decided after the day it takes effect (a backdated uplift: the 2023/24 global sum rise
    decided on 2 October 2023, effective from 1 April 2023) is ignored by an evaluation made before
    its decision date, which therefore still shows the value it replaced."""
    known_on = known_on or day
    current = None
    for v in param.values:
        if v.effective <= day and (v.decided is None or v.decided <= known_on):
            current = v
    return current


def typed_value(param: Parameter, raw: object) -> Value:
    """A dated value as the rules read it: a date for a date parameter, a flag for a flag, a
    Decimal for every number (the specs may hold numbers as text to keep them exact)."""
    unit = param.unit
    if unit is Unit.date:
        if isinstance(raw, date):
            return raw
        return date.fromisoformat(str(raw))
    if unit is Unit.flag:
        if isinstance(raw, bool):
            return raw
        raise ValueError(f"{param.id}: {raw!r} is not a flag (true or false)")
    if isinstance(raw, bool | date):
        raise ValueError(f"{param.id}: {raw!r} is not a number")
    return Decimal(str(raw)) if not isinstance(raw, Decimal) else raw


def formula_order(version: Version) -> list[Parameter]:
    """Formula parameters, each after the formulas it reads."""
    formulas = {t.id: t for t in version.terms.values() if isinstance(t, Parameter) and t.formula}
    ordered: list[Parameter] = []
    done: set[str] = set()

    def visit(term_id: str) -> None:
        if term_id in done:
            return
        done.add(term_id)
        for dep in refs(parse_formula(formulas[term_id].formula or "")):
            if dep in formulas:
                visit(dep)
        ordered.append(formulas[term_id])

    for term_id in formulas:
        visit(term_id)
    return ordered


@dataclass(frozen=True)
class National:
    """An evaluation's national values at its as-of date: dated values as known then, formulas
    computed from them, and the values the user set (which replace the spec's, formulas included)."""

    version_id: str
    as_of: date
    values: dict[str, Value]
    dated: dict[str, DatedValue] = field(default_factory=dict)
    """The dated value each spec parameter took (not the overridden ones)."""
    overridden: dict[str, Decimal] = field(default_factory=dict)
    _dated_rates: dict[tuple[str, date], Decimal | None] = field(default_factory=dict, compare=False, repr=False)
    """Dated rates already looked up (the same for every entity): (parameter id, month) -> rate."""
    _sources: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def rate_on(self, param: Parameter, day: date, env: dict[str, Value]) -> Decimal | None:
        """A rate for one month: the user's value if set, the formula's value for this entity if a
        formula, otherwise the dated value in effect on `day` as known on the as-of date."""
        if param.id in self.overridden:
            return self.overridden[param.id]
        if param.formula:
            computed = env.get(param.id)
            return None if computed is None else _number(param, computed)
        key = (param.id, day)
        if key not in self._dated_rates:
            found = value_at(param, day, self.as_of)
            self._dated_rates[key] = None if found is None else _number(param, typed_value(param, found.value))
        return self._dated_rates[key]

    def source_of(self, name: str) -> str:
        """Where a national value comes from, in words ("" when it is not a national value)."""
        known = self._sources.get(name)
        if known is None:
            known = self._sources[name] = self._source_words(name)
        return known

    def _source_words(self, name: str) -> str:
        if name in self.overridden:
            return OVERRIDE_SOURCE
        dated = self.dated.get(name)
        if dated is None:
            return ""
        decided = f", decided {_day(dated.decided)}" if dated.decided else ""
        return f"{self.version_id} spec, value in effect from {_day(dated.effective)}{decided}"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _number(param: Parameter, value: Value) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{param.id}: {value!r} is not a number")
    return Decimal(value)


def override_problem(version: Version, name: str, value: Decimal) -> str | None:
    """Why `name` cannot be set to `value` in `version` (None when it can): the one rule for `--set`,
    the API's `set` and every evaluation's overrides. Only a national parameter can be set, to a
    finite number, and an amount of money in the contract is never negative."""
    term = version.terms.get(name)
    if not (isinstance(term, Parameter) and term.level is EntityLevel.national):
        return f"{name} is not a national parameter of {version.id}"
    if not value.is_finite():
        return f"{value} is not a number"
    if term.unit is Unit.gbp and value < 0:
        return "an amount of money in the contract is never negative"
    return None


def national(version: Version, as_of: date, overrides: dict[str, Decimal] | None = None) -> National:
    """National parameter values at `as_of`; `overrides` replace named national parameters (constants
    or formulas) before the formulas that read them are computed."""
    overrides = dict(overrides or {})
    for name, value in overrides.items():
        problem = override_problem(version, name, value)
        if problem is not None:
            raise ValueError(f"cannot set {name} to {value}: {problem}")
    values: dict[str, Value] = {"as_of": as_of, **overrides}
    used: dict[str, DatedValue] = {}
    for term in version.terms.values():
        if isinstance(term, Parameter) and term.values and term.id not in overrides:
            found = value_at(term, as_of)
            if found is not None:
                values[term.id] = typed_value(term, found.value)
                used[term.id] = found
    for param in formula_order(version):
        if param.level is EntityLevel.national and param.id not in overrides:
            try:
                values[param.id] = evaluate_formula(parse_formula(param.formula or ""), values)
            except Missing:
                continue
    return National(version.id, as_of, values, used, overrides)


def national_values(version: Version, as_of: date, overrides: dict[str, Decimal] | None = None,
                    ) -> tuple[dict[str, Value], dict[str, DatedValue]]:
    """National values at `as_of` and the dated value each spec parameter took (see :func:`national`)."""
    found = national(version, as_of, overrides)
    return found.values, found.dated
