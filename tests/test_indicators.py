"""Indicator-based payments (QOF, IIF), the decision date of backdated values, and the consolidation
check, on the fact sheet's worked examples (section 7) and on small synthetic versions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from contract.evaluation.evaluate import evaluate
from contract.evaluation.indicators import (
    achievement_percent,
    consolidation_balance,
    indicator_payment,
    points_earned,
)
from contract.evaluation.results import Status
from contract.evaluation.values import national_values, value_at
from contract.spec.facts import Network, Population, Practice
from contract.spec.loader import catalogue, check_version, load_version
from contract.spec.schema import Entitlement, Indicator, IndicatorSet, Parameter, Version
from contract.spec.yamlio import SpecError

D = Decimal
CITE = [{"title": "Test source", "url": "https://example.org/source", "confidence": "official"}]


# ---------------------------------------------------------------------------------------------
# The arithmetic: fact sheet section 7, examples 6 to 8


def test_personalised_care_adjustment_takes_declined_and_inappropriate_out_of_the_denominator():
    # 1,000 aged 65+, 600 vaccinated, 100 declined, 100 clinically inappropriate: 75%, not 60%.
    assert achievement_percent(D(600), D(1000), [D(100), D(100)]) == D(75)
    assert achievement_percent(D(600), D(1000)) == D(60)


def test_achievement_is_undefined_when_exclusions_leave_nobody():
    assert achievement_percent(D(0), D(100), [D(60), D(40)]) is None


@pytest.mark.parametrize(("achievement", "earned"), [
    (D(79), D(0)), (D(80), D(0)), (D(83), D(20)), (D(86), D(40)), (D(95), D(40)),
])
def test_sliding_scale_of_vi01_40_points_between_80_and_86_percent(achievement, earned):
    # Example 7 (derived illustration of the 2021/22 table): 83% earns 40 × 3/6 = 20 points.
    assert points_earned(D(40), D(80), D(86), achievement) == earned


def test_vi01_at_83_percent_pays_4000_pounds_when_adjustments_are_one():
    assert indicator_payment(D(20), D(200), D(1), D(1)) == D(4000)
    # List twice the average and prevalence half the national: the two adjustments cancel.
    assert indicator_payment(D(20), D(200), D(2), D("0.5")) == D(4000)


def test_iif_2020_21_average_network_is_21534_pounds():
    # Example 6: 194 points × £111 with both adjustments 1.
    assert indicator_payment(D(194), D(111)) == D(21534)


# ---------------------------------------------------------------------------------------------
# Decision dates: a backdated uplift is invisible before it is decided


def _global_sum() -> Parameter:
    return Parameter.model_validate({
        "id": "rate.global_sum", "kind": "parameter", "title": "Global sum rate", "summary": "s",
        "service": "Core contract", "unit": "gbp", "per": "weighted_patient", "period": "year",
        "citations": CITE,
        "values": [
            {"effective": "2023-04-01", "value": "102.28", "citations": CITE},
            {"effective": "2023-04-01", "decided": "2023-10-02", "value": "104.73", "citations": CITE},
        ],
    })


def test_value_at_ignores_a_value_decided_after_the_as_of_date():
    param = _global_sum()
    april = date(2023, 4, 1)
    assert D(value_at(param, april).value) == D("102.28")  # known on the day itself
    assert D(value_at(param, april, known_on=date(2023, 10, 1)).value) == D("102.28")
    assert D(value_at(param, april, known_on=date(2023, 10, 2)).value) == D("104.73")
    assert value_at(param, date(2023, 3, 31), known_on=date(2024, 1, 1)) is None


def test_two_values_on_one_date_need_different_decision_dates():
    data = _global_sum().model_dump(mode="json")
    data["values"][1]["decided"] = None
    with pytest.raises(ValidationError, match="decided"):
        Parameter.model_validate(data)
    data["values"][1]["decided"] = "2023-03-01"  # decided before the value it follows: out of order
    with pytest.raises(ValidationError, match="order"):
        Parameter.model_validate(data)


def test_2023_24_global_sum_before_and_after_the_october_decision():
    version = load_version("2023-24")
    before, _ = national_values(version, date(2023, 10, 1))
    after, _ = national_values(version, date(2023, 10, 2))
    assert before["rate.global_sum"] == D("102.28")
    assert after["rate.global_sum"] == D("104.73")


# ---------------------------------------------------------------------------------------------
# Schema members


def test_indicator_shapes_are_checked():
    with pytest.raises(ValidationError, match="go together"):
        Indicator.model_validate({"id": "VI-01", "title": "t", "numerator": "a", "citations": CITE})
    with pytest.raises(ValidationError, match="not above"):
        Indicator.model_validate({"id": "VI-01", "title": "t", "lower": 86, "upper": 80, "citations": CITE})
    ind = Indicator.model_validate({"id": "VI-01", "title": "t", "points": 40, "lower": 80, "upper": 86,
                                    "achievement": "a", "citations": CITE})
    assert ind.computable
    assert not ind.model_copy(update={"lower": None}).computable


def test_an_indicator_set_cannot_list_more_points_than_it_has():
    with pytest.raises(ValidationError, match="more than max_points"):
        IndicatorSet.model_validate({
            "id": "iif.indicators", "kind": "indicators", "title": "t", "summary": "s", "service": "IIF",
            "citations": CITE, "level": "network", "max_points": 10,
            "indicators": [{"id": "A", "title": "a", "points": 11, "citations": CITE}],
        })


def test_indicator_methods_need_an_indicator_set_and_others_refuse_one():
    base = {"id": "payment.iif", "kind": "entitlement", "title": "t", "summary": "s", "service": "IIF",
            "citations": CITE, "level": "network", "payer": "p", "payee": "q",
            "accrual": {"start": "2024-04-01", "end": "2025-03-31"},
            "schedule": {"kind": "annual", "description": "d"}}
    with pytest.raises(ValidationError, match="needs `indicators`"):
        Entitlement.model_validate({**base, "method": "iif_points"})
    with pytest.raises(ValidationError, match="qof_points or iif_points only"):
        Entitlement.model_validate({**base, "rate": "r", "basis": "b", "indicators": "iif.indicators"})


# ---------------------------------------------------------------------------------------------
# Indicator by indicator, through the evaluator, on a synthetic version


def _synthetic(aspiration: bool = False, final_payment: str | None = None) -> Version:
    terms = [
        {"id": "rate.iif_point", "kind": "parameter", "title": "Value of an IIF point", "summary": "s",
         "service": "IIF", "unit": "gbp", "per": "point", "period": "year", "citations": CITE,
         "values": [{"effective": "2021-04-01", "value": 200, "citations": CITE}]},
        {"id": "iif.average_pcn_list", "kind": "parameter", "title": "Average network list", "summary": "s",
         "service": "IIF", "unit": "patients", "citations": CITE,
         "values": [{"effective": "2021-04-01", "value": 50000, "citations": CITE}]},
        {"id": "iif.list_size_adjustment", "kind": "parameter", "title": "IIF list-size adjustment",
         "summary": "s", "service": "IIF", "unit": "ratio", "level": "network", "citations": CITE,
         "formula": "registered_list / iif.average_pcn_list"},
        {"id": "iif.national_ld_prevalence", "kind": "parameter", "title": "National LD prevalence",
         "summary": "s", "service": "IIF", "unit": "ratio", "citations": CITE,
         "values": [{"effective": "2021-04-01", "value": "0.005", "citations": CITE}]},
        {"id": "iif.ld_prevalence_adjustment", "kind": "parameter", "title": "LD prevalence adjustment",
         "summary": "s", "service": "IIF", "unit": "ratio", "level": "network", "citations": CITE,
         "formula": "ld_register / registered_list / iif.national_ld_prevalence"},
        {"id": "iif.indicators", "kind": "indicators", "title": "Test IIF", "summary": "s", "service": "IIF",
         "citations": CITE, "level": "network", "max_points": 76, "achieved_points": "iif_points_achieved",
         "indicators": [
             {"id": "VI-01", "title": "Flu 65+", "points": 40, "lower": 80, "upper": 86,
              "numerator": "flu_vaccinated", "denominator": "flu_eligible",
              "exclusions": ["flu_declined", "flu_inappropriate"], "citations": CITE},
             {"id": "HI-03", "title": "LD health checks", "points": 36, "lower": 49, "upper": 80,
              "achievement": "ld_checks_percent", "prevalence_adjustment": "iif.ld_prevalence_adjustment",
              "citations": CITE},
         ]},
        {"id": "payment.iif", "kind": "entitlement", "title": "IIF", "summary": "s", "service": "IIF",
         "citations": CITE, "level": "network", "payer": "commissioner", "payee": "payee",
         "method": "iif_points", "indicators": "iif.indicators", "rate": "rate.iif_point",
         "list_adjustment": "iif.list_size_adjustment",
         "aspiration": "iif.aspiration" if aspiration else None,
         "accrual": {"start": "2021-04-01", "end": "2022-03-31"},
         "schedule": {"kind": "annual", "description": "d", "final_payment": final_payment}},
    ]
    if aspiration:
        terms.append({"id": "iif.aspiration", "kind": "parameter", "title": "Aspiration", "summary": "s",
                      "service": "IIF", "unit": "percent", "citations": CITE,
                      "values": [{"effective": "2021-04-01", "value": 70, "citations": CITE}]})
    meta = {"id": "2021-22", "title": "Synthetic", "status": "superseded",
            "in_force": {"start": "2021-04-01", "end": "2022-03-31"}, "published": "2021-03-31",
            "summary": "s", "sources": CITE}
    return Version.model_validate({"meta": meta, "terms": {t["id"]: t for t in terms},
                                   "files": {t["id"]: "iif.yaml" for t in terms}})


def _network(**values) -> Population:
    pop = Population()
    pop.networks["U00001"] = Network(code="U00001", values=values)
    return pop


def _iif(version: Version, pop: Population, as_of: date = date(2022, 3, 31)):
    return evaluate(version, pop, as_of).finding("U00001", "payment.iif")


def test_vi01_worked_example_through_the_evaluator():
    # VI-01: 1,000 eligible, 100 declined, 100 inappropriate, 664 vaccinated: 664 ÷ 800 = 83% → 20 points.
    # HI-03 at 49% (its lower threshold) earns nothing. Network of average size: £4,000.
    pop = _network(registered_list=50000, flu_eligible=1000, flu_declined=100, flu_inappropriate=100,
                   flu_vaccinated=664, ld_checks_percent=D(49), ld_register=250)
    finding = _iif(_synthetic(), pop)
    assert finding.status is Status.met
    assert finding.amount == D("4000.00")
    assert "VI-01 83% achieved, 20 of 40 points" in finding.explanation


def test_prevalence_and_list_size_adjustments_multiply_each_indicator():
    # HI-03 at 80% earns all 36 points; prevalence 300 ÷ 50,000 = 0.6% against 0.5% nationally
    # → adjustment 1.2; list 50,000 ÷ 50,000 = 1. 36 × £200 × 1.2 = £8,640. VI-01 below its threshold.
    flu = {"flu_eligible": 1000, "flu_vaccinated": 500, "flu_declined": 0, "flu_inappropriate": 0}
    pop = _network(registered_list=50000, ld_checks_percent=D(80), ld_register=300, **flu)
    finding = _iif(_synthetic(), pop)
    assert finding.amount == D("8640.00")
    # Twice the list (and twice the register, so the same prevalence): twice the money.
    pop = _network(registered_list=100000, ld_checks_percent=D(80), ld_register=600, **flu)
    assert _iif(_synthetic(), pop).amount == D("17280.00")


def test_reported_points_are_used_when_indicator_inputs_are_absent():
    # No indicator inputs: 50 points reported × £200 × list 25,000 ÷ 50,000 = £5,000, without prevalence.
    finding = _iif(_synthetic(), _network(registered_list=25000, iif_points_achieved=D(50)))
    assert finding.amount == D("5000.00")
    assert "as reported" in finding.explanation
    assert "no prevalence adjustment" in finding.explanation


def test_without_inputs_or_reported_points_the_amount_is_not_computed():
    finding = _iif(_synthetic(), _network(registered_list=25000, flu_eligible=1000))
    assert finding.status is Status.input_missing
    assert finding.amount is None
    assert "flu_vaccinated" in finding.missing
    assert "iif_points_achieved" in finding.missing


def test_reported_points_over_the_maximum_are_refused():
    finding = _iif(_synthetic(), _network(registered_list=25000, iif_points_achieved=D(77)))
    assert finding.status is Status.input_missing


def test_aspiration_pays_monthly_and_the_balance_at_the_final_payment():
    version = _synthetic(aspiration=True, final_payment="2022-06-30")
    finding = _iif(version, _network(registered_list=50000, iif_points_achieved=D(60)), date(2021, 12, 15))
    # £12,000 in all: 70% = £8,400 as 12 × £700, then £3,600 paid on 30 June 2022.
    assert finding.amount == D("12000.00")
    monthly = [i for i in finding.schedule if i.paid_on < date(2022, 4, 1)]
    assert [i.amount for i in monthly] == [D("700.00")] * 12
    final = finding.schedule[-1]
    assert (final.paid_on, final.amount, final.state.value) == (date(2022, 6, 30), D("3600.00"), "due")
    assert sum(i.amount for i in finding.schedule) == finding.amount


def test_the_loader_refuses_an_indicator_reading_an_unknown_field():
    version = _synthetic()
    iset = version.terms["iif.indicators"]
    bad = iset.model_copy(update={"achieved_points": "no_such_field"})
    broken = version.model_copy(update={"terms": {**version.terms, "iif.indicators": bad}})
    with pytest.raises(SpecError, match="no_such_field"):
        check_version(broken, catalogue())


# ---------------------------------------------------------------------------------------------
# The versions' own indicator payments and the consolidation


def _practice(code: str, **values) -> Practice:
    return Practice(code=code, pcn_code="U00001", values=values)


def test_qof_2023_24_and_2024_25_for_a_practice_of_national_average_size():
    pop = Population()
    pop.practices["A00001"] = _practice("A00001", registered_list=9639, qof_points_achieved=D(500))
    q23 = evaluate(load_version("2023-24"), pop, date(2023, 12, 1)).finding("A00001", "payment.qof")
    assert q23.amount == D("106715.00")  # 500 × £213.43
    pop.practices["A00001"] = _practice("A00001", registered_list=9964, qof_points_achieved=D(500))
    q24 = evaluate(load_version("2024-25"), pop, date(2024, 12, 1)).finding("A00001", "payment.qof")
    assert q24.amount == D("110310.00")  # 500 × £220.62
    assert "80% paid as 12 monthly aspiration payments" in q24.explanation


def test_consolidation_balances_on_a_population_holding_the_national_totals():
    # One practice with the national weighted population: the removed QOF line (at full points for
    # an average list scaled up) against the consolidated stream. The stream pays the national sum
    # moved; the removed lines here are only what this synthetic practice earned under 2023-24.
    base, proposal = load_version("2023-24"), load_version("2024-25-proposals")
    national, _ = national_values(proposal, date(2024, 6, 30))
    pop = Population()
    pop.practices["A09999"] = _practice("A09999", weighted_list=D(61330000))
    removed_ids = [t for t in base.terms if t.startswith("payment.") and t not in proposal.terms]
    balance = consolidation_balance(evaluate(base, pop, date(2023, 12, 1)),
                                    evaluate(proposal, pop, date(2024, 6, 30)),
                                    removed_ids, ["payment.core_consolidation"])
    # The consolidated rate £53.906 a weighted patient (specs/2024-25-proposals) × 61,330,000 = £3,306,054,980.00
    assert balance.added_total == D("3306054980.00")
    paid_less_moved = balance.added_total - national["proposal.moved_total"]
    assert paid_less_moved == national["proposal.consolidation_rounding"]
    assert abs(paid_less_moved) <= D("0.0005") * national["national.weighted_population"]
    assert "payment.qof" in balance.not_computed  # no QOF points given: not computed, not £0
    assert set(removed_ids) >= {"payment.qof", "payment.iif", "payment.core_pcn_funding", "payment.additional_roles"}


def test_fields_read_lists_every_input_of_an_indicator_set():
    from contract.evaluation.indicators import fields_read

    iset = _synthetic().terms["iif.indicators"]
    assert fields_read(iset) == {"iif_points_achieved", "flu_vaccinated", "flu_eligible", "flu_declined",
                                 "flu_inappropriate", "ld_checks_percent"}
