"""A negotiator's sweep: many variants of a version's national parameters, priced over a population.

``sweep(version, population, as_of, varies, sets=..., against=..., scheduler=...)`` evaluates every
combination of the varied values (:mod:`.grid`) with the vectorised evaluator
(contract.evaluation.vector), the lines it does not compute coming from the engine, and returns
each variant's national total of every payment line and of all of them (`total`); with a base
version, the change and the practices and networks gaining, losing and unknown (an input missing on
either side). A varied plain rate is priced linearly (:mod:`.plan`); anything else re-evaluates each
variant. With a Dask scheduler address the batches run on the cluster, the plan (population
included) scattered once; the rows are the same, in the same order.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from contract.analysis.sweep.grid import SweepError, Vary, parse_vary, variants
from contract.analysis.sweep.plan import Batch, Result, SweepPlan, make_plan, price_batch
from contract.analysis.sweep.result import MONEY, CostNeutral, Sweep, cost_neutral
from contract.evaluation.evaluate import DateOutOfRange
from contract.evaluation.vector.api import fallback_lines
from contract.spec.facts import Population
from contract.spec.schema import Version

__all__ = ["CostNeutral", "Sweep", "SweepError", "Vary", "parse_vary", "sweep", "variants"]


def sweep(version: Version, population: Population, as_of: date, varies: list[Vary], *,
          sets: dict[str, Decimal] | None = None, against: Version | None = None,
          scheduler: str | None = None, batches_per_worker: int = 4) -> Sweep:
    """Every combination of `varies` over `population` at `as_of` (see the module's docstring)."""
    if not varies:
        raise SweepError("give at least one --vary PARAM=START:STOP:STEP")
    sets = dict(sets or {})
    clash = sorted({v.param for v in varies} & set(sets))
    if clash:
        raise SweepError(f"{', '.join(clash)} is both varied and set with --set")
    if against is not None and not against.meta.in_force.contains(as_of):
        period = against.meta.in_force
        raise DateOutOfRange(f"as-of date {as_of} is outside {against.id} ({period.start} to {period.end}); "
                             "--as-of serves both versions")
    combos = variants(varies)
    params = [v.param for v in varies]
    plan = make_plan(version, population, as_of, params, combos[0], sets, against)
    numbered: Batch = list(enumerate(combos, start=1))
    result = _on_cluster(plan, numbered, scheduler, batches_per_worker) if scheduler else price_batch(plan, numbered)
    table = _table(plan, combos, result, against is not None)
    notes = [f"{t} is computed by the engine ({why})" for t, why in fallback_lines(version).items()]
    notes += [f"{t} reads a varied parameter: the engine evaluates it again for every variant"
              for t in plan.engine_per_variant]
    method = ("re-evaluated per variant (a varied parameter is not a plain rate)" if plan.general
              else "linear in each varied rate: bases priced once, one rounding per entity and line")
    found = Sweep(version.id, against.id if against else None, as_of, params, len(combos), table, method, notes)
    found.cost_neutral = cost_neutral(found)
    return found


def _split(items: Batch, parts: int) -> list[Batch]:
    size = max(1, -(-len(items) // parts))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _on_cluster(plan: SweepPlan, numbered: Batch, address: str, batches_per_worker: int) -> Result:
    """The batches on a Dask distributed cluster: the plan scattered once, results gathered in order."""
    from distributed import Client

    with Client(address) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        shared = client.scatter(plan, broadcast=True)
        batches = _split(numbered, workers * batches_per_worker)
        futures = client.map(price_batch, [shared] * len(batches), batches, pure=False)
        parts = client.gather(futures)
    merged: Result = {k: [] for k in parts[0]} if parts else {}
    for part in parts:
        for key, values in part.items():
            merged[key].extend(values)
    return merged


def _table(plan: SweepPlan, combos: list[tuple[Decimal, ...]], result: Result, with_base: bool) -> pl.DataFrame:
    order = {t: i for i, (t, _) in enumerate(plan.lines)} | {"total": len(plan.lines)}
    data: dict[str, pl.Series] = {"variant": pl.Series(result["variant"], dtype=pl.Int64)}
    for i, param in enumerate(plan.params):
        values = [combos[n - 1][i] for n in result["variant"]]
        places = max((max(-int(v.as_tuple().exponent), 0) for v in values), default=0)
        data[param] = pl.Series(values, dtype=pl.Decimal(38, places))
    data["term_id"] = pl.Series(result["term_id"], dtype=pl.String)
    data["amount_gbp"] = _money(result["pence"])
    if with_base:
        data["delta_gbp"] = _money(result["delta"])
        for key in ("gainers", "losers", "unknown"):
            data[key] = pl.Series(result[key], dtype=pl.Int64)
    data["_order"] = pl.Series([order[t] for t in result["term_id"]], dtype=pl.Int64)
    return pl.DataFrame(data).sort("variant", "_order").drop("_order")


def _money(pence: list[int | None]) -> pl.Series:
    return pl.Series([None if p is None else Decimal(p).scaleb(-2) for p in pence], dtype=MONEY)
