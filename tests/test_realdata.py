"""The 2019-20 evaluation on NHS Digital's own files (skipped when ../shared/data is absent)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest

from contract.evaluation.evaluate import evaluate
from contract.evaluation.results import Status
from contract.io.readers import read_population
from contract.spec.loader import load_version
from tests.conftest import real_data

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def national():
    population = read_population(register=real_data("epcn-2019-12.xlsx"),
                                 lists=[real_data("qof-prevalence-2019-20.csv")])
    return population, evaluate(load_version("2019-20"), population, date(2019, 12, 31))


def test_every_network_in_the_register_is_evaluated(national):
    _, result = national
    networks = {f.entity_code for f in result.findings if f.entity_type == "network"}
    assert len(networks) == 1250


def test_the_100_practices_without_a_list_size_are_reported_not_dropped(national):
    population, result = national
    practices = {f.entity_code for f in result.findings if f.entity_type == "practice"}
    assert len(practices) == 6757
    gap = next(g for g in result.gaps if g.field == "registered_list" and g.level == "practice")
    assert gap.missing == 100
    # Their networks cannot be paid per registered patient: input missing, naming the members.
    for code in gap.codes:
        network = population.practices[code].pcn_code
        finding = result.finding(network, "payment.core_pcn_funding")
        assert finding.status is Status.input_missing
        assert code in " ".join(finding.missing) or "more" in " ".join(finding.missing)


def test_core_funding_matches_the_published_rate_to_the_penny_by_hand(national):
    """Recompute one network's core funding from the raw CSV, outside the program: the network's list
    is the sum of its members' TOTAL list sizes, times £1.50 (Parliament written answer, June 2019)."""
    population, result = national
    network = next(f for f in result.findings
                   if f.term_id == "payment.core_pcn_funding" and f.status is Status.met)
    members = set(population.networks[network.entity_code].member_codes)
    lists: dict[str, int] = {}
    with real_data("qof-prevalence-2019-20.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["PRACTICE_CODE"] in members and row["PATIENT_LIST_TYPE"] == "TOTAL":
                lists[row["PRACTICE_CODE"]] = int(row["PATIENT_LIST_SIZE"])
    assert set(lists) == members
    assert network.amount == Decimal(sum(lists.values())) * Decimal("1.50")
    cd = result.finding(network.entity_code, "payment.clinical_director")
    expected = (Decimal(sum(lists.values())) * Decimal("0.51430")).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert cd.amount == expected


def test_indicator_inputs_are_listed_among_the_missing_inputs(national):
    population, _ = national
    result = evaluate(load_version("2023-24"), population, date(2024, 3, 31))
    gaps = {g.field: g for g in result.gaps}
    assert gaps["qof_points_achieved"].missing == 6757
    assert gaps["iif_points_achieved"].missing == 1250
