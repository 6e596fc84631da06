"""One practice or network with everything a rule may read about it, and the words for those names.

A context's values are the national values, then the entity's own inputs, then network totals of
member practices' values, then the formula parameters of its level computed from all of those.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from contract.lang.expressions import Missing, Value, evaluate_formula, parse_formula
from contract.spec.facts import FactValue, FieldDef, Level, Population
from contract.spec.schema import EntityLevel, Parameter, Version

Env = dict[str, Value]


def as_env(*parts: Mapping[str, FactValue]) -> Env:
    """Values as the rules read them: whole numbers become Decimals like every other number."""
    env: Env = {}
    for part in parts:
        for name, value in part.items():
            env[name] = _value(value)
    return env


def _value(value: FactValue) -> Value:
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


@dataclass
class Context:
    """One practice or network with everything a rule may read about it."""

    level: EntityLevel
    code: str
    name: str | None
    commissioner: str | None
    env: Env
    sources: dict[str, str] = field(default_factory=dict)
    missing_from_members: dict[str, list[str]] = field(default_factory=dict)

    def date_of(self, name: str) -> date | None:
        value = self.env.get(name)
        return value if isinstance(value, date) else None


def apply_formulas(ctx: Context, formulas: Iterable[Parameter]) -> None:
    """Compute the formula parameters of the context's level, in order, from what it has."""
    for param in formulas:
        if param.level is not ctx.level:
            continue
        try:
            value = evaluate_formula(parse_formula(param.formula or ""), ctx.env)
        except Missing:
            continue
        ctx.env[param.id] = value
        ctx.sources[param.id] = f"computed: {param.title.lower()}"


def contexts(population: Population, fields: dict[str, FieldDef], national: Mapping[str, Value]) -> Iterator[Context]:
    """A context per practice, then per network, of the population (formulas not yet applied), built
    one at a time so that a caller working in batches holds only its batch."""
    for practice in population.practices.values():
        ctx = Context(EntityLevel.practice, practice.code, practice.name, practice.commissioner_code,
                      as_env(national, practice.values))
        ctx.sources = {k: str(v) for k, v in practice.provenance.items()}
        yield ctx
    aggregated = [f for f in fields.values() if f.level is Level.practice and f.aggregate]
    for network in population.networks.values():
        ctx = Context(EntityLevel.network, network.code, network.name, network.commissioner_code,
                      as_env(national, network.values))
        ctx.sources = {k: str(v) for k, v in network.provenance.items()}
        members = [population.practices[c] for c in network.member_codes if c in population.practices]
        for f in aggregated:
            target = f.aggregates_to or f.name
            if target in ctx.env or not members:
                continue
            lacking = [m.code for m in members if f.name not in m.values]
            if lacking:
                ctx.missing_from_members[target] = lacking
                continue
            ctx.env[target] = aggregate(f, [m.values[f.name] for m in members])
            ctx.sources[target] = f"sum of {len(members)} member practices"
        yield ctx


def aggregate(f: FieldDef, member_values: list[FactValue]) -> Value:
    """A network's value of a practice field built from its members' values (sum, all or any): one
    rule for the engine's contexts and the vectorised frames."""
    if f.aggregate == "sum":
        total = Decimal(0)
        for value in member_values:
            if isinstance(value, bool) or not isinstance(value, Decimal | int):
                raise ValueError(f"{f.name}: cannot sum {value!r}")
            total += value
        return total
    if f.aggregate == "all":
        return all(member_values)
    return any(member_values)


class Labels(dict[str, str]):
    """Words for names in explanations: field labels and parameter titles."""

    def __init__(self, version: Version, fields: dict[str, FieldDef]):
        super().__init__({f.name: f.label[0].lower() + f.label[1:] for f in fields.values()})
        self.update({t.id: t.title[0].lower() + t.title[1:] for t in version.terms.values()
                     if isinstance(t, Parameter)})
        self["as_of"] = "the as-of date"
