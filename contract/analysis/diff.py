"""What changed between two versions, term by term, with the money and the work it carries.

``diff(a, b)`` lines the terms of two versions up on their stable ids and returns a
:class:`VersionDiff`: the terms added, removed and changed; for each change the fields that moved
(old → new, in words), each field change classified; the money for an average network; the
obligations that arrive with no funding; and a one-paragraph summary generated from all of that.
``diff_many([v1, v2, v3...])`` lines each term up across a sequence of versions (draft → final →
amended; terms in force → proposal → outcome) and says, version by version, whether it is absent,
the same, or changed and how.

Everything is read from the specs; nothing about a particular term is written here. The rules:

**Classes.** Every field change gets one class:

- ``stricter`` / ``looser``: the obligations ask more (or less) of practices and networks;
- ``new_obligation`` / ``obligation_dropped``: an obligation added or removed;
- ``funding_up`` / ``funding_down``: more (or less) money, or money on easier (or harder) terms;
- ``timing``: something moved in time; ``direction`` says whether that makes the obligation
  stricter (due earlier, starts earlier, ends later) or looser, and ``shift`` says earlier or later;
- ``undetermined``: a substantive change whose direction cannot be decided from the data (a
  rewritten condition, a different payee, a rate on a new basis that cannot be priced). We do not
  guess;
- ``editorial``: words only (title, summary, notes, workload), or the same rule written another way.

A term carries the set of its field classes; it counts as ``editorial`` only when every one of its
changes is editorial. Terms added and removed: an obligation is ``new_obligation`` /
``obligation_dropped`` (an added obligation with an empty ``funded_by`` is flagged ``unfunded``);
an entitlement or a roles table ``funding_up`` / ``funding_down``; a sanction ``stricter`` /
``looser``; a parameter or an indicator set ``editorial`` (on its own it does nothing: the terms
that use it carry the effect, and a changed term shows its reference change).

**Directions of numbers** come from where a version uses a parameter, never from its name. We
compute how each condition or amount moves when the parameter rises (a sign analysis over the
expression tree: ``+``, ``*``, ``min``, ``max``, rounding and ``and``/``or`` keep the direction;
``-`` on the right, ``/`` by it and ``not`` flip it; the quantities of the contract are never
negative; a test inside ``a if test else b`` counts when both branches are numbers), then:

- a rise that makes an obligation's ``requirement`` harder to meet is stricter (``minutes >=
  required``: a higher requirement is stricter; ``submitted_on <= deadline``: a later deadline is
  looser); a rise that widens ``applies_when`` is stricter;
- a rise that increases an entitlement's rate or basis, or widens its ``eligible_when``, or allows
  more additional-roles posts, is funding up;
- a date parameter is ``timing``; it is a deadline when an obligation is ``due`` on it (earlier is
  stricter);
- a money parameter (unit ``gbp``) is read as funding whatever else uses it; a parameter no term
  uses is funding when it is money and ``undetermined`` otherwise; a parameter pulling both ways is
  ``undetermined``.

The same analysis classifies a rewritten expression when only its numbers (or dates) differ, or a
comparison changes between ``>=`` and ``>`` (or ``<=`` and ``<``), or the new condition adds or
drops whole ``and``/``or`` clauses; any other rewrite is ``undetermined``.

**Values.** A parameter's value in force at the start of each version's in-force period is
compared (field ``value``); when either side changes value inside its year, the dated values are
listed too (field ``values``), classified by comparing the value in force month by month across the
two years. Where a rate's ``per`` or ``period`` differs (a rate for nine months against a yearly
rate), the raw numbers are not compared: the money for an average network decides.

**Dates across years** are compared at the same point of the contract year: whole years are
counted from the start of each version's in-force period, so 15 May 2019 in 2019-20 and 15 May 2020
in 2020-21 are the same deadline, and 31 May 2020 in 2020-21 is later. Within one year (a draft
and its final version) this is the plain calendar. The same date on both sides is always the same
(an overlay for a later year that carries a date over from its base has not moved it).

**Other fields.** Deadlines (``due``; none, or a date before the version starts, means due from
the start): earlier is stricter. Only a changed ``due`` reference is the obligation's own change: a
deadline parameter that moved is the parameter's change, which lists the terms that use it
(``used_by``). Frequency, read from its words (throughout, daily, weekly, fortnightly, monthly,
quarterly, six-monthly, yearly, once): more often is stricter; of several duties, dropping one is
looser and adding one stricter; unreadable words are ``undetermined``. An obligation that puts more
payments at risk (``funds``) is stricter; more payments funding it (``funded_by``) is funding up; a
set that both gains and loses members is ``undetermined``. An obligation's ``in_effect`` starting
earlier or ending later is stricter. An entitlement's accrual months (within its ``in_effect``):
more months is funding up, unless a rate is for the whole period (then the money decides); the same
number moved is ``timing``. A first payment moved is ``timing`` with no direction. Sanction steps: a
step added is stricter, removed looser; a shorter cure period is stricter; more obligations under
the ladder is stricter. Roles and indicator rows: a role added, a higher reimbursed percent or
maximum, an earlier date from which a role is available, more points: funding up; a higher
achievement threshold: stricter. A maximum left out (the evaluator then reimburses actual cost) or
no per-role post limit is funding up. Level, who, payer, payee, method or basis changed:
``undetermined``. Citations are shown on both sides of every change, never diffed; where a side
lacks the term, it cites the overlay change that removed it, or else its own source documents.

**Money.** For each payment line, the amount for each version's contract year for an *average
network of 50,000 registered patients* (and 50,000 weighted or adjusted patients where the rate is
per weighted or adjusted patient; for a practice-level line, all member practices together),
computed as the evaluator does (rate × basis, pro rata to the accrual months). This is an
assumption of the report, stated in its summary, not a contract figure. Lines paid per bed, per
post or by indicator achievement are listed as not priced, never counted as zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, ConfigDict

from contract.evaluation.money import months, to_penny
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
    describe_value,
    parse_condition,
    parse_formula,
    refs,
)
from contract.lang.redline import Segment, redline
from contract.spec.schema import (
    Citation,
    DatedValue,
    Entitlement,
    Method,
    Obligation,
    Parameter,
    Period,
    RatePeriod,
    RolesTable,
    Sanction,
    Status,
    Unit,
    Version,
)

AVERAGE_NETWORK_PATIENTS = Decimal(50000)
"""The average network the money is priced for: a reporting assumption, not a contract figure."""


# ---------------------------------------------------------------------------------------------
# The models


class ChangeClass(StrEnum):
    new_obligation = "new_obligation"
    obligation_dropped = "obligation_dropped"
    funding_up = "funding_up"
    funding_down = "funding_down"
    stricter = "stricter"
    looser = "looser"
    timing = "timing"
    undetermined = "undetermined"
    """Substantive, but its direction cannot be decided from the data."""
    editorial = "editorial"


OPPOSITE = {
    ChangeClass.new_obligation: ChangeClass.obligation_dropped,
    ChangeClass.obligation_dropped: ChangeClass.new_obligation,
    ChangeClass.funding_up: ChangeClass.funding_down,
    ChangeClass.funding_down: ChangeClass.funding_up,
    ChangeClass.stricter: ChangeClass.looser,
    ChangeClass.looser: ChangeClass.stricter,
    ChangeClass.timing: ChangeClass.timing,
    ChangeClass.undetermined: ChangeClass.undetermined,
    ChangeClass.editorial: ChangeClass.editorial,
}
"""What each class becomes when the two versions are swapped."""

_RANK = {c: i for i, c in enumerate(ChangeClass)}


class Direction(StrEnum):
    """For a timing change: what the move does to the obligation."""

    stricter = "stricter"
    looser = "looser"


class Shift(StrEnum):
    earlier = "earlier"
    later = "later"


class TermState(StrEnum):
    added = "added"
    removed = "removed"
    changed = "changed"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class FieldChange(_Model):
    """One field of a term that moved."""

    field: str
    """Dotted path of what moved: `value`, `values`, `due`, `frequency`, `roles.<role>.max_per_wte_year`."""
    label: str
    """The same in words."""
    old: str | None
    """The old value in words (None: not there)."""
    new: str | None
    classification: ChangeClass
    direction: Direction | None = None
    """Timing changes: stricter or looser for the obligation, where that can be decided."""
    shift: Shift | None = None
    """Timing changes: moved earlier or later (in the contract year)."""
    redline: list[Segment] | None = None
    """Word-level redline of a text field."""


class Money(_Model):
    """Money for an average network over each version's contract year (see the module docs)."""

    old: Decimal | None = None
    new: Decimal | None = None
    delta: Decimal | None = None
    note: str | None = None
    """What the figures cover, or why they cannot be priced."""


