"""What changed between two versions, term by term, with the money and the work it carries.

``diff(a, b)`` lines the terms of two versions up on their stable ids and returns a
:class:`VersionDiff`: the terms added, removed and changed; for each change the fields that moved
(old → new, in words), each field change classified; the money for an average network; the
obligations that arrive with no funding; and a one-paragraph summary generated from all of that.
``diff_many([v1, v2, v3...])`` lines each term up across a sequence of versions (draft → final →
amended; terms in force → proposal → outcome) and says, version by version, whether it is absent,
the same, or changed and how.

Everything is read from the specs; nothing about a particular term is written here. The modules:

- :mod:`.models`: the report (classes of change, field and term changes, money, verdicts);
- :mod:`.classify`: signs of expressions, rewritten expressions, frequencies, parameter classes;
- :mod:`.pair` and :mod:`.compare`: field by field, kind by kind, whole terms;
- :mod:`.side`: one version's year, its usage of each parameter, its values as known at its end;
- :mod:`.money`: the average network, priced by the evaluator (its declared inputs);
- :mod:`.moves`: money moved between lines (merges and splits), and the money summary;
- :mod:`.verdicts`: what an outcome made of the changes a proposal asked;
- :mod:`.summary`: the words.

The classification rules are in docs/diff.md (the hand-written guide).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from contract.analysis.diff.classify import expression_move, frequencies, frequency_class, frequency_days
from contract.analysis.diff.compare import Differ
from contract.analysis.diff.models import (
    OPPOSITE,
    Cell,
    CellState,
    ChangeClass,
    Direction,
    FieldChange,
    Money,
    MoneyLine,
    MoneyMove,
    MoneySummary,
    MultiDiff,
    Outcome,
    Row,
    Shift,
    TermChange,
    TermState,
    Verdict,
    VersionDiff,
    VersionRef,
)
from contract.analysis.diff.money import (
    AVERAGE_NETWORK_INPUTS,
    AVERAGE_NETWORK_PATIENTS,
    AVERAGE_NETWORK_PRACTICES,
    Pricing,
    average_network,
)
from contract.analysis.diff.moves import find_moves, money_summary
from contract.analysis.diff.side import Side
from contract.analysis.diff.summary import describe, salient, summarise, summarise_many
from contract.analysis.diff.values import show_schedule, show_value
from contract.analysis.diff.verdicts import asked_between, verdicts
from contract.spec.schema import Version

__all__ = [
    "AVERAGE_NETWORK_INPUTS", "AVERAGE_NETWORK_PATIENTS", "AVERAGE_NETWORK_PRACTICES", "OPPOSITE", "Cell",
    "CellState", "ChangeClass", "Direction", "FieldChange", "Money", "MoneyLine", "MoneyMove", "MoneySummary",
    "MultiDiff", "Outcome", "Row", "Shift", "TermChange", "TermState", "Verdict", "VersionDiff", "VersionRef",
    "average_network", "counts", "describe", "diff", "diff_many", "expression_move", "frequencies",
    "frequency_class", "frequency_days", "salient", "show_schedule", "show_value", "summarise", "summarise_many",
    "verdicts", "version_ref",
]


def version_ref(v: Version) -> VersionRef:
    m = v.meta
    return VersionRef(id=m.id, title=m.title, status=m.status, in_force=m.in_force, published=m.published,
                      base=m.base)


def counts(changes: list[TermChange]) -> dict[str, int]:
    """The tally VersionDiff.counts carries (see its docs)."""
    found = {state.value: sum(1 for c in changes if c.state is state) for state in TermState}
    for cls in ChangeClass:
        found[cls.value] = sum(1 for c in changes if cls in c.classes)
    found["unranked"] = found[ChangeClass.undetermined.value]
    found["unfunded"] = sum(1 for c in changes if c.unfunded)
    return found


def _diff(a: Version, b: Version, pricing_a: Pricing, pricing_b: Pricing) -> VersionDiff:
    side_a, side_b = Side(a, pricing_a), Side(b, pricing_b)
    moves = find_moves(side_a, side_b)
    differ = Differ(side_a, side_b, moves)
    ids = sorted(a.terms.keys() | b.terms.keys())
    changes = [c for tid in ids if (c := differ.term_change(tid)) is not None]
    draft = VersionDiff(a=version_ref(a), b=version_ref(b), changes=changes, counts=counts(changes),
                        money=money_summary(side_a, side_b, moves), unfunded=[c.id for c in changes if c.unfunded],
                        summary="")
    return draft.model_copy(update={"summary": summarise(draft)})


def diff(a: Version, b: Version, *, average_patients: Decimal = AVERAGE_NETWORK_PATIENTS,
         overrides: dict[str, Decimal] | None = None) -> VersionDiff:
    """Every term that differs between `a` and `b`, classified, with money and a summary.
    `overrides` (national parameters, as `--set` gives them) apply to `b`'s evaluation."""
    return _diff(a, b, Pricing(a, average_patients), Pricing(b, average_patients, overrides))


def diff_many(versions: list[Version], *, average_patients: Decimal = AVERAGE_NETWORK_PATIENTS,
              overrides: dict[str, Decimal] | None = None) -> MultiDiff:
    """Each term lined up across `versions`, each version compared with the one before it.
    `overrides` apply to the last version's evaluation."""
    if len(versions) < 2:
        raise ValueError("diff_many needs at least two versions")
    pricings = [Pricing(v, average_patients, overrides if i == len(versions) - 1 else None)
                for i, v in enumerate(versions)]
    pairs = [_diff(x, y, px, py) for (x, y), (px, py) in zip(pairwise(versions), pairwise(pricings), strict=True)]
    ids = sorted({tid for v in versions for tid in v.terms})
    rows = []
    for tid in ids:
        first = CellState.present if tid in versions[0].terms else CellState.absent
        cells = [Cell(version=versions[0].id, state=first)]
        for (prev, v), pair in zip(pairwise(versions), pairs, strict=True):
            if tid not in v.terms:
                state = CellState.removed if tid in prev.terms else CellState.absent
            elif tid not in prev.terms:
                state = CellState.added
            else:
                state = CellState.same
            change = next((c for c in pair.changes if c.id == tid), None)
            if change is not None and state is CellState.same:
                state = CellState.changed
            cells.append(Cell(version=v.id, state=state, classes=change.classes if change else [],
                              unfunded=bool(change and change.unfunded)))
        latest = next(v.terms[tid] for v in reversed(versions) if tid in v.terms)
        rows.append(Row(id=tid, title=latest.title, kind=latest.kind, cells=cells))
    draft = MultiDiff(versions=[version_ref(v) for v in versions], rows=rows, pairs=pairs,
                      verdicts=verdicts(*versions) if asked_between(versions) else [], summary="")
    return draft.model_copy(update={"summary": summarise_many(draft)})
