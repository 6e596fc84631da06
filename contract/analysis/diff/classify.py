"""Classes of change and the signs they rest on: how an expression moves when one name rises, how a
rewritten expression moved, how often a frequency's words ask, and what a parameter's move means
given where a version uses it (see the package docs for the rules)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from contract.analysis.diff.models import ChangeClass, Direction
from contract.lang.expressions import (
    All,
    Any_,
    Arith,
    Cmp,
    Condition,
    ExpressionError,
    Formula,
    Func,
    IfElse,
    Lit,
    Neg,
    Not,
    Ref,
    Truth,
    parse_condition,
    parse_formula,
)
from contract.spec.schema import Unit

# ---------------------------------------------------------------------------------------------
# Signs: how an expression moves when one name rises

Sign = int | None
"""+1 rises with it, -1 falls, 0 does not depend on it, None: mixed or unknown."""


def combine(*signs: Sign) -> Sign:
    out = 0
    for s in signs:
        if s is None:
            return None
        if s == 0:
            continue
        if out == 0:
            out = s
        elif out != s:
            return None
    return out


def neg(s: Sign) -> Sign:
    return None if s is None else -s


def mul(a: Sign, b: Sign) -> Sign:
    return None if a is None or b is None else a * b


class Signs:
    """Sign analysis over expression trees; names of formula parameters are followed."""

    def __init__(self, formulas: dict[str, Formula]):
        self.formulas = formulas

    def value(self, tree: Formula, name: str, seen: frozenset[str] = frozenset()) -> Sign:
        if isinstance(tree, Ref):
            if tree.name == name:
                return 1
            if tree.name in self.formulas:
                if tree.name in seen:
                    return None
                return self.value(self.formulas[tree.name], name, seen | {tree.name})
            return 0
        if isinstance(tree, Lit):
            return 0
        if isinstance(tree, Arith):
            left, right = self.value(tree.left, name, seen), self.value(tree.right, name, seen)
            return combine(left, right) if tree.op in "+*" else combine(left, neg(right))
        if isinstance(tree, Neg):
            return neg(self.value(tree.operand, name, seen))
        if isinstance(tree, Func):
            args = [self.value(a, name, seen) for a in tree.args]
            if tree.name in ("round_to", "floor_to"):
                return combine(args[0], None if args[1] != 0 else 0)
            return combine(*args)
        if isinstance(tree, IfElse):
            test = self.truth(tree.test, name, seen)
            then, other = self.value(tree.then, name, seen), self.value(tree.other, name, seen)
            if test == 0:
                return combine(then, other)
            if isinstance(tree.then, Lit) and isinstance(tree.other, Lit):
                rising = order(tree.other.value, tree.then.value)
                return combine(mul(test, rising), then, other)
            return None
        return None

    def truth(self, cond: Condition, name: str, seen: frozenset[str] = frozenset()) -> Sign:
        """+1: the condition becomes (no less) true as `name` rises."""
        if isinstance(cond, Truth):
            return self.value(cond.ref, name, seen)
        if isinstance(cond, Cmp):
            left, right = self.value(cond.left, name, seen), self.value(cond.right, name, seen)
            if cond.op in (">=", ">"):
                return combine(left, neg(right))
            if cond.op in ("<=", "<"):
                return combine(neg(left), right)
            return 0 if left == 0 and right == 0 else None
        if isinstance(cond, All | Any_):
            return combine(*(self.truth(i, name, seen) for i in cond.items))
        if isinstance(cond, Not):
            return neg(self.truth(cond.item, name, seen))
        return None


def order(old: object, new: object, key: Callable[[date], tuple] | None = None) -> Sign:
    """+1 when `new` is higher (later) than `old`, -1 lower, 0 equal, None not comparable."""
    if isinstance(old, bool) or isinstance(new, bool):
        if isinstance(old, bool) and isinstance(new, bool):
            return (new > old) - (new < old)
        return None
    if isinstance(old, date) and isinstance(new, date):
        a, b = (key(old), key(new)) if key else (old, new)
        return (b > a) - (b < a)
    if isinstance(old, Decimal | int) and isinstance(new, Decimal | int):
        return (new > old) - (new < old)
    if isinstance(old, tuple) and isinstance(new, tuple):  # places in the contract year
        return (new > old) - (new < old)
    return 0 if old == new else None


# ---------------------------------------------------------------------------------------------
# Rewritten expressions: which way did they move?

_SLOT = "__slot{}__"
_OP_TRUTH = {(">=", ">"): -1, (">", ">="): 1, ("<=", "<"): -1, ("<", "<="): 1}


class _Structural(Exception):
    """The two expressions differ in shape, not only in their numbers."""


class _Slotter:
    """Walk two trees together; each differing literal (or comparison operator) becomes a named
    slot in a template of the old tree, with the sign of its move."""

    def __init__(self, key: Callable[[date], tuple], key_new: Callable[[date], tuple]):
        self.key, self.key_new = key, key_new
        self.signs: dict[str, int] = {}

    def _slot(self, sign: int) -> str:
        name = _SLOT.format(len(self.signs))
        self.signs[name] = sign
        return name

    def lit(self, x: Lit, y: Lit) -> Formula:
        a, b = x.value, y.value
        if a == b:
            return x
        if isinstance(a, date) and isinstance(b, date):
            ka, kb = self.key(a), self.key_new(b)
            sign = (kb > ka) - (kb < ka)
        else:
            sign = order(a, b)
        if sign == 0:
            return x
        if sign is None:
            raise _Structural
        return Ref(self._slot(sign))

    def walk(self, x: Any, y: Any) -> Any:
        if type(x) is not type(y):
            raise _Structural
        if isinstance(x, Lit):
            return self.lit(x, y)
        if isinstance(x, Ref):
            if x.name != y.name:
                raise _Structural
            return x
        if isinstance(x, Cmp):
            left, right = self.walk(x.left, y.left), self.walk(x.right, y.right)
            if x.op == y.op:
                return Cmp(x.op, left, right)
            sign = _OP_TRUTH.get((x.op, y.op))
            if sign is None or left != x.left or right != x.right:
                raise _Structural
            return Truth(Ref(self._slot(sign)))
        if isinstance(x, Truth):
            return Truth(self.walk(x.ref, y.ref))
        if isinstance(x, Arith):
            if x.op != y.op:
                raise _Structural
            return Arith(x.op, self.walk(x.left, y.left), self.walk(x.right, y.right))
        if isinstance(x, Neg):
            return Neg(self.walk(x.operand, y.operand))
        if isinstance(x, Func):
            if x.name != y.name or len(x.args) != len(y.args):
                raise _Structural
            return Func(x.name, tuple(self.walk(a, b) for a, b in zip(x.args, y.args, strict=True)))
        if isinstance(x, IfElse):
            return IfElse(self.walk(x.test, y.test), self.walk(x.then, y.then), self.walk(x.other, y.other))
        if isinstance(x, All | Any_):
            if len(x.items) != len(y.items):
                raise _Structural
            return type(x)(tuple(self.walk(a, b) for a, b in zip(x.items, y.items, strict=True)))
        if isinstance(x, Not):
            return Not(self.walk(x.item, y.item))
        raise _Structural


def _clause_sets(old: Condition, new: Condition) -> Sign:
    """Whole `and`/`or` clauses added or dropped: more `and` clauses make it less often true."""
    for kind, more in ((All, -1), (Any_, 1)):
        a = set(old.items) if isinstance(old, kind) else {old}
        b = set(new.items) if isinstance(new, kind) else {new}
        if a != b and a < b:
            return more
        if a != b and b < a:
            return -more
    return None


def expression_move(old: str, new: str, *, condition: bool, signs: Signs,
                    key_old: Callable[[date], tuple], key_new: Callable[[date], tuple]) -> Sign:
    """How the value (formula) or the truth (condition) moved from `old` to `new`: +1 higher or
    more often true, -1 the reverse, 0 the same rule, None undecidable."""
    parse = parse_condition if condition else parse_formula
    try:
        ta, tb = parse(old), parse(new)
    except ExpressionError:
        return None
    slotter = _Slotter(key_old, key_new)
    try:
        template = slotter.walk(ta, tb)
    except _Structural:
        return _clause_sets(ta, tb) if condition else None
    moves = []
    for name, sign in slotter.signs.items():
        polarity = signs.truth(template, name) if condition else signs.value(template, name)
        moves.append(mul(sign, polarity))
    return combine(*moves) if moves else 0






_FREQUENCIES: list[tuple[str, Decimal]] = [
    (r"\bthroughout\b|\bcontinuous(ly)?\b|\bat all times\b|\bongoing\b|\bpermanent(ly)?\b", Decimal(0)),
    (r"\b(twice|two times) (a|per|each|every) day\b|\btwice daily\b", Decimal("0.5")),
    (r"\bdaily\b|\b(every|each|once a|once per) day\b", Decimal(1)),
    (r"\b(twice|two times) (a|per|each|every) week\b|\btwice weekly\b", Decimal("3.5")),
    (r"\bfortnight(ly)?\b|\bevery (two|2) weeks\b", Decimal(14)),
    (r"\bweekly\b|\b(every|each|once a|once per|per) week\b", Decimal(7)),
    (r"\b(twice|two times) (a|per|each|every) month\b|\btwice monthly\b", Decimal(15)),
    (r"\bmonthly\b|\b(every|each|once a|once per|per) month\b", Decimal(30)),
    (r"\bquarter(ly)?\b|\bevery (three|3) months\b", Decimal(91)),
    (r"\bsix[- ]monthly\b|\bhalf[- ]year(ly)?\b|\b(twice|two times) (a|per|each|every) year\b"
     r"|\bevery (six|6) months\b", Decimal(182)),
    (r"\bannual(ly)?\b|\byearly\b|\b(every|each|once a|once per|per) year\b", Decimal(365)),
    (r"\bonce\b|\bone[- ]off\b|\bsingle\b", Decimal(10) ** 6),
]


def frequencies(text: str | None) -> frozenset[Decimal]:
    """Every interval a frequency's words mention, in days (a one-off is a very long interval):
    "weekly; GP-led at least fortnightly" is {7, 14}. Patterns are tried most specific first, and
    the words a pattern matched are not read again ("once a week" is weekly, not also once)."""
    found: set[Decimal] = set()
    rest = (text or "").lower()
    for pattern, days in _FREQUENCIES:
        if re.search(pattern, rest):
            found.add(days)
            rest = re.sub(pattern, " ", rest)
    return frozenset(found)


def frequency_days(text: str | None) -> Decimal | None:
    """The shortest interval the words mention, in days; None when none is recognised."""
    found = frequencies(text)
    return min(found) if found else None


def frequency_class(old: str | None, new: str | None) -> ChangeClass:
    """More often is stricter. Several duties: dropping one is looser, adding one stricter."""
    a, b = frequencies(old), frequencies(new)
    if not a or not b:
        return ChangeClass.undetermined
    if a == b:
        return ChangeClass.editorial
    if len(a) == len(b) == 1:
        return strictness_class(1 if min(b) < min(a) else -1)
    if b < a:
        return ChangeClass.looser
    if a < b:
        return ChangeClass.stricter
    return ChangeClass.undetermined



def strictness_class(sign: int) -> ChangeClass:
    return ChangeClass.stricter if sign > 0 else ChangeClass.looser


def funding_class(sign: int) -> ChangeClass:
    return ChangeClass.funding_up if sign > 0 else ChangeClass.funding_down




def param_class(unit: Unit, move: Sign, usage: tuple[Sign, Sign]) -> tuple[ChangeClass, Direction | None]:
    """The class of a parameter whose value moved by `move` (+1 up or later), from its usage."""
    if move is None or move == 0:
        return ChangeClass.undetermined, None
    funding, strict = usage
    if unit is Unit.date:
        if strict in (None, 0):
            return ChangeClass.timing, None
        return ChangeClass.timing, Direction.stricter if move * strict > 0 else Direction.looser
    if funding is None or strict is None:
        return ChangeClass.undetermined, None
    if funding == 0 and strict == 0:
        if unit is not Unit.gbp:
            return ChangeClass.undetermined, None
        funding = 1
    if funding != 0 and (strict == 0 or unit is Unit.gbp):
        return funding_class(move * funding), None
    return strictness_class(move * strict), None


