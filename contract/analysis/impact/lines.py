"""What impact reads of an evaluation, kept as its findings stream past.

Impact compares two evaluations of a whole population. Holding both as
:class:`~contract.evaluation.results.Evaluation`\\ s (every finding a model with its explanation,
citations, values in words and schedule) costs gigabytes at ten times the national register, and impact
reads four things of each: the kind of term, the status, the amount and the names of the inputs
missing. :func:`read_lines` walks a :class:`~contract.evaluation.stream.FindingStream` once and keeps,
per practice and network, a :class:`Line` for each payment line and obligation (a finding of any other
kind, a sanction ladder's, is not read by impact); each finding is dropped as soon as it is read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from contract.evaluation.results import Status
from contract.evaluation.stream import FindingStream

KINDS_READ = ("entitlement", "obligation")
"""The findings impact reads: payment lines (money) and obligations (threshold crossings)."""

Entity = tuple[str, str]
"""(level, code): ("practice", "A81001") or ("network", "U12345")."""


def input_name(text: str) -> str:
    """The input's name without the detail a finding adds to it: "registered_list (of P1)" → "registered_list"."""
    return text.split(" (", 1)[0]


@dataclass(frozen=True, slots=True)
class Line:
    """One term's result for one practice or network: what impact reads of its finding."""

    kind: str
    """The term's kind: entitlement (a payment line) or obligation."""
    status: Status
    amount: Decimal | None
    """The finding's amount for the contract year (None: cannot be computed, or an obligation)."""
    missing: tuple[str, ...]
    """The names of the inputs the decision needed and did not have, sorted, each once."""

    @property
    def paid(self) -> Decimal | None:
        """What the line counts for in impact: a known £0 when the entity is not eligible, None
        (unknown, never £0) when an input is missing."""
        if self.status is Status.not_applicable:
            return Decimal(0)
        if self.status is Status.input_missing:
            return None
        return self.amount

    @property
    def state(self) -> str:
        """The state a threshold crossing compares: an obligation's status; for a payment line,
        payable, not payable or unknown."""
        if self.kind != "entitlement":
            return self.status.value
        amount = self.paid
        if amount is None:
            return "unknown"
        return "payable" if amount > 0 else "not payable"


@dataclass
class LineIndex:
    """One version's lines, per (level, code), in the order the evaluation produced them."""

    version: str
    entities: dict[Entity, dict[str, Line]] = field(default_factory=dict)

    def of(self, level: str, code: str) -> dict[str, Line]:
        """The entity's lines by term id (none when it had no finding)."""
        return self.entities.get((level, code), {})

    def take(self, level: str, code: str) -> dict[str, Line]:
        """As :meth:`of`, the entity's lines leaving the index (for a reader that needs each once)."""
        return self.entities.pop((level, code), {})

    def missing_inputs(self) -> Counter[str]:
        """For each input a payment line lacks, how many practices and networks lack it."""
        counts: Counter[str] = Counter()
        for lines in self.entities.values():
            counts.update({name for line in lines.values() if line.kind == "entitlement" for name in line.missing})
        return counts


def read_lines(stream: FindingStream) -> LineIndex:
    """Read every finding of `stream` (once) and keep its :class:`Line` (see the module docs)."""
    index = LineIndex(version=stream.header.version)
    names: dict[tuple[str, ...], tuple[str, ...]] = {(): ()}
    """Each distinct list of missing inputs once: a national run repeats a few lists many times."""
    for f in stream:
        if f.term_kind not in KINDS_READ:
            continue
        given = tuple(f.missing)
        missing = names.get(given)
        if missing is None:
            missing = names[given] = tuple(sorted({input_name(m) for m in given}))
        lines = index.entities.get((f.entity_type, f.entity_code))
        if lines is None:
            lines = index.entities[(f.entity_type, f.entity_code)] = {}
        lines[f.term_id] = Line(f.term_kind, f.status, f.amount, missing)
    return index
