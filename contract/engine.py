"""The one adapter around durable_rules. Nothing else in the project imports `durable`.

Each row of the failure table in design.md, and what this module does about it:

- strings compare with numbers lexically: facts are checked here to hold only int, bool and str
  values (no floats, no Decimals, no dates), after the compiler's `engine_value` conversion;
- about 1,024 live sessions per ruleset, then a crash: one session per evaluated unit, and
  `delete_state` always, in a `finally`;
- `delete_state` on a session that matched nothing segfaults, and an unmatched fact delays or drops
  a batch's actions: every session gets a sentinel fact, and every ruleset a sentinel rule and a
  catch-all rule for unit facts (see compiler);
- no thread safety, and the default Host runs two timer threads: one process-wide lock, and a
  Host subclass whose background loop never starts (parallelism is by processes);
- exceptions in actions are swallowed: actions are wrapped, errors collected and raised after the call;
- (measured here, not in design.md) a comparison with another field (`$m`) that is missing fires on
  both polarities when another test on the same fact is true: the compiler puts an existence test
  (`$ex`) on both fields before every field-to-field comparison;
- a rule with only a negative test loops: every pattern carries a positive type test (compiler);
- `$or` fires once per true branch; events fire only the first rule: actions are idempotent (they
  add to a set), and we assert facts, never post events;
- at most 64 true tests per fact, 253 fields per fact: the compiler splits rulesets, and facts here
  are limited to the names the ruleset reads;
- a ruleset name registers once per host, and registration mutates its dict: names carry the
  version and a content hash, and definitions are built fresh for each registration;
- timers run on wall-clock seconds: none are used; dates are facts.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from durable import engine as _durable

from contract.compiler import CompiledRuleset, engine_name

MAX_FIELDS_PER_FACT = 250

_LOCK = threading.Lock()


class EngineError(RuntimeError):
    """The engine refused a fact or an action failed; the message says which unit."""


class _QuietHost(_durable.Host):
    """A durable_rules Host without its two background timer threads (they race with callers)."""

    def _run(self) -> None:  # the parent starts threading.Timer loops here
        return


@dataclass
class _Collector:
    fired: dict[str, set[str]] = field(default_factory=dict)
    errors: list[tuple[str, BaseException]] = field(default_factory=list)

    def action(self, rule_name: str):
        def run(c) -> None:
            try:
                sid = str(c.m["sid"])
                self.fired.setdefault(sid, set()).add(rule_name)
            except BaseException as exc:  # durable would swallow it: keep it for after the call
                self.errors.append((rule_name, exc))
        return run


@dataclass(frozen=True)
class Outcome:
    """Which decisions came out true, false, or undecided, for one unit."""

    true: frozenset[str]
    false: frozenset[str]

    def value(self, key: str) -> bool | None:
        if key in self.true:
            return True
        if key in self.false:
            return False
        return None


def check_fact(unit: str, fact: dict) -> None:
    if len(fact) > MAX_FIELDS_PER_FACT:
        raise EngineError(f"{unit}: {len(fact)} fields, more than durable_rules handles in one fact")
    for key, value in fact.items():
        if not isinstance(key, str) or type(value) not in (int, bool, str):
            raise EngineError(f"{unit}: field {key!r} holds {type(value).__name__}; the engine takes int, bool or str")


class RulesEngine:
    """Runs compiled rulesets over units (practices or networks), one session per unit."""

    def __init__(self) -> None:
        self._host = _QuietHost()
        self._collectors: dict[str, _Collector] = {}

    def _register(self, ruleset: CompiledRuleset) -> _Collector:
        collector = self._collectors.get(ruleset.name)
        if collector is None:
            collector = _Collector()
            definition = ruleset.definition()
            for rule_name, rule in definition.items():
                rule["run"] = collector.action(rule_name)
            self._host.register_rulesets({ruleset.name: definition})
            self._collectors[ruleset.name] = collector
        return collector

    def run(self, ruleset: CompiledRuleset, units: Iterable[tuple[str, dict]]) -> dict[str, Outcome]:
        """`units` are (unit id, fact) pairs with engine-ready values keyed by spec names."""
        wanted = ruleset.names
        results: dict[str, Outcome] = {}
        with _LOCK:
            collector = self._register(ruleset)
            for unit_id, values in units:
                fact = {engine_name(k): v for k, v in values.items() if k in wanted}
                check_fact(unit_id, fact)
                sid = unit_id
                fact.update(sid=sid, type="unit")
                try:
                    self._host.assert_facts(ruleset.name, [{"sid": sid, "type": "sentinel"}, fact])
                finally:
                    self._host.delete_state(ruleset.name, sid)
                if collector.errors:
                    rule_name, exc = collector.errors[0]
                    collector.errors.clear()
                    raise EngineError(f"{unit_id}: action of rule {rule_name} failed: {exc!r}") from exc
                fired = collector.fired.pop(sid, set())
                true, false = set(), set()
                for rule_name in fired:
                    found = ruleset.decision_for_rule(rule_name)
                    if found:
                        (true if found[1] else false).add(found[0].key)
                if true & false:
                    raise EngineError(f"{unit_id}: decisions both true and false: {sorted(true & false)}")
                results[unit_id] = Outcome(frozenset(true), frozenset(false))
        return results


_SHARED: RulesEngine | None = None


def shared_engine() -> RulesEngine:
    """One engine per process (durable_rules keeps its rulesets in C globals per host)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = RulesEngine()
    return _SHARED