class TermChange(_Model):
    id: str
    title: str
    """The newer side's title where it has the term."""
    kind: str
    service: str
    state: TermState
    classes: list[ChangeClass]
    fields: list[FieldChange]
    unfunded: bool = False
    """An added obligation that no entitlement funds (empty `funded_by`)."""
    money: Money | None = None
    used_by: list[str] = []
    """For a parameter: the terms of either version that read it (their rules move with it)."""
    summary: str
    """Our summary of the term, from the newer side where it has the term."""
    citations_a: list[Citation]
    """A's sources for the term; where A lacks the term, the overlay change that removed it or else
    A's own source documents (the documents in which the term does not appear)."""
    citations_b: list[Citation]
    reason_a: str | None = None
    """Where A is an overlay that changes this term: its stated reason."""
    reason_b: str | None = None
    file_a: str | None = None
    file_b: str | None = None


class VersionRef(_Model):
    id: str
    title: str
    status: Status
    in_force: Period
    published: date
    base: str | None = None


class MoneyLine(_Model):
    term_id: str
    title: str
    level: str
    old: Decimal | None
    new: Decimal | None
    delta: Decimal | None
    note: str | None = None


class MoneySummary(_Model):
    average_patients: Decimal
    assumption: str
    lines: list[MoneyLine]
    """Every payment line of either version, priced where it can be."""
    old_total: Decimal
    """Sum of the priced lines under A."""
    new_total: Decimal
    delta_total: Decimal
    not_priced: list[str]
    """Lines that cannot be priced for an average network (per bed, per post, by achievement)."""


class VersionDiff(_Model):
    a: VersionRef
    b: VersionRef
    changes: list[TermChange]
    """Every term that differs, in order of term id."""
    counts: dict[str, int]
    """Terms added, removed and changed, then terms carrying each class."""
    money: MoneySummary
    unfunded: list[str]
    """Ids of obligations added with no funding."""
    summary: str
    """One paragraph, generated from the above."""

    def change(self, term_id: str) -> TermChange:
        for c in self.changes:
            if c.id == term_id:
                return c
        raise KeyError(f"{term_id} did not change between {self.a.id} and {self.b.id}")


class CellState(StrEnum):
    absent = "absent"
    present = "present"
    """First version of the sequence: the term is there."""
    added = "added"
    removed = "removed"
    same = "same"
    changed = "changed"


class Cell(_Model):
    version: str
    state: CellState
    classes: list[ChangeClass] = []
    unfunded: bool = False


class Row(_Model):
    id: str
    title: str
    kind: str
    cells: list[Cell]


class Outcome(StrEnum):
    met = "met"
    """The outcome made the change the proposal asked for."""
    not_met = "not_met"
    """The outcome kept the term as the base version had it."""
    otherwise = "otherwise"
    """The outcome changed the term, but not as asked."""


class Verdict(_Model):
    """One change a proposal (or draft) asked of the base version, and what the outcome did with it."""

    id: str
    title: str
    asked: CellState
    """added, removed or changed, relative to the base version."""
    outcome: Outcome
    outcome_state: CellState
    """The outcome's term relative to the base version (absent, same, changed, added)."""


