"""`contract sweep`: every variant's national totals equal the engine's for the same --set values.

Expected values come from the engine of record (contract.evaluation.evaluate.evaluate) run with the
variant's values as overrides, summed here; the cost-neutral and gainers/losers checks use a base
equal to the swept version, where the arithmetic is plain (a higher rate gains, the base rate is
neutral).
"""

from __future__ import annotations

import functools
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from contract.analysis.sweep import SweepError, Vary, parse_vary, sweep, variants
from contract.cli.app import main
from contract.evaluation.evaluate import evaluate
from contract.evaluation.results import Status
from contract.io.generate import GeneratedFiles, generate
from contract.io.readers import read_population
from contract.render.sweep import chart_svg, render
from contract.spec.facts import Population
from contract.spec.loader import load_version
from tests.conftest import real_data

V2019 = load_version("2019-20")
AS_OF = date(2020, 3, 31)


@functools.cache
def _files() -> GeneratedFiles:
    return generate(Path(tempfile.mkdtemp(prefix="sweep-")), scale=0.02, seed=2019)


@functools.cache
def _population() -> Population:
    f = _files()
    return read_population(register=f.epcn, lists=[f.qof], practices=f.practices, networks=f.networks, staff=f.staff)


def _engine_totals(overrides: dict[str, Decimal]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for f in evaluate(V2019, _population(), AS_OF, overrides=overrides).findings:
        if f.term_kind == "entitlement":
            found[f.term_id] = found.get(f.term_id, Decimal(0)) + (f.amount or 0)
    found["total"] = sum(found.values(), Decimal(0))
    return found


def _rows(result) -> dict[tuple[int, str], Decimal]:
    return {(r["variant"], r["term_id"]): r["amount_gbp"] for r in result.table.iter_rows(named=True)}


def test_ranges_include_stop_and_combine_first_slowest():
    a = Vary("rate.core_pcn_funding", Decimal("1.50"), Decimal("1.60"), Decimal("0.05"))
    b = Vary("rate.clinical_director", Decimal("0.5"), Decimal("0.6"), Decimal("0.1"))
    assert a.values() == [Decimal("1.50"), Decimal("1.55"), Decimal("1.60")]
    assert variants([a, b])[:3] == [(Decimal("1.50"), Decimal("0.5")), (Decimal("1.50"), Decimal("0.6")),
                                    (Decimal("1.55"), Decimal("0.5"))]
    assert len(variants([a, b])) == 6


@pytest.mark.parametrize("text", ["rate.core_pcn_funding=1.5", "nope=1:2:1", "rate.core_pcn_funding=2:1:0.1",
                                  "rate.core_pcn_funding=1:2:0", "extended_hours.required_minutes=1:2:1"])
def test_bad_ranges_are_refused(text):
    with pytest.raises(SweepError):
        parse_vary(text, V2019)


def test_a_plain_rate_sweep_equals_the_engine_for_every_variant():
    result = sweep(V2019, _population(), AS_OF, [parse_vary("rate.core_pcn_funding=1.50:1.70:0.1", V2019)])
    assert result.method.startswith("linear")
    rows = _rows(result)
    for number, rate in enumerate(["1.50", "1.60", "1.70"], start=1):
        expected = _engine_totals({"rate.core_pcn_funding": Decimal(rate)})
        assert {t: rows[(number, t)] for t in expected} == expected
    assert any("payment.additional_roles" in note for note in result.notes)


def test_two_rates_and_a_set_value_combine():
    varies = [parse_vary("rate.core_pcn_funding=1.50:1.60:0.1", V2019),
              parse_vary("rate.clinical_director=0.5:0.6:0.1", V2019)]
    result = sweep(V2019, _population(), AS_OF, varies, sets={"rate.extended_hours": Decimal("1.20")})
    rows = _rows(result)
    expected = _engine_totals({"rate.core_pcn_funding": Decimal("1.60"), "rate.clinical_director": Decimal("0.5"),
                               "rate.extended_hours": Decimal("1.20")})
    assert {t: rows[(3, t)] for t in expected} == expected


def test_a_parameter_a_condition_reads_is_re_evaluated_per_variant():
    vary = parse_vary("extended_hours.minutes_per_1000=20:40:20", V2019)
    result = sweep(V2019, _population(), AS_OF, [vary])
    assert result.method.startswith("re-evaluated")
    rows = _rows(result)
    for number, minutes in enumerate(["20", "40"], start=1):
        expected = _engine_totals({"extended_hours.minutes_per_1000": Decimal(minutes)})
        assert {t: rows[(number, t)] for t in expected} == expected


def test_against_a_base_counts_gainers_and_finds_the_cost_neutral_rate():
    result = sweep(V2019, _population(), AS_OF, [parse_vary("rate.core_pcn_funding=1.40:1.60:0.05", V2019)],
                   against=V2019)
    core = result.table.filter(pl.col("term_id") == "payment.core_pcn_funding")
    payable = [f for f in evaluate(V2019, _population(), AS_OF).findings
               if f.term_id == "payment.core_pcn_funding" and f.status is not Status.input_missing and f.amount]
    unknown = sum(1 for f in evaluate(V2019, _population(), AS_OF).findings
                  if f.term_id == "payment.core_pcn_funding" and f.status is Status.input_missing)
    at = {r["rate.core_pcn_funding"]: r for r in core.iter_rows(named=True)}
    assert at[Decimal("1.50")]["delta_gbp"] == 0
    assert (at[Decimal("1.60")]["gainers"], at[Decimal("1.60")]["losers"]) == (len(payable), 0)
    assert (at[Decimal("1.40")]["gainers"], at[Decimal("1.40")]["losers"]) == (0, len(payable))
    assert at[Decimal("1.60")]["unknown"] == unknown
    assert at[Decimal("1.60")]["delta_gbp"] > 0 > at[Decimal("1.40")]["delta_gbp"]
    assert result.cost_neutral is not None
    assert result.cost_neutral.exact == Decimal("1.50")


def test_a_dask_cluster_gives_the_same_rows():
    distributed = pytest.importorskip("distributed")
    varies = [parse_vary("rate.core_pcn_funding=1.50:1.60:0.01", V2019)]
    local = sweep(V2019, _population(), AS_OF, varies, against=V2019)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        remote = sweep(V2019, _population(), AS_OF, varies, against=V2019, scheduler=cluster.scheduler_address)
    assert remote.table.equals(local.table)
    assert render(remote, "csv") == render(local, "csv")


def test_the_summary_chart_is_deterministic_svg():
    result = sweep(V2019, _population(), AS_OF, [parse_vary("rate.core_pcn_funding=1.40:1.60:0.05", V2019)],
                   against=V2019)
    svg = chart_svg(result)
    assert svg.startswith("<svg")
    assert svg == chart_svg(result)
    md, html = render(result, "md"), render(result, "html")
    assert "Cost-neutral against 2019-20: rate.core\\_pcn\\_funding = 1.50" in md
    assert "Cost-neutral against 2019-20: rate.core_pcn_funding = 1.50" in html
    assert "<svg" in md
    assert "<svg" in html


def _inputs() -> list[str]:
    f = _files()
    return ["--register", str(f.epcn), "--lists", str(f.qof)]


def test_the_command_writes_csv_parquet_and_json(tmp_path, capsys):
    args = ["sweep", "2019-20", "--vary", "rate.core_pcn_funding=1.50:1.60:0.1", *_inputs()]
    assert main([*args, "--format", "csv", "-o", str(tmp_path / "s.csv")]) == 0
    csv = (tmp_path / "s.csv").read_text().splitlines()
    assert csv[0] == "variant,rate.core_pcn_funding,term_id,amount_gbp"
    assert main([*args, "--format", "parquet", "-o", str(tmp_path / "s.parquet")]) == 0
    assert pl.read_parquet(tmp_path / "s.parquet").height == len(csv) - 1
    assert main([*args, "--format", "json", "--against", "2019-20"]) == 0
    assert '"cost_neutral"' in capsys.readouterr().out


def test_the_command_refuses_bad_usage():
    assert main(["sweep", "2019-20", *_inputs()]) == 2
    assert main(["sweep", "2019-20", "--vary", "rate.core_pcn_funding=1:2", *_inputs()]) == 2
    assert main(["sweep", "2019-20", "--vary", "rate.core_pcn_funding=1:2:1", "--as-of", "2021-01-01",
                 *_inputs()]) == 2
    assert main(["sweep", "2019-20", "--vary", "rate.core_pcn_funding=1:2:1", "--format", "parquet", *_inputs()]) == 2


@pytest.mark.realdata
def test_the_national_sweep_matches_evaluate_at_1_60(tmp_path):
    register, lists = real_data("epcn-2019-12.xlsx"), real_data("qof-prevalence-2019-20.csv")
    inputs = ["--register", str(register), "--lists", str(lists)]
    assert main(["sweep", "2019-20", "--as-of", "2020-03-31", "--vary", "rate.core_pcn_funding=1.50:2.4999:0.0001",
                 *inputs, "--format", "csv", "-o", str(tmp_path / "sweep.csv")]) == 0
    assert main(["evaluate", "2019-20", "--as-of", "2020-03-31", "--set", "rate.core_pcn_funding=1.60",
                 *inputs, "--format", "csv", "-o", str(tmp_path / "evaluate.csv")]) == 0
    swept = pl.read_csv(tmp_path / "sweep.csv", schema_overrides={"rate.core_pcn_funding": pl.String,
                                                                  "amount_gbp": pl.String})
    assert swept["variant"].n_unique() == 10_000
    row = swept.filter((pl.col("term_id") == "payment.core_pcn_funding")
                       & (pl.col("rate.core_pcn_funding") == "1.6000"))
    evaluated = pl.read_csv(tmp_path / "evaluate.csv", infer_schema=False)
    amounts = evaluated.filter(pl.col("term_id") == "payment.core_pcn_funding")["amount_gbp"].to_list()
    assert Decimal(row["amount_gbp"].item()) == sum((Decimal(a) for a in amounts if a), Decimal(0))
