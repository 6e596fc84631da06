"""Comparing one term's fields across the two sides: words, sets, dates, expressions and table rows,
each change classified (the rules are in the package docs)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from contract.analysis.diff.classify import (
    Signs,
    expression_move,
    funding_class,
    order,
    strictness_class,
)
from contract.analysis.diff.models import OPPOSITE, ChangeClass, Direction, FieldChange, Shift
from contract.analysis.diff.side import Side
from contract.lang import text as fmt
from contract.lang.expressions import describe_value
from contract.lang.redline import redline

_TEXT_FIELDS = {"title": "title", "summary": "summary", "workload": "workload", "who": "who",
                "description": "description"}
_NUMBER_RULES: dict[str, tuple[str, int]] = {
    # field name of a table row -> (funding or strictness, the sign of a rise)
    "reimbursed_percent": ("funding", 1),
    "max_per_wte_year": ("funding", 1),
    "available_from": ("funding", -1),
    "points": ("funding", 1),
    "max_points": ("funding", 1),
    "lower": ("strictness", 1),
    "upper": ("strictness", 1),
    "cure_days": ("strictness", -1),
}
_NONE_IS_UNLIMITED = {"max_per_wte_year"}
_MONEY_FIELDS = {"max_per_wte_year"}
"""Row fields that hold money (a role's maximum, £ per whole-time equivalent a year): written as
rates (contract.lang.text.rate), as the parameters' values are."""


def _words(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, BaseModel):
        return ", ".join(f"{k}: {v}" for k, v in value.model_dump(mode="json", exclude_none=True).items())
    if isinstance(value, int) and not isinstance(value, bool):
        return fmt.number(value)  # 1,250, as describe_value writes a whole number
    if isinstance(value, bool | date | Decimal):
        return describe_value(value)
    return str(value)


class Pair:
    """Compares one term across the two sides."""

    def __init__(self, a: Side, b: Side):
        self.a, self.b = a, b
        self.out: list[FieldChange] = []

    def add(self, field_: str, label: str, old: object, new: object, cls: ChangeClass, **extra) -> None:
        self.out.append(FieldChange(field=field_, label=label, old=_words(old), new=_words(new),
                                    classification=cls, **extra))

    def text(self, field_: str, label: str, old: str | None, new: str | None,
             cls: ChangeClass = ChangeClass.editorial) -> None:
        if " ".join((old or "").split()) == " ".join((new or "").split()):
            return
        lines = redline(old, new) if old and new else None
        self.add(field_, label, old, new, cls, redline=lines)

    def sets(self, field_: str, label: str, old: Iterable[str], new: Iterable[str],
             more: ChangeClass, fewer: ChangeClass) -> None:
        a, b = set(old), set(new)
        if a == b:
            return
        cls = more if a < b else fewer if b < a else ChangeClass.undetermined
        self.add(field_, label, sorted(a), sorted(b), cls)

    def timing(self, field_: str, label: str, old: date, new: date, earlier_is: Direction | None,
               words: tuple[str, str] | None = None) -> None:
        ka, kb = self.a.key(old), self.b.key(new)
        if old == new or ka == kb:
            return
        shift = Shift.later if kb > ka else Shift.earlier
        direction = None
        if earlier_is is not None:
            opposite = Direction.looser if earlier_is is Direction.stricter else Direction.stricter
            direction = earlier_is if shift is Shift.earlier else opposite
        shown = words or (old, new)
        self.add(field_, label, shown[0], shown[1], ChangeClass.timing, direction=direction, shift=shift)

    def expression(self, field_: str, label: str, old: str | None, new: str | None,
                   when_truer: ChangeClass, when_added: ChangeClass, condition: bool = True,
                   signs: Signs | None = None) -> None:
        """A condition or formula. `when_truer`: the class when it becomes true more often (or its
        value rises); `when_added`: the class when a condition appears where there was none."""
        if old == new:
            return
        if old is None or new is None:
            cls = when_added if old is None else OPPOSITE[when_added]
            self.add(field_, label, old, new, cls)
            return
        move = expression_move(old, new, condition=condition, signs=signs or self.b.signs,
                               key_old=self.a.key, key_new=self.b.key)
        if move == 0:
            return  # the same rule: spacing, or its dates rolled to the same point of the year
        cls = ChangeClass.undetermined if move is None else when_truer if move > 0 else OPPOSITE[when_truer]
        self.add(field_, label, old, new, cls)

    # -- rows of tables (roles, indicators, sanction steps) ---------------------------------

    def rows(self, field_: str, label: str, old: list, new: list, key: str,
             added: ChangeClass, start_clamp: bool = False, ordered: bool = False) -> None:
        a = {getattr(r, key): r for r in old}
        b = {getattr(r, key): r for r in new}
        for k in sorted(a.keys() | b.keys()):
            ra, rb = a.get(k), b.get(k)
            name = getattr(rb or ra, "title", k)
            if ra is None:
                self.add(f"{field_}.{k}", f"{label}: {name}", None, name, added)
                continue
            if rb is None:
                self.add(f"{field_}.{k}", f"{label}: {name}", name, None, OPPOSITE[added])
                continue
            for attr in type(ra).model_fields:
                if attr in (key, "citations"):
                    continue
                va, vb = getattr(ra, attr), getattr(rb, attr, None)
                path, words = f"{field_}.{k}.{attr}", f"{label} {name}: {attr.replace('_', ' ')}"
                if attr in _TEXT_FIELDS and isinstance(va, str | None) and isinstance(vb, str | None):
                    self.text(path, words, va, vb)
                    continue
                if isinstance(va, date) and isinstance(vb, date):
                    if va == vb:
                        continue
                    if start_clamp:
                        va, vb = max(va, self.a.start), max(vb, self.b.start)
                    sign = order(self.a.key(va), self.b.key(vb))
                    if sign:
                        rule = _NUMBER_RULES.get(attr)
                        cls = ChangeClass.timing if rule is None else \
                            (funding_class if rule[0] == "funding" else strictness_class)(sign * rule[1])
                        shift = (Shift.later if sign > 0 else Shift.earlier) if cls is ChangeClass.timing else None
                        self.add(path, words, getattr(ra, attr), getattr(rb, attr), cls, shift=shift)
                    continue
                if va == vb:
                    continue
                rule = _NUMBER_RULES.get(attr)
                if rule and attr in _NONE_IS_UNLIMITED and (va is None or vb is None):
                    sign = 1 if va is not None else -1
                    va, vb = va if va is not None else "no maximum", vb if vb is not None else "no maximum"
                elif rule and isinstance(va, Decimal | int) and isinstance(vb, Decimal | int):
                    sign = order(va, vb) or 0
                else:
                    rule, sign = None, 0
                if rule and sign:
                    cls = (funding_class if rule[0] == "funding" else strictness_class)(sign * rule[1])
                else:
                    cls = ChangeClass.undetermined
                if attr in _MONEY_FIELDS:
                    va, vb = _money_words(va), _money_words(vb)
                self.add(path, words, va, vb, cls)
        common = [k for k in a if k in b]
        if ordered and common != [k for k in b if k in a]:
            self.add(f"{field_}.order", f"{label}: order", common, [k for k in b if k in a], ChangeClass.undetermined)

    # -- the generic fallback ---------------------------------------------------------------

    def remaining(self, ta: Any, tb: Any, handled: set[str]) -> None:
        """Any field not compared above (the schema grows): words are editorial, the rest changed."""
        for name in type(tb).model_fields:
            if name in handled or name in ("id", "kind", "citations") or name not in type(ta).model_fields:
                continue
            va, vb = getattr(ta, name), getattr(tb, name)
            if _dump(va) == _dump(vb):
                continue
            if name in _NUMBER_RULES and isinstance(va, Decimal | int) and isinstance(vb, Decimal | int):
                kind, sign = _NUMBER_RULES[name]
                self.add(name, name.replace("_", " "), va, vb,
                         (funding_class if kind == "funding" else strictness_class)(order(va, vb) * sign))  # type: ignore[operator]
            elif isinstance(va, str | None) and isinstance(vb, str | None) and name in _TEXT_FIELDS:
                self.text(name, name.replace("_", " "), va, vb)
            elif isinstance(va or vb, list) and (va or vb) and hasattr((va or vb)[0], "id"):
                self.rows(name, name.replace("_", " "), va or [], vb or [], "id", ChangeClass.undetermined)
            else:
                self.add(name, name.replace("_", " "), va, vb, ChangeClass.undetermined)


def _money_words(value: object) -> object:
    """£37,810 for an amount; anything else ("no maximum", none) as it is."""
    return fmt.rate(value) if isinstance(value, Decimal | int) and not isinstance(value, bool) else value


def _dump(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    return value

