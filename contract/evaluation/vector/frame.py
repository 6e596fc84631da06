"""A population as columns: one row per practice (or network), one column per name a rule reads.

The columns hold the values exactly as :func:`contract.evaluation.context.contexts` puts them in an
entity's environment (the national values, then the entity's inputs, then network totals of member
practices' values, then the formula parameters of its level), so a compiled condition or a price
reads what the engine of record reads. :meth:`LevelFrame.engine_frame` gives the polars view the
compiled conditions run on (values in the engine's integer form, null for "not given").

Formula parameters are computed per row with the engine's own exact Decimal arithmetic
(:func:`contract.lang.expressions.evaluate_formula`): a polars Decimal division would not give the
same 28 significant digits, and every penny must agree. They are computed once per frame, so a
sweep that varies a plain rate never recomputes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from contract.engine.compiler import EngineValue, engine_value
from contract.evaluation.context import aggregate, as_env
from contract.lang.expressions import Missing, Value, evaluate_formula, parse_formula, refs
from contract.spec.facts import FieldDef, Level, Population
from contract.spec.schema import EntityLevel, Parameter

Column = list[Value | None]
ROW = "__row"
"""The engine frame's row number column (a frame always has a column, so its height is kept)."""


@dataclass
class LevelFrame:
    """Every practice, or every network, of a population: codes and value columns (None: not given)."""

    level: EntityLevel
    codes: list[str]
    national: Mapping[str, Value]
    columns: dict[str, Column] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.codes)

    def column(self, name: str) -> Column:
        """The name's value for every row: the entity's own, else the national value, else None."""
        found = self.columns.get(name)
        if found is not None:
            return found
        return [self.national.get(name)] * len(self.codes)

    def has(self, name: str) -> bool:
        return name in self.columns or name in self.national

    def engine_frame(self, names: Iterable[str]) -> pl.DataFrame:
        """The named columns in the engine's form (integer hundredths, YYYYMMDD dates, flags, text),
        null where the entity lacks the name; names the frame never has are left out."""
        data: dict[str, pl.Series] = {ROW: pl.Series(ROW, range(len(self.codes)), dtype=pl.Int64)}
        for name in sorted(set(names)):
            if name not in self.columns:
                continue
            values: list[EngineValue | None] = [None if v is None else engine_value(v) for v in self.columns[name]]
            data[name] = pl.Series(name, values, strict=False)
        return pl.DataFrame(data)


def _put(columns: dict[str, Column], name: str, row: int, value: Value, height: int) -> None:
    column = columns.get(name)
    if column is None:
        column = columns[name] = [None] * height
    column[row] = value


def practice_frame(population: Population, national: Mapping[str, Value]) -> LevelFrame:
    """The practices' own inputs (formulas not yet applied)."""
    practices = list(population.practices.values())
    frame = LevelFrame(EntityLevel.practice, [p.code for p in practices], national)
    height = len(practices)
    for row, practice in enumerate(practices):
        for name, value in as_env(practice.values).items():
            _put(frame.columns, name, row, value, height)
    return frame


def network_frame(population: Population, fields: Mapping[str, FieldDef], national: Mapping[str, Value]) -> LevelFrame:
    """The networks' own inputs, then totals of their member practices' values where the network
    does not give the value itself and every member does (as contexts() computes them)."""
    networks = list(population.networks.values())
    frame = LevelFrame(EntityLevel.network, [n.code for n in networks], national)
    height = len(networks)
    aggregated = [f for f in fields.values() if f.level is Level.practice and f.aggregate]
    for row, network in enumerate(networks):
        own = as_env(network.values)
        for name, value in own.items():
            _put(frame.columns, name, row, value, height)
        members = [population.practices[c] for c in network.member_codes if c in population.practices]
        if not members:
            continue
        for f in aggregated:
            target = f.aggregates_to or f.name
            if target in own or target in national:
                continue
            if any(f.name not in m.values for m in members):
                continue
            _put(frame.columns, target, row, aggregate(f, [m.values[f.name] for m in members]), height)
    return frame


def apply_formulas(frame: LevelFrame, formulas: Iterable[Parameter]) -> None:
    """The formula parameters of the frame's level, in order, row by row with exact Decimals; a row
    lacking an input the formula reads lacks the parameter (as the engine's contexts do)."""
    for param in formulas:
        if param.level is not frame.level:
            continue
        tree = parse_formula(param.formula or "")
        names = sorted(refs(tree))
        columns = {name: frame.column(name) for name in names}
        out: Column = [None] * len(frame)
        for row in range(len(frame)):
            env: dict[str, Value] = {}
            for name in names:
                value = columns[name][row]
                if value is not None:
                    env[name] = value
            try:
                out[row] = evaluate_formula(tree, env)
            except Missing:
                continue
        frame.columns[param.id] = out
