"""staff_reimbursement: the additional roles claims of a network's posts, within the roles table's
limits and the posts its size allows, capped (where the entitlement has a cap) at a formula's value.

The claims themselves are computed by :func:`contract.evaluation.staff.reimburse_staff`; this method
adds what an evaluation needs around them: the inputs, the cap, the finding's words, and the
network's budget (:func:`contract.evaluation.budget.network_budget`, the most it could claim for the
year), which needs no staff file and so is reported on every finding of the line, priced or not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

from contract.evaluation.budget import Budget, network_budget
from contract.evaluation.context import Context
from contract.evaluation.findings import FindingBuilder
from contract.evaluation.methods.base import Payment, Unpriced
from contract.evaluation.money import Exact, exact_sum, split_total
from contract.evaluation.staff import reimburse_staff
from contract.lang import text
from contract.lang.expressions import formula_names
from contract.spec.schema import Entitlement, Method, Parameter, RolesTable, Version


def _formula_inputs(version: Version, param_id: str) -> set[str]:
    param = version.terms.get(param_id)
    if isinstance(param, Parameter) and param.formula:
        return set(formula_names(param.formula))
    return {param_id}


class StaffReimbursement:
    """The staff_reimbursement method (the posts come from the builder: the population's staff)."""

    methods = (Method.staff_reimbursement,)

    def reads(self, version: Version, term: Entitlement) -> set[str]:
        roles = version.terms.get(term.roles or "")
        posts = roles.posts_per_role if isinstance(roles, RolesTable) and roles.posts_per_role else None
        per_role = {r.max_posts for r in roles.roles if r.max_posts} if isinstance(roles, RolesTable) else set()
        return {n for n in (term.cap, posts) if n} | per_role

    def compute(self, builder: FindingBuilder, ctx: Context, term: Entitlement) -> Payment | Unpriced:
        roles = builder.version.terms.get(term.roles or "")
        if not isinstance(roles, RolesTable):
            raise ValueError(f"{term.id}: a staff_reimbursement entitlement needs a roles table")
        version = builder.version
        budget = network_budget(ctx.env, term, roles, builder.labels, lambda names: builder.missing(
            ctx, set().union(*(_formula_inputs(version, n) for n in names))))
        priced = self._claims(builder, ctx, term, roles, budget)
        return replace(priced, explanation=f"{priced.explanation} {budget.explanation}", maximum=budget.maximum)

    @staticmethod
    def _role_posts(ctx: Context, roles: RolesTable) -> dict[str, Decimal] | list[str]:
        """Each role's own post limit valued for this network, or the limits that cannot be valued."""
        found: dict[str, Decimal] = {}
        lacking: list[str] = []
        for role in roles.roles:
            if not role.max_posts:
                continue
            value = ctx.env.get(role.max_posts)
            if value is None:
                lacking.append(role.max_posts)
            elif isinstance(value, bool) or not isinstance(value, Decimal):
                raise ValueError(f"{role.max_posts} is {value!r}, not a number")
            else:
                found[role.role] = value
        return lacking or found

    def _claims(self, builder: FindingBuilder, ctx: Context, term: Entitlement, roles: RolesTable,
                budget: Budget) -> Payment | Unpriced:
        version = builder.version
        if not builder.staff_given:
            shown = set(budget.names).union(*(_formula_inputs(version, n) for n in budget.names))
            return Unpriced("Cannot compute the claims: no staff file was given (additional-roles posts and "
                            "costs).", ["staff"], frozenset(shown))
        posts_allowed: Decimal | None = None
        if roles.posts_per_role:
            value = ctx.env.get(roles.posts_per_role)
            if value is None:
                missing = builder.missing(ctx, _formula_inputs(version, roles.posts_per_role))
                return Unpriced(f"Cannot compute the posts allowed: {', '.join(missing)} not given.", missing)
            if isinstance(value, bool) or not isinstance(value, Decimal):
                raise ValueError(f"{roles.posts_per_role} is {value!r}, not a number")
            posts_allowed = value
        role_posts = self._role_posts(ctx, roles)
        if isinstance(role_posts, list):
            missing = builder.missing(ctx, set().union(*(_formula_inputs(version, n) for n in role_posts)))
            return Unpriced(f"Cannot compute the posts allowed per role: {', '.join(missing)} not given.", missing)
        result = reimburse_staff(builder.staff_of(ctx.code), roles, term.accrual, posts_allowed, role_posts)
        if result.missing:
            return Unpriced("Cannot compute: " + "; ".join(result.missing) + ".", result.missing)
        total, _ = split_total(result.exact_by_month)
        explanation = result.explain(total)
        if not term.cap:
            return Payment(total, result.exact_by_month, explanation)
        cap = ctx.env.get(term.cap)
        cap_title = builder.labels.get(term.cap, term.cap)
        if cap is None:
            missing = builder.missing(ctx, _formula_inputs(version, term.cap))
            return Unpriced(f"Claims come to {text.gbp(total)}, but the {cap_title} cannot be computed: "
                            f"{', '.join(missing)} not given.", missing)
        if isinstance(cap, bool) or not isinstance(cap, Decimal):
            raise ValueError(f"{term.cap} is {cap!r}, not a number")
        claimed = exact_sum(a for _, a in result.exact_by_month)
        if claimed <= cap or claimed == 0:
            return Payment(total, result.exact_by_month, explanation)
        # Every month scaled by cap ÷ claims, exactly: the scaled months add up to the cap itself.
        factor = Fraction(cap) / claimed
        scaled: list[tuple[date, Exact]] = [(m, Fraction(a) * factor) for m, a in result.exact_by_month]
        capped, _ = split_total(scaled)
        return Payment(capped, scaled, f"{explanation} Capped at the {cap_title}, {text.gbp(capped)}.")
