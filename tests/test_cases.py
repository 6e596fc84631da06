"""Run every YAML author case (specs/*/cases/*.yaml) through the engine and the reference evaluator."""

from __future__ import annotations

import inspect

import pytest

from contract.evaluation.cases import LoadedCase, all_cases, population_of
from contract.evaluation.evaluate import evaluate
from contract.spec.loader import load_version

CASES = all_cases()


def _run(loaded: LoadedCase, use_reference: bool):
    version = load_version(loaded.version)
    population = population_of(loaded)
    kwargs = {"use_reference": use_reference}
    if loaded.case.events:
        if "events" not in inspect.signature(evaluate).parameters:
            pytest.fail("this case has sanction events but evaluate() takes none")
        from contract.io.readers.events import events_from_records

        kwargs["events"] = events_from_records(loaded.case.events, source=loaded.file)
    return evaluate(version, population, loaded.case.as_of, **kwargs)


def test_there_are_cases_for_every_contract_year():
    versions = {c.version for c in CASES}
    assert {"2019-20"} <= versions


@pytest.mark.parametrize("loaded", CASES, ids=[f"{c.version}: {c.case.name}" for c in CASES])
def test_case(loaded: LoadedCase):
    result = _run(loaded, use_reference=False)
    for exp in loaded.case.expect:
        finding = result.finding(exp.entity, exp.term)
        context = f"{exp.entity} {exp.term}: {finding.explanation}"
        if exp.status is not None:
            assert finding.status.value == exp.status, context
        if exp.amount is not None:
            assert finding.amount == exp.amount, context
        if exp.withheld is not None:
            assert finding.withheld == exp.withheld, context
        if exp.due is not None:
            assert finding.due == exp.due, context
        if exp.state is not None:
            assert finding.values.get("state") == exp.state, context


@pytest.mark.parametrize("loaded", CASES, ids=[f"{c.version}: {c.case.name}" for c in CASES])
def test_case_agrees_with_reference_evaluator(loaded: LoadedCase):
    engine = _run(loaded, use_reference=False)
    reference = _run(loaded, use_reference=True)
    assert [(f.entity_code, f.term_id, f.status, f.amount) for f in engine.findings] == \
        [(f.entity_code, f.term_id, f.status, f.amount) for f in reference.findings]
