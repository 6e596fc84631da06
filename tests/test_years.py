"""The contract years 2021/22 and 2022/23: they load, their key figures are the fact sheet's, and
the diffs around them show the real changes (enhanced access arriving as extended hours ends).

Every expected figure below is copied from /work/shared/domain-2021-23.md (the fact sheet), with
the source URL it gives, never from the program's output.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contract.analysis.diff import ChangeClass, TermState, diff
from contract.analysis.diff.values import typed
from contract.spec.loader import load_version, version_ids
from contract.spec.schema import Entitlement, IndicatorSet, Obligation, Parameter, RolesTable


def _value(version_id: str, term_id: str, on: date | None = None) -> object:
    """The value of a dated parameter in force on `on` (default: the start of the version's year)."""
    version = load_version(version_id)
    term = version.terms[term_id]
    assert isinstance(term, Parameter), f"{term_id} is not a parameter"
    assert term.values, f"{term_id} has no dated values"
    day = on or version.meta.in_force.start
    in_force = [v for v in term.values if v.effective <= day]
    return typed(term, in_force[-1].value)


def _role_max(version_id: str, role: str) -> Decimal | None:
    roles = load_version(version_id).terms["arrs.roles"]
    assert isinstance(roles, RolesTable)
    return next(r.max_per_wte_year for r in roles.roles if r.role == role)


@pytest.mark.parametrize(("version_id", "start", "end"), [
    ("2021-22", date(2021, 4, 1), date(2022, 3, 31)),
    ("2022-23", date(2022, 4, 1), date(2023, 3, 31)),
])
def test_both_years_load_as_full_versions_for_their_contract_year(version_id, start, end):
    assert version_id in version_ids()
    version = load_version(version_id)
    assert (version.meta.in_force.start, version.meta.in_force.end) == (start, end)
    assert version.meta.base is None  # a complete version, not an overlay
    for term_id in ("payment.core_pcn_funding", "payment.clinical_director", "payment.extended_hours",
                    "payment.care_home_premium", "payment.additional_roles", "payment.iif",
                    "payment.network_participation"):
        term = version.terms[term_id]
        assert isinstance(term, Entitlement)
        assert term.accrual.start >= start
        assert term.accrual.end <= end


# --- 2021/22 rates (fact sheet, year 2021/22) -----------------------------------------------------

# BMA, Primary care network funding, version of 10 May 2021:
# https://www.bma.org.uk/advice-and-support/gp-practices/primary-care-networks/primary-care-network-funding
@pytest.mark.parametrize(("term_id", "figure"), [
    ("rate.core_pcn_funding", Decimal("1.50")),     # £1.50 per registered patient a year
    ("rate.clinical_director", Decimal("0.722")),   # £0.722 per registered patient a year
    ("rate.extended_hours", Decimal("1.44")),       # £1.44 (the fact sheet's conflict 1: £1.45 elsewhere)
    ("rate.care_home_premium", Decimal("120")),     # £120 per bed a year from 1 April 2021
])
def test_2021_22_payment_rates_are_the_fact_sheets(term_id, figure):
    assert _value("2021-22", term_id) == figure


def test_2021_22_national_sums_and_incentive_fund():
    # £746m ARRS: https://pulse-intelligence.co.uk/guide/the-additional-roles-reimbursement-scheme-for-2021-22-explained/
    assert _value("2021-22", "arrs.national_maximum") == Decimal("746000000")
    # £150m IIF: https://www.salfordandtraffordlmc.org.uk/news/24-08-2021/primary-care-networks---plans-for-202122-and-202223/
    assert _value("2021-22", "iif.national_pot") == Decimal("150000000")
    # £200 a point: https://healthcareleadernews.com/pulse-intelligence/how-to-tackle-the-updated-investment-and-impact-fund-targets-for-2021-22
    assert _value("2021-22", "rate.iif_point") == Decimal("200")
    # £43m leadership and management (August 2021 letter), £62.4m support payment (December 2021):
    # GPonline articles 1725559 and 1735261
    assert _value("2021-22", "leadership_management.national_sum") == Decimal("43000000")
    assert _value("2021-22", "pcn_support.national_sum") == Decimal("62400000")


def test_2021_22_flu_indicators_have_the_fact_sheets_points_and_thresholds():
    # https://pulse-intelligence.co.uk/guide/investment-and-impact-fund-flu-vaccination-targets/
    # VI-01 40 points 80–86%; VI-02 88 points 57–90%; VI-03 14 points 45–82%
    indicators = load_version("2021-22").terms["iif.indicators"]
    assert isinstance(indicators, IndicatorSet)
    rows = {i.id: (i.points, i.lower, i.upper) for i in indicators.indicators}
    assert rows["flu_65_plus"] == (Decimal(40), Decimal(80), Decimal(86))
    assert rows["flu_at_risk_18_64"] == (Decimal(88), Decimal(57), Decimal(90))
    assert rows["flu_children_2_3"] == (Decimal(14), Decimal(45), Decimal(82))


def test_2021_22_roles_add_paramedics_advanced_and_mental_health_practitioners_with_the_found_maximums():
    # https://pulse-intelligence.co.uk/guide/planning-your-workforce-needs-with-the-arrs-for-2021-22/
    roles = load_version("2021-22").terms["arrs.roles"]
    assert isinstance(roles, RolesTable)
    available = {r.role: r.available_from for r in roles.roles}
    for role in ("paramedic", "advanced_practitioner", "mental_health_practitioner"):
        assert available[role] == date(2021, 4, 1)
    # BMA table of 10 May 2021: advanced practitioner £62,705, care coordinator £29,726
    assert _role_max("2021-22", "advanced_practitioner") == Decimal("62705")
    assert _role_max("2021-22", "care_coordinator") == Decimal("29726")


def test_2021_22_cardiovascular_and_inequalities_start_on_1_october_2021():
    # GPonline 1725559 (August 2021 letter): hypertension case-finding and reduced TNI from 1 October 2021
    version = load_version("2021-22")
    for term_id in ("service_spec.cvd", "service_spec.inequalities"):
        term = version.terms[term_id]
        assert isinstance(term, Obligation)
        assert term.in_effect is not None
        assert term.in_effect.start == date(2021, 10, 1)


# --- 2022/23 rates (fact sheet, year 2022/23) -----------------------------------------------------

def test_2022_23_payment_rates_are_the_fact_sheets():
    # Slide summary of the 2022/23 DES:
    # https://arietiform.com/application/nph-tsq.cgi/en/20/https/www.slideshare.net/slideshow/des-slideshare/251580331
    assert _value("2022-23", "rate.core_pcn_funding") == Decimal("1.50")
    assert _value("2022-23", "rate.leadership_management") == Decimal("0.699")  # × adjusted population
    assert _value("2022-23", "rate.care_home_premium") == Decimal("120")
    # £0.720 for 1 April–30 September 2022 = £1.44 a year × 6/12
    assert _value("2022-23", "rate.extended_hours") * Decimal(6) / Decimal(12) == Decimal("0.720")
    # £0.722 (https://nwntpcn.nhs.uk/our-teams/pcn-management/); conflict 2: £0.729 on a BMA page
    assert _value("2022-23", "rate.clinical_director") == Decimal("0.722")
    # £7.46 per adjusted patient a year from 1 October 2022 (conflict 4):
    # https://www.gponline.com/contract-update-reveals-detail-746-per-patient-enhanced-gp-access-plans/article/1751577
    assert _value("2022-23", "rate.enhanced_access") == Decimal("7.46")
    assert _value("2022-23", "enhanced_access.minutes_per_1000") == Decimal(60)


def test_2022_23_national_sums_and_role_maximums():
    # £225m IIF: NHS England PR00273_i, Table 1
    # https://www.england.nhs.uk/long-read/update-to-the-gp-contract-agreement-2023-24-financial-implications/
    assert _value("2022-23", "iif.national_pot") == Decimal("225000000")
    # £1.026bn ARRS (conflict 5): https://www.gponline.com/arrs-funding-increased-1bn-ahead-pcn-opt-out-deadline/article/1751565
    assert _value("2022-23", "arrs.national_maximum") == Decimal("1026000000")
    # Clinical pharmacist £57,318 from April 2022:
    # https://www.chemistanddruggist.co.uk/CD136485/Unfair-advantage-PCNs-see-increase-in-reimbursable-pay-for-pharmacists
    assert _role_max("2022-23", "clinical_pharmacist") == Decimal("57318")
    # £37m capacity and access support payment from October 2022:
    # https://www.nursinginpractice.com/latest-news/network-des-funding-worth-37m-to-be-reallocated-to-improve-gp-winter-access/
    assert _value("2022-23", "capacity_access.support_national_sum") == Decimal("37000000")


def test_2022_23_opt_out_deadline_moves_to_the_october_window():
    # 30 April 2022 (GPonline 1751565); 31 October 2022 (https://lmc.org.uk/news/pcn-des-opt-out-window-open-until-31-october-2022)
    assert _value("2022-23", "participation.opt_out_deadline", date(2022, 5, 1)) == date(2022, 4, 30)
    assert _value("2022-23", "participation.opt_out_deadline", date(2022, 10, 1)) == date(2022, 10, 31)


def test_2022_23_extended_hours_ends_on_30_september_and_enhanced_access_starts_on_1_october():
    version = load_version("2022-23")
    extended, enhanced = version.terms["payment.extended_hours"], version.terms["payment.enhanced_access"]
    assert isinstance(extended, Entitlement)
    assert isinstance(enhanced, Entitlement)
    assert extended.accrual.end == date(2022, 9, 30)
    assert enhanced.accrual.start == date(2022, 10, 1)
    assert enhanced.basis == "adjusted_list"
    assert extended.basis == "registered_list"


# --- the diffs ------------------------------------------------------------------------------------

def test_diff_2021_22_to_2022_23_shows_enhanced_access_new_and_extended_hours_ceasing():
    d = diff(load_version("2021-22"), load_version("2022-23"))

    payment = d.change("payment.enhanced_access")
    assert payment.state is TermState.added
    assert ChangeClass.funding_up in payment.classes
    delivery = d.change("enhanced_access.delivery")
    assert delivery.state is TermState.added
    assert ChangeClass.new_obligation in delivery.classes

    extended = d.change("payment.extended_hours")
    assert extended.state is TermState.changed
    assert [f.classification for f in extended.fields if f.field == "accrual"] == [ChangeClass.funding_down]
    ceasing = d.change("extended_hours.delivery")
    assert ceasing.state is TermState.changed
    end = next(f for f in ceasing.fields if f.field == "in_effect.end")
    assert end.classification is ChangeClass.timing
    assert end.shift is not None
    assert end.shift.value == "earlier"

    # Priced for the report's average network (50,000 registered and adjusted patients):
    # extended hours 50,000 × £1.44 × 6/12 = £36,000 against £72,000 the year before;
    # enhanced access 50,000 × £7.46 × 6/12 = £186,500, new.
    lines = {line.term_id: line for line in d.money.lines}
    assert lines["payment.extended_hours"].delta == Decimal("-36000.00")
    assert lines["payment.enhanced_access"].delta == Decimal("186500.00")


def test_diff_2020_21_to_2021_22_shows_the_new_specifications_and_roles():
    d = diff(load_version("2020-21"), load_version("2021-22"))
    for term_id in ("service_spec.cvd", "service_spec.inequalities"):
        change = d.change(term_id)
        assert change.state is TermState.added
        assert ChangeClass.new_obligation in change.classes
        assert term_id in d.unfunded  # no payment line of their own
    roles = d.change("arrs.roles")
    added_roles = {f.new for f in roles.fields if f.field.startswith("roles.") and f.old is None}
    assert {"Paramedic", "Advanced practitioner", "Mental health practitioner"} <= added_roles


@pytest.mark.parametrize(("a", "b"), [("2020-21", "2021-22"), ("2021-22", "2022-23"), ("2022-23", "2023-24")])
def test_the_diffs_around_the_new_years_run(a, b):
    d = diff(load_version(a), load_version(b))
    assert d.changes
    assert d.summary
