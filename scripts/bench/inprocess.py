"""The in-process run on one population: read it, evaluate it with the engine of record, the
reference evaluator and the vectorised one, price the plain-polars floor, and sweep one rate
1,000 and 10,000 times. Times are wall seconds in this one process; the short ones (vectorised,
floor) are the best of a few runs, since a single run of a few milliseconds is mostly noise."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from bench import floor
from bench.inputs import Inputs
from contract.analysis.sweep import parse_vary, sweep
from contract.evaluation.evaluate import evaluate
from contract.evaluation.values import national
from contract.evaluation.vector.api import evaluate_vector
from contract.evaluation.vector.api import frames as vector_frames
from contract.spec.loader import load_version

SWEEPS = ((1_000, "1.50:1.5999:0.0001"), (10_000, "1.50:2.4999:0.0001"))
"""Variants of rate.core_pcn_funding, a penny's hundredth apart (STOP is inclusive)."""
VECTOR_RUNS = 3
FLOOR_RUNS = 5


def peak_mib() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def best_of(runs: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest of `runs` timings, and the last result."""
    found = [timed(work) for _ in range(runs)]
    return min(t for t, _ in found), found[-1][1]


def measure(inputs: Inputs, as_of: date) -> dict[str, Any]:
    """Every in-process figure of one population (see the module's docstring)."""
    version = load_version("2019-20")
    parse, population = timed(inputs.read)
    engine, result = timed(lambda: evaluate(version, population, as_of))
    reference, checked = timed(lambda: evaluate(version, population, as_of, use_reference=True))
    if [f.status for f in result.findings] != [f.status for f in checked.findings]:
        raise AssertionError("the engine of record and the reference evaluator disagree")
    vectorised, vector = best_of(VECTOR_RUNS, lambda: evaluate_vector(version, population, as_of))
    # The floor is timed on frames already built; so is this (the frames' time is in `vectorised`).
    built = vector_frames(version, population, national(version, as_of))
    vector_priced, _ = best_of(VECTOR_RUNS, lambda: evaluate_vector(version, population, as_of, prepared=built))
    framing, frames = timed(lambda: floor.population_frames(population))
    lines = floor.floor_lines(version, as_of)
    floor_time, priced = best_of(FLOOR_RUNS, lambda: floor.price(frames, lines))
    for line in lines:
        if floor.amounts(priced, line.term_id) != floor.vector_amounts(vector, line.term_id):
            raise AssertionError(f"{line.term_id}: the plain-polars floor and the vectorised evaluator disagree")
    sweeps = {}
    for count, spans in SWEEPS:
        varied = [parse_vary(f"rate.core_pcn_funding={spans}", version)]
        sweeps[count], _ = timed(lambda varied=varied: sweep(version, population, as_of, varied))
    units = len(population.practices) + len(population.networks)
    return {
        "label": inputs.label, "as_of": as_of.isoformat(),
        "practices": len(population.practices), "networks": len(population.networks),
        "findings": len(result.findings), "input_issues": len(population.issues),
        "parse_s": parse, "engine_s": engine, "reference_s": reference, "vectorised_s": vectorised,
        "vector_priced_s": vector_priced,
        "floor_s": floor_time, "floor_frames_s": framing, "floor_lines": [line.term_id for line in lines],
        "floor_totals_pence": floor.totals(priced, lines),
        "sweep_1000_s": sweeps[1_000], "sweep_10000_s": sweeps[10_000],
        "engine_units_per_s": units / engine, "reference_units_per_s": units / reference,
        "in_process_peak_mib": peak_mib(),
    }
