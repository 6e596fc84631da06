"""Multi-version asks: for base → asked → outcome (a proposal or draft and what came of it), each
change asked and whether the outcome made it."""

from __future__ import annotations

from contract.analysis.diff.models import CellState, Outcome, Verdict
from contract.spec.references import users
from contract.spec.schema import Parameter, Version


def asked_between(versions: list[Version]) -> bool:
    """Three versions whose middle one is a proposal or a draft."""
    return len(versions) == 3 and versions[1].meta.status.value in ("proposal", "draft")


def _same_term(x, y) -> bool:
    """Two terms say the same thing: equal but for their citations, notes and summaries' wording."""
    skip = {"citations", "notes", "summary", "title"}
    return x.model_dump(exclude=skip) == y.model_dump(exclude=skip)


def is_helper(base: Version, asked: Version, term_id: str) -> bool:
    """A parameter the asking version adds only to state its asks: one that another of its terms
    reads (the national population a consolidated sum is spread over, a cap an obligation tests) or
    a figure derived from other terms by a formula (a balance check). Such a term is not an ask of
    its own: the terms that read it are, and they are scored."""
    term = asked.terms.get(term_id)
    if term_id in base.terms or not isinstance(term, Parameter):
        return False
    return bool(term.formula) or bool(users(asked, term_id))


def verdicts(base: Version, asked: Version, outcome: Version) -> list[Verdict]:
    """Each change `asked` makes to `base`, judged against `outcome`: met when the outcome has the
    asked state of the term (added, removed, or equal to the asked term), not met when it keeps the
    base's, otherwise when it does something else. Only the asks are scored: helper parameters
    (:func:`is_helper`) are left out."""
    found = []
    for tid in sorted(set(base.terms) | set(asked.terms)):
        b, a, o = base.terms.get(tid), asked.terms.get(tid), outcome.terms.get(tid)
        if b is None and a is None:
            continue
        if is_helper(base, asked, tid):
            continue
        if b is not None and a is not None and _same_term(b, a):
            continue
        wanted = CellState.added if b is None else CellState.removed if a is None else CellState.changed
        if o is None:
            state = CellState.absent
        elif b is None:
            state = CellState.added
        else:
            state = CellState.same if _same_term(b, o) else CellState.changed
        if wanted is CellState.removed:
            result = Outcome.met if o is None else Outcome.not_met if state is CellState.same else Outcome.otherwise
        elif wanted is CellState.added:
            result = Outcome.not_met if o is None else Outcome.met if _same_term(a, o) else Outcome.otherwise
        else:
            result = (Outcome.met if o is not None and _same_term(a, o)
                      else Outcome.not_met if state is CellState.same else Outcome.otherwise)
        found.append(Verdict(id=tid, title=(a or b).title, asked=wanted, outcome=result,  # type: ignore[union-attr]
                             outcome_state=state))
    return found

