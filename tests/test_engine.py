"""The durable_rules adapter against the plain-Python reference evaluator, and the engine's limits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.engine.compiler import MAX_ATOMS_PER_RULESET, compile_version, engine_value
from contract.engine.durable import EngineError, check_fact, shared_engine
from contract.engine.reference import run_reference
from contract.evaluation.evaluate import DateOutOfRange, evaluate
from contract.lang.expressions import All, Any_, Cmp, Lit
from contract.spec.facts import Population
from contract.spec.loader import catalogue, load_version, name_kinds, version_ids

RULESETS = [(vid, r) for vid in version_ids() for r in compile_version(load_version(vid)).rulesets]


def _literals(cond) -> list:
    if isinstance(cond, All | Any_):
        return [x for i in cond.items for x in _literals(i)]
    if isinstance(cond, Cmp):
        return [engine_value(x.value) for x in (cond.left, cond.right) if isinstance(x, Lit)]
    return []


def _value_strategy(kind: str, literals: list):
    if kind == "flag":
        return st.booleans()
    if kind == "text":
        return st.sampled_from(["a", "b", "9", "30000"])  # digits as text must never compare as numbers
    near = [v + d for v in literals if isinstance(v, int) and not isinstance(v, bool) for d in (-1, 0, 1)]
    if kind == "date":
        dates = st.dates(date(2018, 1, 1), date(2026, 12, 31)).map(engine_value)
        return st.one_of(dates, st.sampled_from(near)) if near else dates
    numbers = st.integers(0, 20_000_000)
    return st.one_of(numbers, st.sampled_from(near)) if near else numbers


@st.composite
def facts_for(draw, vid, ruleset):
    kinds = name_kinds(load_version(vid), catalogue())
    literals = [x for d in ruleset.decisions for x in _literals(d.when_true)]
    fact = {}
    for name in sorted(ruleset.names):
        if draw(st.booleans()) or draw(st.booleans()):  # present three times in four
            fact[name] = draw(_value_strategy(kinds[name], literals))
    return fact


@pytest.mark.parametrize(("vid", "ruleset"), RULESETS, ids=[r.name for _, r in RULESETS])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_engine_and_reference_agree_on_generated_facts(vid, ruleset, data):
    units = [(f"u{i}", data.draw(facts_for(vid, ruleset))) for i in range(3)]
    assert shared_engine().run(ruleset, units) == run_reference(ruleset, units)


def test_rulesets_stay_inside_the_engine_limits():
    for _vid, ruleset in RULESETS:
        assert sum(d.atoms for d in ruleset.decisions) <= MAX_ATOMS_PER_RULESET
        assert len(ruleset.names) < 250


def test_more_sessions_than_the_engine_keeps_alive_are_fine_because_each_is_deleted():
    # durable_rules fails after about 1,024 live sessions per ruleset; we run 3,000 units through one.
    ruleset = RULESETS[0][1]
    units = [(f"n{i}", {}) for i in range(3000)]
    results = shared_engine().run(ruleset, units)
    assert len(results) == 3000


def test_facts_that_could_be_coerced_are_refused_at_the_boundary():
    with pytest.raises(EngineError, match="float"):
        check_fact("x", {"registered_list": 1.5})
    with pytest.raises(EngineError, match="Decimal"):
        check_fact("x", {"registered_list": Decimal("1.5")})


def test_an_as_of_date_outside_the_version_is_refused_not_answered_with_zero():
    with pytest.raises(DateOutOfRange, match="outside 2019-20"):
        evaluate(load_version("2019-20"), Population(), date(2020, 4, 1))
