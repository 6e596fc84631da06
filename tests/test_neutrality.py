"""The BMA's consolidation, made cost-neutral on the population compared (contract impact)."""

from __future__ import annotations

from decimal import Decimal

from contract.analysis.impact import impact
from contract.spec.facts import Network, Population, Practice, Provenance
from contract.spec.loader import load_version


def _population() -> Population:
    """Two networks of unequal practices, every input the 2023-24 lines read given."""
    pop, src = Population(staff_given=True), Provenance(file="test")
    sizes = {"N1": [("P1", 4000), ("P2", 12000)], "N2": [("P3", 30000), ("P4", 9000)]}
    for net, members in sizes.items():
        n = Network(code=net, member_codes=[c for c, _ in members])
        for name, value in {"registered": True, "care_home_beds": 40, "iif_points_achieved": 0,
                            "caip_awarded_percent": 100, "extended_hours_minutes_per_week": 10_000}.items():
            n.set(name, value, src)
        pop.networks[net] = n
        for code, size in members:
            p = Practice(code=code, pcn_code=net)
            for name, value in {"registered_list": size, "weighted_list": Decimal(size) * Decimal("1.1"),
                                "adjusted_list": Decimal(size), "signed_up": True,
                                "qof_points_achieved": 500 + size // 1000}.items():
                p.set(name, value, src)
            pop.practices[code] = p
    return pop


def test_the_national_sum_of_practice_changes_is_zero_to_within_the_rates_rounding_while_practices_move():
    a, b = load_version("2023-24"), load_version("2024-25-proposals")
    result = impact(a, b, _population(), attribute_networks=True)
    practices = [e for e in result.entities if e.level == "practice"]
    assert all(e.delta is not None for e in practices)
    total = sum((e.delta for e in practices), Decimal(0))
    # The consolidated rate is rounded to 0.1p per weighted patient (the proposal's own rounding), so
    # the total may differ from zero by at most half of 0.1p per weighted patient: 0.0005 × 60,500.
    weighted = Decimal(55000) * Decimal("1.1")
    assert abs(total) <= Decimal("0.0005") * weighted + Decimal("0.01") * len(practices)
    assert any(e.delta > 0 for e in practices)
    assert any(e.delta < 0 for e in practices)
    assert any("COST-NEUTRAL" in line for line in result.assumptions)


def test_national_sums_are_used_when_asked_and_are_not_neutral_on_a_small_population():
    a, b = load_version("2023-24"), load_version("2024-25-proposals")
    result = impact(a, b, _population(), attribute_networks=True, cost_neutral=False)
    total = sum((e.delta for e in result.entities if e.level == "practice"), Decimal(0))
    assert total > 1000  # the national pot spread over only 55,000 patients' worth of weighted list


def test_without_the_basis_input_the_report_says_it_is_not_cost_neutral():
    pop = _population()
    for practice in pop.practices.values():
        del practice.values["weighted_list"]
    result = impact(load_version("2023-24"), load_version("2024-25-proposals"), pop, attribute_networks=True)
    assert any(line.startswith("NOT COST-NEUTRAL") for line in result.assumptions)
