"""The BMA's consolidation, made cost-neutral on the population compared (contract impact)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from contract.analysis.impact import Impact, impact
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


def _with_an_unknown_network() -> Population:
    """The two networks above, and N3, one of whose two members (P6) has no list in the inputs."""
    pop, src = _population(), Provenance(file="test")
    n3 = Network(code="N3", member_codes=["P5", "P6"])
    for name, value in {"registered": True, "care_home_beds": 40, "iif_points_achieved": 0,
                        "caip_awarded_percent": 100, "extended_hours_minutes_per_week": 10_000}.items():
        n3.set(name, value, src)
    pop.networks["N3"] = n3
    for code, values in {"P5": {"registered_list": 20000, "weighted_list": Decimal(22000),
                                "adjusted_list": Decimal(20000), "signed_up": True, "qof_points_achieved": 520},
                         "P6": {"signed_up": True, "qof_points_achieved": 520}}.items():
        p = Practice(code=code, pcn_code="N3")
        for name, value in values.items():
            p.set(name, value, src)
        pop.practices[code] = p
    return pop


def test_money_moved_and_the_population_it_is_spread_over_are_taken_over_the_same_entities():
    a, b = load_version("2023-24"), load_version("2024-25-proposals")
    result = impact(a, b, _with_an_unknown_network(), attribute_networks=True)
    compared = result.compared
    assert compared is not None
    # N3's baseline is unknown (P6 has no list, so N3's list-based lines and P6's own cannot be
    # computed): N3, P5 and P6 are reported apart; N1, N2 and P1 to P4 are compared.
    assert (compared.networks, compared.practices, compared.networks_apart, compared.practices_apart) == (2, 4, 1, 2)
    # The population spread over is the compared practices' weighted lists only:
    # (4,000 + 12,000 + 30,000 + 9,000) × 1.1 = 60,500, not P5's 22,000 as well.
    assert compared.basis_total == Decimal(55000) * Decimal("1.1")
    # The money moved is what the removed lines pay under 2023-24 over the same compared entities.
    removed = set(compared.removed_lines)
    compared_codes = {"N1", "N2", "P1", "P2", "P3", "P4"}
    paid_there = sum((x.old for e in result.entities if e.code in compared_codes for x in e.lines
                      if x.term_id in removed and not x.attributed), Decimal(0))
    assert compared.moved == paid_there > 0
    by_code = {e.code: e for e in result.entities}
    for code in ("N3", "P5", "P6"):
        assert by_code[code].delta is None
        assert by_code[code].unknown_because
    assert any("registered_list" in why for why in by_code["N3"].unknown_because)
    assert by_code["P5"].unknown_because == ["its network N3 has an unknown baseline"]
    # Every compared practice is a winner, a loser or unchanged; P5 and P6 are none of these.
    s = result.practices
    assert (s.winners + s.losers + s.unchanged, s.unknown) == (4, 2)
    # Over the compared practices the change nets to zero within the rate's rounding: half of 0.1p
    # per weighted patient (0.0005 × 60,500 = £30.25), plus half a penny per practice's rounding.
    total = sum((e.delta for e in result.entities if e.level == "practice" and e.delta is not None), Decimal(0))
    assert abs(total) <= Decimal("0.0005") * compared.basis_total + Decimal("0.005") * 4
    note = next(line for line in result.assumptions if line.startswith("COST-NEUTRAL"))
    assert "2 networks and 4 practices" in note
    assert "60,500" in note
    assert "1 network and 2 practices" in note


def test_a_set_of_the_neutrality_population_wins_and_the_note_says_so():
    a, b = load_version("2023-24"), load_version("2024-25-proposals")
    neutral = impact(a, b, _population(), attribute_networks=True)
    doubled = impact(a, b, _population(), attribute_networks=True,
                     overrides={"national.weighted_population": Decimal(121000)})
    assert doubled.overrides == {"national.weighted_population": Decimal(121000)}
    assert "SET: national.weighted_population = 121000 in 2024-25-proposals (--set), in place of the version's " \
           "own value" in doubled.assumptions
    assert any("Your --set of national.weighted_population wins" in line for line in doubled.assumptions)

    def paid(r):
        return sum((x.new for e in r.entities for x in e.lines if x.term_id == "payment.core_consolidation"),
                   Decimal(0))
    # The same money spread over twice the weighted population (121,000 = 2 × 60,500): half the rate,
    # each rounded to 0.1p a weighted patient, so the totals differ from a half by at most
    # 0.0005 × 60,500 × 2 rounding (both rates) plus the pennies of four practices.
    assert abs(paid(doubled) - paid(neutral) / 2) <= Decimal("0.0005") * 60500 * 2 + Decimal("0.02")


def test_a_set_of_a_figure_the_neutral_sum_replaces_is_reported_as_not_reaching_the_payments():
    a, b = load_version("2023-24"), load_version("2024-25-proposals")
    result = impact(a, b, _population(), overrides={"proposal.additional_investment": Decimal(1_000_000)})
    assert any(line.startswith("NOTE: --set proposal.additional_investment does not reach the payments")
               for line in result.assumptions)


REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.mark.realdata
def test_the_readme_consolidation_on_the_national_register_balances_over_the_entities_it_compares(tmp_path):
    if not REAL.is_dir():
        pytest.skip(f"real data folder {REAL} is absent (a fresh clone has no ../shared/data)")
    from contract.cli.app import main

    out = tmp_path / "consolidation.json"
    staff = Path(__file__).resolve().parents[1] / "examples" / "no-posts-claimed.csv"
    # The README's command ("Diffs and money impact").
    assert main(["impact", "2023-24", "2024-25-proposals", "--register", str(REAL / "epcn-2019-12.xlsx"),
                 "--lists", str(REAL / "qof-prevalence-2019-20.csv"), "--staff", str(staff), "--attribute-networks",
                 "--assume", "weighted_list=registered_list", "--assume", "adjusted_list=registered_list",
                 "--assume", "signed_up=True", "--assume", "qof_points_achieved=560", "--assume", "care_home_beds=0",
                 "--assume", "iif_points_achieved=0", "--assume", "caip_awarded_percent=100",
                 "--format", "json", "-o", str(out)]) == 0
    r = Impact.model_validate_json(out.read_text(encoding="utf-8"))
    c = r.compared
    assert c is not None
    practices = [e for e in r.entities if e.level == "practice"]
    networks = [e for e in r.entities if e.level == "network"]
    compared = [e for e in practices if not e.unknown_because]
    apart = [e for e in practices if e.unknown_because]
    # Every practice whose baseline is known gains, loses or is unchanged; the others are apart.
    assert len(compared) == c.practices
    assert all(e.delta is not None for e in compared)
    assert r.practices.winners + r.practices.losers + r.practices.unchanged == c.practices
    assert all(e.delta is None for e in apart)
    assert len(apart) == c.practices_apart > 0
    assert c.networks + c.networks_apart == len(networks) == 1250
    assert c.networks_apart > 0
    # The bound: the consolidated rate is rounded to 0.1p a weighted patient, so paying it over the
    # compared weighted population W differs from the money moved by at most W × £0.0005; each
    # practice's payment is rounded once to the penny (at most £0.005 each); network shares are
    # allocated to the penny with the last member taking the difference, so they add up exactly.
    bound = c.basis_total * Decimal("0.0005") + Decimal("0.005") * c.practices
    total = sum((e.delta for e in compared), Decimal(0))
    national = sum((x.delta for x in r.lines), Decimal(0))
    print(f"compared {c.networks:,} networks, {c.practices:,} practices, {c.basis_total:,} weighted patients; "
          f"apart {c.networks_apart:,} networks, {c.practices_apart:,} practices; moved £{c.moved:,}; "
          f"Σ practice change £{total:,}; national change £{national:,}; bound £{bound:,.2f}")
    assert bound < 100_000  # tens of thousands of pounds nationally, not millions
    assert abs(total) <= bound
    assert abs(national) <= bound
    assert any(line.startswith("COST-NEUTRAL") and f"{c.practices:,} practices" in line for line in r.assumptions)


def test_the_console_prices_a_neutral_proposal_with_the_figures_impact_balances_over():
    from contract.serve.scenario import Scenario

    a, b = load_version("2023-24"), load_version("2024-25-proposals")
    scenario = Scenario.build(a, b, _with_an_unknown_network())
    compared = impact(a, b, _with_an_unknown_network(), attribute_networks=True).compared
    assert compared is not None
    # Over the compared practices P1 to P4 only (N3's P5 and P6 are apart):
    # (4,000 + 12,000 + 30,000 + 9,000) × 1.1 = 60,500 weighted patients.
    assert scenario.neutral["national.weighted_population"] == Decimal(60500)
    # The money moved is what impact's compared entities are paid on the removed lines.
    assert scenario.neutral["proposal.moved_total"] == compared.moved > 0
