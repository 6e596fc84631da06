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

:func:`compute` is the evaluator's hook (see ``contract.evaluation.evaluate``): it returns a finding when the
amount cannot be computed, or ``(total, exact amounts by month, explanation)``.

:func:`consolidation_balance` checks a consolidation proposal's money on a population: what the
lines it removes paid under the base version against what its added lines pay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from contract.evaluation.money import months, split_total, to_penny
from contract.evaluation.results import Evaluation, Status
from contract.lang.expressions import describe_value, parse_formula, refs
from contract.spec.schema import Entitlement, Indicator, IndicatorSet, Method, Parameter

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
# The evaluator's hook

_SCHEME = {Method.qof_points: "QOF", Method.iif_points: "IIF"}


@dataclass
class _Line:
    indicator: Indicator
    achievement: Decimal | None
    earned: Decimal
    prevalence: Decimal
    amount: Decimal


def _indicator_inputs(ind: Indicator) -> list[str]:
    if ind.achievement:
        return [ind.achievement]
    return [n for n in [ind.numerator, ind.denominator, *ind.exclusions] if n]


def fields_read(iset: IndicatorSet) -> set[str]:
    """Every input field an indicator set may read (for input-gap reports)."""
    names = {iset.achieved_points} if iset.achieved_points else set()
    for ind in iset.indicators:
        names |= set(_indicator_inputs(ind))
    return names


def _formula_inputs(param: Parameter | None) -> set[str]:
    if param is None:
        return set()
    return refs(parse_formula(param.formula)) if param.formula else {param.id}


def compute(findings, ctx, term: Entitlement):
    """Money for one indicator-based entitlement for one practice or network (see the module doc)."""
    version = findings.version
    iset = version.terms[term.indicators]
    assert isinstance(iset, IndicatorSet)
    scheme = _SCHEME.get(term.method, term.method.value)
    env = ctx.env

    def missing_finding(why: str, names: Iterable[str], lacking: list[str]):
        return findings._finding(ctx, term, Status.input_missing, why, set(names), missing=lacking)

    # The value of a point: a dated parameter (as known on the as-of date) or a formula.
    if term.rate is None:
        return missing_finding(
            f"Cannot compute: the value of one {scheme} point for this version is not in the specs (it was "
            "not found in the sources; see the indicator set's notes).", [], [])
    from contract.evaluation.evaluate import rate_value  # the evaluator imports this module lazily; no cycle at load

    rate_param = version.terms[term.rate]
    day = min(max(findings.as_of, term.accrual.start), term.accrual.end)
    point_value = rate_value(rate_param, day, findings.as_of, env)
    if point_value is None:
        lacking = findings._missing(ctx, _formula_inputs(rate_param)) if rate_param.formula else []
        return missing_finding(f"Cannot compute: no value of a {scheme} point in effect on {day}.",
                               {term.rate}, lacking)

    list_adj = Decimal(1)
    list_text = "no list-size adjustment"
    if term.list_adjustment:
        adjust_param = version.terms[term.list_adjustment]
        value = env.get(term.list_adjustment)
        if value is None:
            lacking = findings._missing(ctx, _formula_inputs(adjust_param))
            return missing_finding(f"Cannot compute the list-size adjustment: {', '.join(lacking)} not given.",
                                   {term.rate}, lacking)
        list_adj = Decimal(value)
        list_text = f"{adjust_param.title} {_short(list_adj)}"

    lines, route_missing = _by_indicator(iset, env, findings, ctx, point_value, list_adj)
    if lines is not None:
        earned = sum((line.earned for line in lines), Decimal(0))
        exact_total = sum((line.amount for line in lines), Decimal(0))
        parts = "; ".join(_describe_line(line) for line in lines)
        head = (f"{scheme}: {_short(earned)} of {_short(_max_points(iset))} points earned over "
                f"{len(lines)} indicator(s) ({parts}), each × £{describe_value(point_value)} a point × {list_text}")
    else:
        reported = env.get(iset.achieved_points) if iset.achieved_points else None
        if reported is None:
            wanted = route_missing + ([iset.achieved_points] if iset.achieved_points else [])
            lacking = findings._missing(ctx, wanted) if wanted else []
            why = (f"Cannot compute: give the {scheme} inputs per indicator ({', '.join(route_missing)})"
                   if route_missing else
                   f"Cannot compute: the {scheme} indicators' points or thresholds are not encoded for this version")
            if iset.achieved_points:
                why += f", or the total points achieved ({iset.achieved_points})"
            return missing_finding(why + ".", {term.rate}, lacking or [iset.achieved_points or iset.id])
        earned = Decimal(reported)  # type: ignore[arg-type]
        if iset.max_points is not None and earned > iset.max_points:
            return findings._finding(
                ctx, term, Status.input_missing,
                f"Cannot compute: {describe_value(earned)} {scheme} points reported, more than the "
                f"{describe_value(iset.max_points)} available; check the input.", {term.rate},
                missing=[iset.achieved_points])
        exact_total = indicator_payment(earned, point_value, list_adj)
        of_max = f" of {_short(iset.max_points)}" if iset.max_points is not None else ""
        head = (f"{scheme}: {_short(earned)}{of_max} points achieved (as reported) × "
                f"£{describe_value(point_value)} a point × {list_text}")
        if any(i.prevalence_adjustment for i in iset.indicators):
            head += " (no prevalence adjustment: it applies indicator by indicator)"

    exact, timing = _instalments(findings, ctx, term, exact_total)
    total, _ = split_total(exact)
    return total, exact, f"{head} = £{total:,}. {timing}".strip()


