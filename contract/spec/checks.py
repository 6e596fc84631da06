"""Checks a spec must pass beyond its schema and references: values a rate can mean, dates a contract
can have, and every formula and condition evaluated on boundary inputs.

A spec that loads must not crash an evaluation or pay money no contract could pay. So, for every
version (ours and a user's own, ``--specs DIR``):

* every dated value of a number parameter is a plain, finite, non-negative number (``true``,
  ``.nan``, ``.inf`` and ``-1.50`` are refused); a flag is ``true``/``false``; a date is a real day;
* every date in a term lies between :data:`EARLIEST` and :data:`LATEST`, and an entitlement's
  accrual lies inside the version's in-force year (accrual to 9999-12-31 would never end);
* every formula and condition is evaluated on boundary inputs: each input field at 0, at 1 and at
  its declared maximum, flags true and false, dates at the start and end of the year, and each
  national parameter at each of its values. A division by zero, a ``round_to`` step of 0 or any
  other arithmetic failure is an error, except one caused by an input field being 0 (a practice
  with no patients is the evaluation's business, not the spec's). A formula parameter's result
  must be a finite number, and a rate (a parameter an entitlement pays by) must not be negative.

Each failure is a :class:`~contract.spec.yamlio.SpecError` naming the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import cast

from pydantic import BaseModel

from contract.lang.expressions import (
    Condition,
    ExpressionError,
    Formula,
    Missing,
    Value,
    evaluate_condition,
    evaluate_formula,
    parse_formula,
    refs,
)
from contract.spec.facts import FieldDef, FieldType
from contract.spec.references import CONDITION_ATTRS, expressions_of
from contract.spec.schema import Entitlement, Parameter, Term, Unit, Version
from contract.spec.yamlio import SpecError

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
"""The days a date in a spec may fall on: bounds by meaning (the DES began in 2019), not contract figures."""

_PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?")
_ARITHMETIC = (ZeroDivisionError, ArithmeticError, InvalidOperation, ExpressionError, TypeError, ValueError)

Where = Callable[[Term], Path]
Env = dict[str, Value]


def check_values(version: Version, where: Where) -> None:
    """Dated values a parameter of its unit can hold; dates a contract can have."""
    for term in version.terms.values():
        for key, day in _dates(term, term.id):
            if not EARLIEST <= day <= LATEST:
                raise SpecError(where(term), key, f"{day} is outside {EARLIEST} to {LATEST}")
        if isinstance(term, Entitlement) and version.meta.in_force:
            year = version.meta.in_force
            if not (year.start <= term.accrual.start and term.accrual.end <= year.end):
                raise SpecError(where(term), f"{term.id}.accrual",
                                f"{term.accrual.start} to {term.accrual.end} is not inside the version's "
                                f"year ({year.start} to {year.end})")
        if isinstance(term, Parameter):
            for i, dated in enumerate(term.values):
                problem = _value_problem(term.unit, dated.value)
                if problem:
                    raise SpecError(where(term), f"{term.id}.values.{i}.value", problem)


def _value_problem(unit: Unit, raw: object) -> str | None:
    if unit is Unit.flag:
        return None if isinstance(raw, bool) else f"{raw!r} is not a flag (true or false)"
    if unit is Unit.date:
        if isinstance(raw, date):
            return None
        try:
            day = date.fromisoformat(str(raw))
        except ValueError:
            return f"{raw!r} is not a date (YYYY-MM-DD)"
        return None if EARLIEST <= day <= LATEST else f"{day} is outside {EARLIEST} to {LATEST}"
    if isinstance(raw, bool | date):
        return f"{raw!r} is not a number (a {unit.value} parameter holds a number)"
    text = str(raw)
    if isinstance(raw, Decimal | int):
        if not Decimal(raw).is_finite():
            return f"{raw} is not a finite number"
        if raw < 0:
            return f"{raw} is negative: a {unit.value} value in a spec is never below 0"
        return None
    if text.startswith("-") and _PLAIN.fullmatch(text[1:]):
        return f"{text} is negative: a {unit.value} value in a spec is never below 0"
    if not _PLAIN.fullmatch(text):
        return f"{text!r} is not a plain finite number (digits and at most one decimal point)"
    return None


def _dates(model: object, key: str) -> Iterator[tuple[str, date]]:
    """Every date held anywhere in a term, with its key."""
    if isinstance(model, date):
        yield key, model
    elif isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from _dates(getattr(model, name), f"{key}.{name}")
    elif isinstance(model, list | tuple):
        for i, item in enumerate(model):
            yield from _dates(item, f"{key}.{i}")


# --- boundary evaluation -------------------------------------------------------------------------


def check_boundaries(version: Version, fields: dict[str, FieldDef], where: Where) -> None:
    """Evaluate every formula and condition on each boundary environment (see the module notes)."""
    formulas = _formula_order(version)
    rates = {t.rate for t in version.terms.values() if isinstance(t, Entitlement) and t.rate}
    for label, env, zero_inputs in _environments(version, fields):
        for term in formulas:
            key = f"{term.id}.formula"
            try:
                value = evaluate_formula(parse_formula(term.formula or ""), env)
            except Missing:
                continue
            except _ARITHMETIC as exc:
                if zero_inputs and _reads_inputs(term.formula or "", fields):
                    continue  # fails only because an input is 0: the evaluation reports that
                raise SpecError(where(term), key, f"fails with inputs {label}: {_said(exc)}") from None
            if isinstance(value, bool) or not isinstance(value, Decimal | int) or not Decimal(value).is_finite():
                raise SpecError(where(term), key, f"gives {value!r} with inputs {label}, not a finite number")
            if term.id in rates and value < 0:
                raise SpecError(where(term), key, f"is a rate and gives {value} with inputs {label}: "
                                                  "a rate is never negative")
            env[term.id] = Decimal(value)
        for other in version.terms.values():
            for attr, tree in expressions_of(other):
                if isinstance(other, Parameter) and attr == "formula":
                    continue
                try:
                    if attr in CONDITION_ATTRS:
                        evaluate_condition(cast(Condition, tree), env)
                    else:
                        evaluate_formula(cast(Formula, tree), env)
                except Missing:
                    continue
                except _ARITHMETIC as exc:
                    if zero_inputs:
                        continue
                    raise SpecError(where(other), f"{other.id}.{attr}", f"fails with inputs {label}: {_said(exc)}") \
                        from None


def _said(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _reads_inputs(formula: str, fields: dict[str, FieldDef]) -> bool:
    return bool(refs(parse_formula(formula)) & fields.keys())


def _formula_order(version: Version) -> list[Parameter]:
    """Formula parameters, each after those it reads (the loader has refused cycles already)."""
    formulas = {t.id: t for t in version.terms.values() if isinstance(t, Parameter) and t.formula}
    ordered: list[Parameter] = []
    done: set[str] = set()
    for start in formulas:
        stack = [(start, False)]
        while stack:
            term_id, expanded = stack.pop()
            if expanded:
                if term_id not in done:
                    done.add(term_id)
                    ordered.append(formulas[term_id])
                continue
            if term_id in done:
                continue
            stack.append((term_id, True))
            stack += [(dep, False) for dep in refs(parse_formula(formulas[term_id].formula or ""))
                      if dep in formulas and dep not in done]
    return ordered


def _environments(version: Version, fields: dict[str, FieldDef]) -> Iterator[tuple[str, Env, bool]]:
    """(label, names -> values, whether inputs are 0) for each boundary case."""
    year = version.meta.in_force
    days = [year.start, year.end] if year else [date(2019, 4, 1)]
    national_sets = _national_values(version)
    for level_name, pick in (("at 0", lambda f: Decimal(0)), ("at 1", lambda f: Decimal(1)),
                             ("at their maximum", lambda f: f.maximum if f.maximum is not None else Decimal(1))):
        for flag in (True, False):
            for day in days:
                for i, national in enumerate(national_sets):
                    env: Env = {"as_of": day, **national}
                    for f in fields.values():
                        if f.type is FieldType.flag:
                            env[f.name] = flag
                        elif f.type is FieldType.date:
                            env[f.name] = day
                        elif f.type in (FieldType.code, FieldType.text):
                            env[f.name] = "X"
                        else:
                            env[f.name] = pick(f)
                    label = f"{level_name}, flags {str(flag).lower()}, on {day}, national values set {i + 1}"
                    yield label, env, level_name == "at 0"


def _national_values(version: Version) -> list[Env]:
    """National parameters at their first values, and at their last (two sets; one when they agree)."""
    first: Env = {}
    last: Env = {}
    for term in version.terms.values():
        if isinstance(term, Parameter) and term.values:
            for target, dated in ((first, term.values[0]), (last, term.values[-1])):
                target[term.id] = _typed(term.unit, dated.value)
    return [first] if first == last else [first, last]


def _typed(unit: Unit, raw: Value) -> Value:
    if unit is Unit.date:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    if unit is Unit.flag:
        return raw
    return raw if isinstance(raw, Decimal) else Decimal(str(raw))
