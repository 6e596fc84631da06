"""A sanction ladder from the spec: the steps of a sanction term, the event each takes and the step
it leads to, and the durable_rules statechart built from that table. Nothing about its states
lives in Python."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from contract.engine.durable import Chart
from contract.spec.schema import EntityLevel, Obligation, Sanction, SanctionEvent, SanctionStep, Version

# --- the ladder, from the spec ---------------------------------------------------------------


@dataclass(frozen=True)
class Ladder:
    """A runnable sanction term of one version."""

    version_id: str
    term: Sanction
    commissioner_duties: frozenset[str] = frozenset()
    """Obligations the commissioner owes (`who: commissioner`): never a contractor's breach."""

    @property
    def id(self) -> str:
        return self.term.id

    @cached_property
    def steps(self) -> dict[str, SanctionStep]:
        return {s.state: s for s in self.term.steps}

    @property
    def initial(self) -> str:
        return self.term.steps[0].state

    def target(self, state: str, event: SanctionEvent) -> str | None:
        return self.steps[state].next_on.get(event)

    def covers(self, term_id: str | None) -> bool:
        """True when events about `term_id` belong on this ladder (no term id: every ladder)."""
        if term_id is None:
            return True
        if term_id in self.commissioner_duties:
            return False
        return not self.term.applies_to or term_id in self.term.applies_to

    @cached_property
    def chart(self) -> Chart:
        transitions = {s.state: {e.value: t for e, t in s.next_on.items()} for s in self.term.steps}
        digest = hashlib.sha1(json.dumps(transitions, sort_keys=True).encode()).hexdigest()[:10]
        return Chart.build(f"ladder.{self.version_id}.{self.term.id}.{digest}", self.initial, transitions,
                           [e.value for e in SanctionEvent])


def commissioner_duties(version: Version) -> frozenset[str]:
    return frozenset(t.id for t in version.terms.values()
                     if isinstance(t, Obligation) and t.who.strip().lower().startswith("commissioner"))


def ladders(version: Version, level: EntityLevel | None = None) -> list[Ladder]:
    """The version's runnable sanction ladders (terms with transitions), of one level if given."""
    duties = commissioner_duties(version)
    return [Ladder(version.id, t, duties) for t in version.terms.values()
            if isinstance(t, Sanction) and t.is_ladder and (level is None or t.level is level)]


def ladder(version: Version, term_id: str) -> Ladder:
    term = version.terms.get(term_id)
    if not isinstance(term, Sanction) or not term.is_ladder:
        raise ValueError(f"{term_id} is not a sanction ladder of {version.id}")
    return Ladder(version.id, term, commissioner_duties(version))
