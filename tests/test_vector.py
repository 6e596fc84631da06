"""The vectorised evaluator against the engine of record: every status and every penny it computes.

Differential: for every version, the author cases (mid-year rate changes, backdated `decided`
values, withholdings), generated populations at dates and rate overrides drawn by hypothesis, and
the real national files where present, the vectorised findings equal the engine's findings for the
same entity and term (status, amount, withheld). Expected values in the unit tests are arithmetic
shown in the test.
"""

from __future__ import annotations

import functools
import tempfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.analysis.sweep.plan import engine_part
from contract.evaluation.cases import all_cases, population_of
from contract.evaluation.evaluate import evaluate
from contract.evaluation.results import Status
from contract.evaluation.vector.api import evaluate_vector, fallback_lines, vectorised_lines
from contract.evaluation.vector.price import pence, scaled_bases, sweep_pence
from contract.io.generate import generate
from contract.io.readers import read_population
from contract.spec.facts import Population
from contract.spec.loader import load_version, version_ids
from contract.spec.schema import Entitlement, Parameter, Version
from tests.conftest import real_data

VERSIONS = version_ids()


def _disagreements(version: Version, population: Population, as_of: date,
                   overrides: dict[str, Decimal] | None = None, use_reference: bool = False) -> tuple[int, list]:
    engine = evaluate(version, population, as_of, overrides=overrides, use_reference=use_reference)
    vector = evaluate_vector(version, population, as_of, overrides=overrides).to_polars()
    mine = {(r["entity_type"], r["entity_code"], r["term_id"]): r for r in vector.iter_rows(named=True)}
    compared, wrong = 0, []
    for f in engine.findings:
        row = mine.get((f.entity_type, f.entity_code, f.term_id))
        if row is None:
            continue
        compared += 1
        amount = None if row["amount_pence"] is None else Decimal(row["amount_pence"]).scaleb(-2)
        withheld = None if row["withheld_pence"] is None else Decimal(row["withheld_pence"]).scaleb(-2)
        if (row["status"], amount, withheld) != (f.status.value, f.amount, f.withheld):
            wrong.append((f.entity_code, f.term_id, (row["status"], amount, withheld),
                          (f.status, f.amount, f.withheld)))
    return compared, wrong


@functools.cache
def _generated(seed: int) -> Population:
    with tempfile.TemporaryDirectory() as tmp:
        files = generate(Path(tmp), scale=0.02, seed=seed)
        return read_population(register=files.epcn, lists=[files.qof], practices=files.practices,
                               networks=files.networks, staff=files.staff)


def test_pence_rounds_once_half_up():
    # 38,550 patients × £0.5143 = £19,826.265 exactly: half a penny, rounded up to £19,826.27.
    assert pence(Decimal(38550), Decimal("0.5143"), 1) == 1_982_627
    # 10,001 × £1.50 ÷ 12 = £1,250.125 → £1,250.13; negative amounts round away from zero.
    assert pence(Decimal(10001), Decimal("1.50"), 12) == 125_013
    assert pence(Decimal(-10001), Decimal("1.50"), 12) == -125_013
    # 7 × £0.01 ÷ 12 = £0.00583… → £0.01
    assert pence(Decimal(7), Decimal("0.01"), 12) == 1


def test_the_sweep_table_is_the_row_by_row_price():
    bases = [Decimal(38550), Decimal("1234.5"), Decimal(0), Decimal(99999)]
    rates = [Decimal("1.50"), Decimal("1.6001"), Decimal("0.5143")]
    scaled = scaled_bases(bases, 9, 12)
    assert scaled is not None
    table = sweep_pence(scaled[0], scaled[1], rates)
    assert table is not None
    expected = np.array([[pence(b, r * 9, 12) for b in bases] for r in rates])
    assert (table == expected).all()


def test_every_method_is_vectorised_or_named_as_falling_back():
    for vid in VERSIONS:
        version = load_version(vid)
        lines = {t.id for t in version.terms.values() if isinstance(t, Entitlement) and t.level.value != "national"}
        assert set(vectorised_lines(version)) | set(fallback_lines(version)) == lines
    assert "payment.additional_roles" in fallback_lines(load_version("2019-20"))


@pytest.mark.parametrize("loaded", all_cases(), ids=lambda c: f"{c.version}:{c.case.name[:40]}")
def test_every_author_case_agrees(loaded):
    version = load_version(loaded.version)
    compared, wrong = _disagreements(version, population_of(loaded), loaded.case.as_of)
    assert wrong == []
    assert compared > 0


@pytest.mark.parametrize("vid", VERSIONS)
def test_every_version_agrees_on_a_generated_population(vid):
    version = load_version(vid)
    compared, wrong = _disagreements(version, _generated(2019), version.meta.in_force.end)
    assert wrong == []
    assert compared > 100


def _rates(version: Version) -> list[str]:
    return sorted(t.id for t in version.terms.values()
                  if isinstance(t, Parameter) and t.level.value == "national" and t.unit.value == "gbp"
                  and not t.formula)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vid=st.sampled_from(VERSIONS), seed=st.sampled_from([1, 2, 3]), day=st.floats(0, 1),
       rate=st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=4), pick=st.integers(0, 100),
       override=st.booleans())
def test_generated_populations_agree_at_any_date_and_rate(vid, seed, day, rate, pick, override):
    version = load_version(vid)
    period = version.meta.in_force
    as_of = period.start + timedelta(days=int(day * (period.end - period.start).days))
    rates = _rates(version)
    overrides = {rates[pick % len(rates)]: rate} if override and rates else None
    compared, wrong = _disagreements(version, _generated(seed), as_of, overrides, use_reference=True)
    assert wrong == []
    assert compared > 0


def _lines(version: Version, population: Population, as_of: date, terms: list[str]) -> dict:
    return {(f.entity_code, f.term_id): (f.status, f.amount, f.withheld)
            for f in evaluate(version, population, as_of, use_reference=True).findings if f.term_id in terms}


def test_the_engine_part_gives_the_fallback_lines_the_whole_version_gives():
    population = _generated(2019)
    for vid in VERSIONS:
        version = load_version(vid)
        rest = list(fallback_lines(version))
        if not rest:
            continue
        as_of = version.meta.in_force.end
        whole = _lines(version, population, as_of, rest)
        assert whole
        assert _lines(engine_part(version, rest), population, as_of, rest) == whole


@pytest.mark.realdata
def test_the_national_files_agree():
    population = read_population(register=real_data("epcn-2019-12.xlsx"),
                                 lists=[real_data("qof-prevalence-2019-20.csv")])
    version = load_version("2019-20")
    runs = [(date(2020, 3, 31), None), (date(2019, 12, 31), {"rate.core_pcn_funding": Decimal("1.60")})]
    for as_of, overrides in runs:
        compared, wrong = _disagreements(version, population, as_of, overrides)
        assert wrong == []
        assert compared > 20_000


def test_statuses_cover_more_than_one_outcome():
    """The generated populations exercise more than the happy path (or the agreement proves little)."""
    version = load_version("2019-20")
    statuses = set(evaluate_vector(version, _generated(2019), date(2020, 3, 31)).to_polars()["status"].to_list())
    assert {Status.met.value, Status.input_missing.value} <= statuses
