"""Findings are built without re-validation (contract.evaluation.findings.trusted_finding) and streamed
in batches (contract.evaluation.evaluate.evaluate_stream): here, for every version, each finding is
exactly what pydantic validates from its own dump (same values, same types), and the stream gives the
same findings whatever the batch size."""

from __future__ import annotations

import pytest

from contract.evaluation.evaluate import evaluate_stream
from contract.evaluation.findings import trusted_finding
from contract.evaluation.results import Finding
from contract.evaluation.stream import StreamConsumed
from contract.io.generate import generate
from contract.io.readers import read_population
from contract.spec.loader import load_version, version_ids


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    files = generate(tmp_path_factory.mktemp("small"), scale=0.02, seed=7)
    return read_population(register=files.epcn, lists=[files.qof], practices=files.practices,
                           networks=files.networks, staff=files.staff)


@pytest.mark.parametrize("version_id", version_ids())
def test_every_finding_is_what_pydantic_validates_from_its_dump(version_id, population):
    version = load_version(version_id)
    findings = list(evaluate_stream(version, population, version.meta.in_force.end))
    assert findings, f"{version_id}: no findings"
    for f in findings:
        again = Finding.model_validate(f.model_dump())
        assert again == f, f"{version_id} {f.entity_code} {f.term_id}"
        for name in Finding.model_fields:
            assert type(getattr(again, name)) is type(getattr(f, name)), f"{f.term_id}.{name}"


def test_the_batch_size_changes_nothing(population):
    version = load_version("2019-20")
    as_of = version.meta.in_force.end
    whole = list(evaluate_stream(version, population, as_of, batch=100_000))
    for batch in (1, 7, 64):
        assert list(evaluate_stream(version, population, as_of, batch=batch)) == whole


def test_a_stream_is_read_once(population):
    version = load_version("2019-20")
    stream = evaluate_stream(version, population, version.meta.in_force.end)
    next(iter(stream))
    with pytest.raises(StreamConsumed):
        iter(stream)


def test_a_trusted_finding_needs_exactly_its_fields():
    with pytest.raises(TypeError, match="exactly its fields"):
        trusted_finding(version="2019-20")
