"""The additional-roles budget: the most a network could claim for the year, without a staff file.

A commissioner sets each network's budget before anyone is hired, so it must not depend on the
posts claimed. It is the lower of the limits the version has:

- the entitlement's cap, a network parameter (from 2020-21: the reimbursement sum, weighted list
  × the rate per weighted patient);
- the roles table's posts, where the version limits the posts of each role (2019-20: one post of
  each role under 100,000 patients, two at or over): for each role, the posts allowed × its
  maximum per whole-time equivalent × the months of the accrual period it is available ÷ 12.

A version with neither limit (or a role with no maximum and no cap) has no budget: the maximum is
None and the words say why. The exact amount is rounded once, half up, to the penny.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from contract.evaluation.money import month_end, months, to_penny
from contract.lang import text
from contract.lang.expressions import Value
from contract.spec.schema import Entitlement, RoleLimit, RolesTable

MissingNames = Callable[[set[str]], list[str]]
"""The names an entity lacks, in words (a network total naming its member practices)."""


@dataclass(frozen=True)
class Budget:
    """The most a network could claim for the year, how it was found, and what it read."""

    maximum: Decimal | None
    explanation: str
    names: frozenset[str] = frozenset()
    missing: list[str] = field(default_factory=list)


def months_available(role: RoleLimit, term: Entitlement) -> int:
    """The months of the accrual period in which the role may be claimed."""
    return sum(1 for m in months(term.accrual.start, term.accrual.end) if role.available_from <= month_end(m))


def _number(env: Mapping[str, Value], name: str) -> Decimal:
    value = env[name]
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise ValueError(f"{name} is {value!r}, not a number")
    return value


def _posts_limit(roles: RolesTable, term: Entitlement, posts: Decimal) -> tuple[Fraction | None, str]:
    """Every role's posts at its maximum for the months it is available, exactly; None (and why)
    when a role has no maximum, so that its posts set no limit on the money."""
    capped = [(r, r.max_per_wte_year) for r in roles.roles if r.max_per_wte_year is not None]
    if len(capped) < len(roles.roles):
        uncapped = [r.title.lower() for r in roles.roles if r.max_per_wte_year is None]
        return None, f"no maximum is encoded for {', '.join(uncapped)}"
    parts, total = [], Fraction(0)
    for role, most in capped:
        n = months_available(role, term)
        total += Fraction(posts) * Fraction(most) * n / 12
        post = "post" if posts == 1 else "posts"
        parts.append(f"{text.number(posts)} {post} × {text.rate(most)} × {n}/12 ({role.title.lower()})")
    return total, " + ".join(parts)


def network_budget(env: Mapping[str, Value], term: Entitlement, roles: RolesTable,
                   labels: Mapping[str, str], lacking: MissingNames) -> Budget:
    """The most the network whose values are `env` could claim under `term` for its accrual period."""
    names = {n for n in (term.cap, roles.posts_per_role) if n}
    needed = {n for n in names if n not in env}
    if needed:
        missing = lacking(needed)
        return Budget(None, f"The most the network could claim cannot be computed: {', '.join(missing)} not given.",
                      frozenset(names), missing)
    limits: list[tuple[Fraction, str]] = []
    unlimited = "no limit on the number of posts"
    if roles.posts_per_role:
        by_posts, words = _posts_limit(roles, term, _number(env, roles.posts_per_role))
        if by_posts is None:
            unlimited = words
        else:
            limits.append((by_posts, words))
    if term.cap:
        limits.append((Fraction(_number(env, term.cap)), f"the {labels.get(term.cap, term.cap)}"))
    if not limits:
        return Budget(None, f"The network's claims have no limit to compute a budget from: {unlimited}, and no cap.",
                      frozenset(names))
    exact, words = min(limits, key=lambda limit: limit[0])
    maximum = to_penny(exact)
    return Budget(maximum, f"The most the network could claim for the year: {words} = {text.gbp(maximum)}.",
                  frozenset(names))
