"""What-ifs: a national parameter set for one evaluation (`--set`, or `overrides=`) is what every rate
line, formula, amount, explanation and value shown reads. Expected amounts are worked out here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import yaml

from contract.evaluation.evaluate import evaluate
from contract.evaluation.values import OVERRIDE_SOURCE, national
from contract.spec.facts import Network, Population, Practice
from contract.spec.loader import load_version
from contract.spec.schema import Parameter
from tests.conftest import ROOT

D = Decimal


def _network(patients: int) -> Population:
    pop = Population()
    pop.networks["U00001"] = Network(code="U00001", values={"registered": True, "registered_list": patients})
    return pop


def test_a_core_funding_rate_set_to_1_60_pays_1_60_per_patient():
    """2019-20 core PCN funding accrues April 2019 to March 2020 (12 months) at a yearly rate:
    10,000 patients × £1.60 × 12/12 = £16,000.00 (the spec's £1.50 would give £15,000.00)."""
    version = load_version("2019-20")
    result = evaluate(version, _network(10_000), date(2020, 3, 31), overrides={"rate.core_pcn_funding": D("1.60")})
    core = result.finding("U00001", "payment.core_pcn_funding")
    assert core.amount == D("16000.00")
    assert sum(i.amount for i in core.schedule) == D("16000.00")
    assert [i.amount for i in core.schedule] == [D("1333.33")] * 11 + [D("1333.37")]  # 16,000 ÷ 12, last takes the rest
    assert "£1.60 per registered patient a year (set with --set)" in core.explanation
    assert core.values["rate.core_pcn_funding"] == f"1.6 ({OVERRIDE_SOURCE})"
    assert result.overrides == {"rate.core_pcn_funding": "1.60"}
    # The line the override does not touch keeps the spec's rate: 10,000 × £1.45 × 9/12 (July to March).
    assert result.finding("U00001", "payment.extended_hours").amount == D("10875.00")


def test_a_part_year_line_with_a_rate_set_is_prorated_over_its_own_accrual():
    """2019-20 extended hours: a yearly rate accruing July 2019 to March 2020, 9 months:
    10,000 × £1.60 × 9/12 = £12,000.00."""
    result = evaluate(load_version("2019-20"), _network(10_000), date(2020, 3, 31),
                      overrides={"rate.extended_hours": D("1.60")})
    finding = result.finding("U00001", "payment.extended_hours")
    assert finding.amount == D("12000.00")
    assert len(finding.schedule) == 9
    assert "× £1.60 per registered patient a year (set with --set) × 9/12" in finding.explanation


def test_an_override_replaces_the_spec_value_even_where_the_rate_changes_during_the_year():
    """Whatever dated values the spec holds, the value set is the value for every month of the year
    (it is read from the evaluation's national values, never from the spec's dated values)."""
    version = load_version("2019-20")
    values = national(version, date(2020, 3, 31), {"rate.core_pcn_funding": D("2")})
    rate = version.terms["rate.core_pcn_funding"]
    assert isinstance(rate, Parameter)
    assert values.rate_on(rate, date(2019, 4, 1), {}) == D("2")
    assert values.rate_on(rate, date(2020, 3, 1), {}) == D("2")
    assert "rate.core_pcn_funding" not in values.dated


def _spec_value(path, term_id: str) -> Decimal:
    terms = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)["terms"]
    term = next(t for t in terms if t["id"] == term_id)
    return Decimal(term["values"][-1]["value"])


def _practice(weighted: int) -> Population:
    pop = Population()
    pop.practices["A00001"] = Practice(code="A00001", values={"weighted_list": weighted})
    return pop


def test_a_formula_rate_can_be_set_directly():
    """2024-25 proposals: the consolidated rate is a formula; set to £54 a weighted patient a year,
    a practice of 1,000 weighted patients is paid 1,000 × £54 × 12/12 = £54,000.00."""
    result = evaluate(load_version("2024-25-proposals"), _practice(1_000), date(2024, 6, 30),
                      overrides={"rate.core_consolidation": D("54")})
    finding = result.finding("A00001", "payment.core_consolidation")
    assert finding.amount == D("54000.00")
    assert OVERRIDE_SOURCE in finding.values["rate.core_consolidation"]


def test_a_constant_set_reaches_the_formulas_that_read_it():
    """The consolidated rate is round_to(moved total ÷ national weighted population, 0.001). Adding
    new investment of exactly £1 per weighted patient of England (the weighted population as written
    in the spec) raises the rate by exactly £1.000, so a practice of 1,000 weighted patients gains
    1,000 × £1 × 12/12 = £1,000.00 over the year."""
    population = _spec_value(ROOT / "specs" / "2024-25-proposals" / "consolidation.yaml",
                             "national.weighted_population")
    version = load_version("2024-25-proposals")
    base = evaluate(version, _practice(1_000), date(2024, 6, 30))
    more = evaluate(version, _practice(1_000), date(2024, 6, 30),
                    overrides={"proposal.additional_investment": population * 1})
    before = base.finding("A00001", "payment.core_consolidation").amount
    after = more.finding("A00001", "payment.core_consolidation").amount
    assert before is not None
    assert after is not None
    assert after - before == D("1000.00")


def test_only_national_parameters_can_be_set():
    with pytest.raises(ValueError, match="not a national parameter"):
        evaluate(load_version("2019-20"), _network(10), date(2020, 3, 31), overrides={"registered_list": D(1)})


def test_a_negative_amount_of_money_cannot_be_set(tmp_path, capsys):
    """No rate or sum in the contract is negative: a negative £ override is refused, by the evaluator
    (ValueError) and on the command line (exit 2), rather than paying negative money or dividing by a
    negative cap (a hypothesis run found --set of a negative reimbursement rate crashing the staff line)."""
    from contract.cli.app import main

    version = load_version("2020-21")
    with pytest.raises(ValueError, match="never negative"):
        evaluate(version, Population(), date(2020, 12, 31), overrides={"rate.core_pcn_funding": Decimal("-1")})
    practices = tmp_path / "practices.csv"
    practices.write_text("practice_code,pcn_code,registered_list\nA00001,U00001,1000\n", encoding="utf-8")
    assert main(["evaluate", "2020-21", "--as-of", "2020-12-31", "--practices", str(practices),
                 "--set", "rate.core_pcn_funding=-1"]) == 2
    assert "never negative" in capsys.readouterr().err
