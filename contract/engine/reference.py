"""A plain-Python evaluator of the same compiled decisions, for differential tests.

It reads the engine-form facts (integers, flags, text, keyed by spec names) and evaluates each
decision's true and false forms with the engine's semantics: a comparison that reads a missing
name is false. Where both the engine and this agree on every generated input, the compilation to
durable_rules is faithful. It is also the seed of a vectorised path for very large batches.
"""

from __future__ import annotations

from contract.engine.compiler import CompiledRuleset, engine_value
from contract.engine.durable import Outcome
from contract.lang.expressions import All, Any_, Cmp, Condition, Lit, Ref, compare


def _operand(node: Ref | Lit, fact: dict):
    if isinstance(node, Ref):
        return fact.get(node.name, _MISSING)
    return engine_value(node.value)


_MISSING = object()


def holds(cond: Condition, fact: dict) -> bool:
    """Two-valued truth of a negation-normal-form condition; missing names make comparisons false."""
    if isinstance(cond, All):
        return all(holds(i, fact) for i in cond.items)
    if isinstance(cond, Any_):
        return any(holds(i, fact) for i in cond.items)
    if isinstance(cond, Cmp):
        a, b = _operand(cond.left, fact), _operand(cond.right, fact)
        if a is _MISSING or b is _MISSING:
            return False
        return compare(cond.op, a, b)
    raise TypeError(f"not in negation normal form: {cond}")


def run_reference(ruleset: CompiledRuleset, units: list[tuple[str, dict]]) -> dict[str, Outcome]:
    results: dict[str, Outcome] = {}
    for unit_id, fact in units:
        true = frozenset(d.key for d in ruleset.decisions if holds(d.when_true, fact))
        false = frozenset(d.key for d in ruleset.decisions if holds(d.when_false, fact))
        results[unit_id] = Outcome(true, false)
    return results
