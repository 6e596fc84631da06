"""Running totals over an evaluation's findings, added one at a time as they are produced.

A national report need not keep its findings to summarise them: :class:`Tally` keeps, per term, the
count of each status and the money sums (full-year amount, withheld, paid or due, and the most that
could be claimed on claims-based lines), the distinct practices and networks, and the first findings
that need attention. The Markdown report and the workbook's Summary sheet take every total from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from contract.evaluation.results import Finding, Status

ATTENTION = (Status.not_met, Status.input_missing)
"""The statuses a commissioner must act on: an obligation not met, an input to supply."""


@dataclass(slots=True)
class TermTotals:
    """One term's totals over the findings added so far."""

    term_id: str
    title: str
    kind: str
    statuses: dict[Status, int] = field(default_factory=dict)
    findings: int = 0
    amount: Decimal = Decimal(0)
    """Full-year amounts summed over the findings that have one (an unknown amount adds nothing)."""
    withheld: Decimal = Decimal(0)
    payable: Decimal = Decimal(0)
    """Paid or due: the amounts less what is withheld, over the findings that have an amount."""
    with_maximum: int = 0
    """Findings that carry the most that could be claimed (claims-based lines)."""
    maximum: Decimal = Decimal(0)

    def count(self, status: Status) -> int:
        return self.statuses.get(status, 0)

    @property
    def paying(self) -> bool:
        return self.kind == "entitlement"

    @property
    def claims_based(self) -> bool:
        """Any of its findings gave the most that could be claimed (the additional roles line)."""
        return self.with_maximum > 0


class Tally:
    """Totals per term, the entities seen, and the first `attention_limit` findings needing attention.

    `add` each finding once, in any order; the totals are exact (Decimal) and the terms keep the order
    in which they were first seen."""

    def __init__(self, attention_limit: int = 200):
        if attention_limit < 0:
            raise ValueError(f"attention_limit must not be negative, not {attention_limit}")
        self.attention_limit = attention_limit
        self.terms: dict[tuple[str, str], TermTotals] = {}
        self.findings = 0
        self.attention: list[Finding] = []
        """The first `attention_limit` findings not met or input missing, in the order added."""
        self.attention_count = 0
        self._entities: set[tuple[str, str]] = set()

    def add(self, f: Finding) -> None:
        totals = self.terms.get((f.term_id, f.title))
        if totals is None:
            totals = self.terms[(f.term_id, f.title)] = TermTotals(f.term_id, f.title, f.term_kind)
        totals.statuses[f.status] = totals.statuses.get(f.status, 0) + 1
        totals.findings += 1
        if f.amount is not None:
            totals.amount += f.amount
        if f.payable is not None:
            totals.payable += f.payable
        if f.withheld is not None:
            totals.withheld += f.withheld
        if f.maximum is not None:
            totals.with_maximum += 1
            totals.maximum += f.maximum
        self.findings += 1
        self._entities.add((f.entity_type, f.entity_code))
        if f.status in ATTENTION:
            self.attention_count += 1
            if len(self.attention) < self.attention_limit:
                self.attention.append(f)

    def entities(self, entity_type: str | None = None) -> int:
        """Distinct practices and networks seen (of one type, when given)."""
        if entity_type is None:
            return len(self._entities)
        return sum(1 for kind, _ in self._entities if kind == entity_type)

    def payment_lines_first(self) -> list[TermTotals]:
        """Every term, the payment lines (entitlements) first, each group in first-seen order."""
        return sorted(self.terms.values(), key=lambda t: not t.paying)

    def claims_based(self) -> list[TermTotals]:
        """The terms with a most-that-could-be-claimed, in first-seen order."""
        return [t for t in self.terms.values() if t.claims_based]
