"""The spec schema: the one definition of versions, terms, values and citations.

Loader, compiler, evaluator, diff, templates and docs all read these models. They are strict:
unknown keys, missing citations, bad dates and unknown units are errors.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TERM_ID = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"
"""Term ids are dotted, lower case, and stable across versions: `payment.core_pcn_funding`."""


class Strict(BaseModel):
    # strict=False on purpose: YAML gives dates and decimals as text; pydantic parses them once,
    # strictly by type (a date field refuses "15 May"), and unknown keys are refused.
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Confidence(StrEnum):
    official = "official"
    """Read in NHS England, DHSC, Parliament or legislation text (or a faithful copy of it)."""
    secondary = "secondary"
    """From trade press, LMC or commentary summarising an official document we could not read."""
    derived = "derived"
    """Our own arithmetic or inference from published figures; the caveat says how."""


class Citation(Strict):
    title: str
    """Document title and publisher, e.g. 'NHS England, Network Contract DES Guidance 2019/20'."""
    locator: str | None = None
    """Clause, section, annex or page."""
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]
    confidence: Confidence
    caveat: str | None = None
    """Why the figure is doubtful (carried from the fact sheet's warnings)."""

    @model_validator(mode="after")
    def _caveat_for_non_official(self) -> Citation:
        if self.confidence is not Confidence.official and not self.caveat:
            raise ValueError(f"a {self.confidence.value} citation needs a caveat saying why it is not official")
        return self


Citations = Annotated[list[Citation], Field(min_length=1)]


class Status(StrEnum):
    in_force = "in_force"
    superseded = "superseded"
    draft = "draft"
    proposal = "proposal"


class Period(Strict):
    start: date
    end: date
    """Inclusive."""

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


# Unit and OverlayOp use the functional form because members named `count` and `replace` in a class
# body would shadow str.count and str.replace (mypy reports it); the members are the same either way.
# (Given as names, a StrEnum's values are the names in lower case: here, the names themselves.)
Unit = StrEnum("Unit", "gbp patients minutes hours days percent ratio count points wte date flag", module=__name__)


class Per(StrEnum):
    """What a rate is per (the basis), so that '£1.50' always says 'per registered patient'."""

    registered_patient = "registered_patient"
    weighted_patient = "weighted_patient"
    adjusted_patient = "adjusted_patient"
    bed = "bed"
    wte = "wte"
    point = "point"
    network = "network"
    practice = "practice"
    patients_1000 = "1000_patients"


class RatePeriod(StrEnum):
    year = "year"
    month = "month"
    week = "week"
    day = "day"
    period = "period"
    """The rate is for the whole accrual period of the entitlement (e.g. July 2019 – March 2020)."""


Scalar = Decimal | date | bool | str


class DatedValue(Strict):
    """A value from the date it takes effect; the next value (if any) ends it."""

    effective: date
    value: Scalar
    decided: date | None = None
    """When the value was decided or published, if not the effective date (a backdated uplift)."""
    citations: Citations
    note: str | None = None


class TermKind(StrEnum):
    parameter = "parameter"
    obligation = "obligation"
    entitlement = "entitlement"
    sanction = "sanction"


class EntityLevel(StrEnum):
    practice = "practice"
    network = "network"
    commissioner = "commissioner"
    national = "national"


class TermBase(Strict):
    id: Annotated[str, Field(pattern=TERM_ID)]
    title: str
    summary: str
    """Our own words: what the clause asks or gives."""
    citations: Citations
    in_effect: Period | None = None
    """When the term itself applies, if narrower than the version (e.g. from the September amendment)."""
    service: str
    """The heading it is grouped under (registration, extended hours, additional roles, ...)."""
    notes: list[str] = Field(default_factory=list)


class Parameter(TermBase):
    """A number (or date) the other terms use: a dated constant, or a formula over the facts."""

    kind: Literal["parameter"]
    unit: Unit
    per: Per | None = None
    period: RatePeriod | None = None
    level: EntityLevel = EntityLevel.national
    """`national` for constants and for formulas over other national parameters only; `practice` or
    `network` for formulas over an entity's facts."""
    values: list[DatedValue] = Field(default_factory=list)
    formula: str | None = None
    """An expression (see contract.lang.expressions); the result is computed exactly, in Python."""
    rounding: Annotated[str | None, Field(pattern=r"^(penny|whole|quarter_hour_minutes)$")] = None

    @model_validator(mode="after")
    def _values_or_formula(self) -> Parameter:
        if bool(self.values) == bool(self.formula):
            raise ValueError("a parameter has either `values` or a `formula`, not both and not neither")
        if self.values:
            # Ordered by effective date, then by decision date: a backdated uplift (decided later,
            # effective from the same day) follows the value it replaces.
            keys = [(v.effective, v.decided or v.effective) for v in self.values]
            if keys != sorted(keys) or len(set(keys)) != len(keys):
                raise ValueError("values must be in order of their effective dates (then decision dates), "
                                 "one value per effective date unless their `decided` dates differ")
        return self


class Obligation(TermBase):
    kind: Literal["obligation"]
    level: EntityLevel
    who: str
    """Who must do it, in words (member practices, the network, the commissioner)."""
    requirement: str
    """A condition (see contract.lang.expressions) that is true when the obligation is met."""
    applies_when: str | None = None
    due: str | None = None
    """A date literal (YYYY-MM-DD) or the id of a date parameter: before it the obligation is not yet due."""
    frequency: str | None = None
    """How often, in words (weekly, at least fortnightly, once)."""
    funds: list[str] = Field(default_factory=list)
    """Entitlements a commissioner may withhold or defer while this obligation is not met."""
    funded_by: list[str] = Field(default_factory=list)
    """Entitlements that pay for this work (empty means the obligation carries no funding)."""
    workload: str | None = None
    """The work it asks for, in words, with an estimate where a source gives one."""


class ScheduleKind(StrEnum):
    monthly = "monthly"
    annual = "annual"
    on_claim = "on_claim"


class Schedule(Strict):
    kind: ScheduleKind
    first_payment: date | None = None
    """When the first payment is made; months accrued before it are paid with it (backdating)."""
    final_payment: date | None = None
    """Indicator methods: when the year-end achievement payment (the balance after any monthly
    aspiration payments) is paid. Without it the balance is listed in the last accrual month."""
    description: str


class Method(StrEnum):
    rate_times_basis = "rate_times_basis"
    """amount = rate × basis, pro rata to the months of the accrual period the rate covers."""
    staff_reimbursement = "staff_reimbursement"
    """Additional roles: each post reimbursed at a percentage of actual cost, up to a maximum."""
    qof_points = "qof_points"
    """Quality and Outcomes Framework: points achieved × £ per point × list-size adjustment ×
    prevalence adjustment (where the indicator has one), with optional monthly aspiration payments."""
    iif_points = "iif_points"
    """Investment and Impact Fund: the same arithmetic at network level, points earned on a sliding
    scale between each indicator's lower and upper thresholds."""


INDICATOR_METHODS = (Method.qof_points, Method.iif_points)


class PaymentStream(StrEnum):
    """The PCN headings of NHS Digital's "NHS Payments to General Practice" file: what a payment line
    is reported as paid under (`contract reconcile` compares the two under these headings)."""

    participation = "participation"
    """PCN Participation (paid to each practice)."""
    leadership = "leadership"
    """PCN Leadership: clinical director, and leadership and management."""
    support = "support"
    """PCN Support: core PCN funding and, in 2020-21, the PCN support payment."""
    extended_hours = "extended_hours"
    """PCN Extended Hours Access."""
    enhanced_access = "enhanced_access"
    """PCN Enhanced Access (from October 2022)."""
    workforce = "workforce"
    """PCN Workforce: the additional roles reimbursement."""
    iif = "iif"
    """PCN Investment and Impact Fund."""
    care_home_premium = "care_home_premium"
    """PCN Care Home Premium."""


class Entitlement(TermBase):
    kind: Literal["entitlement"]
    level: EntityLevel
    payer: str
    payee: str
    method: Method = Method.rate_times_basis
    rate: str | None = None
    """Id of the rate parameter (for rate_times_basis)."""
    basis: str | None = None
    """The fact or formula parameter the rate multiplies (registered_list, weighted_list...)."""
    eligible_when: str | None = None
    accrual: Period
    """The months the money accrues for in this version."""
    schedule: Schedule
    roles: str | None = None
    """For staff_reimbursement: id of the roles table term."""
    cap: str | None = None
    """Id of a parameter (often a network formula) capping the line's total for the accrual period,
    e.g. the additional roles reimbursement sum. Claims above it are scaled down to it."""
    indicators: str | None = None
    """For qof_points / iif_points: id of the indicator set term. `rate` is then the £ per point
    (it may be left out where the value of a point was not found: the amount cannot be computed)."""
    list_adjustment: str | None = None
    """For indicator methods: id of a practice or network formula parameter, the list-size
    adjustment (e.g. practice list ÷ national average list). Left out: no list-size adjustment."""
    aspiration: str | None = None
    """For indicator methods: id of a percent parameter, the share of the expected payment paid in
    monthly aspiration instalments; the balance follows at `schedule.final_payment`."""
    paid_under: PaymentStream | None = None
    """The heading of NHS Digital's payments file this line is paid under; left out for a line the
    file has no PCN heading for (the global sum, QOF, the proposals' consolidated line)."""

    @model_validator(mode="after")
    def _method_fields(self) -> Entitlement:
        if self.method is Method.rate_times_basis and not (self.rate and self.basis):
            raise ValueError("rate_times_basis needs `rate` and `basis`")
        if self.method is Method.staff_reimbursement and not self.roles:
            raise ValueError("staff_reimbursement needs `roles`")
        if self.method in INDICATOR_METHODS and not self.indicators:
            raise ValueError(f"{self.method.value} needs `indicators`")
        if self.method not in INDICATOR_METHODS and (self.indicators or self.list_adjustment or self.aspiration):
            raise ValueError("`indicators`, `list_adjustment` and `aspiration` go with qof_points or iif_points only")
        return self


class SanctionEvent(StrEnum):
    """What can happen to a practice or network on a sanction ladder, each on a date (see
    docs/sanctions.md). All but `cure_period_expired` are recorded in an events file; that one is
    derived: it happens the day after a cure period ends with no `remedied` event."""

    obligation_missed = "obligation_missed"
    """An obligation (named by its term id) was not met."""
    payment_withheld = "payment_withheld"
    """The commissioner withheld a payment (not paid later, even when the breach is remedied)."""
    payment_deferred = "payment_deferred"
    """The commissioner deferred a payment (held back, paid when the breach is remedied)."""
    remedial_notice_served = "remedial_notice_served"
    """A remedial notice was served, with the days allowed to remedy (`cure_days`)."""
    cure_period_expired = "cure_period_expired"
    """Derived, never recorded: the cure period of a remedial notice ended unremedied."""
    breach_notice_served = "breach_notice_served"
    """A breach notice was served (a breach that cannot be remedied, or was not)."""
    remedied = "remedied"
    """The commissioner accepted that the breach was remedied."""
    terminated = "terminated"
    """The commissioner terminated the contract (or the practice's participation in the DES)."""


DERIVED_SANCTION_EVENTS = frozenset({SanctionEvent.cure_period_expired})


class SanctionStep(Strict):
    state: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    title: str
    summary: str
    cure_days: int | None = None
    """Minimum days allowed to remedy before the next step may be taken."""
    money: Annotated[str | None, Field(pattern=r"^(withheld|deferred|released|none)$")] = None
    citations: Citations
    # --- sanction ladders as state machines (contract.evaluation.sanctions) ------------------------------
    next_on: dict[SanctionEvent, Annotated[str, Field(pattern=r"^[a-z_]+$")]] = Field(default_factory=dict)
    """The step each event leads to from this one. An event not listed here leaves the state as it
    is (and is reported). A step with no `next_on` at all, in a ladder that has some, is final."""
    compliant: bool = False
    """The practice or network is in good standing at this step (the finding's status is `met`)."""


class Sanction(TermBase):
    kind: Literal["sanction"]
    level: EntityLevel
    applies_to: list[str] = Field(default_factory=list)
    """Obligations whose breach starts this ladder (empty: every obligation of the version)."""
    steps: Annotated[list[SanctionStep], Field(min_length=1)]
    released_on_remedy: list[Literal["withheld", "deferred"]] = Field(default_factory=list)
    """Which money held back is paid out when the breach is remedied (a deferral is; a withholding,
    as the specifications describe it, is not)."""

    @property
    def is_ladder(self) -> bool:
        """True when the steps say how events move between them (a runnable state machine)."""
        return any(step.next_on for step in self.steps)

    @model_validator(mode="after")
    def _ladder_shape(self) -> Sanction:
        if not self.is_ladder:
            return self
        states = [s.state for s in self.steps]
        if len(set(states)) != len(states):
            raise ValueError("each step of a ladder needs its own state name")
        if not self.steps[0].compliant:
            raise ValueError(f"a ladder starts in good standing: mark its first step ({states[0]}) `compliant: true`")
        for step in self.steps:
            for event, target in step.next_on.items():
                if target not in states:
                    raise ValueError(f"step {step.state}: {event.value} leads to {target!r}, which is not a step")
            expires = SanctionEvent.cure_period_expired in step.next_on
            if (step.cure_days is not None) != expires:
                raise ValueError(f"step {step.state}: `cure_days` and a `cure_period_expired` transition go together")
            if step.cure_days is not None and step.cure_days < 1:
                raise ValueError(f"step {step.state}: cure_days must be at least 1")
        return self


class RoleLimit(Strict):
    """One additional role: what share of cost is reimbursed, up to what maximum."""

    role: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    title: str
    reimbursed_percent: Decimal
    max_per_wte_year: Decimal | None = None
    """Maximum reimbursable per whole-time equivalent per year (already the reimbursed share)."""
    max_posts: str | None = None
    """Id of a network parameter or formula: the whole-time equivalents of this role the network is
    reimbursed for (posts beyond it are not reimbursed, earliest starters first), on top of the
    table's `posts_per_role` where both apply."""
    available_from: date
    citations: Citations


class RolesTable(TermBase):
    """The additional roles a version reimburses: a parameter table, cited row by row."""

    kind: Literal["roles"]
    roles: Annotated[list[RoleLimit], Field(min_length=1)]
    posts_per_role: str | None = None
    """Id of a network formula parameter: how many posts of each role are reimbursed."""
    requires_additional: bool = True


class Indicator(Strict):
    """One indicator of an indicator set (QOF, IIF): its points, thresholds and the inputs it reads.

    Achievement comes from `achievement` (a percent field) or from numerator ÷ (denominator − the
    exclusion fields): the personalised-care adjustment takes patients who declined or for whom
    the intervention is clinically inappropriate out of the denominator. Points earned are 0 at or
    below `lower`, all `points` at or above `upper`, and on a straight line between."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    """The indicator's code as published (VI-01, CHOL001)."""
    title: str
    points: Decimal | None = None
    """Maximum points; None where the sources we read do not give them."""
    lower: Decimal | None = None
    """Lower threshold, percent achievement (None: not found)."""
    upper: Decimal | None = None
    """Upper threshold, percent achievement (None: not found)."""
    achievement: str | None = None
    """Input field: achievement in percent, when supplied already calculated."""
    numerator: str | None = None
    """Input field: patients for whom the indicator was achieved."""
    denominator: str | None = None
    """Input field: patients the indicator covers, before exclusions."""
    exclusions: list[str] = Field(default_factory=list)
    """Input fields taken out of the denominator (personalised-care adjustments)."""
    prevalence_adjustment: str | None = None
    """Id of a practice or network formula parameter: entity prevalence ÷ national prevalence."""
    citations: Citations

    @model_validator(mode="after")
    def _shape(self) -> Indicator:
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError("`numerator` and `denominator` go together")
        if self.achievement and self.numerator:
            raise ValueError("give `achievement` or `numerator`/`denominator`, not both")
        if self.exclusions and not self.denominator:
            raise ValueError("`exclusions` need a `denominator`")
        if self.lower is not None and self.upper is not None and self.upper <= self.lower:
            raise ValueError(f"upper threshold {self.upper} is not above lower threshold {self.lower}")
        return self

    @property
    def computable(self) -> bool:
        """True when the spec has everything to turn achievement into points."""
        has_input = bool(self.achievement or self.numerator)
        return has_input and None not in (self.points, self.lower, self.upper)


class IndicatorSet(TermBase):
    """The indicators of a points-based scheme in one version: a parameter table, cited row by row."""

    kind: Literal["indicators"]
    level: EntityLevel
    """Whose facts the indicators read: practice (QOF) or network (IIF)."""
    max_points: Decimal | None = None
    """Total points available, where the sources give it."""
    achieved_points: str | None = None
    """Input field: the entity's total points achieved as calculated by the national system (CQRS),
    used when the indicators cannot be computed one by one (thresholds not encoded, or inputs absent)."""
    indicators: list[Indicator] = Field(default_factory=list)

    @model_validator(mode="after")
    def _payable_somehow(self) -> IndicatorSet:
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError("indicator ids must be unique within a set")
        known = [i.points for i in self.indicators if i.points is not None]
        if self.max_points is not None and sum(known, Decimal(0)) > self.max_points:
            raise ValueError(f"indicator points add up to {sum(known, Decimal(0))}, more than max_points "
                             f"{self.max_points} (a set may list some of its indicators, not more points than it has)")
        return self


Term = Annotated[Parameter | Obligation | Entitlement | Sanction | RolesTable | IndicatorSet,
                 Field(discriminator="kind")]


class SpecFile(Strict):
    """One YAML file of terms inside a version folder."""

    terms: list[Term]


OverlayOp = StrEnum(
    "OverlayOp",
    [("add", "add"), ("remove", "remove"), ("replace", "replace"), ("set_values", "set_values")],
    module=__name__,
)


class OverlayChange(Strict):
    op: OverlayOp
    id: Annotated[str, Field(pattern=TERM_ID)]
    term: Term | None = None
    values: list[DatedValue] | None = None
    reason: str
    """Why the overlay makes this change, in our words."""
    citations: Citations

    @model_validator(mode="after")
    def _payload(self) -> OverlayChange:
        needs_term = self.op in (OverlayOp.add, OverlayOp.replace)
        if needs_term != (self.term is not None):
            raise ValueError(f"op {self.op.value} {'needs' if needs_term else 'takes no'} `term`")
        if (self.op is OverlayOp.set_values) != (self.values is not None):
            raise ValueError("`values` goes with op set_values only")
        if self.term is not None and self.term.id != self.id:
            raise ValueError(f"change id {self.id!r} differs from its term's id {self.term.id!r}")
        return self


class Neutrality(Strict):
    """How a proposal that moves money between streams is made cost-neutral on a population."""

    moved: str
    """National parameter holding the money moved (replaced, in an impact run, by what the base
    version's removed payment lines pay over the population)."""
    population: str
    """National parameter holding the population the moved money is spread over."""
    basis: str
    """The practice input whose population total replaces `population` (e.g. weighted_list)."""


class VersionMeta(Strict):
    """``version.yaml`` of a version folder."""

    id: Annotated[str, Field(pattern=r"^\d{4}-\d{2}(-[a-z]+)?$")]
    title: str
    status: Status
    in_force: Period
    """The contract year (or the planned year, for a draft or a proposal)."""
    published: date
    base: str | None = None
    """For an overlay: the version it changes."""
    summary: str
    sources: Citations
    changes: list[OverlayChange] = Field(default_factory=list)
    neutrality: Neutrality | None = None
    """For a proposal: how `contract impact` makes it cost-neutral on the population it compares."""

    @field_validator("changes")
    @classmethod
    def _unique_change_ids(cls, changes: list[OverlayChange]) -> list[OverlayChange]:
        seen: set[tuple[str, str]] = set()
        for change in changes:
            key = (change.op.value, change.id)
            if key in seen:
                raise ValueError(f"two {change.op.value} changes for {change.id}")
            seen.add(key)
        return changes

    @model_validator(mode="after")
    def _overlay_shape(self) -> VersionMeta:
        if self.changes and not self.base:
            raise ValueError("`changes` need a `base` version to change")
        return self


class Version(Strict):
    """A materialised version: its metadata and every term, keyed by id, in file order."""

    meta: VersionMeta
    terms: dict[str, Term]
    files: dict[str, str]
    """term id -> the spec file (relative to the version folder) it came from."""

    @property
    def id(self) -> str:
        return self.meta.id

    def of_kind(self, kind: str) -> list[Term]:
        return [t for t in self.terms.values() if t.kind == kind]
