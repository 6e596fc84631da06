"""A sweep's result: the long table, the cost-neutral value, and notes on how it was computed."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import polars as pl

MONEY = pl.Decimal(38, 2)


@dataclass(frozen=True)
class CostNeutral:
    """Where the total's change against the base crosses zero, for a single varied parameter."""

    param: str
    exact: Decimal | None
    """A variant whose total equals the base's to the penny, if one does."""
    below: Decimal | None
    above: Decimal | None
    """The neighbouring variants whose changes have opposite signs (the crossing lies between)."""
    nearest: Decimal
    nearest_delta: Decimal


@dataclass
class Sweep:
    """Every variant's national total of every payment line (and `total`), in a long table."""

    version: str
    against: str | None
    as_of: date
    params: list[str]
    variants: int
    table: pl.DataFrame
    """Columns: variant, one per varied parameter, term_id, amount_gbp (and, with a base, delta_gbp,
    gainers, losers, unknown)."""
    method: str
    notes: list[str] = field(default_factory=list)
    cost_neutral: CostNeutral | None = None

    def to_polars(self) -> pl.DataFrame:
        return self.table

    def totals(self) -> pl.DataFrame:
        """The `total` rows, one per variant."""
        return self.table.filter(pl.col("term_id") == "total")


def cost_neutral(sweep: Sweep) -> CostNeutral | None:
    """The varied value at which the total costs what the base costs, when one parameter is varied
    and there is a base; None otherwise (or when no variant's change is zero or changes sign)."""
    if sweep.against is None or len(sweep.params) != 1:
        return None
    param = sweep.params[0]
    rows = sweep.totals().select(param, "delta_gbp").rows()
    if not rows:
        return None
    exact = next((v for v, d in rows if d == 0), None)
    below = above = None
    for (v1, d1), (v2, d2) in itertools.pairwise(rows):
        if d1 is not None and d2 is not None and (d1 < 0 < d2 or d2 < 0 < d1):
            below, above = v1, v2
            break
    if exact is None and below is None:
        return None
    nearest, nearest_delta = min(rows, key=lambda r: (abs(r[1]), r[0]))
    return CostNeutral(param, exact, below, above, nearest, nearest_delta)
