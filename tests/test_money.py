"""Exact money: one product per payment line, rounded once to the penny, half up.

Expected amounts are computed here, from the basis and the rate as written in the spec's YAML text
(read as text, never as a float), with the rounding done by integer arithmetic in this file."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from contract.evaluation.evaluate import evaluate
from contract.evaluation.money import split_total, to_penny
from contract.evaluation.results import Status
from contract.io.readers import read_population
from contract.spec.facts import Network, Population
from contract.spec.loader import load_version
from contract.spec.schema import DatedValue
from tests.conftest import ROOT, real_data
from tests.synthetic import CITE, START, entitlement, make_version, param

PAYMENTS_2019 = ROOT / "specs" / "2019-20" / "payments.yaml"


def spec_rate(path: Path, rate_id: str) -> Decimal:
    """A rate's (only) value as written in the YAML text: BaseLoader keeps every scalar a string."""
    terms = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["terms"]
    term = next(t for t in terms if t["id"] == rate_id)
    assert len(term["values"]) == 1, f"{rate_id} has dated values: this test assumes one rate for the year"
    return Decimal(term["values"][0]["value"])


def half_up(amount: Fraction) -> Decimal:
    """Pounds to the penny, half up, by integer arithmetic (amounts here are positive)."""
    assert amount >= 0
    pennies = (amount.numerator * 100 * 2 + amount.denominator) // (amount.denominator * 2)
    return Decimal(pennies) / 100


# --- the rounding rule -------------------------------------------------------------------------


def test_half_up_in_this_file_rounds_the_half_penny_up():
    assert half_up(Fraction("19826.265")) == Decimal("19826.27")
    assert half_up(Fraction("19826.2649")) == Decimal("19826.26")


def test_to_penny_rounds_a_fraction_half_up_without_first_rounding_it_to_28_digits():
    # 38,550 × 0.5143 ÷ 9 = 2,202.918333…; nine of those are exactly 19,826.265.
    ninth = Fraction(38550) * Fraction("0.5143") / 9
    assert to_penny(ninth * 9) == Decimal("19826.27")
    # Summing nine 28-digit Decimal shares (the old way) loses the half penny: hence Fractions.
    assert sum([Decimal(38550) * Decimal("0.5143") / 9] * 9, Decimal(0)) < Decimal("19826.265")
    assert to_penny(Fraction(-1, 200)) == Decimal("-0.01")  # half up is away from zero
    assert str(to_penny(Decimal(1500))) == "1500.00"


def test_instalments_add_up_to_the_total_rounded_once():
    # £100 over three months: 33.333… each; total 100.00 (rounded once), instalments 33.33, 33.33, 33.34.
    months = [date(2019, 4, 1), date(2019, 5, 1), date(2019, 6, 1)]
    total, rounded = split_total([(m, Fraction(100, 3)) for m in months])
    assert total == Decimal("100.00")
    assert [a for _, a in rounded] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


# --- the U21972 half penny ------------------------------------------------------------------------


def test_clinical_director_for_38550_patients_is_rounded_half_up_to_19826_27():
    """U21972 in the December 2019 register: 38,550 registered patients. The clinical director rate is
    £0.5143 per patient for the whole accrual period July 2019 to March 2020 (9 of 9 months):
    38,550 × 0.5143 × 9/9 = 19,826.265 exactly, which is £19,826.27 half up (it was reported £19,826.26)."""
    rate = spec_rate(PAYMENTS_2019, "rate.clinical_director")
    assert rate == Decimal("0.51430")
    pop = Population()
    pop.networks["U21972"] = Network(code="U21972", values={"registered": True, "registered_list": 38550})
    result = evaluate(load_version("2019-20"), pop, date(2020, 3, 31))
    finding = result.finding("U21972", "payment.clinical_director")
    assert Decimal(38550) * rate == Decimal("19826.265")
    assert finding.amount == Decimal("19826.27")
    assert sum(i.amount for i in finding.schedule) == Decimal("19826.27")
    assert len(finding.schedule) == 9


# --- every network of the real register -------------------------------------------------------------


