"""Additional roles reimbursement: each post's claim, month by month, within the role's limits.

One implementation for every version; the roles, percentages, maximums and posts allowed are data
(a version's roles table). For each month a post is in place and its role is available:
claim = min(annual cost × reimbursed percent, role maximum per WTE × WTE) ÷ 12, with the WTE of
each role capped at the posts the network's size allows (earliest starters first): the table's
posts per role, and the role's own limit where it has one (the lower of the two).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from contract.evaluation.money import Exact, month_end, months
from contract.lang import text
from contract.lang.expressions import describe_value
from contract.spec.facts import StaffMember
from contract.spec.schema import Period, RolesTable


@dataclass
class StaffResult:
    exact_by_month: list[tuple[date, Exact]]
    """Each month's exact claims (a yearly amount ÷ 12 is a Fraction, never a rounded Decimal)."""
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def explain(self, total: Decimal) -> str:
        head = f"Additional roles claims over the accrual period = {text.gbp(total)}."
        return head + (" " + " ".join(self.notes) if self.notes else "")


_NEEDED = ("role", "wte", "annual_cost", "start_date")


def _number(member: StaffMember, name: str) -> Decimal:
    value = member.values[name]
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"post {member.staff_id} ({member.provenance}): {name} is {value!r}, not a number")
    return Decimal(value)


def _date(member: StaffMember, name: str) -> date | None:
    value = member.values.get(name)
    if value is not None and not isinstance(value, date):
        raise ValueError(f"post {member.staff_id} ({member.provenance}): {name} is {value!r}, not a date")
    return value


def _allowed(role: str, posts_allowed: Decimal | int | None,
             role_posts: Mapping[str, Decimal]) -> Decimal | None:
    """The WTE of a role the network is reimbursed for: the lower of the two limits that apply."""
    found = [Decimal(n) for n in (posts_allowed, role_posts.get(role)) if n is not None]
    return min(found) if found else None


def reimburse_staff(staff: list[StaffMember], roles: RolesTable, accrual: Period,
                    posts_allowed: Decimal | int | None,
                    role_posts: Mapping[str, Decimal] | None = None) -> StaffResult:
    """Each post's claims by month; `role_posts` maps a role to its own limit (a role's `max_posts`
    valued for this network)."""
    limits = {r.role: r for r in roles.roles}
    by_month: dict[date, Fraction] = {m: Fraction(0) for m in months(accrual.start, accrual.end)}
    result = StaffResult([])
    if not staff:
        result.notes.append("No posts claimed.")
    cap_left: dict[str, Decimal] = {}
    for member in sorted(staff, key=lambda s: (s.values.get("start_date") or date.max, s.staff_id)):
        v = member.values
        lacking = [n for n in _NEEDED if n not in v]
        if roles.requires_additional and "additional" not in v:
            lacking.append("additional")
        if lacking:
            result.missing.append(f"post {member.staff_id} ({member.provenance}) lacks {', '.join(lacking)}")
            continue
        role = limits.get(str(v["role"]))
        if role is None:
            result.notes.append(f"Post {member.staff_id}: role {v['role']!r} is not reimbursed in this version.")
            continue
        if roles.requires_additional and v["additional"] is not True:
            result.notes.append(f"Post {member.staff_id}: not additional to the baseline, not reimbursed.")
            continue
        wte = _number(member, "wte")
        allowed = _allowed(role.role, posts_allowed, role_posts or {})
        if allowed is not None:
            left = cap_left.setdefault(role.role, allowed)
            if left <= 0:
                result.notes.append(f"Post {member.staff_id}: over the {describe_value(allowed)} "
                                    f"{role.title.lower()} post(s) allowed.")
                continue
            if wte > left:
                result.notes.append(
                    f"Post {member.staff_id}: {describe_value(wte)} WTE capped at {describe_value(left)}.")
                wte = left
            cap_left[role.role] = left - wte
        yearly = _number(member, "annual_cost") * role.reimbursed_percent / 100
        if role.max_per_wte_year is not None:
            yearly = min(yearly, role.max_per_wte_year * wte)
        start, end = _date(member, "start_date"), _date(member, "end_date")
        for month in by_month:
            in_post = start is not None and start <= month_end(month) and (end is None or end >= month)
            if in_post and role.available_from <= month_end(month):
                by_month[month] += Fraction(yearly) / 12
        result.notes.append(f"Post {member.staff_id} ({role.title.lower()}): {text.gbp(yearly)} a year reimbursable.")
    exact: list[tuple[date, Exact]] = list(by_month.items())
    result.exact_by_month = exact
    return result
