"""The engine's part: every condition of a version decided for every practice and network."""

from __future__ import annotations

from contract.engine.compiler import EngineValue, compile_version, engine_value
from contract.engine.durable import Outcome, shared_engine
from contract.engine.reference import run_reference
from contract.evaluation.context import Context
from contract.spec.schema import EntityLevel, Version

UNDECIDED = Outcome(frozenset(), frozenset())


def unit_id(ctx: Context) -> str:
    """The engine's name for one practice or network."""
    return f"{ctx.level.value}:{ctx.code}"


def _engine_facts(ctx: Context, wanted: frozenset[str]) -> dict[str, EngineValue]:
    """The entity's values that some ruleset of its level reads, as the engine takes them."""
    return {k: engine_value(v) for k, v in ctx.env.items() if k in wanted}


def decide(version: Version, ctxs: list[Context], use_reference: bool = False) -> dict[str, Outcome]:
    """Run every ruleset of the version over the contexts of its level; merge per entity (by
    :func:`unit_id`). With `use_reference`, the plain-Python reference evaluator decides instead."""
    compiled = compile_version(version)
    merged: dict[str, tuple[set[str], set[str]]] = {}
    for level in (EntityLevel.practice, EntityLevel.network):
        rulesets = compiled.for_level(level)
        wanted = frozenset().union(*(r.names for r in rulesets))
        units = [(unit_id(c), _engine_facts(c, wanted)) for c in ctxs if c.level is level]
        if not units:
            continue
        for ruleset in rulesets:
            outcomes = run_reference(ruleset, units) if use_reference else shared_engine().run(ruleset, units)
            for unit, outcome in outcomes.items():
                true, false = merged.setdefault(unit, (set(), set()))
                true |= outcome.true
                false |= outcome.false
    return {unit: Outcome(frozenset(t), frozenset(f)) for unit, (t, f) in merged.items()}
