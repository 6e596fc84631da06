"""qof_points and iif_points: money for indicator points, one implementation for both schemes.

The arithmetic (achievement, the sliding scale, points × £ per point × adjustments) is in
:mod:`contract.evaluation.indicators`; this method reads an entity's inputs, prices its points
with the value of a point read through the evaluation's one rate path (a user's override
included), and lays the year's amount out as monthly aspiration payments and a balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from contract.evaluation.context import Context, Env
from contract.evaluation.findings import FindingBuilder
from contract.evaluation.indicators import (
    achievement_percent,
    fields_read,
    indicator_inputs,
    indicator_payment,
    points_earned,
)
from contract.evaluation.methods.base import Payment, Unpriced
from contract.evaluation.methods.rate import accruing_months
from contract.evaluation.money import Exact, split_total, to_penny
from contract.evaluation.values import OVERRIDE_SOURCE
from contract.lang import text
from contract.lang.expressions import Value, describe_value, formula_names
from contract.spec.schema import Entitlement, Indicator, IndicatorSet, Method, Parameter, Version

_SCHEMES = {Method.qof_points: "QOF", Method.iif_points: "IIF"}


@dataclass
class _Line:
    indicator: Indicator
    achievement: Decimal | None
    earned: Decimal
    prevalence: Decimal
    amount: Decimal


def _formula_inputs(param: Parameter | None) -> set[str]:
    if param is None:
        return set()
    return set(formula_names(param.formula)) if param.formula else {param.id}


def _parameter(version: Version, term_id: str) -> Parameter:
    param = version.terms.get(term_id)
    if not isinstance(param, Parameter):
        raise ValueError(f"{term_id} is not a parameter of {version.id}")
    return param


def _number(env: Env, name: str | None) -> Decimal:
    value: Value | None = env.get(name) if name else None
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise ValueError(f"{name} is {value!r}, not a number")
    return value


def _short(value: Decimal) -> str:
    """A figure for an explanation: at most four decimal places (the money stays exact)."""
    rounded = Decimal(value).quantize(Decimal("0.0001"))
    return describe_value(rounded if rounded != Decimal(value) else Decimal(value))


def _max_points(iset: IndicatorSet) -> Decimal:
    if iset.max_points is not None:
        return iset.max_points
    return sum((i.points or Decimal(0) for i in iset.indicators), Decimal(0))


def _describe_line(line: _Line) -> str:
    ind = line.indicator
    got = "no eligible patients" if line.achievement is None else f"{_short(line.achievement)}% achieved"
    text = f"{ind.id} {got}, {_short(line.earned)} of {describe_value(ind.points or Decimal(0))} points"
    if ind.prevalence_adjustment:
        text += f" × prevalence adjustment {_short(line.prevalence)}"
    return text


class IndicatorPoints:
    """The qof_points and iif_points methods (the scheme's name is the only difference in words)."""

    methods = (Method.qof_points, Method.iif_points)

    def reads(self, version: Version, term: Entitlement) -> set[str]:
        iset = version.terms.get(term.indicators or "")
        found = fields_read(iset) if isinstance(iset, IndicatorSet) else set()
        return found | {n for n in (term.rate, term.list_adjustment, term.aspiration) if n}

    def compute(self, builder: FindingBuilder, ctx: Context, term: Entitlement) -> Payment | Unpriced:
        version = builder.version
        iset = version.terms.get(term.indicators or "")
        if not isinstance(iset, IndicatorSet):
            raise ValueError(f"{term.id}: an indicator entitlement needs an indicator set")
        scheme = _SCHEMES[term.method]
        if term.rate is None:
            return Unpriced(f"Cannot compute: the value of one {scheme} point for this version is not in the specs "
                            "(it was not found in the sources; see the indicator set's notes).")
        rate_param = _parameter(version, term.rate)
        day = min(max(builder.as_of, term.accrual.start), term.accrual.end)
        point_value = builder.rate_on(rate_param, day, ctx)
        if point_value is None:
            lacking = builder.missing(ctx, _formula_inputs(rate_param)) if rate_param.formula else []
            return Unpriced(f"Cannot compute: no value of a {scheme} point in effect on {day}.", lacking,
                            frozenset({term.rate}))
        point_text = f"{text.rate(point_value)} a point" + (
            f" ({OVERRIDE_SOURCE})" if rate_param.id in builder.national.overridden else "")

        list_adj = Decimal(1)
        list_text = "no list-size adjustment"
        if term.list_adjustment:
            adjust_param = _parameter(version, term.list_adjustment)
            if term.list_adjustment not in ctx.env:
                lacking = builder.missing(ctx, _formula_inputs(adjust_param))
                return Unpriced(f"Cannot compute the list-size adjustment: {', '.join(lacking)} not given.",
                                lacking, frozenset({term.rate}))
            list_adj = _number(ctx.env, term.list_adjustment)
            list_text = f"{adjust_param.title} {_short(list_adj)}"

        lines, route_missing = self._by_indicator(builder, iset, ctx.env, point_value, list_adj)
        if lines is not None:
            earned = sum((line.earned for line in lines), Decimal(0))
            exact_total = sum((line.amount for line in lines), Decimal(0))
            parts = "; ".join(_describe_line(line) for line in lines)
            head = (f"{scheme}: {_short(earned)} of {_short(_max_points(iset))} points earned over "
                    f"{len(lines)} indicator(s) ({parts}), each × {point_text} × {list_text}")
        else:
            reported = ctx.env.get(iset.achieved_points) if iset.achieved_points else None
            if reported is None:
                return self._unreported(builder, ctx, iset, scheme, route_missing, term.rate)
            earned = _number(ctx.env, iset.achieved_points)
            if iset.max_points is not None and earned > iset.max_points:
                return Unpriced(f"Cannot compute: {describe_value(earned)} {scheme} points reported, more than the "
                                f"{describe_value(iset.max_points)} available; check the input.",
                                [iset.achieved_points or iset.id], frozenset({term.rate}))
            exact_total = indicator_payment(earned, point_value, list_adj)
            of_max = f" of {_short(iset.max_points)}" if iset.max_points is not None else ""
            head = f"{scheme}: {_short(earned)}{of_max} points achieved (as reported) × {point_text} × {list_text}"
            if any(i.prevalence_adjustment for i in iset.indicators):
                head += " (no prevalence adjustment: it applies indicator by indicator)"

        exact, timing = self._instalments(ctx, term, Fraction(exact_total))
        total, _ = split_total(exact)
        return Payment(total, exact, f"{head} = {text.gbp(total)}. {timing}".strip())

    @staticmethod
    def _unreported(builder: FindingBuilder, ctx: Context, iset: IndicatorSet, scheme: str,
                    route_missing: list[str], rate: str) -> Unpriced:
        wanted = route_missing + ([iset.achieved_points] if iset.achieved_points else [])
        lacking = builder.missing(ctx, wanted) if wanted else []
        why = (f"Cannot compute: give the {scheme} inputs per indicator ({', '.join(route_missing)})"
               if route_missing else
               f"Cannot compute: the {scheme} indicators' points or thresholds are not encoded for this version")
        if iset.achieved_points:
            why += f", or the total points achieved ({iset.achieved_points})"
        return Unpriced(why + ".", lacking or [iset.achieved_points or iset.id], frozenset({rate}))

    @staticmethod
    def _by_indicator(builder: FindingBuilder, iset: IndicatorSet, env: Env, point_value: Decimal,
                      list_adj: Decimal) -> tuple[list[_Line] | None, list[str]]:
        """Every indicator computed from its inputs, or None (with the inputs lacking, if the spec has
        everything else) when that is not possible for this entity."""
        if not iset.indicators or not all(i.computable for i in iset.indicators):
            return None, []
        lacking: list[str] = []
        for ind in iset.indicators:
            lacking += [n for n in indicator_inputs(ind) if n not in env]
            if ind.prevalence_adjustment and ind.prevalence_adjustment not in env:
                param = _parameter(builder.version, ind.prevalence_adjustment)
                lacking += [n for n in sorted(_formula_inputs(param)) if n not in env]
        if lacking:
            return None, sorted(set(lacking))
        lines = []
        for ind in iset.indicators:
            if ind.achievement:
                achieved: Decimal | None = _number(env, ind.achievement)
            else:
                achieved = achievement_percent(_number(env, ind.numerator), _number(env, ind.denominator),
                                               [_number(env, x) for x in ind.exclusions])
            if ind.points is None or ind.lower is None or ind.upper is None:
                raise ValueError(f"{iset.id}: indicator {ind.id} lacks its points or thresholds")
            earned = Decimal(0) if achieved is None else points_earned(ind.points, ind.lower, ind.upper, achieved)
            prevalence = _number(env, ind.prevalence_adjustment) if ind.prevalence_adjustment else Decimal(1)
            amount = indicator_payment(earned, point_value, list_adj, prevalence)
            lines.append(_Line(ind, achieved, earned, prevalence, amount))
        return lines, []

    @staticmethod
    def _instalments(ctx: Context, term: Entitlement, exact_total: Fraction) -> tuple[list[tuple[date, Exact]], str]:
        """The year's exact amount by month: monthly aspiration instalments, then the balance."""
        accrual = accruing_months(term)
        final = term.schedule.final_payment
        balance_month = final.replace(day=1) if final else accrual[-1]
        when = f"paid on {describe_value(final)}" if final else "listed in the last month of the year"
        share = Decimal(0)
        if term.aspiration and term.aspiration in ctx.env:
            share = _number(ctx.env, term.aspiration)
        if not share or not accrual:
            return [(balance_month, exact_total)], f"Paid as one achievement payment, {when}."
        monthly = exact_total * Fraction(share) / 100 / len(accrual)
        exact: list[tuple[date, Exact]] = [(m, monthly) for m in accrual]
        balance = exact_total - monthly * len(accrual)
        exact.append((balance_month, balance))
        return exact, (f"{describe_value(share)}% paid as {len(accrual)} monthly aspiration payments of about "
                       f"{text.gbp(to_penny(monthly))} (taking this year's achievement as the aspiration), "
                       f"the balance of about {text.gbp(to_penny(balance))} {when}.")
