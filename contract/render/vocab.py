"""Words for the values of the project's enums, as reports and pages show them.

One section per enum; each dict has a word for every member (tests check that none is missing).
"""

from __future__ import annotations

from contract.analysis.diff import ChangeClass

# --- contract.analysis.diff.ChangeClass ------------------------------------------------------

CHANGE_CLASS_WORDS: dict[ChangeClass, str] = {
    ChangeClass.new_obligation: "new obligation",
    ChangeClass.obligation_dropped: "obligation dropped",
    ChangeClass.funding_up: "funding up",
    ChangeClass.funding_down: "funding down",
    ChangeClass.moved: "money moved",
    ChangeClass.stricter: "stricter",
    ChangeClass.looser: "looser",
    ChangeClass.timing: "moved in time",
    ChangeClass.undetermined: "changed, direction undetermined",
    ChangeClass.editorial: "editorial",
}
"""How a change's class is labelled in diff reports (Markdown, HTML, CSV headings)."""
