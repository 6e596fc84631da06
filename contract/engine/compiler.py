"""Compile a version's conditions into small durable_rules rulesets (as plain JSON-able dicts).

Every condition (an obligation's requirement, an applies-when or eligible-when test) becomes a
*decision*. A decision compiles to two rules: one that fires when the condition is true, one when
it is false (the negation pushed down to the comparisons). When an input is missing, the
comparisons reading it are false on both sides, so neither rule fires and the decision is
*unknown*: Kleene's three-valued logic, which is what "input missing" means.

Facts cross into the engine as integers only (see :func:`engine_value`), because durable_rules
compares a string with a number lexically. Names are flattened (`network.size_minimum` becomes
`network__size_minimum`) because the engine treats field names as opaque keys.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from contract.lang.expressions import (
    MIRRORED,
    All,
    Any_,
    Cmp,
    Condition,
    Lit,
    Ref,
    negation_normal_form,
    parse_condition,
    refs,
)
from contract.spec.loader import CONDITION_ATTRS
from contract.spec.schema import EntityLevel, Version
from contract.spec.yamlio import SpecError

ENGINE_SCALE = 100
"""Numbers cross into the engine as integer hundredths: money becomes integer pence."""

MAX_ATOMS_PER_RULESET = 56
"""durable_rules fails past 64 true tests on one fact (error 303); both polarities of every
comparison count here, so a ruleset stays well inside the limit whatever the facts."""

EngineValue = int | bool | str

_OPS = {">=": "$gte", ">": "$gt", "<=": "$lte", "<": "$lt", "!=": "$neq"}


def engine_name(name: str) -> str:
    return name.replace(".", "__")


def engine_value(value: Decimal | int | date | bool | str) -> EngineValue:
    """The one conversion into the engine's types. Dates become YYYYMMDD integers, numbers integer
    hundredths (rounded half up past the second decimal place), flags and text stay as they are."""
    if isinstance(value, bool):
        return value
    if isinstance(value, date):
        return value.year * 10000 + value.month * 100 + value.day
    if isinstance(value, int):
        return value * ENGINE_SCALE
    if isinstance(value, Decimal):
        return int((value * ENGINE_SCALE).to_integral_value(rounding=ROUND_HALF_UP))
    if isinstance(value, str):
        return value
    raise TypeError(f"{value!r} ({type(value).__name__}) cannot enter the engine")


@dataclass(frozen=True)
class Decision:
    """One condition of one term, compiled."""

    key: str  # "<term id>#<attribute>"
    term_id: str
    attr: str
    level: EntityLevel
    condition: Condition
    when_true: Condition
    when_false: Condition
    names: frozenset[str]

    @property
    def atoms(self) -> int:
        return _count_atoms(self.when_true) + _count_atoms(self.when_false)


@dataclass(frozen=True)
class CompiledRuleset:
    name: str  # unique per version, family, level and content
    level: EntityLevel
    decisions: tuple[Decision, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset().union(*(d.names for d in self.decisions))

    def definition(self) -> dict:
        """A fresh ruleset definition each call: durable_rules mutates what it is given."""
        rules: dict[str, dict] = {}
        for i, decision in enumerate(self.decisions):
            rules[f"d{i}_T"] = _rule(decision.when_true)
            rules[f"d{i}_F"] = _rule(decision.when_false)
        # Every unit fact must match some rule, or the engine delays or drops the batch's actions.
        rules["seen"] = {"all": [{"m": {"type": "unit"}}]}
        # A session whose facts matched nothing crashes delete_state: the sentinel always matches.
        rules["sentinel"] = {"all": [{"m": {"type": "sentinel"}}]}
        return rules

    def decision_for_rule(self, rule_name: str) -> tuple[Decision, bool] | None:
        if not rule_name.startswith("d"):
            return None
        index, polarity = rule_name[1:].split("_")
        return self.decisions[int(index)], polarity == "T"


@dataclass(frozen=True)
class CompiledVersion:
    version_id: str
    decisions: dict[str, Decision]
    rulesets: tuple[CompiledRuleset, ...]

    def for_level(self, level: EntityLevel) -> list[CompiledRuleset]:
        return [r for r in self.rulesets if r.level is level]


def _count_atoms(cond: Condition) -> int:
    """Engine tests a condition compiles to (a field-to-field comparison carries two existence tests)."""
    if isinstance(cond, All | Any_):
        return sum(_count_atoms(i) for i in cond.items)
    if isinstance(cond, Cmp) and isinstance(cond.left, Ref) and isinstance(cond.right, Ref):
        return 3
    return 1


def _test(cond: Condition) -> dict:
    """A condition in negation normal form, as a durable_rules test."""
    if isinstance(cond, All):
        return {"$and": [_test(i) for i in cond.items]}
    if isinstance(cond, Any_):
        return {"$or": [_test(i) for i in cond.items]}
    if not isinstance(cond, Cmp):
        raise TypeError(f"not in negation normal form: {cond}")
    left, op, right = cond.left, cond.op, cond.right
    if isinstance(left, Lit):
        if isinstance(right, Lit):
            raise ValueError(f"compares two constants: {cond}")
        left, right, op = right, left, MIRRORED[op]
    field = engine_name(left.name)
    if isinstance(right, Ref):
        # Measured: a comparison with a missing field ($m) fires on both polarities when another
        # test on the same fact is true. Both fields must exist before they are compared.
        other = engine_name(right.name)
        compare = {"$eq" if op == "==" else _OPS[op]: {field: {"$m": other}}}
        return {"$and": [{"$ex": {field: 1}}, {"$ex": {other: 1}}, compare]}
    target = engine_value(right.value)
    return {field: target} if op == "==" else {_OPS[op]: {field: target}}


def _rule(cond: Condition) -> dict:
    # Every pattern carries a positive type test: a rule with only negative tests would match the
    # session's state fact and loop for ever.
    return {"all": [{"m": {"$and": [{"type": "unit"}, _test(cond)]}}]}


def decisions_of(version: Version) -> list[Decision]:
    found: list[Decision] = []
    for term in version.terms.values():
        level = getattr(term, "level", None)
        if level not in (EntityLevel.practice, EntityLevel.network):
            continue
        for attr in CONDITION_ATTRS:
            text = getattr(term, attr, None)
            if not text:
                continue
            cond = parse_condition(text)
            found.append(Decision(
                key=f"{term.id}#{attr}", term_id=term.id, attr=attr, level=level, condition=cond,
                when_true=negation_normal_form(cond), when_false=negation_normal_form(cond, negate=True),
                names=frozenset(refs(cond)),
            ))
    return found


_COMPILED: dict[int, tuple[Version, CompiledVersion]] = {}


def compile_version(version: Version) -> CompiledVersion:
    """Group decisions by spec file and level, then split so no ruleset nears the engine's limits.
    Cached per version object (loaded versions are immutable singletons)."""
    cached = _COMPILED.get(id(version))
    if cached and cached[0] is version:
        return cached[1]
    decisions = decisions_of(version)
    groups: dict[tuple[str, EntityLevel], list[Decision]] = {}
    for d in decisions:
        family = version.files[d.term_id].removesuffix(".yaml")
        groups.setdefault((family, d.level), []).append(d)
    rulesets: list[CompiledRuleset] = []
    for (family, level), items in groups.items():
        chunk: list[Decision] = []
        for d in items:
            if d.atoms > MAX_ATOMS_PER_RULESET:
                raise SpecError(version.files[d.term_id], d.key,
                                f"{d.atoms} comparisons: too many for one durable_rules ruleset")
            if sum(x.atoms for x in chunk) + d.atoms > MAX_ATOMS_PER_RULESET:
                rulesets.append(_named(version.id, family, level, len(rulesets), chunk))
                chunk = []
            chunk.append(d)
        if chunk:
            rulesets.append(_named(version.id, family, level, len(rulesets), chunk))
    compiled = CompiledVersion(version.id, {d.key: d for d in decisions}, tuple(rulesets))
    _COMPILED[id(version)] = (version, compiled)
    return compiled


def _named(version_id: str, family: str, level: EntityLevel, index: int, items: list[Decision]) -> CompiledRuleset:
    probe = CompiledRuleset("probe", level, tuple(items))
    digest = hashlib.sha1(json.dumps(probe.definition(), sort_keys=True).encode()).hexdigest()[:10]
    return CompiledRuleset(f"{version_id}.{family}.{level.value}.{index}.{digest}", level, tuple(items))
