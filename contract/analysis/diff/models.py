"""The diff's report models: classes of change, field and term changes, money, verdicts.

Everything here is data; how it is computed lives in the sibling modules (see the package docs).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from contract.lang.redline import Segment
from contract.spec.schema import Citation, Period, Status


class ChangeClass(StrEnum):
    new_obligation = "new_obligation"
    obligation_dropped = "obligation_dropped"
    funding_up = "funding_up"
    funding_down = "funding_down"
    moved = "moved"
    """A payment line added or removed whose money moves from or into other lines (a merge or a
    split): `moved_to` / `moved_from` name them, and the money summary's `moves` gives the funding
    change of the whole."""
    stricter = "stricter"
    looser = "looser"
    timing = "timing"
    undetermined = "undetermined"
    """Substantive, but its direction cannot be decided from the data."""
    editorial = "editorial"


OPPOSITE = {
    ChangeClass.new_obligation: ChangeClass.obligation_dropped,
    ChangeClass.obligation_dropped: ChangeClass.new_obligation,
    ChangeClass.funding_up: ChangeClass.funding_down,
    ChangeClass.funding_down: ChangeClass.funding_up,
    ChangeClass.moved: ChangeClass.moved,
    ChangeClass.stricter: ChangeClass.looser,
    ChangeClass.looser: ChangeClass.stricter,
    ChangeClass.timing: ChangeClass.timing,
    ChangeClass.undetermined: ChangeClass.undetermined,
    ChangeClass.editorial: ChangeClass.editorial,
}
"""What each class becomes when the two versions are swapped."""

RANK = {c: i for i, c in enumerate(ChangeClass)}


class Direction(StrEnum):
    """For a timing change: what the move does to the obligation."""

    stricter = "stricter"
    looser = "looser"


class Shift(StrEnum):
    earlier = "earlier"
    later = "later"


class TermState(StrEnum):
    added = "added"
    removed = "removed"
    changed = "changed"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class FieldChange(_Model):
    """One field of a term that moved."""

    field: str
    """Dotted path of what moved: `value`, `values`, `due`, `frequency`, `roles.<role>.max_per_wte_year`."""
    label: str
    """The same in words."""
    old: str | None
    """The old value in words (None: not there)."""
    new: str | None
    classification: ChangeClass
    direction: Direction | None = None
    """Timing changes: stricter or looser for the obligation, where that can be decided."""
    shift: Shift | None = None
    """Timing changes: moved earlier or later (in the contract year)."""
    redline: list[Segment] | None = None
    """Word-level redline of a text field."""


class Money(_Model):
    """Money for an average network over each version's contract year (see the module docs)."""

    old: Decimal | None = None
    new: Decimal | None = None
    delta: Decimal | None = None
    note: str | None = None
    """What the figures cover, or why they cannot be priced."""


class TermChange(_Model):
    id: str
    title: str
    """The newer side's title where it has the term."""
    kind: str
    service: str
    state: TermState
    classes: list[ChangeClass]
    fields: list[FieldChange]
    unfunded: bool = False
    """An added obligation that no entitlement funds (empty `funded_by`)."""
    money: Money | None = None
    used_by: list[str] = []
    """For a parameter: the terms of either version that read it (their rules move with it)."""
    summary: str
    """Our summary of the term, from the newer side where it has the term."""
    citations_a: list[Citation]
    """A's sources for the term; where A lacks the term, the overlay change that removed it or else
    A's own source documents (the documents in which the term does not appear)."""
    citations_b: list[Citation]
    moved_to: list[str] = []
    """A payment line whose money moves into other lines of the newer version: those lines."""
    moved_from: list[str] = []
    """A payment line that receives the money of lines the older version had: those lines."""
    reason_a: str | None = None
    """Where A is an overlay that changes this term: its stated reason."""
    reason_b: str | None = None
    file_a: str | None = None
    file_b: str | None = None


class VersionRef(_Model):
    id: str
    title: str
    status: Status
    in_force: Period
    published: date
    base: str | None = None


