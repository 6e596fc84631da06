"""Author test cases: YAML beside the specs (`specs/<version>/cases/*.yaml`).

Each case has a sentence for a name, an explicit as-of date, the inputs, the expected results,
the working shown and where the expectation comes from. The test suite runs every case through
the engine and the reference evaluator; the docs show each case on the pages of the terms it
exercises. Input values go through the same validation as a commissioner's CSV.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.spec.facts import FieldDef, Network, Population, Practice, Provenance, StaffMember, coerce
from contract.spec.loader import SPECS_ROOT, catalogue, version_ids
from contract.spec.yamlio import SpecError, load_yaml


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CasePractice(_Strict):
    code: str
    pcn_code: str | None = None
    commissioner_code: str | None = None
    values: dict[str, Any] = Field(default_factory=dict)


class CaseNetwork(_Strict):
    code: str
    members: list[str] = Field(default_factory=list)
    commissioner_code: str | None = None
    values: dict[str, Any] = Field(default_factory=dict)


class CaseStaff(_Strict):
    pcn_code: str
    staff_id: str
    values: dict[str, Any] = Field(default_factory=dict)


class Expectation(_Strict):
    entity: str
    term: str
    status: str | None = None
    amount: Decimal | None = None
    withheld: Decimal | None = None
    due: date | None = None
    state: str | None = None
    """For sanction findings: the ladder state named in the explanation."""


class Case(_Strict):
    name: Annotated[str, Field(min_length=10)]
    as_of: date
    source: str
    """Where the expected values come from: an official worked example, a published rate, or a
    hand calculation (shown in `working`)."""
    working: str
    practices: list[CasePractice] = Field(default_factory=list)
    networks: list[CaseNetwork] = Field(default_factory=list)
    staff: list[CaseStaff] = Field(default_factory=list)
    events: list[dict[str, Any]] = Field(default_factory=list)
    expect: Annotated[list[Expectation], Field(min_length=1)]


class CaseFile(_Strict):
    cases: list[Case]


class LoadedCase(_Strict):
    version: str
    file: str
    case: Case


def case_files(version_id: str, root: Path = SPECS_ROOT) -> list[Path]:
    return sorted((root / version_id / "cases").glob("*.yaml"))


def load_cases(version_id: str, root: Path = SPECS_ROOT) -> list[LoadedCase]:
    found: list[LoadedCase] = []
    for path in case_files(version_id, root):
        try:
            parsed = CaseFile.model_validate(load_yaml(path))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise SpecError(path, ".".join(str(p) for p in err["loc"]), err["msg"]) from None
        rel = str(path.relative_to(root))
        found.extend(LoadedCase(version=version_id, file=rel, case=c) for c in parsed.cases)
    return found


def _typed(values: dict[str, Any], fields: dict[str, FieldDef], where: str) -> dict[str, Any]:
    typed = {}
    for name, raw in values.items():
        field = fields.get(name)
        if field is None:
            raise SpecError(where, name, "not an input field (see specs/fields.yaml)")
        try:
            typed[name] = coerce(field, raw if not isinstance(raw, float) else str(raw))
        except ValueError as exc:
            raise SpecError(where, name, str(exc)) from None
    return typed


def population_of(loaded: LoadedCase) -> Population:
    """The case's inputs as a population, validated like a commissioner's files."""
    fields = catalogue()
    case = loaded.case
    where = f"{loaded.file}: {case.name}"
    source = Provenance(file=loaded.file)
    pop = Population(sources=[loaded.file])
    for p in case.practices:
        practice = Practice(code=p.code, pcn_code=p.pcn_code, commissioner_code=p.commissioner_code)
        for name, value in _typed(p.values, fields, where).items():
            practice.set(name, value, source)
        pop.practices[p.code] = practice
    for n in case.networks:
        network = Network(code=n.code, member_codes=list(n.members), commissioner_code=n.commissioner_code)
        for name, value in _typed(n.values, fields, where).items():
            network.set(name, value, source)
        pop.networks[n.code] = network
    for s in case.staff:
        pop.staff.append(StaffMember(pcn_code=s.pcn_code, staff_id=s.staff_id,
                                     values=_typed(s.values, fields, where), provenance=source))
    return pop


def all_cases(root: Path = SPECS_ROOT) -> list[LoadedCase]:
    return [c for v in version_ids(root) for c in load_cases(v, root)]
