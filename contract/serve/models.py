"""Request models, and the envelope every JSON answer comes in.

Answers carry the CLI's own JSON models unchanged (Impact, VersionDiff, MultiDiff, Evaluation,
Finding; the version and term models of contract.spec.schema) under `result`, beside `population`:
what the answer was computed over (a synthetic population says so)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from contract.analysis.diff import MultiDiff, VersionDiff
from contract.analysis.impact import Impact
from contract.evaluation.results import Evaluation, Finding
from contract.serve.population import PopulationInfo
from contract.spec.schema import Citation, DatedValue, Term, VersionMeta

Result = TypeVar("Result")


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Answer(BaseModel, Generic[Result]):
    """Every JSON answer: what it was computed over, and the result."""

    population: PopulationInfo
    result: Result


class Area(_Request):
    commissioner: list[str] = []
    """Only these commissioners' networks and practices (e.g. ["03N"])."""
    pcn: list[str] = []
    """Only these networks and their member practices."""


class EvaluateRequest(Area):
    version: str
    as_of: date | None = None
    """Default: the version's last day."""
    set: dict[str, Decimal] = {}
    """National parameters replaced for this evaluation (as `--set PARAM=VALUE`)."""


class ExplainRequest(_Request):
    version: str
    term: str
    entity: str | None = None
    """A practice or network code; leave out for a national parameter."""
    as_of: date | None = None
    set: dict[str, Decimal] = {}


class DiffRequest(_Request):
    versions: list[str] = Field(min_length=2)
    set: dict[str, Decimal] = {}
    """National parameters of the last version."""
    average_patients: Decimal | None = None


class ImpactRequest(Area):
    base: str
    proposal: str
    as_of_base: date | None = None
    as_of_proposal: date | None = None
    set: dict[str, Decimal] = {}
    """National parameters of the proposal."""
    attribute_networks: bool = False
    top: int = Field(10, ge=0, le=1000)


class Vary(_Request):
    param: str
    start: Decimal
    stop: Decimal
    step: Decimal


class SweepRequest(Area):
    version: str
    vary: list[Vary] = Field(min_length=1)
    against: str | None = None
    as_of: date | None = None
    set: dict[str, Decimal] = {}


class ScenarioRequest(_Request):
    base: str
    proposal: str
    set: dict[str, Decimal] = {}
    """The proposal's national £ parameters as moved on the console."""
    commissioner: list[str] = []
    bins: int = Field(24, ge=4, le=200)


class ExportRequest(_Request):
    proposal: str
    set: dict[str, Decimal] = {}
    id: str | None = Field(None, pattern=r"^\d{4}-\d{2}(-[a-z]+)?$")
    """The overlay's version id (default: the proposal's year and `-scenario`)."""
    commissioner: list[str] = []
    as_of: date | None = None


class VersionSummary(BaseModel):
    id: str
    title: str
    status: str
    in_force_start: date
    in_force_end: date
    base: str | None = None


class VersionDetail(BaseModel):
    meta: VersionMeta
    terms: list[Term]
    files: dict[str, str]


class TermAcrossVersions(BaseModel):
    id: str
    versions: dict[str, Term | None]
    """Each version's term (null where the version does not have it)."""


class ParameterValue(BaseModel):
    """A parameter's value at a date with its source; for another term without an entity, the term and its sources."""

    version: str
    as_of: date
    term: Term
    value: str | None
    """The value in force at the date (or set with `set`), as text; null when it cannot be computed."""
    source: str
    dated_value: DatedValue | None = None
    citations: list[Citation]


class Explanation(BaseModel):
    """One decision for one practice or network (the findings of `contract explain`)."""

    version: str
    as_of: date
    term: Term
    finding: Finding


AnyResult = Impact | VersionDiff | MultiDiff | Evaluation | dict[str, Any]
