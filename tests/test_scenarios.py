"""The seeds' scenarios: a whole network opting out of the 2020/21 DES loses money, not £0.00.

Skegness and Coast PCN's seven practices (80,000 patients) all withdrew by the 31 May 2020 deadline
(Pulse, 9 June 2020). The opt-out takes effect on 30 June, so the loss counts the months from July:
9 of the 12. Expected values are worked by hand below from the 2020/21 rates in the specs.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from contract.analysis.coverage import coverage
from contract.cli.app import main
from contract.evaluation.cases import load_cases, population_of
from contract.evaluation.evaluate import evaluate
from contract.io.readers import read_population
from contract.spec.loader import load_version
from tests.conftest import real_data

STAYS = "Skegness and Coast, had its seven practices"


def _skegness_like():
    """The made-up network of the author case (specs/2020-21/cases/seed_scenarios.yaml): seven
    practices of 16,000, 14,000, 12,000, 11,000, 10,000, 9,000 and 8,000 patients (80,000),
    weighted 5% above (84,000), every one opting out on 31 May 2020."""
    [loaded] = [c for c in load_cases("2020-21") if c.case.name.startswith(STAYS)]
    population = population_of(loaded)
    for practice in population.practices.values():
        practice.values["signed_up"] = False
        practice.values["opted_out_on"] = date(2020, 5, 31)
    return population


def _lost(report, code: str, term_id: str) -> Decimal | None:
    [line] = [x for x in report.losses if x.entity_code == code and x.term_id == term_id]
    return line.lost


def test_a_whole_network_opting_out_loses_its_payments_from_july():
    report = coverage(load_version("2020-21"), _skegness_like(), date(2020, 7, 15))
    assert {leaver.leaves_on for leaver in report.leavers} == {date(2020, 7, 1)}
    [network] = report.networks
    assert (network.registered_list_before, network.registered_list_after) == (80000, 0)
    # Core funding: 80,000 × £1.50 = £120,000.00 a year, £10,000.00 a month; July to March: £90,000.00.
    assert _lost(report, "U00001", "payment.core_pcn_funding") == Decimal("90000.00")
    # Clinical director: 80,000 × £0.722 = £57,760.00 a year; months of £4,813.33 (57,760 ÷ 12 =
    # 4,813.333…), the last taking the difference (£4,813.37). July to March: 8 × £4,813.33 + £4,813.37.
    assert _lost(report, "U00001", "payment.clinical_director") == 8 * Decimal("4813.33") + Decimal("4813.37")
    # Extended hours: 80,000 × £1.45 = £116,000.00 a year; months of £9,666.67 (9,666.666…), the last
    # £9,666.63. July to March: 8 × £9,666.67 + £9,666.63 = £86,999.99.
    assert _lost(report, "U00001", "payment.extended_hours") == Decimal("86999.99")
    # Support: 84,000 weighted × £0.27 = £22,680.00 over April to September; July to September, 3 of 6.
    assert _lost(report, "U00001", "payment.pcn_support") == Decimal("11340.00")
    # Participation: 84,000 weighted × £0.147 × 9 months = £111,132.00 over the seven practices.
    participation = [_lost(report, f"A0000{i}", "payment.network_participation") for i in range(1, 8)]
    assert sum(x for x in participation if x is not None) == Decimal(84000) * Decimal("0.147") * 9
    assert report.total_lost == Decimal("111132.00") + Decimal("90000.00") + Decimal("43320.01") + \
        Decimal("86999.99") + Decimal("11340.00") == Decimal("342792.00")
    assert report.total_lost != 0


def test_the_network_that_stays_could_claim_its_whole_reimbursement_sum():
    [loaded] = [c for c in load_cases("2020-21") if c.case.name.startswith(STAYS)]
    result = evaluate(load_version("2020-21"), population_of(loaded), date(2021, 3, 31))
    # 84,000 weighted patients × £7.131 (2020/21 reimbursement sum per weighted patient) = £599,004.00.
    assert result.finding("U00001", "payment.additional_roles").maximum == Decimal("599004.00")


@pytest.mark.realdata
def test_skegness_and_coast_on_the_real_register_through_the_cli(tmp_path, capsys):
    """The December 2019 register's SKEGNESS AND COAST PCN, its seven practices opting out on
    31 May 2020, through `contract coverage`, on the 2019-20 QOF lists (no weighted lists: the
    lines paid per weighted patient are unknown, and said to be)."""
    register, lists = real_data("epcn-2019-12.xlsx"), real_data("qof-prevalence-2019-20.csv")
    population = read_population(register=register, lists=[lists])
    [network] = [n for n in population.networks.values() if n.name == "SKEGNESS AND COAST PCN"]
    members = network.member_codes
    assert len(members) == 7
    size = sum(int(population.practices[c].values["registered_list"]) for c in members)
    assert 79000 <= size <= 81000  # "80,000 patients" (Pulse)
    practices = tmp_path / "skegness.csv"
    practices.write_text("practice_code,signed_up,opted_out_on\n"
                         + "".join(f"{c},no,2020-05-31\n" for c in members), encoding="utf-8")
    out = tmp_path / "coverage.csv"
    assert main(["coverage", "2020-21", "--as-of", "2020-07-15", "--register", str(register), "--lists", str(lists),
                 "--practices", str(practices), "--format", "csv", "-o", str(out)]) == 0
    rows = [r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))
            if r["section"] == "payment" and r["entity_code"] == network.code]
    lost = {r["term_id"]: r["lost_gbp"] for r in rows}
    # Core: size × £1.50 a year is a whole number of pennies a month (× 1.50 ÷ 12 = × 0.125), so
    # July to March is exactly 9/12 of it.
    core = Decimal(size) * Decimal("1.50") * 9 / 12
    assert Decimal(lost["payment.core_pcn_funding"]) == core.quantize(Decimal("0.01"))
    # Clinical director (£0.722) and extended hours (£1.45): the year rounded once, April to June
    # paid in three rounded monthly instalments, the loss the rest.
    for term, rate in (("payment.clinical_director", "0.722"), ("payment.extended_hours", "1.45")):
        year = (Decimal(size) * Decimal(rate)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        month = (Decimal(size) * Decimal(rate) / 12).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        assert Decimal(lost[term]) == year - 3 * month, term
    # Per weighted patient, and the claims: unknown, never £0.00.
    assert lost["payment.pcn_support"] == ""
    assert lost["payment.additional_roles"] == ""
    capsys.readouterr()
