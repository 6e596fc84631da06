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

Statecharts (the sanction ladders, :class:`Chart`) follow the same rules (one session per unit,
`delete_state` in a `finally`, the lock, the quiet host, wrapped actions, positive type tests,
int/bool/str fields, fresh definitions under versioned names), with these differences:

- a chart's events are *posted* (durable_rules events), one per call, not asserted as facts: a
  fact stays in the session and would fire again in the next state; an event is consumed by the
  one transition it takes, which is what a state machine needs (events firing one rule only is,
  here, the point);

- durable_rules starts a chart in the one state that no transition leads to, but a ladder returns
  to its first state (a remedy leads back to compliant): every chart gets a pass-through start
  state (:data:`PASS_THROUGH_START`) that moves straight on to the chart's own first state;
- an event that no transition of the current state takes stays pending in the session and fires
  later, in some other state: every state takes every event of the chart's closed list, the events
  without a transition as a move back to the same state (reported as not `defined`), and the
  adapter checks after each event that exactly one move consumed it;
- the current state is written into the session state (`label`) by the actions, and read back
  after each event; events go in one at a time, in the caller's order (date order).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from durable import engine as _durable

from contract.engine.compiler import CompiledRuleset, engine_name

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
        self._charts = _ChartRegistry()

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
                true: set[str] = set()
                false: set[str] = set()
                for rule_name in fired:
                    found = ruleset.decision_for_rule(rule_name)
                    if found:
                        (true if found[1] else false).add(found[0].key)
                if true & false:
                    raise EngineError(f"{unit_id}: decisions both true and false: {sorted(true & false)}")
                results[unit_id] = Outcome(frozenset(true), frozenset(false))
        return results

    @contextmanager
    def chart_session(self, chart: Chart, unit: str) -> Iterator[ChartSession]:
        """One unit's session of `chart`: post its events in order, read its state. The
        process-wide lock is held until the session closes (so do not call :meth:`run` inside it),
        and the session state is deleted then, whatever happened."""
        with _LOCK:
            collector = self._charts.collector(self._host, chart)
            collector.moves.clear()
            collector.errors.clear()
            try:
                # Creating the session state fires the pass-through start; its action writes the label.
                self._host.update_state(chart.name, {"sid": unit})
                session = ChartSession(self._host, chart, collector, unit)
                session._raise_errors()
                if session.state != chart.initial:
                    raise EngineError(f"{unit}: chart {chart.name} did not start in {chart.initial}")
                yield session
            finally:
                self._host.delete_state(chart.name, unit)

    def run_chart(self, chart: Chart, unit: str,
                  events: Iterable[tuple[str, dict[str, int | bool | str]]]) -> list[ChartMove]:
        """Post (event, fields) pairs in order for one unit; return the moves they made."""
        with self.chart_session(chart, unit) as session:
            return [session.post(event, **fields) for event, fields in events]


# --- statecharts (sanction ladders: contract.evaluation.sanctions) ---------------------------------------

PASS_THROUGH_START = "pass_through_start"
"""The state every chart starts in; it moves at once to the chart's own first state."""

_CHART_EVENT = "chart_event"
_RESERVED = frozenset({"sid", "id", "type", "event"})


@dataclass(frozen=True)
class Chart:
    """A state machine to run in the engine, built by the caller from spec data: its states, the
    state each event leads to from each state, and the closed list of events it takes."""

    name: str
    """Unique per host and content (durable_rules registers a name once)."""
    initial: str
    transitions: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    events: tuple[str, ...]

    @classmethod
    def build(cls, name: str, initial: str, transitions: Mapping[str, Mapping[str, str]],
              events: Iterable[str]) -> Chart:
        frozen = tuple((state, tuple(moves.items())) for state, moves in transitions.items())
        return cls(name, initial, frozen, tuple(events))

    def __post_init__(self) -> None:
        states = [state for state, _ in self.transitions]
        if PASS_THROUGH_START in states:
            raise EngineError(f"chart {self.name}: {PASS_THROUGH_START!r} is the adapter's own start state")
        if self.initial not in states:
            raise EngineError(f"chart {self.name}: initial state {self.initial!r} is not one of its states")
        for state, moves in self.transitions:
            for event, target in moves:
                if event not in self.events:
                    raise EngineError(f"chart {self.name}: state {state} takes unknown event {event!r}")
                if target not in states:
                    raise EngineError(f"chart {self.name}: {state} --{event}--> {target!r}, not a state")

    def target(self, state: str, event: str) -> str | None:
        """Where `event` leads from `state` (None: the chart defines no such move)."""
        for name, moves in self.transitions:
            if name == state:
                return dict(moves).get(event)
        raise EngineError(f"chart {self.name}: no state {state!r}")

    def definition(self, collector: _ChartCollector) -> dict:
        """A fresh durable_rules statechart definition (durable_rules mutates what it is given)."""
        chart: dict[str, dict] = {
            PASS_THROUGH_START: {"enter": {"to": self.initial,
                                           "run": collector.action(PASS_THROUGH_START, None, self.initial, True)}},
        }
        for state, moves in self.transitions:
            defined = dict(moves)
            triggers = {}
            for event in self.events:
                target = defined.get(event, state)
                triggers[event] = {
                    # A positive type test in every pattern (a negative-only pattern would loop).
                    "all": [{"m": {"$and": [{"type": _CHART_EVENT}, {"event": event}]}}],
                    "to": target,
                    "run": collector.action(state, event, target, event in defined),
                }
            chart[state] = triggers
        return chart