class MoneyLine(_Model):
    term_id: str
    title: str
    level: str
    old: Decimal | None
    new: Decimal | None
    delta: Decimal | None
    note: str | None = None
    in_totals: bool = True
    """False for a priced line of a money move that cannot be priced whole (shown in `moves`)."""


class MoneyMove(_Model):
    """Payment lines whose money moved into others (a merge or a split), priced as a whole."""

    lines_from: list[str]
    """Lines removed (or paying less) whose money moved."""
    lines_to: list[str]
    """Lines added (or paying more) that carry it."""
    old: Decimal
    """The priced lines of the move under A."""
    new: Decimal
    """The priced lines of the move under B."""
    delta: Decimal | None
    """The funding change of the whole; None when a line of the move cannot be priced."""
    not_priced: list[str] = []
    """Lines of the move that cannot be priced for the average network."""


class MoneySummary(_Model):
    average_patients: Decimal
    assumption: str
    lines: list[MoneyLine]
    """Every payment line of either version, priced where it can be."""
    old_total: Decimal
    """Sum of the priced lines under A (outside moves that cannot be priced whole)."""
    new_total: Decimal
    delta_total: Decimal
    not_priced: list[str]
    """Lines that cannot be priced for an average network (per bed, per post, by achievement)."""
    assumptions: list[str] = []
    """Every input the average network is given, in words (contract.analysis.diff.money)."""
    overrides: list[str] = []
    """National parameters set for B's evaluation (`--set`), as PARAM=VALUE."""
    as_of_a: date | None = None
    """The date A is evaluated at (the last day of its year)."""
    as_of_b: date | None = None
    moves: list[MoneyMove] = []
    """Money moved between lines, each move priced as a whole."""


class VersionDiff(_Model):
    a: VersionRef
    b: VersionRef
    changes: list[TermChange]
    """Every term that differs, in order of term id."""
    counts: dict[str, int]
    """The authoritative tally: terms `added`, `removed` and `changed`; for each ChangeClass value the
    terms carrying it; `unranked`, the terms changed in a way the rules cannot rank (the
    `undetermined` class); `unfunded`, obligations added with no funding. Read it; do not recount."""
    money: MoneySummary
    unfunded: list[str]
    """Ids of obligations added with no funding."""
    summary: str
    """One paragraph, generated from the above."""

    def change(self, term_id: str) -> TermChange:
        for c in self.changes:
            if c.id == term_id:
                return c
        raise KeyError(f"{term_id} did not change between {self.a.id} and {self.b.id}")


class CellState(StrEnum):
    absent = "absent"
    present = "present"
    """First version of the sequence: the term is there."""
    added = "added"
    removed = "removed"
    same = "same"
    changed = "changed"


class Cell(_Model):
    version: str
    state: CellState
    classes: list[ChangeClass] = []
    unfunded: bool = False


class Row(_Model):
    id: str
    title: str
    kind: str
    cells: list[Cell]


class Outcome(StrEnum):
    met = "met"
    """The outcome made the change the proposal asked for."""
    not_met = "not_met"
    """The outcome kept the term as the base version had it."""
    otherwise = "otherwise"
    """The outcome changed the term, but not as asked."""


class Verdict(_Model):
    """One change a proposal (or draft) asked of the base version, and what the outcome did with it."""

    id: str
    title: str
    asked: CellState
    """added, removed or changed, relative to the base version."""
    outcome: Outcome
    outcome_state: CellState
    """The outcome's term relative to the base version (absent, same, changed, added)."""


class MultiDiff(_Model):
    versions: list[VersionRef]
    rows: list[Row]
    """One row per term id found in any version, in order of id."""
    pairs: list[VersionDiff]
    """Each version against the one before it."""
    verdicts: list[Verdict] = []
    """For three versions whose middle one is a proposal or draft (base → asked → outcome): each
    change asked, and whether the outcome made it."""
    summary: str

