"""The additional-roles budget: the most a network could claim for the year, with no staff file.

Expected values are the role maximums and rates in the specs (cited there), with the arithmetic
shown here; none is taken from the program's own output.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from contract.evaluation.evaluate import evaluate
from contract.evaluation.results import Status
from contract.io.readers import read_population
from contract.render.report import to_csv, to_json, to_markdown
from contract.spec.facts import Network, Population, Provenance, StaffMember
from contract.spec.loader import load_version
from tests.conftest import real_data

SRC = Provenance(file="test")
ROLES = "payment.additional_roles"


def _networks(**values: dict) -> Population:
    pop = Population()
    for code, given in values.items():
        network = Network(code=code)
        for name, value in {"registered": True, **given}.items():
            network.set(name, value, SRC)
        pop.networks[code] = network
    return pop


def test_2019_20_a_network_under_100000_may_claim_one_pharmacist_and_one_link_worker_for_nine_months():
    pop = _networks(U00001={"registered_list": 40000}, U00002={"registered_list": 120000},
                    U00003={"registered_list": 100000})
    result = evaluate(load_version("2019-20"), pop, date(2019, 12, 31))
    # One post each, from 1 July 2019 to 31 March 2020 (9 months):
    # (£37,810 pharmacist + £34,113 link worker) × 9/12 = £71,923 × 0.75 = £53,942.25.
    small = result.finding("U00001", ROLES)
    assert small.maximum == Decimal("53942.25")
    # No staff file: the claims are unknown, the budget is not.
    assert (small.status, small.amount, small.missing) == (Status.input_missing, None, ["staff"])
    assert "£53,942.25" in small.explanation
    # At or over 100,000 patients, two posts of each: 2 × £53,942.25 = £107,884.50.
    assert result.finding("U00002", ROLES).maximum == Decimal("107884.50")
    assert result.finding("U00003", ROLES).maximum == Decimal("107884.50")


def test_2019_20_the_budget_does_not_move_with_the_posts_claimed_and_bounds_the_claims():
    pop = _networks(U00001={"registered_list": 40000})
    pop.staff_given = True
    pop.staff.append(StaffMember(pcn_code="U00001", staff_id="CP1", provenance=SRC, values={
        "role": "clinical_pharmacist", "wte": Decimal(2), "annual_cost": Decimal(60000),
        "start_date": date(2019, 7, 1), "additional": True}))
    finding = evaluate(load_version("2019-20"), pop, date(2019, 12, 31)).finding("U00001", ROLES)
    # 2 WTE capped at the 1 post allowed; 70% × £60,000 = £42,000 over the £37,810 maximum: £37,810 × 9/12.
    assert finding.amount == Decimal("28357.50")
    assert finding.maximum == Decimal("53942.25")
    assert finding.amount <= finding.maximum


def test_2019_20_without_a_list_size_the_budget_is_unknown_and_says_why():
    finding = evaluate(load_version("2019-20"), _networks(U00001={}), date(2019, 12, 31)).finding("U00001", ROLES)
    assert finding.maximum is None
    assert "cannot be computed" in finding.explanation
    assert "registered_list" in finding.explanation


def test_2020_21_the_budget_is_the_reimbursement_sum_rounded_once():
    pop = _networks(U00001={"weighted_list": Decimal("50000")}, U00002={"weighted_list": Decimal("50000.5")},
                    U00003={})
    result = evaluate(load_version("2020-21"), pop, date(2020, 12, 31))
    # £7.131 per weighted patient (2020/21 reimbursement sum): 50,000 × £7.131 = £356,550.00.
    assert result.finding("U00001", ROLES).maximum == Decimal("356550.00")
    # 50,000.5 × £7.131 = £356,553.5655, rounded once, half up: £356,553.57.
    assert result.finding("U00002", ROLES).maximum == Decimal("356553.57")
    unknown = result.finding("U00003", ROLES)
    assert unknown.maximum is None
    assert "weighted_list" in unknown.explanation


@pytest.mark.parametrize(("version", "rate", "expected"), [
    # 40,000 weighted patients × each year's rate per weighted patient (as cited in the specs):
    ("2021-22", "12.30", "492000.00"),   # 40,000 × £12.30
    ("2022-23", "16.70", "668000.00"),   # 40,000 × £16.70
    ("2023-24", "22.671", "906840.00"),  # 40,000 × £22.671
    ("2024-25", "22.894", "915760.00"),  # 40,000 × £22.894
])
def test_later_years_budget_is_the_weighted_list_times_the_network_rate(version, rate, expected):
    spec = load_version(version)
    pop = _networks(U00001={"weighted_list": Decimal("40000"), "registered_list": 42000})
    finding = evaluate(spec, pop, spec.meta.in_force.end).finding("U00001", ROLES)
    assert finding.maximum == Decimal(40000) * Decimal(rate) == Decimal(expected)
    assert f"£{Decimal(expected):,}" in finding.explanation


def test_other_lines_have_no_maximum_and_the_reports_show_it():
    pop = _networks(U00001={"registered_list": 40000})
    result = evaluate(load_version("2019-20"), pop, date(2019, 12, 31))
    assert result.finding("U00001", "payment.core_pcn_funding").maximum is None
    rows = list(csv.DictReader(io.StringIO(to_csv(result))))
    by_term = {r["term_id"]: r for r in rows}
    assert by_term[ROLES]["maximum_gbp"] == "53942.25"
    assert by_term["payment.core_pcn_funding"]["maximum_gbp"] == ""
    [finding] = [f for f in json.loads(to_json(result))["findings"] if f["term_id"] == ROLES]
    assert Decimal(finding["maximum"]) == Decimal("53942.25")
    md = to_markdown(result)
    assert "## Most that could be claimed" in md
    assert f"(`{ROLES}`) | 1 | 0 | 53,942.25 |" in md


@pytest.mark.realdata
def test_sheffield_2019_20_budgets_add_up_to_the_ccgs_published_budget():
    """Sheffield CCG (03N) budgeted £809,133.75 for 2019-20's additional roles: 15 networks, each
    under 100,000 patients, one pharmacist (£37,810) and one link worker (£34,113) from 1 July:
    15 × 9/12 × (£37,810 + £34,113) = 15 × 0.75 × £71,923 = £809,133.75. Here on the December 2019
    register and the 2019-20 QOF lists, without a staff file."""
    full = read_population(register=real_data("epcn-2019-12.xlsx"),
                           lists=[real_data("qof-prevalence-2019-20.csv")])
    networks = {c: n for c, n in full.networks.items() if n.commissioner_code == "03N"}
    members = {m for n in networks.values() for m in n.member_codes}
    sheffield = Population(practices={c: p for c, p in full.practices.items() if c in members}, networks=networks)
    result = evaluate(load_version("2019-20"), sheffield, date(2020, 3, 31))
    found = [f for f in result.findings if f.term_id == ROLES]
    assert len(found) == 15
    assert all(f.maximum == Decimal("53942.25") for f in found)
    assert sum(f.maximum for f in found if f.maximum is not None) == Decimal(15) * Decimal("0.75") * (
        Decimal(37810) + Decimal(34113)) == Decimal("809133.75")
