"""The figures of the domain audit (issue 10, part 2), as the loaded specs hold them.

Every expected value below is written out from its source, whose URL is in the comment beside it,
never from the program's output. Figures we inferred (labelled `derived` in the specs) are tested
too, and say so, so that a change to them is a deliberate one.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contract.spec.loader import load_version
from contract.spec.schema import DatedValue, Parameter, RoleLimit, RolesTable

PHARMACIST_2023 = "https://www.thepharmacist.co.uk/news/no-new-funding-for-arrs-pay-increases/"
PHARMACIST_2024 = "https://thepharmacist.co.uk/in-practice/pcns-can-claim-more-per-arrs-role-but-no-overall-funding-increase"
PULSE_REISSUE = "https://pulsetoday.co.uk/pulse-pcn/pcns-can-claim-more-for-arrs-staff-but-funding-remains-flat"


def _values(version_id: str, term_id: str) -> list[DatedValue]:
    term = load_version(version_id).terms[term_id]
    assert isinstance(term, Parameter), f"{term_id} is not a parameter"
    return term.values


def _roles(version_id: str) -> dict[str, RoleLimit]:
    roles = load_version(version_id).terms["arrs.roles"]
    assert isinstance(roles, RolesTable)
    return {r.role: r for r in roles.roles}


def _max(version_id: str, role: str) -> Decimal | None:
    return _roles(version_id)[role].max_per_wte_year


def _citation_urls(version_id: str, role: str) -> set[str]:
    return {c.url for c in _roles(version_id)[role].citations}


# --- 1. additional roles maximums per WTE a year ---------------------------------------------------

@pytest.mark.parametrize(("version_id", "role", "expected"), [
    # https://pharmaceutical-journal.com/article/news/primary-care-networks-to-be-fully-reimbursed-for-pharmacists-under-updated-gp-contract
    ("2020-21", "clinical_pharmacist", Decimal(55670)),
    # https://gmthub.co.uk/primary-care-directory/roles-in-primary-care/social-prescriber
    ("2020-21", "social_prescribing_link_worker", Decimal(35389)),
    # https://pharmaceutical-journal.com/article/news/nhs-england-says-pcns-can-hire-pharmacy-technicians-earlier-than-planned
    # https://www.chemistanddruggist.co.uk/news/pharmacy-technician-roles-pcns-fully-reimbursed-april
    ("2020-21", "pharmacy_technician", Decimal(35389)),
    # https://www.wessexlmcs.com/pcnworkforcearrs (September 2020 amendment)
    ("2020-21", "nursing_associate", Decimal(29135)),
    ("2020-21", "trainee_nursing_associate", Decimal(25671)),
    # derived: same Agenda for Change band as a sourced role (band 5 £35,389; band 4 £29,135; band 7-8a £55,670)
    ("2020-21", "health_and_wellbeing_coach", Decimal(35389)),
    ("2020-21", "care_coordinator", Decimal(29135)),
    ("2020-21", "first_contact_physiotherapist", Decimal(55670)),
    # PHARMACIST_2023, rates from 1 July 2023
    ("2023-24", "clinical_pharmacist", Decimal(62340)),
    ("2023-24", "first_contact_physiotherapist", Decimal(62340)),
    ("2023-24", "social_prescribing_link_worker", Decimal(40159)),
    ("2023-24", "pharmacy_technician", Decimal(40159)),
    ("2023-24", "care_coordinator", Decimal(33396)),
    # derived: band 5 and band 4 rates from 1 July 2023
    ("2023-24", "health_and_wellbeing_coach", Decimal(40159)),
    ("2023-24", "apprentice_physician_associate", Decimal(40159)),
    ("2023-24", "nursing_associate", Decimal(33396)),
    # PHARMACIST_2024, rates from 1 October 2024
    ("2024-25", "clinical_pharmacist", Decimal(65838)),
    ("2024-25", "advanced_practitioner", Decimal(72141)),
    ("2024-25", "pharmacy_technician", Decimal(42437)),
    # derived: the pharmacist's and technician's October 2024 rates; the July 2023 band 4 rate
    ("2024-25", "first_contact_physiotherapist", Decimal(65838)),
    ("2024-25", "social_prescribing_link_worker", Decimal(42437)),
    ("2024-25", "health_and_wellbeing_coach", Decimal(42437)),
    ("2024-25", "care_coordinator", Decimal(33396)),
    ("2024-25", "nursing_associate", Decimal(33396)),
    # PULSE_REISSUE: GPs from 1 October 2024, £92,462 outside London
    ("2024-25", "general_practitioner", Decimal(92462)),
])
def test_role_maximum(version_id: str, role: str, expected: Decimal) -> None:
    assert _max(version_id, role) == expected


def test_the_2020_21_roles_without_a_found_maximum_stay_uncapped() -> None:
    # No 2020/21 figure was found for these band 7 roles (domain-arrs-iif-qof.md, gaps): none is invented.
    for role in ("physician_associate", "dietitian", "podiatrist", "occupational_therapist"):
        assert _max("2020-21", role) is None, role


def test_the_sourced_maximums_cite_their_source() -> None:
    assert PHARMACIST_2023 in _citation_urls("2023-24", "clinical_pharmacist")
    assert PHARMACIST_2024 in _citation_urls("2024-25", "advanced_practitioner")
    assert PULSE_REISSUE in _citation_urls("2024-25", "general_practitioner")
    inferred = _roles("2020-21")["health_and_wellbeing_coach"]
    assert {c.confidence for c in inferred.citations} >= {"derived"}


def test_the_gp_role_starts_on_1_october_2024_and_every_2024_25_role_is_reimbursed_in_full() -> None:
    # PULSE_REISSUE: GPs employable from 1 October 2024; all ARRS roles reimbursed at 100% since 2020/21
    roles = _roles("2024-25")
    assert roles["general_practitioner"].available_from == date(2024, 10, 1)
    assert roles["clinical_pharmacist"].reimbursed_percent == 100
    assert roles["pharmacy_technician"].reimbursed_percent == 100


# --- 2. 2024/25 mid-year uplifts, backdated to 1 April 2024 ----------------------------------------

@pytest.mark.parametrize(("term_id", "april", "uplifted", "decided"), [
    # https://www.somersetlmc.co.uk/newgpcontract1920 (£107.57); https://medicaldefensesociety.com/tag/ddrb/ (£112.50);
    # decided by NHS England's letter of 2 August 2024:
    # https://www.england.nhs.uk/long-read/gp-contract-changes-government-response-to-ddrb-and-arrs/
    ("rate.global_sum", Decimal("107.57"), Decimal("112.50"), date(2024, 8, 2)),
    # PULSE_REISSUE (DES reissued 26 September 2024): £7.674 → £7.975; £120 → £127.20
    ("rate.enhanced_access", Decimal("7.674"), Decimal("7.975"), date(2024, 9, 26)),
    ("rate.care_home_premium", Decimal(120), Decimal("127.20"), date(2024, 9, 26)),
    # PULSE_REISSUE gives £2.916 → £2.967 in all; the split 2.257 + 0.710 is ours (derived)
    ("rate.core_pcn_funding", Decimal("2.218"), Decimal("2.257"), date(2024, 9, 26)),
    ("rate.core_pcn_funding_adjusted", Decimal("0.698"), Decimal("0.710"), date(2024, 9, 26)),
])
def test_mid_year_uplift(term_id: str, april: Decimal, uplifted: Decimal, decided: date) -> None:
    values = _values("2024-25", term_id)
    assert [(v.effective, v.decided, Decimal(str(v.value))) for v in values] == [
        (date(2024, 4, 1), None, april),
        (date(2024, 4, 1), decided, uplifted),
    ]


def test_the_core_funding_parts_add_up_to_the_reported_totals() -> None:
    # https://pulsetoday.co.uk/pulse-pcn/pcn-funding-remains-flat-for-2024-25: £2.916 in April; PULSE_REISSUE: £2.967
    registered = [Decimal(str(v.value)) for v in _values("2024-25", "rate.core_pcn_funding")]
    adjusted = [Decimal(str(v.value)) for v in _values("2024-25", "rate.core_pcn_funding_adjusted")]
    assert [r + a for r, a in zip(registered, adjusted, strict=True)] == [Decimal("2.916"), Decimal("2.967")]


def test_the_global_sum_is_no_longer_called_outside_the_arrangements() -> None:
    notes = " ".join(v.note or "" for v in _values("2024-25", "rate.global_sum"))
    assert "outside the arrangements" not in notes


# --- 3. enhanced access ids ------------------------------------------------------------------------

@pytest.mark.parametrize("version_id", ["2023-24", "2024-25"])
def test_enhanced_access_uses_the_2022_23_ids(version_id: str) -> None:
    terms = load_version(version_id).terms
    for term_id in ("enhanced_access.minutes_per_1000", "enhanced_access.required_minutes",
                    "enhanced_access.delivery", "rate.enhanced_access", "payment.enhanced_access"):
        assert term_id in terms, term_id
    for old in ("extended_hours.minutes_per_1000", "extended_hours.required_minutes", "extended_hours.delivery",
                "rate.extended_hours", "payment.extended_hours"):
        assert old not in terms, old


def test_enhanced_access_2023_24_rate() -> None:
    # https://www.pcc-cic.org.uk/resources/contracts-and-contract-monitoring: £7.578 an adjusted patient
    assert [Decimal(str(v.value)) for v in _values("2023-24", "rate.enhanced_access")] == [Decimal("7.578")]


# --- 4. participation payment unit and BMA label ---------------------------------------------------

@pytest.mark.parametrize("version_id", ["2023-24", "2024-25"])
def test_participation_is_1_761_a_year(version_id: str) -> None:
    # https://www.wessexlmcs.com/guidance/gp-contract-24-25/: £1.761 a weighted patient a year
    term = load_version(version_id).terms["rate.network_participation"]
    assert isinstance(term, Parameter)
    assert term.period == "year"
    assert [Decimal(str(v.value)) for v in term.values] == [Decimal("1.761")]


@pytest.mark.parametrize("version_id", ["2023-24", "2024-25"])
def test_the_bma_funding_page_is_not_labelled_official(version_id: str) -> None:
    # The BMA is a negotiating party, not NHS England (domain audit §1 and §2, item 8)
    bma = "https://bma.org.uk/advice-and-support/gp-practices/primary-care-networks/primary-care-network-funding"
    labels = [(term.id, citation.confidence) for term in load_version(version_id).terms.values()
              for citation in term.citations if citation.url == bma]
    assert labels, "the BMA page is still cited"
    assert all(confidence != "official" for _, confidence in labels), labels