@dataclass(frozen=True)
class ChartMove:
    """What one event did: the state it left, the state it reached, and whether the chart defines
    that move (False: the chart has no transition for the event there; the state is unchanged)."""

    event: str
    source: str
    target: str
    defined: bool


@dataclass
class _ChartCollector:
    moves: list[ChartMove] = field(default_factory=list)
    errors: list[tuple[str, BaseException]] = field(default_factory=list)

    def action(self, source: str, event: str | None, target: str, defined: bool):
        def run(c) -> None:
            try:
                # The state lives in the session state, written here, read back by the adapter.
                c.s.label = target
                if event is not None:
                    c.s.seq = int(c.m["id"])
                    self.moves.append(ChartMove(event, source, target, defined))
            except BaseException as exc:  # durable would swallow it: keep it for after the call
                self.errors.append((f"{source}.{event}", exc))
        return run


class ChartSession:
    """One unit's run through a chart; open it with :meth:`RulesEngine.chart_session`."""

    def __init__(self, host: _QuietHost, chart: Chart, collector: _ChartCollector, unit: str):
        self._host, self.chart, self._collector, self.unit = host, chart, collector, unit
        self._seq = 0

    @property
    def state(self) -> str:
        return str(self._host.get_state(self.chart.name, self.unit).get("label"))

    def _raise_errors(self) -> None:
        if self._collector.errors:
            where, exc = self._collector.errors[0]
            self._collector.errors.clear()
            raise EngineError(f"{self.unit}: action of {self.chart.name} {where} failed: {exc!r}") from exc

    def post(self, event: str, **fields: int | bool | str) -> ChartMove:
        """Send one event; return the move it made. Extra fields must be int, bool or str."""
        if event not in self.chart.events:
            raise EngineError(f"{self.unit}: chart {self.chart.name} takes no event {event!r}")
        clash = _RESERVED & fields.keys()
        if clash:
            raise EngineError(f"{self.unit}: event fields {sorted(clash)} are the adapter's own")
        self._seq += 1
        message = {"sid": self.unit, "id": self._seq, "type": _CHART_EVENT, "event": event, **fields}
        check_fact(self.unit, message)
        self._collector.moves.clear()
        self._host.post(self.chart.name, message)
        self._raise_errors()
        moves, self._collector.moves = self._collector.moves, []
        state = self._host.get_state(self.chart.name, self.unit)
        if len(moves) != 1 or state.get("seq") != self._seq or state.get("label") != moves[0].target:
            raise EngineError(f"{self.unit}: event {event!r} was not consumed by exactly one move "
                              f"(moves {moves}, session state {state})")
        return moves[0]


class _ChartRegistry:
    def __init__(self) -> None:
        self.charts: dict[str, tuple[Chart, _ChartCollector]] = {}

    def collector(self, host: _QuietHost, chart: Chart) -> _ChartCollector:
        found = self.charts.get(chart.name)
        if found is not None:
            if found[0] != chart:
                raise EngineError(f"a different chart is already registered as {chart.name}")
            return found[1]
        collector = _ChartCollector()
        host.register_rulesets({f"{chart.name}$state": chart.definition(collector)})
        self.charts[chart.name] = (chart, collector)
        return collector


_SHARED: RulesEngine | None = None


def shared_engine() -> RulesEngine:
    """One engine per process (durable_rules keeps its rulesets in C globals per host)."""
    global _SHARED
    if _SHARED is None:
        _SHARED = RulesEngine()
    return _SHARED