class MultiDiff(_Model):
    versions: list[VersionRef]
    rows: list[Row]
    """One row per term id found in any version, in order of id."""
    pairs: list[VersionDiff]
    """Each version against the one before it."""
    verdicts: list[Verdict] = []
    """For three versions whose middle one is a proposal or draft (base → asked → outcome): each
    change asked, and whether the outcome made it."""
    summary: str


# ---------------------------------------------------------------------------------------------
# Signs: how an expression moves when one name rises

Sign = int | None
"""+1 rises with it, -1 falls, 0 does not depend on it, None: mixed or unknown."""


def _combine(*signs: Sign) -> Sign:
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


def _neg(s: Sign) -> Sign:
    return None if s is None else -s


def _mul(a: Sign, b: Sign) -> Sign:
    return None if a is None or b is None else a * b


class _Signs:
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
            return _combine(left, right) if tree.op in "+*" else _combine(left, _neg(right))
        if isinstance(tree, Neg):
            return _neg(self.value(tree.operand, name, seen))
        if isinstance(tree, Func):
            args = [self.value(a, name, seen) for a in tree.args]
            if tree.name in ("round_to", "floor_to"):
                return _combine(args[0], None if args[1] != 0 else 0)
            return _combine(*args)
        if isinstance(tree, IfElse):
            test = self.truth(tree.test, name, seen)
            then, other = self.value(tree.then, name, seen), self.value(tree.other, name, seen)
            if test == 0:
                return _combine(then, other)
            if isinstance(tree.then, Lit) and isinstance(tree.other, Lit):
                order = _order(tree.other.value, tree.then.value)
                return _combine(_mul(test, order), then, other)
            return None
        return None

    def truth(self, cond: Condition, name: str, seen: frozenset[str] = frozenset()) -> Sign:
        """+1: the condition becomes (no less) true as `name` rises."""
        if isinstance(cond, Truth):
            return self.value(cond.ref, name, seen)
        if isinstance(cond, Cmp):
            left, right = self.value(cond.left, name, seen), self.value(cond.right, name, seen)
            if cond.op in (">=", ">"):
                return _combine(left, _neg(right))
            if cond.op in ("<=", "<"):
                return _combine(_neg(left), right)
            return 0 if left == 0 and right == 0 else None
        if isinstance(cond, All | Any_):
            return _combine(*(self.truth(i, name, seen) for i in cond.items))
        if isinstance(cond, Not):
            return _neg(self.truth(cond.item, name, seen))
        return None


def _order(old: object, new: object, key: Callable[[date], tuple] | None = None) -> Sign:
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
            sign = _order(a, b)
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


