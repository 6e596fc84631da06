"""The vectorised evaluator: every status and penny of the lines it can compute by column.

``evaluate_vector(version, population, as_of, overrides=...)`` computes, for every practice and
network, the status of every obligation and the status, amount and money withheld of every
rate_times_basis entitlement, from the same specs, compiled conditions and values as
:func:`contract.evaluation.evaluate.evaluate` (tests/test_vector.py proves the two agree). Lines
paid by another method (staff reimbursement: per-post claims with caps; QOF and IIF points: per
indicator achievement) are not vectorised: :func:`fallback_lines` names them and says why, and the
callers (contract.analysis.sweep) take those lines from the engine.

:func:`prepare` builds the columns once (inputs, network totals, formula parameters, decided
conditions), so a sweep can price many rates over the same prepared population.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl

from contract.engine.compiler import decisions_of
from contract.evaluation.evaluate import DateOutOfRange
from contract.evaluation.values import National, formula_order, national
from contract.evaluation.vector.frame import LevelFrame, apply_formulas, network_frame, practice_frame
from contract.evaluation.vector.lines import STATUS, Line, decide_all, due_dates, entitlement_line, obligation_statuses
from contract.evaluation.vector.price import plan
from contract.spec.facts import Population
from contract.spec.loader import catalogue
from contract.spec.schema import Entitlement, EntityLevel, Method, Obligation, Version

VECTORISED = frozenset({Method.rate_times_basis})

_WHY_NOT = {
    Method.staff_reimbursement: "staff reimbursement prices each claimed post against its role's cap and the "
                                "network's maximum: per-post work the engine does",
    Method.qof_points: "indicator points are priced per indicator's achievement: computed by the engine",
    Method.iif_points: "indicator points are priced per indicator's achievement: computed by the engine",
}

LEVELS = (EntityLevel.practice, EntityLevel.network)


def fallback_lines(version: Version) -> dict[str, str]:
    """Entitlements the vectorised evaluator does not compute, each with why (the engine does)."""
    return {t.id: _WHY_NOT.get(t.method, f"method {t.method.value} is not vectorised")
            for t in version.terms.values()
            if isinstance(t, Entitlement) and t.method not in VECTORISED and t.level in LEVELS}


def vectorised_lines(version: Version) -> list[str]:
    """Entitlements the vectorised evaluator computes, in spec order."""
    return [t.id for t in version.terms.values()
            if isinstance(t, Entitlement) and t.method in VECTORISED and t.level in LEVELS]


@dataclass
class Level:
    """One level of a prepared population: its frame, obligation statuses and entitlement lines."""

    frame: LevelFrame
    obligations: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, Line] = field(default_factory=dict)


@dataclass
class VectorEvaluation:
    """Statuses and money of the vectorised terms, per level, at one date."""

    version: Version
    as_of: date
    national: National
    levels: dict[EntityLevel, Level]
    fallback: dict[str, str]

    def to_polars(self) -> pl.DataFrame:
        """One row per entity and term: entity_type, entity_code, term_id, status, amount_pence and
        withheld_pence (null where there is none)."""
        parts = []
        for level, found in self.levels.items():
            codes = found.frame.codes
            for term_id, statuses in found.obligations.items():
                parts.append(_part(level, codes, term_id, statuses, [None] * len(codes), [None] * len(codes)))
            for term_id, line in found.lines.items():
                parts.append(_part(level, codes, term_id, line.status, line.amount, line.withheld))
        if not parts:
            return _part(EntityLevel.practice, [], "", [], [], [])
        return pl.concat(parts)


def _part(level: EntityLevel, codes: list[str], term_id: str, status: list[str], amount: list[int | None],
          withheld: list[int | None]) -> pl.DataFrame:
    return pl.DataFrame({
        "entity_type": pl.Series([level.value] * len(codes), dtype=pl.String),
        "entity_code": pl.Series(codes, dtype=pl.String),
        "term_id": pl.Series([term_id] * len(codes), dtype=pl.String),
        "status": pl.Series(status, dtype=STATUS),
        "amount_pence": pl.Series(amount, dtype=pl.Int64),
        "withheld_pence": pl.Series(withheld, dtype=pl.Int64),
    })


def frames(version: Version, population: Population, values: National) -> dict[EntityLevel, LevelFrame]:
    """The population's columns per level, formula parameters computed."""
    built = {EntityLevel.practice: practice_frame(population, values.values),
             EntityLevel.network: network_frame(population, catalogue(), values.values)}
    formulas = formula_order(version)
    for frame in built.values():
        apply_formulas(frame, formulas)
    return built


def evaluate_vector(version: Version, population: Population, as_of: date, *,
                    overrides: dict[str, Decimal] | None = None,
                    prepared: dict[EntityLevel, LevelFrame] | None = None) -> VectorEvaluation:
    """Every obligation and rate_times_basis entitlement of `version`, for every practice and network,
    at `as_of`; `overrides` as in evaluate(). `prepared` reuses frames built by :func:`frames` with the
    same overrides."""
    period = version.meta.in_force
    if not period.contains(as_of):
        raise DateOutOfRange(f"as-of date {as_of} is outside {version.id} ({period.start} to {period.end}); "
                             f"choose a date in the period, or another version")
    values = national(version, as_of, overrides)
    built = prepared or frames(version, population, values)
    decisions = decisions_of(version)
    levels: dict[EntityLevel, Level] = {}
    for level in LEVELS:
        frame = built[level]
        found = levels[level] = Level(frame)
        decided = decide_all(frame, [d for d in decisions if d.level is level])
        dues: dict[str, list[date | None]] = {}
        for term in version.terms.values():
            if isinstance(term, Obligation) and term.level is level:
                dues[term.id] = due_dates(frame, term)
                found.obligations[term.id] = obligation_statuses(term, decided, dues[term.id], as_of)
        funders: dict[str, list[str]] = {}
        for term in version.terms.values():
            if isinstance(term, Obligation) and term.level is level:
                for target in term.funds:
                    funders.setdefault(target, []).append(term.id)
        for term in version.terms.values():
            if isinstance(term, Entitlement) and term.level is level and term.method in VECTORISED:
                funding = [(found.obligations[o], dues[o]) for o in funders.get(term.id, [])]
                found.lines[term.id] = entitlement_line(term, plan(version, term, values), frame, decided,
                                                        funding, as_of)
    return VectorEvaluation(version, as_of, values, levels, fallback_lines(version))
