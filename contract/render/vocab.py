"""Words for the values of the project's enums, as reports and pages show them.

One section per enum; each dict has a word for every member (tests check that none is missing).
"""

from __future__ import annotations

from contract.analysis.diff import ChangeClass, Outcome
from contract.analysis.diff.summary import CLASS_WORDS
from contract.evaluation.results import InstalmentState, Status
from contract.spec.vocab import (  # noqa: F401  (re-exported: one module of words for every layer above)
    CONFIDENCE_WORDS,
    METHOD_WORDS,
    OVERLAY_OP_WORDS,
    PER_WORDS,
    PERIOD_WORDS,
    SANCTION_EVENT_WORDS,
    TERM_KIND_WORDS,
    UNIT_WORDS,
    UNITS_SHOWN_AFTER_A_NUMBER,
    VERSION_STATUS_WORDS,
)

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


OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.met: "met",
    Outcome.not_met: "not met",
    Outcome.otherwise: "otherwise",
}
"""What the outcome of a proposal did with one change it asked for."""