def _by_indicator(iset: IndicatorSet, env: dict, findings, ctx, point_value: Decimal,
                  list_adj: Decimal) -> tuple[list[_Line] | None, list[str]]:
    """Every indicator computed from its inputs, or None (with the inputs lacking, if the spec has
    everything else) when that is not possible for this entity."""
    if not iset.indicators or not all(i.computable for i in iset.indicators):
        return None, []
    lacking: list[str] = []
    for ind in iset.indicators:
        lacking += [n for n in _indicator_inputs(ind) if n not in env]
        if ind.prevalence_adjustment and ind.prevalence_adjustment not in env:
            param = findings.version.terms[ind.prevalence_adjustment]
            lacking += [n for n in sorted(_formula_inputs(param)) if n not in env]
    if lacking:
        return None, sorted(set(lacking))
    lines = []
    for ind in iset.indicators:
        if ind.achievement:
            achieved: Decimal | None = Decimal(env[ind.achievement])
        else:
            achieved = achievement_percent(env[ind.numerator], env[ind.denominator],
                                           [env[x] for x in ind.exclusions])
        earned = Decimal(0) if achieved is None else points_earned(
            ind.points, ind.lower, ind.upper, achieved)  # type: ignore[arg-type]
        prevalence = Decimal(env[ind.prevalence_adjustment]) if ind.prevalence_adjustment else Decimal(1)
        amount = indicator_payment(earned, point_value, list_adj, prevalence)
        lines.append(_Line(ind, achieved, earned, prevalence, amount))
    return lines, []


def _max_points(iset: IndicatorSet) -> Decimal:
    if iset.max_points is not None:
        return iset.max_points
    return sum((i.points or Decimal(0) for i in iset.indicators), Decimal(0))


def _short(value: Decimal) -> str:
    """A figure for an explanation: at most four decimal places (the money stays exact)."""
    rounded = Decimal(value).quantize(Decimal("0.0001"))
    return describe_value(rounded if rounded != Decimal(value) else Decimal(value))


def _describe_line(line: _Line) -> str:
    ind = line.indicator
    got = "no eligible patients" if line.achievement is None else f"{_short(line.achievement)}% achieved"
    text = f"{ind.id} {got}, {_short(line.earned)} of {describe_value(ind.points)} points"  # type: ignore[arg-type]
    if ind.prevalence_adjustment:
        text += f" × prevalence adjustment {_short(line.prevalence)}"
    return text


def _instalments(findings, ctx, term: Entitlement, exact_total: Decimal) -> tuple[list[tuple[date, Decimal]], str]:
    """The year's exact amount by month: monthly aspiration instalments, then the balance."""
    accrual = [m for m in months(term.accrual.start, term.accrual.end)
               if not term.in_effect or term.in_effect.start <= m <= term.in_effect.end]
    final = term.schedule.final_payment
    balance_month = final.replace(day=1) if final else accrual[-1]
    when = f"paid on {describe_value(final)}" if final else "listed in the last month of the year"
    share = Decimal(0)
    if term.aspiration:
        value = ctx.env.get(term.aspiration)
        share = Decimal(value) if value is not None else Decimal(0)  # type: ignore[arg-type]
    if not share or not accrual:
        return [(balance_month, exact_total)], f"Paid as one achievement payment, {when}."
    monthly = exact_total * share / HUNDRED / len(accrual)
    exact = [(m, monthly) for m in accrual]
    balance = exact_total - monthly * len(accrual)
    exact.append((balance_month, balance))
    return exact, (f"{describe_value(share)}% paid as {len(accrual)} monthly aspiration payments of about "
                   f"£{to_penny(monthly):,} (taking this year's achievement as the aspiration), the balance of "
                   f"about £{to_penny(balance):,} {when}.")


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
