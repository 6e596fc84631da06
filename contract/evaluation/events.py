"""Sanction events as the evaluation reads them: what happened to a practice or network on a
sanction ladder, and when. Files of them are read by :mod:`contract.io.readers.events`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from contract.spec.schema import TERM_ID, Sanction, SanctionEvent, Version


class LadderEvent(BaseModel):
    """One event on one practice's or network's sanction ladder, with where it was read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entity_code: str
    date: dt.date
    event: SanctionEvent
    term_id: Annotated[str | None, Field(pattern=TERM_ID)] = None
    cure_days: int | None = None
    amount_gbp: Decimal | None = None
    note: str | None = None
    file: str = "events"
    """The events file (or case file) the event came from; `evaluation` for a derived event."""
    row: int | None = None
    """Line of a CSV file, or item number (from 1) of a JSON list or a case's events."""
    derived: bool = False
    """Made by the evaluation (an obligation found not met with no event recorded for it)."""

    @property
    def where(self) -> str:
        return self.file + (f" row {self.row}" if self.row is not None else "")


def minimum_cure_days(version: Version) -> int | None:
    """The shortest cure period any ladder of the version allows after a remedial notice."""
    found: list[int] = []
    for term in version.terms.values():
        if isinstance(term, Sanction) and term.is_ladder:
            steps = {s.state: s for s in term.steps}
            for step in term.steps:
                target = step.next_on.get(SanctionEvent.remedial_notice_served)
                cure_days = steps[target].cure_days if target else None
                if cure_days is not None:
                    found.append(cure_days)
    return min(found) if found else None
