"""Words for the values of the project's enums, as reports and pages show them.

One section per enum; each dict has a word for every member (tests check that none is missing).
"""

from __future__ import annotations

from contract.analysis.diff import ChangeClass, Outcome
from contract.analysis.diff.summary import CLASS_WORDS
from contract.evaluation.results import InstalmentState, Status
from contract.spec.schema import Confidence, Method, OverlayOp, Per, RatePeriod, SanctionEvent, TermKind, Unit
from contract.spec.schema import Status as VersionStatus

# --- contract.analysis.diff.ChangeClass ------------------------------------------------------

CHANGE_CLASS_WORDS: dict[ChangeClass, str] = {cls: one for cls, (one, _many) in CLASS_WORDS.items()}
"""How a change's class is labelled in diff reports (Markdown, HTML, CSV headings)."""

# --- the docs site and the evaluation reports -------------------------------------------------

STATUS_WORDS: dict[Status, str] = {
    Status.met: "met",
    Status.not_met: "not met",
    Status.not_yet_due: "not yet due",
    Status.not_applicable: "not applicable",
    Status.input_missing: "input missing",
}
"""An evaluation's finding for one obligation or entitlement (contract.evaluation.results.Status)."""

INSTALMENT_STATE_WORDS: dict[InstalmentState, str] = {
    InstalmentState.paid: "paid",
    InstalmentState.due: "due",
    InstalmentState.withheld: "withheld",
}
"""What became of one month's payment at the as-of date."""

VERSION_STATUS_WORDS: dict[VersionStatus, str] = {
    VersionStatus.in_force: "in force",
    VersionStatus.superseded: "superseded",
    VersionStatus.draft: "draft",
    VersionStatus.proposal: "proposal",
}
"""A version's standing (contract.spec.schema.Status)."""

CONFIDENCE_WORDS: dict[Confidence, str] = {
    Confidence.official: "official",
    Confidence.secondary: "secondary",
    Confidence.derived: "derived",
}
"""How sure a citation is: read in an official text, from a secondary source, or our own arithmetic."""

PER_WORDS: dict[Per, str] = {
    Per.registered_patient: "per registered patient",
    Per.weighted_patient: "per weighted patient",
    Per.adjusted_patient: "per adjusted patient",
    Per.bed: "per bed",
    Per.wte: "per whole-time equivalent",
    Per.point: "per point",
    Per.network: "per network",
    Per.practice: "per practice",
    Per.patients_1000: "per 1,000 patients",
}
"""What a rate is per, as it follows the amount: '£1.50 per registered patient'."""

PERIOD_WORDS: dict[RatePeriod, str] = {
    RatePeriod.year: "a year",
    RatePeriod.month: "a month",
    RatePeriod.week: "a week",
    RatePeriod.day: "a day",
    RatePeriod.period: "for the period",
}
"""The time a rate covers, as it follows the amount: '£1.50 per registered patient a year'."""

UNIT_WORDS: dict[Unit, str] = {
    Unit.gbp: "pounds",
    Unit.patients: "patients",
    Unit.minutes: "minutes",
    Unit.hours: "hours",
    Unit.days: "days",
    Unit.percent: "percent",
    Unit.ratio: "ratio",
    Unit.count: "count",
    Unit.points: "points",
    Unit.wte: "WTE",
    Unit.date: "date",
    Unit.flag: "yes or no",
}
"""A parameter's unit, named."""

UNITS_SHOWN_AFTER_A_NUMBER = frozenset({Unit.patients, Unit.minutes, Unit.hours, Unit.days, Unit.points, Unit.wte})
"""Units whose word follows a number ('30 minutes'); a ratio or a count is a bare number, money and
percentages carry their own sign (£, %)."""

METHOD_WORDS: dict[Method, str] = {
    Method.rate_times_basis: "the rate × the basis",
    Method.staff_reimbursement: "staff costs reimbursed",
    Method.qof_points: "QOF points achieved",
    Method.iif_points: "IIF points earned",
}
"""How a payment line's amount is worked out, in short."""

TERM_KIND_WORDS: dict[str, str] = {
    TermKind.parameter.value: "parameter",
    TermKind.obligation.value: "obligation",
    TermKind.entitlement.value: "payment",
    TermKind.sanction.value: "sanction",
    "roles": "roles table",
    "indicators": "indicator set",
}
"""A term's kind (the `kind` of each member of contract.spec.schema.Term; TermKind names the first four)."""

SANCTION_EVENT_WORDS: dict[SanctionEvent, str] = {
    SanctionEvent.obligation_missed: "obligation missed",
    SanctionEvent.payment_withheld: "payment withheld",
    SanctionEvent.payment_deferred: "payment deferred",
    SanctionEvent.remedial_notice_served: "remedial notice served",
    SanctionEvent.cure_period_expired: "cure period expired",
    SanctionEvent.breach_notice_served: "breach notice served",
    SanctionEvent.remedied: "remedied",
    SanctionEvent.terminated: "terminated",
}
"""A dated event on a sanction ladder (the arrows of its diagram, the columns of its table)."""

OVERLAY_OP_WORDS: dict[OverlayOp, str] = {
    OverlayOp.add: "add",
    OverlayOp.remove: "remove",
    OverlayOp.replace: "replace",
    OverlayOp.set_values: "set values",
}
"""What a draft or proposal does to a term of its base version."""

OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.met: "met",
    Outcome.not_met: "not met",
    Outcome.otherwise: "otherwise",
}
"""What the outcome of a proposal did with one change it asked for."""
