"""What an evaluation returns: findings per entity and term, with money, reasons and sources."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from contract.spec.facts import InputIssue
from contract.spec.schema import Citation, Confidence


class Status(StrEnum):
    met = "met"
    not_met = "not_met"
    not_yet_due = "not_yet_due"
    not_applicable = "not_applicable"
    input_missing = "input_missing"


class InstalmentState(StrEnum):
    paid = "paid"
    """Paid on or before the as-of date."""
    due = "due"
    """Payable after the as-of date."""
    withheld = "withheld"
    """Held back while an obligation the payment depends on is not met."""


class Instalment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    month: date
    """First day of the month the money accrues for."""
    paid_on: date
    amount: Decimal
    state: InstalmentState


class Finding(BaseModel):
    """One term, for one practice or network, at one date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    as_of: date
    entity_type: str
    entity_code: str
    entity_name: str | None = None
    commissioner_code: str | None = None
    term_id: str
    term_kind: str
    title: str
    status: Status
    amount: Decimal | None = None
    """For entitlements: the amount for the contract year (None when it cannot be computed)."""
    withheld: Decimal | None = None
    maximum: Decimal | None = None
    """For claims-based entitlements (additional roles): the most the network could claim for the
    year, its budget, computed without the posts claimed. None for other lines, or when the limit
    cannot be computed (the explanation says why)."""
    schedule: list[Instalment] = Field(default_factory=list)
    due: date | None = None
    explanation: str
    missing: list[str] = Field(default_factory=list)
    """Inputs the decision needed and did not have."""
    values: dict[str, str] = Field(default_factory=dict)
    """The values that decided it, in words, with where they came from."""
    citations: list[Citation]
    confidence: Confidence
    """The weakest confidence among the sources the result rests on."""


class InputGap(BaseModel):
    """An input the version's rules read, and the entities that lack it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    level: str
    missing: int
    of: int
    codes: list[str]
    """Every entity lacking it, sorted."""


class Evaluation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    as_of: date
    findings: list[Finding]
    issues: list[InputIssue] = Field(default_factory=list)
    gaps: list[InputGap] = Field(default_factory=list)
    overrides: dict[str, str] = Field(default_factory=dict)
    """National parameters replaced for this evaluation (a cost-neutral impact run, say)."""
    """Inputs the rules read that some practices or networks lack (their findings say input missing)."""
    engine: str = "durable_rules"

    def for_entity(self, code: str) -> list[Finding]:
        return [f for f in self.findings if f.entity_code == code]

    def finding(self, code: str, term_id: str) -> Finding:
        for f in self.findings:
            if f.entity_code == code and f.term_id == term_id:
                return f
        raise KeyError(f"no finding for {code} and {term_id}")

    def total(self, term_id: str | None = None) -> Decimal:
        return sum((f.amount for f in self.findings
                    if f.amount is not None and (term_id is None or f.term_id == term_id)), Decimal(0))
