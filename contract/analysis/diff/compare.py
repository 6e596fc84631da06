"""Comparing two versions term by term: each kind of term's fields, whole terms added or removed,
and the money attached to each change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from contract.analysis.diff.classify import (
    Sign,
    combine,
    expression_move,
    frequency_class,
    funding_class,
    order,
    param_class,
)
from contract.analysis.diff.models import (
    OPPOSITE,
    RANK,
    ChangeClass,
    Direction,
    FieldChange,
    Money,
    Shift,
    TermChange,
    TermState,
)
from contract.analysis.diff.money import NOTHING
from contract.analysis.diff.moves import Moves
from contract.analysis.diff.pair import Pair
from contract.analysis.diff.side import Side, is_date
from contract.analysis.diff.values import show_period, show_schedule, show_value, typed
from contract.spec.schema import (
    Entitlement,
    Obligation,
    Parameter,
    RatePeriod,
    RolesTable,
    Sanction,
    Unit,
)


def _notes(*notes: str | None) -> str | None:
    """Notes of both sides, in a fixed order (so that swapping the versions swaps nothing else)."""
    found = sorted({n for n in notes if n})
    return "; ".join(found) or None



class Differ:
    """Compares the terms of two sides; `moves` are the payment lines whose money moved into others."""

    def __init__(self, a: Side, b: Side, moves: Moves):
        self.a, self.b, self.moves = a, b, moves

    def usage(self, pid: str) -> tuple[Sign, Sign]:
        fa, sa = self.a.usage(pid) if pid in self.a.version.terms else (0, 0)
        fb, sb = self.b.usage(pid) if pid in self.b.version.terms else (0, 0)
        return combine(fa, fb), combine(sa, sb)

    # -- per kind -------------------------------------------------------------------------

    def compare(self, ta: Any, tb: Any) -> list[FieldChange]:
        p = Pair(self.a, self.b)
        if ta.kind != tb.kind:
            p.add("kind", "kind of term", ta.kind, tb.kind, ChangeClass.undetermined)
        p.text("title", "title", ta.title, tb.title)
        p.text("summary", "summary", ta.summary, tb.summary)
        if ta.service != tb.service:
            p.add("service", "service heading", ta.service, tb.service, ChangeClass.editorial)
        if ta.notes != tb.notes:
            p.text("notes", "notes", " ".join(ta.notes), " ".join(tb.notes))
        handled = {"title", "summary", "service", "notes", "in_effect"}
        if ta.kind == tb.kind:
            compare = {"parameter": self._parameter, "obligation": self._obligation,
                       "entitlement": self._entitlement, "sanction": self._sanction,
                       "roles": self._roles}.get(ta.kind)
            if compare is not None:
                handled |= compare(p, ta, tb)
            if ta.kind != "entitlement":
                self._in_effect(p, ta, tb)
            p.remaining(ta, tb, handled)
        return p.out

    def _in_effect(self, p: Pair, ta: Any, tb: Any) -> None:
        if ta.in_effect == tb.in_effect:
            return
        obligation = isinstance(ta, Obligation)
        start_a = ta.in_effect.start if ta.in_effect else self.a.start
        start_b = tb.in_effect.start if tb.in_effect else self.b.start
        end_a = ta.in_effect.end if ta.in_effect else self.a.end
        end_b = tb.in_effect.end if tb.in_effect else self.b.end
        p.timing("in_effect.start", "takes effect", start_a, start_b,
                 Direction.stricter if obligation else None)
        p.timing("in_effect.end", "ceases", end_a, end_b, Direction.looser if obligation else None)

    def _parameter(self, p: Pair, ta: Parameter, tb: Parameter) -> set[str]:
        handled = {"unit", "per", "period", "level", "values", "formula", "rounding"}
        usage = self.usage(tb.id)
        same_basis = ta.unit is tb.unit and ta.per == tb.per and ta.period == tb.period
        money_cls = None
        if not same_basis:
            (old, _), used_a = self.a.rate_money(ta.id)
            (new, _), used_b = self.b.rate_money(tb.id)
            if old is not None and new is not None and (used_a or used_b) and old != new:
                money_cls = funding_class(1 if new > old else -1)
        basis_fields = Pair(self.a, self.b)  # listed after the values, which say more
        for attr, label in (("unit", "unit"), ("per", "basis of the rate"), ("period", "period of the rate")):
            va, vb = getattr(ta, attr), getattr(tb, attr)
            if va != vb:
                basis_fields.add(attr, label, va.value if va else None, vb.value if vb else None,
                                 money_cls or ChangeClass.undetermined)
        self._values(p, ta, tb, usage, same_basis, money_cls)
        p.out.extend(basis_fields.out)
        return handled

    def _values(self, p: Pair, ta: Parameter, tb: Parameter, usage: tuple[Sign, Sign], same_basis: bool,
                money_cls: ChangeClass | None) -> None:
        if ta.level != tb.level:
            p.add("level", "level", ta.level.value, tb.level.value, ChangeClass.undetermined)
        if ta.rounding != tb.rounding:
            p.add("rounding", "rounding", ta.rounding, tb.rounding, ChangeClass.undetermined)
        if bool(ta.formula) != bool(tb.formula):
            p.add("definition", "definition", show_schedule(ta), show_schedule(tb),
                  money_cls or ChangeClass.undetermined)
            return
        if ta.formula and tb.formula:
            move = expression_move(ta.formula, tb.formula, condition=False, signs=self.b.signs,
                                   key_old=self.a.key, key_new=self.b.key)
            if move == 0:
                return  # the same formula (spacing, or dates rolled into the next year)
            cls, direction = param_class(tb.unit, move, usage)
            p.add("formula", "formula", ta.formula, tb.formula, cls, direction=direction)
            return
        # Dated values: the value in force at the start of each year, then the dated list.
        va, vb = self.a.start_value(ta), self.b.start_value(tb)
        if money_cls is not None:
            if va != vb:
                p.add("value", "value at the start of the year", show_value(ta, va), show_value(tb, vb), money_cls)
        else:
            move = self._value_move(ta, tb, va, vb)
            if move != 0:
                cls, direction = param_class(tb.unit, move, usage) if same_basis else (ChangeClass.undetermined, None)
                extra: dict[str, Any] = {"direction": direction}
                if cls is ChangeClass.timing and move:
                    extra["shift"] = Shift.later if move > 0 else Shift.earlier
                if va is None or vb is None:
                    cls, extra = self._profile_class(ta, tb, usage, same_basis)
                p.add("value", "value at the start of the year", show_value(ta, va), show_value(tb, vb),
                      cls, **extra)
        if (self.a.has_midyear_value(ta) or self.b.has_midyear_value(tb)) and \
                self._raw(ta) != self._raw(tb) and self._aligned(ta, self.a) != self._aligned(tb, self.b):
            cls, extra = (money_cls, {}) if money_cls else self._profile_class(ta, tb, usage, same_basis)
            if cls is not None:
                p.add("values", "dated values", show_schedule(ta), show_schedule(tb), cls, **extra)

    @staticmethod
    def _raw(param: Parameter) -> list[tuple]:
        return [(v.effective, typed(param, v.value)) for v in param.values]

    def _aligned(self, param: Parameter, side: Side) -> list[tuple]:
        """Dated values with every date as its place in the contract year."""
        out = []
        for v in param.values:
            value = typed(param, v.value)
            out.append((side.key(v.effective), side.key(value) if isinstance(value, date) else value))
        return out

    def _value_move(self, ta: Parameter, tb: Parameter, va: object, vb: object) -> Sign:
        if va is None and vb is None:
            return 0
        if va is None or vb is None:
            return None
        if isinstance(va, date) and isinstance(vb, date):
            return 0 if va == vb else order(self.a.key(va), self.b.key(vb))
        return order(va, vb)

    def _profile_class(self, ta: Parameter, tb: Parameter, usage: tuple[Sign, Sign],
                       same_basis: bool) -> tuple[ChangeClass | None, dict[str, Any]]:
        """Compare the value in force month by month over the two contract years."""
        pa, pb = self.a.profile(ta), self.b.profile(tb)
        moves: list[Sign] = []
        for x, y in zip(pa, pb, strict=False):
            if tb.unit is Unit.gbp:
                x = Decimal(0) if x is None else x
                y = Decimal(0) if y is None else y
            if x is None and y is None:
                continue
            if x is None or y is None:
                moves.append(None)
            elif x == y:
                moves.append(0)
            elif isinstance(x, date) and isinstance(y, date):
                moves.append(order(self.a.key(x), self.b.key(y)))
            else:
                moves.append(order(x, y))
        move = combine(*moves)
        if move == 0:
            return ChangeClass.editorial, {}
        if not same_basis:
            return ChangeClass.undetermined, {}
        cls, direction = param_class(tb.unit, move, usage)
        extra: dict[str, Any] = {"direction": direction}
        if cls is ChangeClass.timing and move:
            extra["shift"] = Shift.later if move > 0 else Shift.earlier
        return cls, extra

    def _obligation(self, p: Pair, ta: Obligation, tb: Obligation) -> set[str]:
        if ta.level != tb.level:
            p.add("level", "level", ta.level.value, tb.level.value, ChangeClass.undetermined)
        p.text("who", "who must do it", ta.who, tb.who, ChangeClass.undetermined)
        p.expression("applies_when", "applies when", ta.applies_when, tb.applies_when,
                     when_truer=ChangeClass.stricter, when_added=ChangeClass.looser)
        p.expression("requirement", "requirement", ta.requirement, tb.requirement,
                     when_truer=ChangeClass.looser, when_added=ChangeClass.stricter)
        if ta.due != tb.due:
            # Only a changed reference is this term's change; a deadline parameter that moved is
            # the parameter's change (which lists the terms that use it).
            before = len(p.out)
            due_a, due_b = self.a.due_date(ta.due), self.b.due_date(tb.due)
            p.timing("due", "due", due_a, due_b, Direction.stricter,
                     words=(self.a.due_words(ta.due, due_a), self.b.due_words(tb.due, due_b)))
            if len(p.out) == before and not (ta.due and tb.due and is_date(ta.due) and is_date(tb.due)):
                p.add("due", "due", ta.due, tb.due, ChangeClass.editorial)
        if (ta.frequency or "") != (tb.frequency or ""):
            p.add("frequency", "frequency", ta.frequency, tb.frequency, frequency_class(ta.frequency, tb.frequency))
        p.sets("funds", "payments at risk when not met", ta.funds, tb.funds,
               ChangeClass.stricter, ChangeClass.looser)
        p.sets("funded_by", "payments that fund it", ta.funded_by, tb.funded_by,
               ChangeClass.funding_up, ChangeClass.funding_down)
        p.text("workload", "workload", ta.workload, tb.workload)
        return {"level", "who", "applies_when", "requirement", "due", "frequency", "funds", "funded_by", "workload"}

    def _entitlement(self, p: Pair, ta: Entitlement, tb: Entitlement) -> set[str]:
        for attr in ("level", "payer", "payee", "method"):
            va, vb = getattr(ta, attr), getattr(tb, attr)
            if va != vb:
                p.add(attr, attr, getattr(va, "value", va), getattr(vb, "value", vb), ChangeClass.undetermined)
        p.expression("eligible_when", "eligible when", ta.eligible_when, tb.eligible_when,
                     when_truer=ChangeClass.funding_up, when_added=ChangeClass.funding_down)
        old, new = self.a.line(ta.id).amount, self.b.line(tb.id).amount
        priced = old is not None and new is not None and old != new
        for attr, label in (("rate", "rate"), ("basis", "basis")):
            va, vb = getattr(ta, attr), getattr(tb, attr)
            if va != vb:
                cls = funding_class(1 if new > old else -1) if priced else ChangeClass.undetermined  # type: ignore[operator]
                p.add(attr, label, va, vb, cls)
        if ta.roles != tb.roles:
            p.add("roles", "roles table", ta.roles, tb.roles, ChangeClass.undetermined)
        kept_a, _ = self.a.accrual_months(ta)
        kept_b, _ = self.b.accrual_months(tb)
        whole_period = any(isinstance(r := side.version.terms.get(t.rate or ""), Parameter)
                           and r.period is RatePeriod.period for side, t in ((self.a, ta), (self.b, tb)))
        words_a = f"{show_period(ta.accrual)}, {len(kept_a)} month(s) accruing"
        words_b = f"{show_period(tb.accrual)}, {len(kept_b)} month(s) accruing"
        keys_a = [self.a.key(m) for m in kept_a]
        keys_b = [self.b.key(m) for m in kept_b]
        if kept_a != kept_b and keys_a != keys_b:
            if len(kept_a) != len(kept_b):
                # More months pay more, unless a rate is for the whole period: then the money decides.
                if old is not None and new is not None and old != new:
                    cls = funding_class(1 if new > old else -1)
                elif whole_period or (old is not None and new is not None):
                    cls = ChangeClass.timing if old is not None and old == new else ChangeClass.undetermined
                else:
                    cls = funding_class(1 if len(kept_b) > len(kept_a) else -1)
                p.add("accrual", "months the money accrues for", words_a, words_b, cls)
            else:
                first_a = keys_a[0] if keys_a else (99,)
                first_b = keys_b[0] if keys_b else (99,)
                shift = Shift.later if first_b > first_a else Shift.earlier if first_b < first_a else None
                p.add("accrual", "months the money accrues for", words_a, words_b, ChangeClass.timing, shift=shift)
        if ta.schedule.kind != tb.schedule.kind:
            p.add("schedule.kind", "payment schedule", ta.schedule.kind.value, tb.schedule.kind.value,
                  ChangeClass.undetermined)
        fa, fb = ta.schedule.first_payment, tb.schedule.first_payment
        if (fa is None) != (fb is None):
            p.add("schedule.first_payment", "first payment", fa, fb, ChangeClass.timing)
        elif fa and fb:
            p.timing("schedule.first_payment", "first payment", fa, fb, None)
        p.text("schedule.description", "payment schedule (words)", ta.schedule.description, tb.schedule.description)
        extra_a = ta.schedule.model_dump(exclude={"kind", "first_payment", "description"})
        extra_b = tb.schedule.model_dump(exclude={"kind", "first_payment", "description"})
        for attr in sorted(extra_a.keys() | extra_b.keys()):
            x, y = extra_a.get(attr), extra_b.get(attr)
            if isinstance(x, date) and isinstance(y, date):
                p.timing(f"schedule.{attr}", f"schedule: {attr.replace('_', ' ')}", x, y, None)
            elif x != y:
                p.add(f"schedule.{attr}", f"schedule: {attr.replace('_', ' ')}", x, y, ChangeClass.timing)
        return {"level", "payer", "payee", "method", "eligible_when", "rate", "basis", "roles", "accrual",
                "schedule", "in_effect"}

    def _sanction(self, p: Pair, ta: Sanction, tb: Sanction) -> set[str]:
        if ta.level != tb.level:
            p.add("level", "level", ta.level.value, tb.level.value, ChangeClass.undetermined)
        if set(ta.applies_to) != set(tb.applies_to):
            # An empty list means every obligation of the version.
            a, b = set(ta.applies_to), set(tb.applies_to)
            if not a:
                cls = ChangeClass.looser
            elif not b:
                cls = ChangeClass.stricter
            else:
                cls = ChangeClass.stricter if a < b else ChangeClass.looser if b < a else ChangeClass.undetermined
            p.add("applies_to", "obligations it enforces", sorted(a) or "every obligation",
                  sorted(b) or "every obligation", cls)
        p.rows("steps", "step", ta.steps, tb.steps, "state", ChangeClass.stricter, ordered=True)
        return {"level", "applies_to", "steps"}

    def _roles(self, p: Pair, ta: RolesTable, tb: RolesTable) -> set[str]:
        p.rows("roles", "role", ta.roles, tb.roles, "role", ChangeClass.funding_up, start_clamp=True)
        if ta.posts_per_role != tb.posts_per_role:
            # No posts_per_role: no limit on posts per role (the reimbursement applies to every post).
            cls = ChangeClass.undetermined
            if ta.posts_per_role is None or tb.posts_per_role is None:
                cls = funding_class(1 if tb.posts_per_role is None else -1)
            p.add("posts_per_role", "posts reimbursed per role", ta.posts_per_role or "no limit",
                  tb.posts_per_role or "no limit", cls)
        if ta.requires_additional != tb.requires_additional:
            p.add("requires_additional", "posts must be additional", ta.requires_additional,
                  tb.requires_additional, funding_class(-1 if tb.requires_additional else 1))
        return {"roles", "posts_per_role", "requires_additional"}

    # -- whole terms -----------------------------------------------------------------------

    def money(self, term: Any, side_a: Any, side_b: Any, substantive: bool) -> Money | None:
        """Money attached to a term's change: its own line, or the lines paid at a rate whose value
        or definition changed."""
        kind = (side_b or side_a).kind
        if kind == "entitlement":
            old, note_a = self.a.line(term) if side_a else NOTHING
            new, note_b = self.b.line(term) if side_b else NOTHING
        elif kind == "parameter" and (side_b or side_a).unit is Unit.gbp and substantive:
            (old, note_a), used_a = self.a.rate_money(term) if side_a else (NOTHING, False)
            (new, note_b), used_b = self.b.rate_money(term) if side_b else (NOTHING, False)
            if not (used_a or used_b):
                return None
        else:
            return None
        delta = new - old if old is not None and new is not None else None
        return Money(old=old, new=new, delta=delta, note=_notes(note_a, note_b))

    def term_change(self, tid: str) -> TermChange | None:
        ta, tb = self.a.version.terms.get(tid), self.b.version.terms.get(tid)
        term = tb or ta
        assert term is not None
        unfunded = False
        if ta is None or tb is None:
            state = TermState.added if ta is None else TermState.removed
            cls = _ADDED.get(term.kind, ChangeClass.editorial)
            if state is TermState.removed:
                cls = OPPOSITE[cls]
            fields: list[FieldChange] = []
            if isinstance(term, Parameter):
                shown = show_schedule(term)
                fields.append(FieldChange(field="value", label="value", old=None if ta is None else shown,
                                          new=shown if ta is None else None, classification=cls))
            if isinstance(term, Entitlement) and isinstance(
                    rate := (self.b if ta is None else self.a).version.terms.get(term.rate or ""), Parameter):
                shown = show_schedule(rate)
                fields.append(FieldChange(field="rate", label="rate", old=None if ta is None else shown,
                                          new=shown if ta is None else None, classification=cls))
            if isinstance(term, Obligation) and ta is None:
                unfunded = not term.funded_by
            if self.moves.involves(tid):
                cls = ChangeClass.moved
                fields = [f.model_copy(update={"classification": cls}) for f in fields]
            classes = [cls]
        else:
            fields = self.compare(ta, tb)
            if not fields:
                return None
            state = TermState.changed
            found = {f.classification for f in fields}
            substantive = found - {ChangeClass.editorial}
            classes = sorted(substantive or found, key=RANK.__getitem__)
        return TermChange(
            id=tid, title=term.title, kind=term.kind, service=term.service, state=state, classes=classes,
            fields=fields, unfunded=unfunded, money=self.money(tid, ta, tb, classes != [ChangeClass.editorial]),
            used_by=sorted(set(self.a.users(tid)) | set(self.b.users(tid))) if term.kind == "parameter" else [],
            moved_to=self.moves.moved_to(tid), moved_from=self.moves.moved_from(tid),
            summary=term.summary, citations_a=self.a.citations(tid), citations_b=self.b.citations(tid),
            reason_a=self.a.reason(tid), reason_b=self.b.reason(tid),
            file_a=self.a.version.files.get(tid) if ta else None, file_b=self.b.version.files.get(tid) if tb else None,
        )


_ADDED = {
    "obligation": ChangeClass.new_obligation,
    "entitlement": ChangeClass.funding_up,
    "roles": ChangeClass.funding_up,
    "sanction": ChangeClass.stricter,
}

