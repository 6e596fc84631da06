"""Facts about the versions themselves, across years."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contract.evaluation.evaluate import evaluate
from contract.spec.facts import Network, Population, Provenance
from contract.spec.loader import version_ids


def _network_with_beds(beds: int) -> Population:
    pop = Population()
    n = Network(code="U00001")
    for name, value in {"registered": True, "care_home_beds": beds, "registered_list": 40000}.items():
        n.set(name, value, Provenance(file="test"))
    pop.networks["U00001"] = n
    return pop


def test_a_552_bed_network_gets_the_care_home_premium_in_2020_21_and_no_such_line_in_2019_20():
    from contract.spec.loader import load_version

    # £7.50 per bed per month for August 2020 to March 2021: 552 × 7.50 × 8 = £33,120.00.
    later = evaluate(load_version("2020-21"), _network_with_beds(552), date(2021, 3, 31))
    assert later.finding("U00001", "payment.care_home_premium").amount == Decimal("33120.00")
    earlier = evaluate(load_version("2019-20"), _network_with_beds(552), date(2020, 3, 31))
    with pytest.raises(KeyError):
        earlier.finding("U00001", "payment.care_home_premium")


def test_the_versions_the_issues_name_exist():
    assert {"2019-20", "2020-21-draft", "2020-21", "2023-24", "2024-25-proposals", "2024-25"} <= set(version_ids())
