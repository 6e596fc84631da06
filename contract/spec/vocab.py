"""Words for the values of the specs' enums (contract.spec.schema), as every report and page shows
them: one set of words per enum, each member with its words (tests check that none is missing).
Higher layers (contract.render.vocab) re-export these and add the words of their own enums.
"""

from __future__ import annotations

from contract.spec.schema import Confidence, Method, OverlayOp, Per, RatePeriod, SanctionEvent, TermKind, Unit
from contract.spec.schema import Status as VersionStatus

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

UNITS_SHOWN_AFTER_A_NUMBER = frozenset({Unit.patients, Unit.minutes, Unit.hours, Unit.days, Unit.points, Unit.wte})
"""Units whose word follows a number ('30 minutes'); a ratio or a count is a bare number, money and
percentages carry their own sign (£, %)."""