@pytest.mark.realdata
def test_every_network_line_is_the_exact_product_rounded_once_half_up():
    """2019-20 at 31 March 2020 on the December 2019 register and the 2019-20 lists. For each network,
    the basis is the sum of its member practices' TOTAL list sizes in the lists CSV, and:

    * core PCN funding = list × £1.50 a year × 12/12 (April 2019 to March 2020);
    * clinical director = list × £0.5143 for the period × 9/9 (July 2019 to March 2020);
    * extended hours = list × £1.45 a year × 9/12 (July 2019 to March 2020);

    each product exact, rounded once to the penny, half up."""
    register, lists = real_data("epcn-2019-12.xlsx"), real_data("qof-prevalence-2019-20.csv")
    population = read_population(register=register, lists=[lists])
    result = evaluate(load_version("2019-20"), population, date(2020, 3, 31))
    list_size: dict[str, int] = {}
    with lists.open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["PATIENT_LIST_TYPE"] == "TOTAL":
                list_size[row["PRACTICE_CODE"]] = int(row["PATIENT_LIST_SIZE"])
    lines = {
        "payment.core_pcn_funding": (spec_rate(PAYMENTS_2019, "rate.core_pcn_funding"), Fraction(12, 12)),
        "payment.clinical_director": (spec_rate(PAYMENTS_2019, "rate.clinical_director"), Fraction(9, 9)),
        "payment.extended_hours": (spec_rate(PAYMENTS_2019, "rate.extended_hours"), Fraction(9, 12)),
    }
    assert {k: v[0] for k, v in lines.items()} == {"payment.core_pcn_funding": Decimal("1.50"),
                                                   "payment.clinical_director": Decimal("0.5143"),
                                                   "payment.extended_hours": Decimal("1.45")}
    checked = half_pennies = 0
    for code, network in population.networks.items():
        members = network.member_codes
        complete = bool(members) and all(m in list_size for m in members)
        basis = sum(list_size[m] for m in members) if complete else None
        for term_id, (rate, share) in lines.items():
            finding = result.finding(code, term_id)
            if basis is None:
                assert finding.status is Status.input_missing, (code, term_id)
                continue
            exact = Fraction(basis) * Fraction(rate) * share
            assert finding.amount == half_up(exact), (code, term_id, basis)
            assert sum(i.amount for i in finding.schedule) == finding.amount
            checked += 1
            half_pennies += (exact * 100).denominator == 2
    assert checked > 3 * 1100  # 1,250 networks, a few without a full set of list sizes
    assert half_pennies > 0  # the case that was a penny short is among them


def test_a_rate_that_changes_mid_year_is_summed_exactly_then_rounded_once():
    """A yearly rate of £1.50 from April and £1.79 from October, for 10,001 patients over April to March:
    10,001 × (6 × 1.50 + 6 × 1.79) ÷ 12 = 10,001 × 19.74 ÷ 12 = 16,451.645 exactly → £16,451.65 half up.
    (October's monthly share, 10,001 × 1.79 ÷ 12 = 1,491.815833…, has no finite decimal: the twelve
    shares summed as 28-digit Decimals come to 16,451.644999…, which would round down to £16,451.64.)"""
    rate = param("rate.x", "gbp", Decimal("1.50"), per="registered_patient", period="year")
    rate = rate.model_copy(update={"values": [
        rate.values[0], DatedValue(effective=date(2019, 10, 1), value=Decimal("1.79"), citations=[CITE])]})
    version = make_version({"rate.x": rate, "payment.x": entitlement("payment.x", "rate.x", "registered_list")})
    assert rate.values[0].effective == START
    pop = Population()
    pop.networks["U00001"] = Network(code="U00001", values={"registered_list": 10001})
    finding = evaluate(version, pop, date(2020, 3, 31)).finding("U00001", "payment.x")
    assert half_up(Fraction(10001) * (6 * Fraction("1.50") + 6 * Fraction("1.79")) / 12) == Decimal("16451.65")
    assert sum([Decimal(10001) * Decimal("1.50") / 12] * 6 + [Decimal(10001) * Decimal("1.79") / 12] * 6,
               Decimal(0)) < Decimal("16451.645")
    assert finding.amount == Decimal("16451.65")
    assert [i.amount for i in finding.schedule[:6]] == [Decimal("1250.13")] * 6  # 1,250.125 half up
    assert sum(i.amount for i in finding.schedule) == Decimal("16451.65")
    assert "£1.50 from 1 April 2019 for 6 month(s), £1.79 from 1 October 2019 for 6 month(s)" in finding.explanation
