"""What an evaluation returns: findings per entity and term, with money, reasons and sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from contract.spec.facts import InputIssue
from contract.spec.schema import Citation, Confidence

if TYPE_CHECKING:
    import polars as pl


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


@dataclass(frozen=True, slots=True)
class Instalment:
    """One month's payment of a line: a light record (a national run makes a few hundred thousand)."""

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

    @property
    def payable(self) -> Decimal | None:
        """The money paid or still due for the year: the amount less what is withheld (£0 for a line
        withheld in full); None when there is no amount (input missing, or an obligation)."""
        if self.amount is None:
            return None
        return self.amount - (self.withheld or Decimal(0))


class InputGap(BaseModel):
    """An input the version's rules read, and the entities that lack it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    level: str
    missing: int
    of: int
    codes: list[str]
    """Every entity lacking it, sorted."""


class EvaluationHeader(BaseModel):
    """What an evaluation is of, and what is known before its first finding: the version, the date,
    the area, the engine, the values set, the input issues and the inputs lacking. A streamed
    evaluation (:mod:`contract.evaluation.stream`) gives this first, then its findings one entity at
    a time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str
    as_of: date
    issues: list[InputIssue] = Field(default_factory=list)
    gaps: list[InputGap] = Field(default_factory=list)
    """Inputs the rules read that some practices or networks lack (their findings say input missing)."""
    overrides: dict[str, str] = Field(default_factory=dict)
    """National parameters replaced for this evaluation (a cost-neutral impact run, say)."""
    scope: str | None = None
    """The area asked for (`--commissioner`, `--pcn`) in words, e.g. "commissioner 03N: 15 networks,
    78 practices"; None when the evaluation covers every practice and network read."""
    engine: str = "durable_rules"


class Evaluation(EvaluationHeader):
    """An evaluation with all its findings in memory (for the Python API and analyses over a few
    entities; a national report streams instead: :func:`contract.evaluation.evaluate.evaluate_stream`)."""

    findings: list[Finding]

    @property
    def header(self) -> EvaluationHeader:
        return EvaluationHeader(**{name: getattr(self, name) for name in EvaluationHeader.model_fields})

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

    def to_polars(self, wide: bool = False) -> pl.DataFrame:
        """The findings as a polars DataFrame (``.to_pandas()`` for pandas).

        Long form (default): one row per finding, with ``amount`` (the full-year amount), ``withheld``
        and ``payable`` (paid or due: the amount less what is withheld) as exact decimals to the
        penny, and dates as dates. Wide (``wide=True``): one row per practice or network, with its
        ``payable`` for each term that has one as a column named by the term id (null where the
        amount is unknown, never 0)."""
        import polars as pl

        money = pl.Decimal(precision=38, scale=2)
        long = pl.DataFrame({
            "version": [f.version for f in self.findings],
            "as_of": pl.Series([f.as_of for f in self.findings], dtype=pl.Date),
            "entity_type": [f.entity_type for f in self.findings],
            "entity_code": [f.entity_code for f in self.findings],
            "entity_name": pl.Series([f.entity_name for f in self.findings], dtype=pl.String),
            "commissioner_code": pl.Series([f.commissioner_code for f in self.findings], dtype=pl.String),
            "term_id": [f.term_id for f in self.findings],
            "term_kind": [f.term_kind for f in self.findings],
            "status": [f.status.value for f in self.findings],
            "amount": pl.Series([f.amount for f in self.findings], dtype=money),
            "withheld": pl.Series([f.withheld for f in self.findings], dtype=money),
            "payable": pl.Series([f.payable for f in self.findings], dtype=money),
            "due": pl.Series([f.due for f in self.findings], dtype=pl.Date),
            "confidence": [f.confidence.value for f in self.findings],
            "missing": pl.Series([list(f.missing) for f in self.findings], dtype=pl.List(pl.String)),
            "explanation": [f.explanation for f in self.findings],
        })
        if not wide:
            return long
        keys = ["entity_type", "entity_code", "entity_name", "commissioner_code"]
        priced = long.filter(pl.col("term_kind") == "entitlement")
        terms = list(dict.fromkeys(priced["term_id"].to_list()))
        entities = long.select(keys).unique(subset=["entity_type", "entity_code"], keep="first", maintain_order=True)
        if not terms:
            return entities
        table = priced.pivot(on="term_id", index=["entity_type", "entity_code"], values="payable")
        return entities.join(table, on=["entity_type", "entity_code"], how="left").select([*keys, *terms])
