"""The impact report's models: what `contract.analysis.impact.impact` returns, and what its JSON
output holds (published as contract/published/impact.schema.json)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

PRACTICE_BANDS: list[tuple[int, str]] = [(0, "<5k"), (5000, "5k–10k"), (10000, "10k–15k"), (15000, "15k–20k"),
                                         (20000, "≥20k")]
"""Registered-list bands for practices (lower bound, label): reporting choices, not contract terms."""
NETWORK_BANDS: list[tuple[int, str]] = [(0, "<30k"), (30000, "30k–50k"), (50000, "50k–100k"), (100000, "≥100k")]
UNKNOWN_BAND = "list unknown"
TOP_N = 10

ATTRIBUTION_NOTE = ("Network-level lines are also shared out to member practices pro rata to their registered "
                    "lists (marked 'attributed'); practice winners, losers and bands include those shares, while "
                    "national and commissioner totals count each line once, at the level it is paid.")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class LineDelta(_Model):
    """One payment line for one practice or network."""

    term_id: str
    old: Decimal | None
    """Amount for A's contract year; None: unknown (an input is missing)."""
    new: Decimal | None
    delta: Decimal | None
    status_a: str
    """The finding's status under A, or `absent` when A has no such line."""
    status_b: str
    attributed: bool = False
    """A network line's share, attributed to this member practice."""
    missing: list[str] = []
    """Inputs the line needed and did not have (either version)."""


class EntityImpact(_Model):
    level: str
    code: str
    name: str | None = None
    commissioner: str | None = None
    network: str | None = None
    """A practice's network (from the network's member list)."""
    list_size: int | None = None
    band: str
    lines: list[LineDelta]
    old_total: Decimal
    """Sum of the known amounts under A."""
    new_total: Decimal
    delta: Decimal | None
    """The change in total; None when any line is unknown under either version, or when the entity is
    outside the compared population (see `unknown_because`)."""
    unknown_lines: int
    unknown_because: list[str] = []
    """Why the entity is outside the compared population (which input is missing, and where): such an
    entity is reported apart, never as a winner or a loser."""


class Totals(_Model):
    old: Decimal
    """Sum of the amounts known under A."""
    new: Decimal
    delta: Decimal
    """Sum of the changes where the amount is known under both versions (for a proposal declaring
    neutrality, over the compared entities only: see `Impact.compared`)."""
    entities: int
    unknown_a: int
    """Entities whose amount under A is unknown."""
    unknown_b: int
    unknown_delta: int
    """Entities whose change is unknown (unknown under either version)."""


class LineTotal(Totals):
    term_id: str
    title: str
    level: str
    in_a: bool
    in_b: bool
    payable_a: int
    """Entities paid more than £0 under A."""
    payable_b: int
    became_unpayable: int
    became_payable: int


class CommissionerLine(Totals):
    commissioner: str
    term_id: str


class Mover(_Model):
    code: str
    name: str | None = None
    commissioner: str | None = None
    list_size: int | None = None
    old: Decimal
    new: Decimal
    delta: Decimal


class Band(_Model):
    band: str
    count: int
    known: int
    """Entities whose change is known."""
    winners: int
    losers: int
    unchanged: int
    old: Decimal
    """Sum of known totals under A, over the entities whose change is known."""
    new: Decimal
    delta: Decimal


class LevelSummary(_Model):
    level: str
    count: int
    known: int
    unknown: int
    winners: int
    losers: int
    unchanged: int
    old: Decimal
    """Over the entities whose change is known."""
    new: Decimal
    delta: Decimal
    top_winners: list[Mover]
    top_losers: list[Mover]
    bands: list[Band]


class Crossing(_Model):
    """Entities that cross a threshold between the versions: an obligation met under one and not
    under the other, or a line payable under one and not under the other."""

    term_id: str
    title: str
    term_kind: str
    level: str
    from_state: str
    to_state: str
    count: int
    examples: list[str]
    """Up to five entity codes, in code order."""


class MissingInput(_Model):
    """An input a payment line needed and did not have, and for how many practices and networks."""

    version: str
    input: str
    entities: int


class UnknownReason(_Model):
    """Why entities are outside the compared population, and how many."""

    reason: str
    networks: int
    practices: int


class Compared(_Model):
    """The practices and networks a proposal that moves money between streams (a version declaring
    `neutrality`) is compared over: those whose baseline is known, that is every payment line the
    proposal removes is known under A for the network and for each of its member practices (and, for a
    practice, its own removed lines and its basis input). The money moved and the population it is
    spread over are both taken over exactly these entities."""

    networks: int
    practices: int
    networks_apart: int
    """Networks whose baseline is unknown: reported apart, never winners or losers."""
    practices_apart: int
    removed_lines: list[str]
    """A's payment lines that B does not have."""
    moved: Decimal
    """What the removed lines pay under A over the compared entities."""
    basis: str
    """The practice input the moved money is spread over (e.g. weighted_list)."""
    basis_total: Decimal
    """The basis summed over the compared practices."""
    why_apart: list[UnknownReason]


class Impact(_Model):
    a: str
    b: str
    as_of_a: date
    as_of_b: date
    attribute_networks: bool
    attribution: str | None = None
    """What attribution means, when it is on."""
    assumptions: list[str] = []
    """Inputs assumed where missing (set by the caller, e.g. `contract impact --assume`)."""
    overrides: dict[str, Decimal] = {}
    """National parameters of B set by the caller (`contract impact --set`), in force in B's evaluation."""
    compared: Compared | None = None
    """For a proposal that declares `neutrality`: the entities compared, and those reported apart."""
    practices_in_population: int
    networks_in_population: int
    input_issues: int
    lines: list[LineTotal]
    """National totals, per payment line."""
    commissioners: list[CommissionerLine]
    practices: LevelSummary
    networks: LevelSummary
    crossings: list[Crossing]
    missing_inputs: list[MissingInput]
    entities: list[EntityImpact]
    summary: str
