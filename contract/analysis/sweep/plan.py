"""What a sweep computes once, and how it prices a batch of variants.

A line whose rate is a varied *plain rate* (a national constant that nothing but rate_times_basis
lines reads, as their rate) is linear in that rate: each entity's amount is basis × months × rate ÷
divisor rounded once. So the plan keeps, per such line, every priced row's basis × months × 100 as
an integer over a common denominator, and a batch multiplies it by each variant's rate in exact
int64 arithmetic (one rounding per entity and line). Any other varied parameter (a formula, or one a
condition or another method reads) makes the plan *general*: each variant is evaluated again by the
vectorised evaluator, and the lines it does not compute by the engine when they read a varied
parameter. Lines that read no varied parameter are computed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np

from contract.analysis.sweep.columns import LineColumns, Rows, engine_columns, rows_of, vector_columns
from contract.evaluation.evaluate import evaluate
from contract.evaluation.methods import method_for
from contract.evaluation.results import Status
from contract.evaluation.values import national
from contract.evaluation.vector.api import VectorEvaluation, evaluate_vector, fallback_lines, frames
from contract.evaluation.vector.price import pence, scaled_bases, sweep_pence
from contract.spec.facts import Population
from contract.spec.references import expression_names, names_read
from contract.spec.schema import Entitlement, EntityLevel, Method, Obligation, Version

BATCH = 256
"""Variants priced together (a batch's table is BATCH × rows integers)."""


def plain_rate(version: Version, param_id: str) -> bool:
    """True when the parameter is a constant read only as the rate of rate_times_basis lines."""
    param = version.terms[param_id]
    if getattr(param, "formula", None):
        return False
    for term in version.terms.values():
        if term.id == param_id or param_id not in _reads(version, term):
            continue
        if isinstance(term, Entitlement) and term.method is Method.rate_times_basis and term.rate == param_id \
                and param_id not in expression_names(term):
            continue
        return False
    return True


def _reads(version: Version, term) -> set[str]:
    found = names_read(term)
    if isinstance(term, Entitlement):
        found |= method_for(term.method).reads(version, term)
    return found


def reads_closure(version: Version, term) -> set[str]:
    """Every name a term reads, directly or through the terms it reads (but not through another
    entitlement: an obligation names the lines it funds, which do not change what it decides)."""
    seen: set[str] = set()
    stack = list(_reads(version, term))
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        other = version.terms.get(name)
        if other is not None and not isinstance(other, Entitlement):
            stack.extend(_reads(version, other))
    return seen


@dataclass(frozen=True)
class Linear:
    """A line linear in one varied rate: per-row integer numerators over one denominator."""

    param_index: int
    numerators: np.ndarray
    denominator: int
    known: np.ndarray
    bases: list[Decimal | None]
    months: int
    divisor: int

    def price(self, rates: list[Decimal]) -> np.ndarray:
        table = sweep_pence(self.numerators, self.denominator, rates)
        if table is not None:
            return table
        return np.array([[0 if b is None else pence(b, r * self.months, self.divisor) for b in self.bases]
                         for r in rates], dtype=object)


@dataclass
class SweepPlan:
    version: Version
    population: Population
    as_of: date
    params: list[str]
    sets: dict[str, Decimal]
    rows: Rows
    lines: list[tuple[str, EntityLevel]]
    """Every payment line reported: the swept version's, then those only the base has."""
    constant: dict[str, LineColumns] = field(default_factory=dict)
    linear: dict[str, Linear] = field(default_factory=dict)
    general: bool = False
    engine_per_variant: dict[str, EntityLevel] = field(default_factory=dict)
    base: dict[str, LineColumns] | None = None

    def overrides(self, values: tuple[Decimal, ...]) -> dict[str, Decimal]:
        return {**self.sets, **dict(zip(self.params, values, strict=True))}


def _payment_lines(version: Version) -> list[tuple[str, EntityLevel]]:
    return [(t.id, t.level) for t in version.terms.values()
            if isinstance(t, Entitlement) and t.level in (EntityLevel.practice, EntityLevel.network)]


def _all_lines(version: Version, population: Population, as_of: date, overrides: dict[str, Decimal],
               prepared=None) -> tuple[VectorEvaluation, dict[str, LineColumns], dict[str, EntityLevel]]:
    """Every payment line: vectorised ones, and the engine's for the others."""
    ev = evaluate_vector(version, population, as_of, overrides=overrides, prepared=prepared)
    rows = rows_of(ev)
    found = vector_columns(ev)
    levels = dict(_payment_lines(version))
    rest = {t: levels[t] for t in fallback_lines(version)}
    if rest:
        part = engine_part(version, list(rest))
        mine = {k: v for k, v in overrides.items() if k in part.terms}
        found |= engine_columns(evaluate(part, population, as_of, overrides=mine), rows, rest)
    return ev, found, rest


def engine_part(version: Version, term_ids: list[str]) -> Version:
    """The version cut down to the named lines, the terms they read and the obligations that fund
    them (and what those read), but no other entitlement (an obligation names every line it funds;
    those lines do not change these findings): the engine evaluates only what the lines depend on."""
    keep = set(term_ids) | {t.id for t in version.terms.values()
                            if isinstance(t, Obligation) and set(t.funds) & set(term_ids)}
    for term_id in list(keep):
        keep |= reads_closure(version, version.terms[term_id])
    keep = {k for k in keep if k in term_ids or not isinstance(version.terms.get(k), Entitlement)}
    return version.model_copy(update={"terms": {k: t for k, t in version.terms.items() if k in keep}})


def make_plan(version: Version, population: Population, as_of: date, params: list[str], first: tuple[Decimal, ...],
              sets: dict[str, Decimal], base: Version | None = None) -> SweepPlan:
    """Compute once what every variant shares (and the base version's lines, with --against)."""
    overrides = {**sets, **dict(zip(params, first, strict=True))}
    values = national(version, as_of, overrides)
    prepared = frames(version, population, values)
    ev, lines, rest = _all_lines(version, population, as_of, overrides, prepared)
    plan = SweepPlan(version, population, as_of, params, sets, rows_of(ev), _payment_lines(version))
    plan.general = not all(plain_rate(version, p) for p in params)
    for term_id, level in rest.items():
        if set(params) & reads_closure(version, version.terms[term_id]):
            plan.engine_per_variant[term_id] = level
    for term_id, columns in lines.items():
        term = version.terms[term_id]
        if term_id in plan.engine_per_variant:
            continue
        if not plan.general and isinstance(term, Entitlement) and term.rate in params:
            line = ev.levels[term.level].lines[term_id]
            priced = [a is not None and s != Status.not_applicable.value for a, s in zip(line.amount, line.status,
                                                                                          strict=True)]
            bases = [b if p else None for b, p in zip(line.basis, priced, strict=True)]
            months = len(line.plan.months)
            scaled = scaled_bases([b or Decimal(0) for b in bases], months, line.plan.divisor)
            numerators, denominator = scaled if scaled is not None else (np.zeros(len(bases), dtype=np.int64), 1)
            plan.linear[term_id] = Linear(params.index(term.rate or ""), numerators, denominator, columns.known,
                                          bases, months, line.plan.divisor)
        elif not plan.general or not (set(params) & reads_closure(version, term)):
            plan.constant[term_id] = columns
    if base is not None:
        _ev, plan.base, _rest = _all_lines(base, population, as_of, {})
        mine = {t for t, _ in plan.lines}
        plan.lines += [(t, lv) for t, lv in _payment_lines(base) if t not in mine]
    return plan


def _variant_lines(plan: SweepPlan, values: tuple[Decimal, ...]) -> dict[str, LineColumns]:
    """The general path: one variant's lines that depend on the varied parameters."""
    overrides = plan.overrides(values)
    found = {t: c for t, c in vector_columns(evaluate_vector(plan.version, plan.population, plan.as_of,
                                                             overrides=overrides)).items()
             if t not in plan.constant}
    if plan.engine_per_variant:
        part = engine_part(plan.version, list(plan.engine_per_variant))
        mine = {k: v for k, v in overrides.items() if k in part.terms}
        found |= engine_columns(evaluate(part, plan.population, plan.as_of, overrides=mine),
                                plan.rows, plan.engine_per_variant)
    return found


Batch = list[tuple[int, tuple[Decimal, ...]]]
Result = dict[str, list]


def price_batch(plan: SweepPlan, batch: Batch) -> Result:
    """Rows of the sweep for a batch of (variant number, values): per variant, each line's national
    total in pence and, with a base, the change and the entities gaining, losing and unknown."""
    out: Result = {"variant": [], "term_id": [], "pence": [], "delta": [], "gainers": [], "losers": [], "unknown": []}
    if plan.general:
        for number, values in batch:
            _reduce(plan, [number], _tables(plan, _variant_lines(plan, values), 1), out)
        return out
    for start in range(0, len(batch), BATCH):
        part = batch[start:start + BATCH]
        tables: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term_id, linear in plan.linear.items():
            rates = [values[linear.param_index] for _, values in part]
            tables[term_id] = (linear.price(rates), linear.known)
        _reduce(plan, [n for n, _ in part], tables | _tables(plan, {}, len(part)), out)
    return out


def _tables(plan: SweepPlan, lines: dict[str, LineColumns], count: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {t: (np.broadcast_to(c.pence, (count, len(c.pence))), c.known) for t, c in (plan.constant | lines).items()}


def _reduce(plan: SweepPlan, numbers: list[int], tables: dict[str, tuple[np.ndarray, np.ndarray]], out: Result) -> None:
    count = len(numbers)
    totals = {lv: np.zeros((count, len(codes)), dtype=object if _wide(tables) else np.int64)
              for lv, codes in plan.rows.items()}
    known = {lv: np.ones((count, len(codes)), dtype=bool) for lv, codes in plan.rows.items()}
    base_totals = {lv: np.zeros(len(codes), dtype=np.int64) for lv, codes in plan.rows.items()}
    base_known = {lv: np.ones(len(codes), dtype=bool) for lv, codes in plan.rows.items()}
    for term_id, level in plan.lines:
        width = len(plan.rows[level])
        table, line_known = tables.get(term_id, (np.zeros((count, width), dtype=np.int64), np.ones(width, dtype=bool)))
        totals[level] = totals[level] + table
        known[level] &= line_known
        row = _compare(table, line_known, plan.base.get(term_id) if plan.base is not None else None, level, plan)
        if plan.base is not None:
            b = plan.base.get(term_id)
            if b is not None:
                base_totals[level] += b.pence
                base_known[level] &= b.known
        _emit(out, numbers, term_id, table.sum(axis=1), *row)
    grand = sum((t.sum(axis=1) for t in totals.values()), np.zeros(count, dtype=np.int64))
    if plan.base is None:
        _emit(out, numbers, "total", grand, None, None, None, None)
        return
    base_grand = int(sum(int(b.sum()) for b in base_totals.values()))
    gainers = losers = unknown = np.zeros(count, dtype=np.int64)
    for level in plan.rows:
        both = known[level] & base_known[level]
        gainers = gainers + ((totals[level] > base_totals[level]) & both).sum(axis=1)
        losers = losers + ((totals[level] < base_totals[level]) & both).sum(axis=1)
        unknown = unknown + (~both).sum(axis=1)
    _emit(out, numbers, "total", grand, grand - base_grand, gainers, losers, unknown)


def _wide(tables: dict[str, tuple[np.ndarray, np.ndarray]]) -> bool:
    return any(t.dtype == object for t, _ in tables.values())


def _compare(table: np.ndarray, line_known: np.ndarray, base: LineColumns | None, level: EntityLevel,
             plan: SweepPlan) -> tuple:
    if plan.base is None:
        return None, None, None, None
    width = len(plan.rows[level])
    base_pence = base.pence if base is not None else np.zeros(width, dtype=np.int64)
    base_known = base.known if base is not None else np.ones(width, dtype=bool)
    both = line_known & base_known
    return (table.sum(axis=1) - int(base_pence.sum()), ((table > base_pence) & both).sum(axis=1),
            ((table < base_pence) & both).sum(axis=1), np.broadcast_to((~both).sum(), (table.shape[0],)))


def _emit(out: Result, numbers: list[int], term_id: str, amounts, delta, gainers, losers, unknown) -> None:
    for i, number in enumerate(numbers):
        out["variant"].append(number)
        out["term_id"].append(term_id)
        out["pence"].append(int(amounts[i]))
        out["delta"].append(None if delta is None else int(delta[i]))
        out["gainers"].append(None if gainers is None else int(gainers[i]))
        out["losers"].append(None if losers is None else int(losers[i]))
        out["unknown"].append(None if unknown is None else int(unknown[i]))
