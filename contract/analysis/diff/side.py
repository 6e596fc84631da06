"""One side of a comparison: a version, its contract year, how its terms use each parameter, and
its payment lines priced for the average network (contract.analysis.diff.money)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from contract.analysis.diff.classify import Sign, Signs, combine, neg
from contract.analysis.diff.money import LinePrice, Pricing
from contract.analysis.diff.values import typed, value_at
from contract.evaluation.money import months
from contract.lang.expressions import ExpressionError, Formula, Ref, describe_value, parse_condition, parse_formula
from contract.spec import references
from contract.spec.schema import Citation, Entitlement, Obligation, Parameter, RolesTable, Version


def is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass
class Side:
    version: Version
    pricing: Pricing
    _usage: dict[str, tuple[Sign, Sign]] = field(default_factory=dict)

    @property
    def start(self) -> date:
        return self.version.meta.in_force.start

    @property
    def end(self) -> date:
        return self.version.meta.in_force.end

    def key(self, day: date) -> tuple[int, int, int]:
        """A date's place in this version's contract year (whole years counted from its start)."""
        return (day.year - self.start.year, day.month, day.day)

    @cached_property
    def formulas(self) -> dict[str, Formula]:
        found = {}
        for t in self.version.terms.values():
            if isinstance(t, Parameter) and t.formula:
                try:
                    found[t.id] = parse_formula(t.formula)
                except ExpressionError:
                    continue
        return found

    @cached_property
    def signs(self) -> Signs:
        return Signs(self.formulas)

    def usage(self, pid: str) -> tuple[Sign, Sign]:
        """How a rise in parameter `pid` moves the money (funding) and the obligations
        (strictness) of this version."""
        if pid not in self._usage:
            self._usage[pid] = self._compute_usage(pid)
        return self._usage[pid]

    def _compute_usage(self, pid: str) -> tuple[Sign, Sign]:
        funding: list[Sign] = []
        strict: list[Sign] = []
        signs = self.signs

        def cond(text: str | None) -> Sign:
            if not text:
                return 0
            try:
                return signs.truth(parse_condition(text), pid)
            except ExpressionError:
                return None

        for term in self.version.terms.values():
            if isinstance(term, Entitlement):
                for ref in (term.rate, term.basis):
                    if ref:
                        try:
                            funding.append(signs.value(parse_formula(ref), pid))
                        except ExpressionError:
                            funding.append(None)
                funding.append(cond(term.eligible_when))
            elif isinstance(term, Obligation):
                strict.append(neg(cond(term.requirement)))
                strict.append(cond(term.applies_when))
                if term.due == pid:
                    strict.append(-1)
            elif isinstance(term, RolesTable) and term.posts_per_role:
                funding.append(signs.value(Ref(term.posts_per_role), pid))
        return combine(*funding), combine(*strict)

    def users(self, pid: str) -> list[str]:
        """Terms that read term `pid` (contract.spec.references: expressions and references)."""
        return references.users(self.version, pid) if pid in self.version.terms else []

    def citations(self, tid: str) -> list[Citation]:
        term = self.version.terms.get(tid)
        if term is not None:
            return list(term.citations)
        for change in self.version.meta.changes:
            if change.id == tid and change.op.value == "remove":
                return list(change.citations)
        return list(self.version.meta.sources)

    def reason(self, tid: str) -> str | None:
        found = [c.reason for c in self.version.meta.changes if c.id == tid]
        return " ".join(found) or None

    # -- values, as known at the end of the version's year (as the pricing evaluates them) ----

    def value_on(self, param: Parameter, day: date) -> object:
        found = value_at(param, day, self.end)
        return None if found is None else typed(param, found.value)

    def start_value(self, param: Parameter) -> object:
        return self.value_on(param, self.start)

    def profile(self, param: Parameter) -> list[object]:
        """The value in force at the start of each month of the contract year."""
        return [self.value_on(param, m) for m in months(self.start, self.end)]

    def has_midyear_value(self, param: Parameter) -> bool:
        return any(self.start < v.effective <= self.end for v in param.values)

    def due_date(self, due: str | None) -> date:
        """An obligation's due date. No `due`, or a date before the version starts, means due from
        the start of the version."""
        if due is None:
            return self.start
        if is_date(due):
            return max(date.fromisoformat(due), self.start)
        param = self.version.terms.get(due)
        if isinstance(param, Parameter) and param.values:
            value = self.start_value(param)
            if value is None:
                value = typed(param, param.values[0].value)
            if isinstance(value, date):
                return max(value, self.start)
        return self.start

    def due_words(self, due: str | None, day: date) -> str:
        if due is None or day == self.start:
            return f"from the start ({describe_value(day)})" + (f" ({due})" if due and not is_date(due) else "")
        if is_date(due):
            return describe_value(day)
        return f"{describe_value(day)} ({due})"

    def accrual_months(self, ent: Entitlement) -> tuple[list[date], int]:
        """The months an entitlement accrues for (within its in_effect), and the accrual length."""
        every = months(ent.accrual.start, ent.accrual.end)
        kept = [m for m in every if not ent.in_effect or ent.in_effect.start <= m <= ent.in_effect.end]
        return kept, len(every)

    # -- money ---------------------------------------------------------------------------------

    def line(self, tid: str) -> LinePrice:
        """A payment line's money for the average network (absent: nothing paid)."""
        return self.pricing.line(tid)

    def rate_money(self, pid: str) -> tuple[LinePrice, bool]:
        """Money of every line this version pays at rate `pid`, and whether any line uses it."""
        users = [t.id for t in self.version.terms.values() if isinstance(t, Entitlement) and t.rate == pid]
        return self.pricing.total(users), bool(users)
