"""Coverage and opt-out: who leaves, which networks lose members, whose patients lose network
cover, and the money lost. Expected values are worked by hand in the comments."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from contract.analysis.coverage import coverage
from contract.cli.app import main
from contract.render.coverage import render
from contract.spec.facts import Network, Population, Practice, Provenance
from contract.spec.loader import load_version

SRC = Provenance(file="test")


def _population(leaver: dict, network_values: dict | None = None) -> Population:
    """Network U00001 of three practices: A00001 (12,000 patients, weighted 11,000), A00002 (10,000,
    weighted 9,500) and A00003 (9,000, weighted 8,000), which is the one leaving."""
    pop = Population()
    network = Network(code="U00001", member_codes=["A00001", "A00002", "A00003"])
    for name, value in {"registered": True, "size_exception_agreed": False, **(network_values or {})}.items():
        network.set(name, value, SRC)
    pop.networks["U00001"] = network
    for code, size, weighted, extra in [("A00001", 12000, "11000", {}), ("A00002", 10000, "9500", {}),
                                        ("A00003", 9000, "8000", leaver)]:
        practice = Practice(code=code, pcn_code="U00001")
        for name, value in {"registered_list": size, "weighted_list": Decimal(weighted), "signed_up": True,
                            **extra}.items():
            practice.set(name, value, SRC)
        pop.practices[code] = practice
    return pop


def _lost(report, code: str, term_id: str) -> Decimal | None:
    [line] = [x for x in report.losses if x.entity_code == code and x.term_id == term_id]
    return line.lost


def test_a_practice_not_signed_up_for_2019_20_loses_its_payment_and_shrinks_its_network():
    report = coverage(load_version("2019-20"), _population({"signed_up": False}), date(2019, 10, 1))
    [leaver] = report.leavers
    assert (leaver.code, leaver.leaves_on, leaver.out_at_as_of, leaver.covered_by) == ("A00003", None, True, None)
    [network] = report.networks
    # 12,000 + 10,000 + 9,000 = 31,000 patients before; 22,000 after, below the 30,000 minimum.
    assert (network.registered_list_before, network.registered_list_after) == (31000, 22000)
    assert network.members_after == ["A00001", "A00002"]
    assert network.obligations_changed == ["network.size: met if staying → not_met if leaving"]
    # Participation: 8,000 weighted × £0.147 a month × 12 months = £14,112.00, all of it.
    assert _lost(report, "A00003", "payment.network_participation") == Decimal("14112.00")
    # Core funding: 9,000 fewer patients × £1.50 = £13,500.00.
    assert _lost(report, "U00001", "payment.core_pcn_funding") == Decimal("13500.00")
    # Clinical director: 31,000 × £0.5143 = £15,943.30 against 22,000 × £0.5143 = £11,314.60: £4,628.70.
    assert _lost(report, "U00001", "payment.clinical_director") == Decimal("4628.70")
    # Extended hours: 9,000 × £1.45 × 9/12 = £9,787.50.
    assert _lost(report, "U00001", "payment.extended_hours") == Decimal("9787.50")
    # Additional roles: no staff file, so neither evaluation can compute it.
    assert _lost(report, "U00001", "payment.additional_roles") is None
    assert report.total_lost == Decimal("42028.20")  # 14,112.00 + 13,500.00 + 4,628.70 + 9,787.50
    assert [u.code for u in report.uncovered] == ["A00003"]


def test_an_opt_out_in_the_2020_21_window_takes_effect_on_30_june_so_the_practice_is_out_from_1_july():
    version = load_version("2020-21")
    leaver = {"signed_up": False, "opted_out_on": date(2020, 5, 20)}
    early = coverage(version, _population(leaver), date(2020, 6, 15))
    [x] = early.leavers
    assert (x.leaves_on, x.out_at_as_of) == (date(2020, 7, 1), False)  # notice given, not yet out
    later = coverage(version, _population(leaver), date(2020, 7, 15))
    assert later.leavers[0].out_at_as_of
    # Core funding for July to March, the months from the first day out:
    # 9,000 patients × £1.50 a year × 9 months / 12 = £10,125.00.
    assert _lost(later, "U00001", "payment.core_pcn_funding") == Decimal("10125.00")


def test_left_des_on_overrides_the_notice_and_a_late_notice_takes_effect_at_once():
    version = load_version("2020-21")
    given = coverage(version, _population({"opted_out_on": date(2020, 5, 20), "left_des_on": date(2020, 9, 1)}),
                     date(2020, 9, 15))
    assert given.leavers[0].leaves_on == date(2020, 9, 1)
    late = coverage(version, _population({"opted_out_on": date(2020, 8, 3)}), date(2020, 9, 15))
    assert late.leavers[0].leaves_on == date(2020, 8, 3)  # after the 31 May deadline: its own date


@pytest.mark.parametrize(("extra", "covered_by"), [
    ({"network_services_arranged": True}, "network services arranged"),
    ({"covering_pcn_code": "U00001"}, "U00001"),
    ({"covering_pcn_code": "U99999"}, None),  # not a network of the inputs
])
def test_a_leavers_patients_are_covered_when_a_network_serves_them(extra, covered_by):
    report = coverage(load_version("2020-21"), _population({"signed_up": False, **extra}), date(2020, 7, 15))
    assert report.leavers[0].covered_by == covered_by
    assert bool(report.uncovered) == (covered_by is None)


def test_nobody_leaving_means_an_empty_report():
    report = coverage(load_version("2019-20"), _population({}), date(2019, 10, 1))
    assert (report.leavers, report.networks, report.uncovered, report.losses) == ([], [], [], [])
    assert "None." in render(report, "md")


def test_a_network_list_given_directly_is_not_recomputed_and_says_so():
    report = coverage(load_version("2019-20"), _population({"signed_up": False}, {"registered_list": 31000}),
                      date(2019, 10, 1))
    assert report.networks[0].registered_list_after == 31000
    assert "not recomputed" in report.notes[0]


def test_the_coverage_command_writes_md_csv_and_json(tmp_path, capsys):
    practices = tmp_path / "practices.csv"
    practices.write_text("practice_code,pcn_code,registered_list,weighted_list,signed_up,opted_out_on\n"
                         "A00001,U00001,12000,11000,yes,\n"
                         "A00002,U00001,10000,9500,yes,\n"
                         "A00003,U00001,9000,8000,no,2020-05-20\n", encoding="utf-8")
    networks = tmp_path / "networks.csv"
    networks.write_text("pcn_code,registered,size_exception_agreed\nU00001,yes,no\n", encoding="utf-8")
    common = ["coverage", "2020-21", "--as-of", "2020-07-15", "--practices", str(practices), "--networks",
              str(networks)]
    assert main(common) == 0
    md = capsys.readouterr().out
    assert "## Networks losing members" in md
    assert "A00003" in md
    out = tmp_path / "coverage.csv"
    assert main([*common, "--format", "csv", "-o", str(out)]) == 0
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("section,entity_type,entity_code")
    assert any(r.startswith("payment,network,U00001") and "payment.core_pcn_funding" in r for r in rows)
    out = tmp_path / "coverage.json"
    assert main([*common, "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["leavers"][0]["leaves_on"] == "2020-07-01"


def test_a_whole_network_opting_out_loses_its_payments_rather_than_showing_them_unknown():
    pop = _population({"signed_up": False})
    for code in ("A00001", "A00002"):
        pop.practices[code].values["signed_up"] = False
    report = coverage(load_version("2019-20"), pop, date(2019, 10, 1))
    # Nobody is left in U00001, so nothing is paid to it if they leave: a known £0.00, not unknown.
    # Core funding: 31,000 × £1.50 = £46,500.00. Clinical director: 31,000 × £0.5143 = £15,943.30.
    # Extended hours: 31,000 × £1.45 × 9/12 = £33,712.50.
    assert _lost(report, "U00001", "payment.core_pcn_funding") == Decimal("46500.00")
    assert _lost(report, "U00001", "payment.clinical_director") == Decimal("15943.30")
    assert _lost(report, "U00001", "payment.extended_hours") == Decimal("33712.50")
    # Participation: (11,000 + 9,500 + 8,000) weighted × £0.147 × 12 = £19,404.00 + £16,758.00 + £14,112.00.
    assert [_lost(report, c, "payment.network_participation") for c in ("A00001", "A00002", "A00003")] == [
        Decimal("19404.00"), Decimal("16758.00"), Decimal("14112.00")]
    # Additional roles: no staff file, so what it pays if they stay is unknown, and so is the loss.
    assert _lost(report, "U00001", "payment.additional_roles") is None
    assert report.total_lost == Decimal("146429.80")  # 46,500 + 15,943.30 + 33,712.50 + 50,274.00
    assert report.unknown_losses == 1


def test_names_in_the_markdown_stay_text_and_csv_cells_do_not_run():
    pop = _population({"signed_up": False})
    pop.practices["A00003"].name = "<script>alert(1)</script>"
    pop.networks["U00001"].name = "[x](javascript:alert(1))"
    report = coverage(load_version("2019-20"), pop, date(2019, 10, 1))
    text = render(report, "md")
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in text
    assert "\\[x\\]\\(javascript:alert\\(1\\)\\)" in text
    assert "<script>" not in text
    assert "[x](javascript" not in text
    assert "<script>alert(1)</script>" in render(report, "csv")  # CSV is data, not markup: the name as given
    pop.practices["A00003"].name = '=HYPERLINK("http://x")'
    csv_text = render(coverage(load_version("2019-20"), pop, date(2019, 10, 1)), "csv")
    assert "'=HYPERLINK" in csv_text
    assert ",=HYPERLINK" not in csv_text
