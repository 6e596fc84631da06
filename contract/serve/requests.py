"""Checking what a request names (versions, dates, `set`, commissioners and networks): a mistake is a
4xx whose body names the field, in FastAPI's own error shape (`detail: [{loc, msg, type}]`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from fastapi import HTTPException

from contract.evaluation.values import override_problem
from contract.io.select import UnknownCodes, select
from contract.spec.facts import Population
from contract.spec.loader import UnknownVersion, load_version
from contract.spec.schema import Version


class FieldError(HTTPException):
    """A request field that names something that is not there (404) or cannot be used (422)."""

    def __init__(self, field: tuple[str | int, ...], message: str, status: int = 422):
        super().__init__(status, detail=[{"loc": ["body", *field], "msg": message, "type": "value_error"}])


def version(version_id: str, field: tuple[str | int, ...], root: Path) -> Version:
    """The version named, or 404 naming the field and the id."""
    try:
        return load_version(version_id, root)
    except UnknownVersion as exc:
        raise FieldError(field, str(exc), 404) from None


def as_of(value: date | None, v: Version, field: tuple[str | int, ...]) -> date:
    """The date asked for (default: the version's last day), inside the version's in-force period."""
    period = v.meta.in_force
    day = value or period.end
    if not period.contains(day):
        raise FieldError(field, f"{day} is outside {v.id} ({period.start} to {period.end})")
    return day


def national_sets(values: dict[str, Decimal] | None, v: Version, field: str = "set") -> dict[str, Decimal]:
    """`set`: national parameters of `v` and their values (as `--set PARAM=VALUE` on the command line),
    under the evaluator's one rule (contract.evaluation.values.override_problem)."""
    found: dict[str, Decimal] = {}
    for name, value in (values or {}).items():
        problem = override_problem(v, name, value)
        if problem is not None:
            raise FieldError((field, name), problem)
        found[name] = value
    return found


def area(population: Population, commissioner: list[str], pcn: list[str]) -> Population:
    """The population restricted to the commissioners and networks asked for (all of it when none)."""
    try:
        return select(population, commissioner, pcn)
    except UnknownCodes as exc:
        raise FieldError(("commissioner" if exc.kind == "commissioner" else "pcn",), str(exc)) from None
