"""Evaluate a version for every practice and network of a population, at an explicit date.

The engine decides the conditions (met or not, eligible or not, or undecided for want of an
input); Python computes the money exactly from the rates in the specs (or the values the user
set). Nothing reads the clock. This module only orchestrates:
values (national values and overrides) → context (each entity's values and formulas) →
decide (the engine) → terms (obligations, and entitlements priced by their payment methods) →
sanctions (ladders) → gaps (inputs lacking).

Entities go through in batches (:data:`BATCH`): contexts are built, decided and turned into findings a
batch at a time, so that a streamed evaluation (:func:`evaluate_stream`) holds one batch, not the nation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from itertools import islice

from contract.engine.durable import Outcome
from contract.evaluation.context import Context, Labels, apply_formulas, contexts
from contract.evaluation.decide import UNDECIDED, decide, unit_id
from contract.evaluation.events import LadderEvent
from contract.evaluation.findings import FindingBuilder
from contract.evaluation.gaps import input_gaps
from contract.evaluation.results import Evaluation, EvaluationHeader, Finding
from contract.evaluation.sanctions import Prepared, prepare, sanction_findings
from contract.evaluation.stream import FindingStream
from contract.evaluation.terms import TermFindings
from contract.evaluation.values import formula_order, national, national_values, value_at
from contract.spec.facts import Population
from contract.spec.loader import catalogue
from contract.spec.schema import Version

__all__ = ["BATCH", "DateOutOfRange", "evaluate", "evaluate_stream", "national_values", "value_at"]
"""`value_at` and `national_values` live in contract.evaluation.values; they are named here too
because contract.analysis.coverage imports value_at from this module."""

BATCH = 2_000
"""Entities decided by the engine at a time: large enough that the per-call cost is nothing, small
enough that a batch's contexts and findings are a few megabytes."""


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
    return evaluate_stream(version, population, as_of, use_reference=use_reference, events=events,
                           overrides=overrides).collect()


def evaluate_stream(version: Version, population: Population, as_of: date, *, use_reference: bool = False,
                    events: Iterable[LadderEvent] | None = None, overrides: dict[str, Decimal] | None = None,
                    batch: int = BATCH) -> FindingStream:
    """As `evaluate`, but the findings come one entity at a time, a batch of `batch` entities
    decided at once, for a writer that writes each as it comes. Everything that can fail on the
    inputs as a whole (the date, the events, the values set) fails here, before the first finding.
    The events' issues (an event about an unknown entity, or with no effect) join the stream's
    header as they are found."""
    period = version.meta.in_force
    if not period.contains(as_of):
        raise DateOutOfRange(f"as-of date {as_of} is outside {version.id} ({period.start} to {period.end}); "
                             f"choose a date in the period, or another version")
    if batch < 1:
        raise ValueError(f"batch must be at least 1, not {batch}")
    fields = catalogue()
    values = national(version, as_of, overrides)
    formulas = formula_order(version)
    builder = FindingBuilder(version, values, Labels(version, fields), population.staff, population.staff_given)
    terms = TermFindings(builder)
    ladders = prepare(version, population, events, as_of, use_reference)
    header = EvaluationHeader(version=version.id, as_of=as_of, issues=list(population.issues),
                              gaps=input_gaps(version, population, fields),
                              overrides={k: str(v) for k, v in values.overridden.items()},
                              engine="reference" if use_reference else "durable_rules")

    def produce() -> Iterator[Finding]:
        entities = contexts(population, fields, values.values)
        while chunk := list(islice(entities, batch)):
            for ctx in chunk:
                apply_formulas(ctx, formulas)
            outcomes = decide(version, chunk, use_reference)
            for ctx in chunk:
                yield from _entity_findings(terms, ladders, ctx, outcomes.get(unit_id(ctx), UNDECIDED))

    return FindingStream(header, produce, ladders.issues)


def _entity_findings(terms: TermFindings, ladders: Prepared, ctx: Context, outcome: Outcome) -> list[Finding]:
    found, statuses = terms.for_entity(ctx, outcome)
    # Sanction ladders after the entitlements, whose schedules price a withholding.
    return found + sanction_findings(terms.builder, ladders, ctx, statuses, found)
