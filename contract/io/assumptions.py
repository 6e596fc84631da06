"""Explicit, labelled assumptions for inputs a user does not hold.

`--assume weighted_list=registered_list` fills a practice's weighted list from its registered list
where, and only where, the weighted list is missing. The expression uses the specs' whitelisted
language over the entity's own fields. Every filled value is marked in its provenance, and every
assumption is printed in the report with how many entities it touched: never a silent default.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from contract.lang.expressions import ExpressionError, Missing, evaluate_formula, parse_formula, refs
from contract.spec.facts import FieldType, Level, Population, Provenance
from contract.spec.loader import catalogue


class AssumptionError(ValueError):
    pass


@dataclass(frozen=True)
class Assumption:
    field: str
    expression: str
    level: str
    applied: int
    """Entities that lacked the field and got the assumed value."""
    unresolved: int
    """Entities that lacked the field and also lacked what the expression reads."""

    def describe(self) -> str:
        return (f"ASSUMPTION: where {self.field} is missing, {self.field} = {self.expression} "
                f"({self.applied:,} {self.level}s filled; {self.unresolved:,} still missing)")


def parse_assumption(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise AssumptionError(f"--assume {text!r}: write FIELD=EXPRESSION, e.g. weighted_list=registered_list")
    field, expression = (part.strip() for part in text.split("=", 1))
    return field, expression


def apply_assumptions(population: Population, specs: list[str]) -> tuple[Population, list[Assumption]]:
    """A copy of `population` with each assumption applied in order, and what each did."""
    fields = catalogue()
    result = population.model_copy(deep=True)
    done: list[Assumption] = []
    for text in specs:
        name, expression = parse_assumption(text)
        field = fields.get(name)
        if field is None:
            raise AssumptionError(f"--assume {text!r}: {name!r} is not an input field")
        try:
            tree = parse_formula(expression)
        except ExpressionError as exc:
            raise AssumptionError(f"--assume {text!r}: {exc}") from None
        unknown = sorted(n for n in refs(tree) if n not in fields)
        if unknown:
            raise AssumptionError(f"--assume {text!r}: {', '.join(unknown)} not input fields")
        entities = result.practices.values() if field.level is Level.practice else result.networks.values()
        applied = unresolved = 0
        source = Provenance(file=f"assumption: {name} = {expression}")
        for entity in entities:
            if name in entity.values:
                continue
            try:
                value = evaluate_formula(tree, dict(entity.values))  # type: ignore[arg-type]
            except Missing:
                unresolved += 1
                continue
            if field.type is FieldType.count:
                value = int(Decimal(value).to_integral_value(rounding=ROUND_HALF_UP))  # type: ignore[arg-type]
            entity.set(name, value, source)
            applied += 1
        done.append(Assumption(name, expression, field.level.value, applied, unresolved))
    return result, done
