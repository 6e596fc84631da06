"""Evaluate a version for every practice and network of a population, at an explicit date.

The engine decides the conditions (met or not, eligible or not, or undecided for want of an
input); Python computes the money exactly from the rates in the specs (or the values the user
set). Nothing reads the clock. This module only orchestrates:
values (national values and overrides) → context (each entity's values and formulas) →
decide (the engine) → terms (obligations, and entitlements priced by their payment methods) →
sanctions (ladders) → gaps (inputs lacking).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from contract.evaluation.context import Labels, apply_formulas, contexts
from contract.evaluation.decide import UNDECIDED, decide, unit_id
from contract.evaluation.events import LadderEvent
from contract.evaluation.findings import FindingBuilder
from contract.evaluation.gaps import input_gaps
from contract.evaluation.results import Evaluation, Finding
from contract.evaluation.sanctions import prepare, sanction_findings
from contract.evaluation.terms import TermFindings
from contract.evaluation.values import formula_order, national, national_values, value_at
from contract.spec.facts import Population
from contract.spec.loader import catalogue
from contract.spec.schema import Version

__all__ = ["DateOutOfRange", "evaluate", "national_values", "value_at"]
"""`value_at` and `national_values` live in contract.evaluation.values; they are named here too
because contract.analysis.coverage imports value_at from this module."""


class DateOutOfRange(ValueError):
    """The as-of date falls outside the version's period: we refuse rather than answer £0."""


def evaluate(version: Version, population: Population, as_of: date, *, use_reference: bool = False,
             events: Iterable[LadderEvent] | None = None, overrides: dict[str, Decimal] | None = None) -> Evaluation:
    """Every obligation and entitlement of `version`, for every practice and network, at `as_of`.

    `events` (contract.evaluation.events; read by contract.io.readers.events) put practices and
    networks on the version's sanction ladders; entities with events or failing obligations get a
    finding per ladder (contract.evaluation.sanctions). `overrides` replace national parameters
    (constants or formulas) for this evaluation: every rule, formula, amount and explanation reads
    the value set, which the findings' values and explanations mark as set with --set."""
    period = version.meta.in_force
    if not period.contains(as_of):
        raise DateOutOfRange(f"as-of date {as_of} is outside {version.id} ({period.start} to {period.end}); "
                             f"choose a date in the period, or another version")
    fields = catalogue()
    values = national(version, as_of, overrides)
    ctxs = contexts(population, fields, values.values)
    formulas = formula_order(version)
    for ctx in ctxs:
        apply_formulas(ctx, formulas)
    outcomes = decide(version, ctxs, use_reference)
    builder = FindingBuilder(version, values, Labels(version, fields), population.staff, population.staff_given)
    terms = TermFindings(builder)
    ladders = prepare(version, population, events, as_of, use_reference)
    findings: list[Finding] = []
    for ctx in ctxs:
        found, statuses = terms.for_entity(ctx, outcomes.get(unit_id(ctx), UNDECIDED))
        findings.extend(found)
        # Sanction ladders after the entitlements, whose schedules price a withholding.
        findings.extend(sanction_findings(builder, ladders, ctx, statuses, found))
    return Evaluation(version=version.id, as_of=as_of, findings=findings,
                      issues=list(population.issues) + ladders.issues,
                      gaps=input_gaps(version, population, fields),
                      overrides={k: str(v) for k, v in values.overridden.items()},
                      engine="reference" if use_reference else "durable_rules")
