"""The plain-polars floor: 2019-20's three network lines priced per registered patient (core PCN
funding, clinical director, extended hours), written directly in polars over the population as
frames, the least work any evaluator of those lines could do.

Each network's basis is its registered list: its own value if it gives one, else the sum over its
member practices present in the population when every one of them gives a list (as the engines
build a network's inputs). A line is priced only for a network whose `registered` flag is true and
whose basis is known: basis × (the sum of the accruing months' rates) ÷ (months in the rate's
period), in integer pence, rounded once, half up. The rates and accrual months are read from the
spec (their sources are cited there); nothing here restates a contract figure.

:func:`population_frames` turns a Population into three frames (not timed: a polars reader would
produce them); :func:`price` is the timed part; :func:`vector_amounts` reads the vectorised
evaluator's amounts of the same lines for the bench's equality check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl

from contract.evaluation.money import months
from contract.evaluation.values import national
from contract.evaluation.vector.api import VectorEvaluation
from contract.spec.facts import Population
from contract.spec.schema import Entitlement, EntityLevel, Method, Parameter, RatePeriod, Version

REGISTERED_LIST = "registered_list"
REGISTERED = "registered"


@dataclass(frozen=True)
class Frames:
    """practices (practice, registered_list), networks (network, registered, own_list) and
    members (network, practice)."""

    practices: pl.DataFrame
    networks: pl.DataFrame
    members: pl.DataFrame


@dataclass(frozen=True)
class FloorLine:
    """One line's price as an exact ratio: pence = basis × numerator ÷ denominator, half up."""

    term_id: str
    numerator: int
    denominator: int


def _whole(value: object) -> int | None:
    """A list size as an integer (None when not given); a fractional list is refused."""
    if value is None:
        return None
    number = Decimal(value) if isinstance(value, int | Decimal) else None
    if number is None or number != number.to_integral_value():
        raise ValueError(f"the floor prices whole registered lists, not {value!r}")
    return int(number)


def population_frames(population: Population) -> Frames:
    """The population's practices, networks and memberships as polars frames."""
    practices = list(population.practices.values())
    networks = list(population.networks.values())
    return Frames(
        practices=pl.DataFrame({
            "practice": [p.code for p in practices],
            REGISTERED_LIST: pl.Series([_whole(p.values.get(REGISTERED_LIST)) for p in practices], dtype=pl.Int64),
        }),
        networks=pl.DataFrame({
            "network": [n.code for n in networks],
            REGISTERED: pl.Series([n.values.get(REGISTERED) for n in networks], dtype=pl.Boolean),
            "own_list": pl.Series([_whole(n.values.get(REGISTERED_LIST)) for n in networks], dtype=pl.Int64),
        }),
        members=pl.DataFrame({
            "network": [n.code for n in networks for _ in n.member_codes],
            "practice": [c for n in networks for c in n.member_codes],
        }, schema={"network": pl.String, "practice": pl.String}),
    )


def floor_lines(version: Version, as_of: date) -> list[FloorLine]:
    """The version's network rate_times_basis lines paid per registered patient to registered
    networks, each as one exact ratio from the spec's rates and accrual months."""
    values = national(version, as_of)
    found = []
    for term in version.terms.values():
        if not (isinstance(term, Entitlement) and term.level is EntityLevel.network
                and term.method is Method.rate_times_basis and term.basis == REGISTERED_LIST):
            continue
        rate = version.terms[term.rate or ""]
        if not isinstance(rate, Parameter) or rate.formula or term.in_effect or term.eligible_when != REGISTERED:
            raise ValueError(f"{term.id}: the floor prices a plain rate over the whole accrual, paid when registered")
        accrual = months(term.accrual.start, term.accrual.end)
        divisor = {RatePeriod.year: 12, RatePeriod.month: 1, RatePeriod.period: len(accrual)}[rate.period]
        monthly = [values.rate_on(rate, m, {}) for m in accrual]
        rate_sum = sum((r for r in monthly if r is not None), Decimal(0))
        numerator, denominator = rate_sum.as_integer_ratio()
        found.append(FloorLine(term.id, numerator * 100, denominator * divisor))
    return found


def price(frames: Frames, lines: list[FloorLine]) -> pl.DataFrame:
    """One row per network: its code and each line's amount in pence (null where not priced)."""
    listed = frames.members.join(frames.practices, on="practice", how="inner")
    summed = listed.group_by("network").agg(
        pl.col(REGISTERED_LIST).sum().alias("members_list"),
        pl.col(REGISTERED_LIST).null_count().alias("lacking"))
    basis = pl.coalesce(pl.col("own_list"), pl.when(pl.col("lacking") == 0).then(pl.col("members_list")))
    priced = pl.col(REGISTERED).fill_null(False) & pl.col("basis").is_not_null()
    return (frames.networks.join(summed, on="network", how="left")
            .with_columns(basis.alias("basis"))
            .select("network", *(pl.when(priced).then((2 * pl.col("basis") * line.numerator + line.denominator)
                                                     // (2 * line.denominator)).alias(line.term_id)
                                 for line in lines)))


def totals(priced: pl.DataFrame, lines: list[FloorLine]) -> dict[str, int]:
    """Each line's national total in pence."""
    sums = priced.select(pl.col(line.term_id).sum() for line in lines).row(0)
    return {line.term_id: int(total) for line, total in zip(lines, sums, strict=True)}


def amounts(priced: pl.DataFrame, term_id: str) -> dict[str, int]:
    """A line's amount in pence per network that is priced."""
    return {code: pence for code, pence in priced.select("network", term_id).iter_rows() if pence is not None}


def vector_amounts(vector: VectorEvaluation, term_id: str) -> dict[str, int]:
    """The vectorised evaluator's amount of a network line in pence, per network that is priced."""
    level = vector.levels[EntityLevel.network]
    line = level.lines[term_id]
    return {code: pence for code, pence in zip(level.frame.codes, line.amount, strict=True) if pence is not None}