def expression_move(old: str, new: str, *, condition: bool, signs: _Signs,
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
        moves.append(_mul(sign, polarity))
    return _combine(*moves) if moves else 0


# ---------------------------------------------------------------------------------------------
# Reading values and words


def value_at(param: Parameter, day: date) -> DatedValue | None:
    current = None
    for v in param.values:
        if v.effective <= day:
            current = v
    return current


def typed(param: Parameter, value: object) -> object:
    """A dated value as its proper type (the YAML keeps numbers and dates as text)."""
    if param.unit is Unit.date and isinstance(value, str):
        return date.fromisoformat(value)
    if param.unit is Unit.flag or isinstance(value, bool | date | Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return value


_PER_WORDS = {
    "registered_patient": "per registered patient", "weighted_patient": "per weighted patient",
    "adjusted_patient": "per adjusted patient", "bed": "per bed", "wte": "per whole-time equivalent",
    "point": "per point", "network": "per network", "practice": "per practice",
    "1000_patients": "per 1,000 patients",
}
_PERIOD_WORDS = {"year": "a year", "month": "a month", "week": "a week", "day": "a day",
                 "period": "for the accrual period"}


def show_value(param: Parameter, value: object) -> str:
    """A parameter's value in words, with its unit, basis and period."""
    if value is None:
        return "none"
    value = typed(param, value)
    text = describe_value(value)  # type: ignore[arg-type]
    unit = param.unit
    if unit is Unit.gbp:
        text = f"£{text}"
    elif unit is Unit.percent:
        text = f"{text}%"
    elif unit not in (Unit.date, Unit.flag, Unit.count, Unit.ratio, Unit.points):
        text = f"{text} {unit.value}"
    elif unit is Unit.points:
        text = f"{text} points"
    if param.per:
        text += " " + _PER_WORDS.get(param.per.value, f"per {param.per.value}")
    if param.period:
        text += " " + _PERIOD_WORDS.get(param.period.value, param.period.value)
    return text


def show_schedule(param: Parameter) -> str:
    if param.formula:
        return f"formula {param.formula}"
    return "; ".join(f"from {describe_value(v.effective)}: {show_value(param, v.value)}" for v in param.values)


def _show_period(period: Period | None) -> str:
    if period is None:
        return "the whole version"
    return f"{describe_value(period.start)} to {describe_value(period.end)}"


def _gbp(amount: Decimal, signed: bool = False) -> str:
    sign = "+" if signed and amount > 0 else "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


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
        return _strictness(1 if min(b) < min(a) else -1)
    if b < a:
        return ChangeClass.looser
    if a < b:
        return ChangeClass.stricter
    return ChangeClass.undetermined


# ---------------------------------------------------------------------------------------------
# One side of the comparison


@dataclass
class _Side:
    version: Version
    average: Decimal
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
    def signs(self) -> _Signs:
        return _Signs(self.formulas)

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
                strict.append(_neg(cond(term.requirement)))
                strict.append(cond(term.applies_when))
                if term.due == pid:
                    strict.append(-1)
            elif isinstance(term, RolesTable) and term.posts_per_role:
                funding.append(signs.value(Ref(term.posts_per_role), pid))
        return _combine(*funding), _combine(*strict)

    def users(self, pid: str) -> list[str]:
        """Terms whose expressions or references name parameter `pid`."""
        found = []
        for term in self.version.terms.values():
            if term.id == pid:
                continue
            names: set[str] = set()
            for attr in ("requirement", "applies_when", "eligible_when", "formula", "basis"):
                text = getattr(term, attr, None)
                if text:
                    try:
                        tree = parse_formula(text) if attr in ("formula", "basis") else parse_condition(text)
                    except ExpressionError:
                        continue
                    names |= refs(tree)
            for attr in ("rate", "due", "posts_per_role", "list_adjustment", "aspiration"):
                value = getattr(term, attr, None)
                if value:
                    names.add(value)
            if pid in names:
                found.append(term.id)
        return found

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

    def start_value(self, param: Parameter) -> object:
        found = value_at(param, self.start)
        return None if found is None else typed(param, found.value)

    def profile(self, param: Parameter) -> list[object]:
        """The value in force at the start of each month of the contract year."""
        out = []
        for m in months(self.start, self.end):
            found = value_at(param, m)
            out.append(None if found is None else typed(param, found.value))
        return out

    def has_midyear_value(self, param: Parameter) -> bool:
        return any(self.start < v.effective <= self.end for v in param.values)

    def due_date(self, due: str | None) -> date:
        """An obligation's due date. No `due`, or a date before the version starts, means due from
        the start of the version."""
        if due is None:
            return self.start
        try:
            return max(date.fromisoformat(due), self.start)
        except ValueError:
            pass
        param = self.version.terms.get(due)
        if isinstance(param, Parameter) and param.values:
            found = value_at(param, self.start) or param.values[0]
            value = typed(param, found.value)
            if isinstance(value, date):
                return max(value, self.start)
        return self.start

    def due_words(self, due: str | None, day: date) -> str:
        if due is None or day == self.start:
            return f"from the start ({describe_value(day)})" + (f" ({due})" if due and not _is_date(due) else "")
        if _is_date(due):
            return describe_value(day)
        return f"{describe_value(day)} ({due})"

    def accrual_months(self, ent: Entitlement) -> tuple[list[date], int]:
        """The months an entitlement accrues for (within its in_effect), and the accrual length."""
        every = months(ent.accrual.start, ent.accrual.end)
        kept = [m for m in every if not ent.in_effect or ent.in_effect.start <= m <= ent.in_effect.end]
        return kept, len(every)

    def network_money(self, ent: Entitlement) -> tuple[Decimal | None, str | None]:
        """The amount for this version's contract year for an average network, or why not."""
        if ent.method is Method.staff_reimbursement:
            return None, "reimburses actual staff costs: depends on each network's posts"
        if ent.method is not Method.rate_times_basis:
            return None, "paid on indicator achievement: depends on each network's results"
        rate = self.version.terms.get(ent.rate or "")
        if not isinstance(rate, Parameter) or not rate.values:
            return None, "its rate is a formula: depends on each network's facts"
        per = rate.per.value if rate.per else None
        basis = {"registered_patient": self.average, "weighted_patient": self.average,
                 "adjusted_patient": self.average, "1000_patients": self.average / 1000,
                 "network": Decimal(1) if ent.level.value == "network" else None}.get(per or "")
        if basis is None:
            words = _PER_WORDS.get(per or "", "per unit")
            return None, f"paid {words}: depends on each network's numbers"
        kept, n = self.accrual_months(ent)
        factor = {RatePeriod.month: Decimal(1), RatePeriod.year: Decimal(1) / 12}
        total = Decimal(0)
        for m in kept:
            found = value_at(rate, m)
            if found is None:
                continue
            value = typed(rate, found.value)
            if not isinstance(value, Decimal):
                return None, "its rate is not a number"
            if rate.period is RatePeriod.period:
                per_month = value / n
            elif rate.period in factor:
                per_month = value * factor[rate.period]
            else:
                return None, f"a rate {_PERIOD_WORDS.get(rate.period.value if rate.period else '', '')} is not priced"
            total += basis * per_month
        return to_penny(total), None

    def rate_money(self, pid: str) -> tuple[Decimal | None, str | None, bool]:
        """Money of every line this version pays at rate `pid` (and whether any line uses it)."""
        users = [t for t in self.version.terms.values() if isinstance(t, Entitlement) and t.rate == pid]
        total, notes = Decimal(0), []
        for ent in users:
            amount, note = self.network_money(ent)
            if amount is None:
                notes.append(note or "not priced")
            else:
                total += amount
        if notes:
            return None, "; ".join(sorted(set(notes))), bool(users)
        return total, None, bool(users)


# ---------------------------------------------------------------------------------------------
# Comparing two terms


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


def _strictness(sign: int) -> ChangeClass:
    return ChangeClass.stricter if sign > 0 else ChangeClass.looser


def _funding(sign: int) -> ChangeClass:
    return ChangeClass.funding_up if sign > 0 else ChangeClass.funding_down


def _words(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value) if value else "none"
    if isinstance(value, BaseModel):
        return ", ".join(f"{k}: {v}" for k, v in value.model_dump(mode="json", exclude_none=True).items())
    if isinstance(value, bool | date | Decimal | int):
        return describe_value(value)
    return str(value)


class _Pair:
    """Compares one term across the two sides."""

    def __init__(self, a: _Side, b: _Side):
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
                   signs: _Signs | None = None) -> None:
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
                    sign = _order(self.a.key(va), self.b.key(vb))
                    if sign:
                        rule = _NUMBER_RULES.get(attr)
                        cls = ChangeClass.timing if rule is None else \
                            (_funding if rule[0] == "funding" else _strictness)(sign * rule[1])
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
                    sign = _order(va, vb) or 0
                else:
                    rule, sign = None, 0
                if rule and sign:
                    cls = (_funding if rule[0] == "funding" else _strictness)(sign * rule[1])
                else:
                    cls = ChangeClass.undetermined
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
                         (_funding if kind == "funding" else _strictness)(_order(va, vb) * sign))  # type: ignore[operator]
            elif isinstance(va, str | None) and isinstance(vb, str | None) and name in _TEXT_FIELDS:
                self.text(name, name.replace("_", " "), va, vb)
            elif isinstance(va or vb, list) and (va or vb) and hasattr((va or vb)[0], "id"):
                self.rows(name, name.replace("_", " "), va or [], vb or [], "id", ChangeClass.undetermined)
            else:
                self.add(name, name.replace("_", " "), va, vb, ChangeClass.undetermined)


