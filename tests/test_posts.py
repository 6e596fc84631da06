"""Per-role post limits in additional roles reimbursement: enhanced nurses (2024/25: 1, or 2 for
100,000 patients or more) and advanced practitioners (2023/24: 3, or 6). Posts beyond a role's
limit are not reimbursed, the earliest starters first. Expected amounts are worked beside each
assertion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from contract.evaluation.evaluate import evaluate
from contract.evaluation.methods.staff import StaffReimbursement
from contract.evaluation.money import split_total
from contract.evaluation.results import Status
from contract.evaluation.staff import reimburse_staff
from contract.spec.facts import Network, Population, Provenance, StaffMember
from contract.spec.loader import load_version
from contract.spec.schema import Entitlement, Period, RolesTable

D = Decimal
SRC = Provenance(file="test")
ROLES = "payment.additional_roles"


def _post(staff_id: str, role: str, wte: str, cost: int, start: date, pcn: str = "U00001") -> StaffMember:
    return StaffMember(pcn_code=pcn, staff_id=staff_id, provenance=SRC, values={
        "role": role, "wte": D(wte), "annual_cost": D(cost), "start_date": start, "additional": True})


def _roles(version_id: str) -> RolesTable:
    roles = load_version(version_id).terms["arrs.roles"]
    assert isinstance(roles, RolesTable)
    return roles


def _network(code: str, patients: int, posts: list[StaffMember]) -> Population:
    pop = Population()
    pop.networks[code] = Network(code=code, values={
        "registered": True, "registered_list": D(patients), "weighted_list": D(patients),
        "adjusted_list": D(patients)})
    pop.staff.extend(posts)
    return pop


def test_the_limited_roles_name_their_limit_and_the_others_do_not():
    limited_2024 = {r.role: r.max_posts for r in _roles("2024-25").roles if r.max_posts}
    assert limited_2024 == {"enhanced_nurse": "arrs.enhanced_nurse_posts"}
    limited_2023 = {r.role: r.max_posts for r in _roles("2023-24").roles if r.max_posts}
    assert limited_2023 == {"advanced_practitioner": "arrs.advanced_practitioner_posts"}


def test_the_method_reads_the_role_limit():
    version = load_version("2024-25")
    term = version.terms[ROLES]
    assert isinstance(term, Entitlement)
    assert "arrs.enhanced_nurse_posts" in StaffReimbursement().reads(version, term)


@pytest.mark.parametrize(("patients", "paid"), [
    # 1 post below 100,000: EN1 only (started first), £60,000 × 12 ÷ 12.
    (99999, D("60000.00")),
    # 2 posts at 100,000: EN1 and EN2, £60,000 + £55,000 × 10 ÷ 12 (from 1 June) = £105,833.33.
    (100000, D("105833.33")),
])
def test_enhanced_nurses_beyond_the_limit_are_not_reimbursed(patients, paid):
    posts = [_post("EN3", "enhanced_nurse", "1", 50000, date(2024, 7, 1)),
             _post("EN2", "enhanced_nurse", "1", 55000, date(2024, 6, 1)),
             _post("EN1", "enhanced_nurse", "1", 60000, date(2024, 4, 1))]
    finding = evaluate(load_version("2024-25"), _network("U00001", patients, posts),
                       date(2025, 3, 31)).finding("U00001", ROLES)
    assert finding.status is Status.met
    assert finding.amount == paid
    assert "Post EN3: over the" in finding.explanation


def test_other_roles_are_not_limited_by_the_enhanced_nurse_limit():
    # Three pharmacists, no post limit in 2024/25: 3 × £40,000 (under the £65,838 maximum) = £120,000.
    posts = [_post(f"CP{i}", "clinical_pharmacist", "1", 40000, date(2024, 4, 1)) for i in range(3)]
    finding = evaluate(load_version("2024-25"), _network("U00001", 50000, posts),
                       date(2025, 3, 31)).finding("U00001", ROLES)
    assert finding.amount == D("120000.00")


def test_a_part_time_post_straddling_the_limit_is_capped_in_wte():
    # 2023/24 APs, limit 3 WTE: 2.5 WTE (one post) then 1.0 WTE capped at 0.5 WTE. With no role
    # maximum the cap shows in the WTE, not the money (reimbursed at cost: £100,000 + £50,000).
    roles = _roles("2023-24")
    posts = [_post("AP1", "advanced_practitioner", "2.5", 100000, date(2023, 4, 1)),
             _post("AP2", "advanced_practitioner", "1", 50000, date(2023, 4, 1)),
             _post("AP3", "advanced_practitioner", "1", 50000, date(2023, 4, 1))]
    result = reimburse_staff(posts, roles, Period(start=date(2023, 4, 1), end=date(2024, 3, 31)), None,
                             {"advanced_practitioner": D(3)})
    total, _ = split_total(result.exact_by_month)
    assert total == D("150000.00")
    assert "Post AP2: 1 WTE capped at 0.5." in result.notes
    assert any(n.startswith("Post AP3: over the 3") for n in result.notes)


def test_the_lower_of_the_table_limit_and_the_role_limit_applies():
    # A table allowing 2 posts of every role and a role limit of 1: one post (£30,000) reimbursed.
    roles = _roles("2024-25")
    posts = [_post("EN1", "enhanced_nurse", "1", 30000, date(2024, 4, 1)),
             _post("EN2", "enhanced_nurse", "1", 30000, date(2024, 5, 1))]
    period = Period(start=date(2024, 4, 1), end=date(2025, 3, 31))
    total, _ = split_total(reimburse_staff(posts, roles, period, D(2), {"enhanced_nurse": D(1)}).exact_by_month)
    assert total == D("30000.00")
    # and the other way round: table 1, role 2 → still 1
    total, _ = split_total(reimburse_staff(posts, roles, period, D(1), {"enhanced_nurse": D(2)}).exact_by_month)
    assert total == D("30000.00")


def test_without_the_list_the_posts_allowed_cannot_be_valued():
    pop = Population()
    pop.networks["U00001"] = Network(code="U00001", values={"registered": True, "weighted_list": D(50000)})
    pop.staff.append(_post("EN1", "enhanced_nurse", "1", 60000, date(2024, 4, 1)))
    finding = evaluate(load_version("2024-25"), pop, date(2025, 3, 31)).finding("U00001", ROLES)
    assert finding.amount is None
    assert "registered_list" in finding.missing
