"""Indicator-based payments (QOF at practice level, IIF at network level), generic and data-driven.

One implementation serves every version; the indicators, points, thresholds, the value of a point,
the list-size and prevalence adjustments and the aspiration share are all data in the specs. For
one practice or network:

* each indicator's achievement is an input percent, or numerator ÷ (denominator − exclusions): the
  personalised-care adjustment takes out patients who declined or for whom the intervention is
  clinically inappropriate (1,000 aged 65+, 600 vaccinated, 100 declined and 100 inappropriate
  give 600 ÷ 800 = 75%, not 60%);
* points earned are 0 at or below the lower threshold, the indicator's full points at or above the
  upper threshold, and on a straight line between:
  ``points × (achievement − lower) ÷ (upper − lower)``;
* money per indicator = points earned × £ per point × list-size adjustment × prevalence adjustment
  (the adjustments are formula parameters of the version: e.g. practice list ÷ national average
  list, practice prevalence ÷ national prevalence);
* where the indicators cannot be computed one by one (the version does not encode thresholds, or
  the entity's inputs are absent), the entity's total points achieved as calculated nationally
  (CQRS) may be supplied instead, and then money = points × £ per point × list-size adjustment,
  without a prevalence adjustment (the explanation says so);
* with an aspiration share (QOF: 70%, 80% from 2024/25), that share of the year's amount is paid
  in equal monthly instalments and the balance at the year-end achievement payment.

:class:`contract.evaluation.methods.indicators.IndicatorPoints` is the evaluator's payment method built
on these functions.

:func:`consolidation_balance` checks a consolidation proposal's money on a population: what the
lines it removes paid under the base version against what its added lines pay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from contract.evaluation.results import Evaluation, Status
from contract.spec.schema import Indicator, IndicatorSet

HUNDRED = Decimal(100)


# ---------------------------------------------------------------------------------------------
# The arithmetic, free of the evaluator (unit-tested on the domain's worked examples)


def achievement_percent(numerator: Decimal, denominator: Decimal, exclusions: Iterable[Decimal] = ()) -> Decimal | None:
    """Achievement in percent after personalised-care adjustments; None when nobody is left."""
    eligible = Decimal(denominator) - sum((Decimal(x) for x in exclusions), Decimal(0))
    if eligible <= 0:
        return None
    return Decimal(numerator) / eligible * HUNDRED


def points_earned(points: Decimal, lower: Decimal, upper: Decimal, achievement: Decimal) -> Decimal:
    """The sliding scale: 0 at or below `lower`, all `points` at or above `upper`, linear between."""
    if achievement <= lower:
        return Decimal(0)
    if achievement >= upper:
        return Decimal(points)
    return Decimal(points) * (achievement - lower) / (upper - lower)


def indicator_payment(points: Decimal, point_value: Decimal, list_adjustment: Decimal = Decimal(1),
                      prevalence_adjustment: Decimal = Decimal(1)) -> Decimal:
    """Exact (unrounded) money for points earned."""
    return Decimal(points) * Decimal(point_value) * Decimal(list_adjustment) * Decimal(prevalence_adjustment)


# ---------------------------------------------------------------------------------------------
# What an indicator set reads


def indicator_inputs(ind: Indicator) -> list[str]:
    """The input fields one indicator reads: its achievement, or numerator, denominator and exclusions."""
    if ind.achievement:
        return [ind.achievement]
    return [n for n in [ind.numerator, ind.denominator, *ind.exclusions] if n]


def fields_read(iset: IndicatorSet) -> set[str]:
    """Every input field an indicator set may read (for input-gap reports)."""
    names = {iset.achieved_points} if iset.achieved_points else set()
    for ind in iset.indicators:
        names |= set(indicator_inputs(ind))
    return names


# ---------------------------------------------------------------------------------------------
# Consolidation (a proposal moving indicator and network money into the core stream)


@dataclass
class Balance:
    """Money a consolidation moves, on one population: what the removed lines paid under the base
    version, and what the added lines pay under the proposal."""

    removed: dict[str, Decimal] = field(default_factory=dict)
    added: dict[str, Decimal] = field(default_factory=dict)
    not_computed: dict[str, int] = field(default_factory=dict)
    """Term id -> number of entities whose amount could not be computed (inputs missing)."""

    @property
    def removed_total(self) -> Decimal:
        return sum(self.removed.values(), Decimal(0))

    @property
    def added_total(self) -> Decimal:
        return sum(self.added.values(), Decimal(0))

    @property
    def difference(self) -> Decimal:
        """Added minus removed: positive when the population gains."""
        return self.added_total - self.removed_total


def consolidation_balance(base: Evaluation, proposal: Evaluation, removed: Iterable[str],
                          added: Iterable[str]) -> Balance:
    """Sum, over every practice and network of both evaluations, the removed lines (base) and the
    added lines (proposal). A population whose totals are the national ones cited in the proposal
    should balance to within the rounding of the consolidated rate."""
    balance = Balance()
    for source, ids, into in ((base, removed, balance.removed), (proposal, added, balance.added)):
        for term_id in ids:
            into[term_id] = source.total(term_id)
            gaps = sum(1 for f in source.findings if f.term_id == term_id and f.amount is None
                       and f.status is Status.input_missing)
            if gaps:
                balance.not_computed[term_id] = gaps
    return balance