def _dump(value: object) -> object:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_dump(v) for v in value]
    return value


def _notes(*notes: str | None) -> str | None:
    """Notes of both sides, in a fixed order (so that swapping the versions swaps nothing else)."""
    found = sorted({n for n in notes if n})
    return "; ".join(found) or None


def _param_class(unit: Unit, move: Sign, usage: tuple[Sign, Sign]) -> tuple[ChangeClass, Direction | None]:
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
        return _funding(move * funding), None
    return _strictness(move * strict), None


class _Differ:
    def __init__(self, a: Version, b: Version, average: Decimal):
        self.a, self.b = _Side(a, average), _Side(b, average)
        self.average = average

    def usage(self, pid: str) -> tuple[Sign, Sign]:
        fa, sa = self.a.usage(pid) if pid in self.a.version.terms else (0, 0)
        fb, sb = self.b.usage(pid) if pid in self.b.version.terms else (0, 0)
        return _combine(fa, fb), _combine(sa, sb)

    # -- per kind -------------------------------------------------------------------------

    def compare(self, ta: Any, tb: Any) -> list[FieldChange]:
        p = _Pair(self.a, self.b)
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

    def _in_effect(self, p: _Pair, ta: Any, tb: Any) -> None:
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

    def _parameter(self, p: _Pair, ta: Parameter, tb: Parameter) -> set[str]:
        handled = {"unit", "per", "period", "level", "values", "formula", "rounding"}
        usage = self.usage(tb.id)
        same_basis = ta.unit is tb.unit and ta.per == tb.per and ta.period == tb.period
        money_cls = None
        if not same_basis:
            old, _, used_a = self.a.rate_money(ta.id)
            new, _, used_b = self.b.rate_money(tb.id)
            if old is not None and new is not None and (used_a or used_b) and old != new:
                money_cls = _funding(1 if new > old else -1)
        basis_fields = _Pair(self.a, self.b)  # listed after the values, which say more
        for attr, label in (("unit", "unit"), ("per", "basis of the rate"), ("period", "period of the rate")):
            va, vb = getattr(ta, attr), getattr(tb, attr)
            if va != vb:
                basis_fields.add(attr, label, va.value if va else None, vb.value if vb else None,
                                 money_cls or ChangeClass.undetermined)
        self._values(p, ta, tb, usage, same_basis, money_cls)
        p.out.extend(basis_fields.out)
        return handled

    def _values(self, p: _Pair, ta: Parameter, tb: Parameter, usage: tuple[Sign, Sign], same_basis: bool,
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
            cls, direction = _param_class(tb.unit, move, usage)
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
                cls, direction = _param_class(tb.unit, move, usage) if same_basis else (ChangeClass.undetermined, None)
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

    def _aligned(self, param: Parameter, side: _Side) -> list[tuple]:
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
            return 0 if va == vb else _order(self.a.key(va), self.b.key(vb))
        return _order(va, vb)

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
                moves.append(_order(self.a.key(x), self.b.key(y)))
            else:
                moves.append(_order(x, y))
        move = _combine(*moves)
        if move == 0:
            return ChangeClass.editorial, {}
        if not same_basis:
            return ChangeClass.undetermined, {}
        cls, direction = _param_class(tb.unit, move, usage)
        extra: dict[str, Any] = {"direction": direction}
        if cls is ChangeClass.timing and move:
            extra["shift"] = Shift.later if move > 0 else Shift.earlier
        return cls, extra

    def _obligation(self, p: _Pair, ta: Obligation, tb: Obligation) -> set[str]:
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
            if len(p.out) == before and not (ta.due and tb.due and _is_date(ta.due) and _is_date(tb.due)):
                p.add("due", "due", ta.due, tb.due, ChangeClass.editorial)
        if (ta.frequency or "") != (tb.frequency or ""):
            p.add("frequency", "frequency", ta.frequency, tb.frequency, frequency_class(ta.frequency, tb.frequency))
        p.sets("funds", "payments at risk when not met", ta.funds, tb.funds,
               ChangeClass.stricter, ChangeClass.looser)
        p.sets("funded_by", "payments that fund it", ta.funded_by, tb.funded_by,
               ChangeClass.funding_up, ChangeClass.funding_down)
        p.text("workload", "workload", ta.workload, tb.workload)
        return {"level", "who", "applies_when", "requirement", "due", "frequency", "funds", "funded_by", "workload"}

    def _entitlement(self, p: _Pair, ta: Entitlement, tb: Entitlement) -> set[str]:
        for attr in ("level", "payer", "payee", "method"):
            va, vb = getattr(ta, attr), getattr(tb, attr)
            if va != vb:
                p.add(attr, attr, getattr(va, "value", va), getattr(vb, "value", vb), ChangeClass.undetermined)
        p.expression("eligible_when", "eligible when", ta.eligible_when, tb.eligible_when,
                     when_truer=ChangeClass.funding_up, when_added=ChangeClass.funding_down)
        old, _ = self.a.network_money(ta)
        new, _ = self.b.network_money(tb)
        priced = old is not None and new is not None and old != new
        for attr, label in (("rate", "rate"), ("basis", "basis")):
            va, vb = getattr(ta, attr), getattr(tb, attr)
            if va != vb:
                cls = _funding(1 if new > old else -1) if priced else ChangeClass.undetermined  # type: ignore[operator]
                p.add(attr, label, va, vb, cls)
        if ta.roles != tb.roles:
            p.add("roles", "roles table", ta.roles, tb.roles, ChangeClass.undetermined)
        kept_a, _ = self.a.accrual_months(ta)
        kept_b, _ = self.b.accrual_months(tb)
        whole_period = any(isinstance(r := side.version.terms.get(t.rate or ""), Parameter)
                           and r.period is RatePeriod.period for side, t in ((self.a, ta), (self.b, tb)))
        words_a = f"{_show_period(ta.accrual)}, {len(kept_a)} month(s) accruing"
        words_b = f"{_show_period(tb.accrual)}, {len(kept_b)} month(s) accruing"
        keys_a = [self.a.key(m) for m in kept_a]
        keys_b = [self.b.key(m) for m in kept_b]
        if kept_a != kept_b and keys_a != keys_b:
            if len(kept_a) != len(kept_b):
                # More months pay more, unless a rate is for the whole period: then the money decides.
                if old is not None and new is not None and old != new:
                    cls = _funding(1 if new > old else -1)
                elif whole_period or (old is not None and new is not None):
                    cls = ChangeClass.timing if old is not None and old == new else ChangeClass.undetermined
                else:
                    cls = _funding(1 if len(kept_b) > len(kept_a) else -1)
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

    def _sanction(self, p: _Pair, ta: Sanction, tb: Sanction) -> set[str]:
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

    def _roles(self, p: _Pair, ta: RolesTable, tb: RolesTable) -> set[str]:
        p.rows("roles", "role", ta.roles, tb.roles, "role", ChangeClass.funding_up, start_clamp=True)
        if ta.posts_per_role != tb.posts_per_role:
            # No posts_per_role: no limit on posts per role (the reimbursement applies to every post).
            cls = ChangeClass.undetermined
            if ta.posts_per_role is None or tb.posts_per_role is None:
                cls = _funding(1 if tb.posts_per_role is None else -1)
            p.add("posts_per_role", "posts reimbursed per role", ta.posts_per_role or "no limit",
                  tb.posts_per_role or "no limit", cls)
        if ta.requires_additional != tb.requires_additional:
            p.add("requires_additional", "posts must be additional", ta.requires_additional,
                  tb.requires_additional, _funding(-1 if tb.requires_additional else 1))
        return {"roles", "posts_per_role", "requires_additional"}

    # -- whole terms -----------------------------------------------------------------------

    def money(self, term: Any, side_a: Any, side_b: Any, substantive: bool) -> Money | None:
        """Money attached to a term's change: its own line, or the lines paid at a rate whose value
        or definition changed."""
        kind = (side_b or side_a).kind
        if kind == "entitlement":
            old, note_a = self.a.network_money(side_a) if side_a else (Decimal(0), None)
            new, note_b = self.b.network_money(side_b) if side_b else (Decimal(0), None)
        elif kind == "parameter" and (side_b or side_a).unit is Unit.gbp and substantive:
            old, note_a, used_a = self.a.rate_money(term) if side_a else (Decimal(0), None, False)
            new, note_b, used_b = self.b.rate_money(term) if side_b else (Decimal(0), None, False)
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
            classes = [cls]
        else:
            fields = self.compare(ta, tb)
            if not fields:
                return None
            state = TermState.changed
            found = {f.classification for f in fields}
            substantive = found - {ChangeClass.editorial}
            classes = sorted(substantive or found, key=_RANK.__getitem__)
        return TermChange(
            id=tid, title=term.title, kind=term.kind, service=term.service, state=state, classes=classes,
            fields=fields, unfunded=unfunded, money=self.money(tid, ta, tb, classes != [ChangeClass.editorial]),
            used_by=sorted(set(self.a.users(tid)) | set(self.b.users(tid))) if term.kind == "parameter" else [],
            summary=term.summary, citations_a=self.a.citations(tid), citations_b=self.b.citations(tid),
            reason_a=self.a.reason(tid), reason_b=self.b.reason(tid),
            file_a=self.a.version.files.get(tid) if ta else None, file_b=self.b.version.files.get(tid) if tb else None,
        )

    def money_summary(self) -> MoneySummary:
        ids = sorted({t.id for s in (self.a, self.b) for t in s.version.terms.values() if isinstance(t, Entitlement)})
        lines, not_priced = [], []
        old_total = new_total = Decimal(0)
        for tid in ids:
            ta, tb = self.a.version.terms.get(tid), self.b.version.terms.get(tid)
            old, note_a = self.a.network_money(ta) if isinstance(ta, Entitlement) else (Decimal(0), None)
            new, note_b = self.b.network_money(tb) if isinstance(tb, Entitlement) else (Decimal(0), None)
            term = tb or ta
            priced = old is not None and new is not None
            if priced:
                old_total += old  # type: ignore[operator]
                new_total += new  # type: ignore[operator]
            else:
                not_priced.append(tid)
            lines.append(MoneyLine(term_id=tid, title=term.title, level=term.level.value,  # type: ignore[union-attr]
                                   old=old, new=new, delta=new - old if priced else None,  # type: ignore[operator]
                                   note=_notes(note_a, note_b)))
        assumption = (f"an average network of {self.average:,} registered patients ({self.average:,} weighted or "
                      "adjusted patients for a rate per weighted or adjusted patient; practice-level lines for all "
                      "member practices together), an assumption of this report and not a contract figure")
        return MoneySummary(average_patients=self.average, assumption=assumption, lines=lines,
                            old_total=old_total, new_total=new_total, delta_total=new_total - old_total,
                            not_priced=not_priced)


_ADDED = {
    "obligation": ChangeClass.new_obligation,
    "entitlement": ChangeClass.funding_up,
    "roles": ChangeClass.funding_up,
    "sanction": ChangeClass.stricter,
}


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def version_ref(v: Version) -> VersionRef:
    m = v.meta
    return VersionRef(id=m.id, title=m.title, status=m.status, in_force=m.in_force, published=m.published,
                      base=m.base)


def _counts(changes: list[TermChange]) -> dict[str, int]:
    counts = {state.value: sum(1 for c in changes if c.state is state) for state in TermState}
    for cls in ChangeClass:
        counts[cls.value] = sum(1 for c in changes if cls in c.classes)
    counts["unfunded"] = sum(1 for c in changes if c.unfunded)
    return counts


def diff(a: Version, b: Version, *, average_patients: Decimal = AVERAGE_NETWORK_PATIENTS) -> VersionDiff:
    """Every term that differs between `a` and `b`, classified, with money and a summary."""
    differ = _Differ(a, b, average_patients)
    ids = sorted(a.terms.keys() | b.terms.keys())
    changes = [c for tid in ids if (c := differ.term_change(tid)) is not None]
    unfunded = [c.id for c in changes if c.unfunded]
    money = differ.money_summary()
    counts = _counts(changes)
    draft = VersionDiff(a=version_ref(a), b=version_ref(b), changes=changes, counts=counts, money=money,
                        unfunded=unfunded, summary="")
    return draft.model_copy(update={"summary": summarise(draft)})


def diff_many(versions: list[Version], *, average_patients: Decimal = AVERAGE_NETWORK_PATIENTS) -> MultiDiff:
    """Each term lined up across `versions`, each version compared with the one before it."""
    if len(versions) < 2:
        raise ValueError("diff_many needs at least two versions")
    pairs = [diff(x, y, average_patients=average_patients) for x, y in pairwise(versions)]
    ids = sorted({tid for v in versions for tid in v.terms})
    rows = []
    for tid in ids:
        first = CellState.present if tid in versions[0].terms else CellState.absent
        cells = [Cell(version=versions[0].id, state=first)]
        for (prev, v), pair in zip(pairwise(versions), pairs, strict=True):
            if tid not in v.terms:
                state = CellState.removed if tid in prev.terms else CellState.absent
            elif tid not in prev.terms:
                state = CellState.added
            else:
                state = CellState.same
            change = next((c for c in pair.changes if c.id == tid), None)
            if change is not None and state is CellState.same:
                state = CellState.changed
            cells.append(Cell(version=v.id, state=state, classes=change.classes if change else [],
                              unfunded=bool(change and change.unfunded)))
        latest = next(v.terms[tid] for v in reversed(versions) if tid in v.terms)
        rows.append(Row(id=tid, title=latest.title, kind=latest.kind, cells=cells))
    draft = MultiDiff(versions=[version_ref(v) for v in versions], rows=rows, pairs=pairs,
                      verdicts=verdicts(*versions) if _asked_between(versions) else [], summary="")
    return draft.model_copy(update={"summary": summarise_many(draft)})


def _asked_between(versions: list[Version]) -> bool:
    return len(versions) == 3 and versions[1].meta.status.value in ("proposal", "draft")


def _same_term(x, y) -> bool:
    """Two terms say the same thing: equal but for their citations, notes and summaries' wording."""
    skip = {"citations", "notes", "summary", "title"}
    return x.model_dump(exclude=skip) == y.model_dump(exclude=skip)


def verdicts(base: Version, asked: Version, outcome: Version) -> list[Verdict]:
    """Each change `asked` makes to `base`, judged against `outcome`: met when the outcome has the
    asked state of the term (added, removed, or equal to the asked term), not met when it keeps the
    base's, otherwise when it does something else."""
    found = []
    for tid in sorted(set(base.terms) | set(asked.terms)):
        b, a, o = base.terms.get(tid), asked.terms.get(tid), outcome.terms.get(tid)
        if b is None and a is None:
            continue
        if b is not None and a is not None and _same_term(b, a):
            continue
        wanted = CellState.added if b is None else CellState.removed if a is None else CellState.changed
        if o is None:
            state = CellState.absent
        elif b is None:
            state = CellState.added
        else:
            state = CellState.same if _same_term(b, o) else CellState.changed
        if wanted is CellState.removed:
            result = Outcome.met if o is None else Outcome.not_met if state is CellState.same else Outcome.otherwise
        elif wanted is CellState.added:
            result = Outcome.not_met if o is None else Outcome.met if _same_term(a, o) else Outcome.otherwise
        else:
            result = (Outcome.met if o is not None and _same_term(a, o)
                      else Outcome.not_met if state is CellState.same else Outcome.otherwise)
        found.append(Verdict(id=tid, title=(a or b).title, asked=wanted, outcome=result,  # type: ignore[union-attr]
                             outcome_state=state))
    return found


# ---------------------------------------------------------------------------------------------
# The summary paragraph (generated, never written by hand)

_CLASS_WORDS = {
    ChangeClass.new_obligation: ("new obligation", "new obligations"),
    ChangeClass.obligation_dropped: ("obligation dropped", "obligations dropped"),
    ChangeClass.funding_up: ("funding up", "funding up"),
    ChangeClass.funding_down: ("funding down", "funding down"),
    ChangeClass.stricter: ("stricter", "stricter"),
    ChangeClass.looser: ("looser", "looser"),
    ChangeClass.timing: ("moved in time", "moved in time"),
    ChangeClass.undetermined: ("changed, direction undetermined", "changed, direction undetermined"),
    ChangeClass.editorial: ("editorial only", "editorial only"),
}


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_DESCRIBE_FIRST = ("value", "values", "formula", "definition", "frequency", "requirement", "due", "in_effect",
                   "applies_when", "rate", "basis", "accrual", "eligible_when", "funded_by", "funds", "steps", "roles")


def _headline(c: TermChange) -> FieldChange:
    """The field that says most about a change: a substantive one, the term's key field first."""
    substantive = [f for f in c.fields if f.classification is not ChangeClass.editorial] or c.fields

    def priority(f: FieldChange) -> tuple[int, int]:
        head = f.field.split(".")[0]
        return (_DESCRIBE_FIRST.index(head) if head in _DESCRIBE_FIRST else len(_DESCRIBE_FIRST),
                c.fields.index(f))

    return min(substantive, key=priority)


def _field_words(f: FieldChange) -> str:
    if f.classification is ChangeClass.timing:
        return ", ".join(x for x in ("moved in time", f.shift.value if f.shift else None,
                                     f.direction.value if f.direction else None) if x)
    return _CLASS_WORDS[f.classification][0]


def _quoted(text: str) -> str:
    """Words with their own punctuation are quoted, so that they do not run into the sentence."""
    return f"“{text}”" if any(ch in text for ch in ",;:") else text


def describe(c: TermChange) -> str:
    """One change in words: what moved, from what to what, and what it is worth."""
    title = _lower_first(c.title)
    if c.state is TermState.added:
        text = f"{title} added" + (" with no funding" if c.unfunded else "")
        rate = next((f for f in c.fields if f.field in ("rate", "value")), None)
        if rate and rate.new:
            text += f" ({rate.new})"
    elif c.state is TermState.removed:
        text = f"{title} dropped"
    else:
        top = _headline(c)
        if top.old is None:
            text = f"{title}: {top.label} added"
        elif top.new is None:
            text = f"{title}: {top.label} removed"
        elif top.field in ("summary", "title", "notes", "workload"):
            text = f"{title}: {top.label} changed"
        else:
            text = f"{title}: {top.label} moved from {_quoted(top.old)} to {_quoted(top.new)}"
        text += f" ({_field_words(top)})"
        others = sum(1 for f in c.fields if f is not top and f.classification is not ChangeClass.editorial)
        if others:
            text += f", and {_plural(others, 'other change')}"
    if c.money and c.money.delta:
        text += f", {_gbp(c.money.delta, signed=True)} a year for an average network"
    return text


def salient(d: VersionDiff, n: int = 6) -> list[TermChange]:
    """The changes a summary names: in turn the largest money changes, the obligations whose rules
    moved most, and the obligations added or dropped; then the rest, by class."""
    # A payment line whose rate parameter also changed is told through the rate, not twice.
    rated = {u for c in d.changes if c.kind == "parameter" and c.money and c.classes != [ChangeClass.editorial]
             for u in c.used_by}
    pool = [c for c in d.changes if c.classes != [ChangeClass.editorial]
            and not (c.kind == "entitlement" and c.state is TermState.changed and c.id in rated)]
    money = sorted((c for c in pool if c.money and c.money.delta), key=lambda c: (-abs(c.money.delta), c.id))  # type: ignore[union-attr,arg-type]
    rules = sorted((c for c in pool if c.kind == "obligation" and c.state is TermState.changed),
                   key=lambda c: (-sum(f.classification is not ChangeClass.editorial for f in c.fields), c.id))
    arrivals = sorted((c for c in pool if c.kind == "obligation" and c.state is not TermState.changed),
                      key=lambda c: (not c.unfunded, c.state.value, c.id))
    rest = sorted(pool, key=lambda c: (min(_RANK[x] for x in c.classes), c.id))
    picked: list[TermChange] = []
    queues = [money, rules, arrivals]
    while len(picked) < n and any(queues):
        for queue in queues:
            while queue and queue[0] in picked:
                queue.pop(0)
            if queue and len(picked) < n:
                picked.append(queue.pop(0))
    for c in rest:
        if len(picked) >= n:
            break
        if c not in picked:
            picked.append(c)
    return picked


def summarise(d: VersionDiff, n_salient: int = 6) -> str:
    a, b = d.a, d.b
    head = f"Comparing {a.id} ({a.status.value.replace('_', ' ')}) with {b.id} ({b.status.value.replace('_', ' ')})"
    if not d.changes:
        return f"{head}: no term differs."
    counts = d.counts
    parts = [f"{head}: {_plural(counts['changed'], 'term')} changed, {counts['added']} added and "
             f"{counts['removed']} removed."]
    by_class = [_plural(counts[c.value], *_CLASS_WORDS[c]) for c in ChangeClass if counts[c.value]]
    parts.append("By class (a term can carry more than one): " + _join(by_class) + ".")
    picked = salient(d, n_salient)
    if picked:
        parts.append("Most salient: " + "; ".join(describe(c) for c in picked) + ".")
    m = d.money
    priced = [x for x in m.lines if x.delta is not None]
    if priced:
        parts.append(f"Money for {m.assumption}: the payment lines that can be priced come to "
                     f"{_gbp(m.old_total)} under {a.id} and {_gbp(m.new_total)} under {b.id}, a change of "
                     f"{_gbp(m.delta_total, signed=True)} over the contract year.")
    if m.not_priced:
        titles = {x.term_id: x for x in m.lines}
        parts.append("Not priced: " + _join([f"{_lower_first(titles[t].title)} ({titles[t].note})"
                                             for t in m.not_priced]) + ".")
    if d.unfunded:
        names = {c.id: c.title for c in d.changes}
        parts.append("Obligations added with no funding: " + _join([names[t] for t in d.unfunded]) + ".")
    elif counts["new_obligation"]:
        parts.append("Every obligation added names the payment that funds it.")
    return " ".join(parts)


def summarise_many(m: MultiDiff) -> str:
    chain = " → ".join(v.id for v in m.versions)
    moved = sum(1 for r in m.rows if any(c.state not in (CellState.same, CellState.present, CellState.absent)
                                         for c in r.cells))
    steps = []
    for pair in m.pairs:
        c = pair.counts
        steps.append(f"{pair.a.id} → {pair.b.id}: {c['changed']} changed, {c['added']} added, {c['removed']} "
                     f"removed, {_plural(c['unfunded'], 'unfunded obligation')} added, "
                     f"{_gbp(pair.money.delta_total, signed=True)} for an average network")
    text = (f"Across {chain}, {_plural(len(m.rows), 'term')} appear; {moved} of them change at least once. "
            + "; ".join(steps) + ".")
    if m.verdicts:
        base, asked, outcome = (v.id for v in m.versions)
        tally = {o: [v for v in m.verdicts if v.outcome is o] for o in Outcome}
        unmet = ", ".join(v.title.lower() for v in tally[Outcome.not_met][:6])
        text += (f" Of the {len(m.verdicts)} changes {asked} asks of {base}, {outcome} made "
                 f"{len(tally[Outcome.met])}, kept {base}'s terms for {len(tally[Outcome.not_met])}"
                 + (f" ({unmet}{', …' if len(tally[Outcome.not_met]) > 6 else ''})" if unmet else "")
                 + f" and did something else with {len(tally[Outcome.otherwise])}.")
    return text
