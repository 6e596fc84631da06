"""Money that moves between payment lines (a merge or a split), and the money summary.

A payment line that one version has and the other lacks is *moved*, not dropped or new, when its
money is carried by lines of the other version:

- **declared**: a version whose ``neutrality`` names the national money it moves (a proposal that
  consolidates lines into one stream) pays that money through its own lines whose rate reads the
  named parameter (through formulas); every line the other version alone has moves into them;
- **like for like**: otherwise a line moves into lines of the other version that it alone has with
  the same level, payee and basis; failing those, into the one line both versions have with the same
  level, payee and basis whose money moves the other way (more where a line was removed, less where
  one was added). Several such lines cannot be told apart: then nothing is said to move.

Both rules read the two versions the same way round, so swapping them swaps `moved_to` and
`moved_from`. Each group of lines that move together is priced as a whole: old and new money of all
its lines. A group with a line that cannot be priced is left out of the totals (its priced lines
are still shown), as its two sides would not cover the same money.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from contract.analysis.diff.models import MoneyLine, MoneyMove, MoneySummary
from contract.analysis.diff.money import LinePrice, assumptions
from contract.analysis.diff.side import Side
from contract.spec import references
from contract.spec.schema import Entitlement, Parameter, Version


def _entitlements(version: Version) -> dict[str, Entitlement]:
    return {t.id: t for t in version.terms.values() if isinstance(t, Entitlement)}


def _reads(version: Version, start: str, target: str) -> bool:
    """Whether term `start` reads `target`, directly or through formula parameters."""
    seen, todo = set(), [start]
    while todo:
        tid = todo.pop()
        if tid in seen:
            continue
        seen.add(tid)
        term = version.terms.get(tid)
        if term is None:
            continue
        names = references.names_read(term) | ({term.rate} if isinstance(term, Entitlement) and term.rate else set())
        if target in names:
            return True
        todo.extend(n for n in names if isinstance(version.terms.get(n), Parameter))
    return False


class Moves:
    """The groups of lines whose money moved: (lines giving, lines receiving)."""

    def __init__(self, groups: list[tuple[list[str], list[str]]], one_sided: set[str]):
        self.groups = groups
        self.one_sided = one_sided

    def _group(self, tid: str) -> tuple[list[str], list[str]] | None:
        return next((g for g in self.groups if tid in g[0] or tid in g[1]), None)

    def involves(self, tid: str) -> bool:
        """A line one version alone has, whose money moves."""
        return tid in self.one_sided and self._group(tid) is not None

    def moved_to(self, tid: str) -> list[str]:
        group = self._group(tid)
        return list(group[1]) if group and tid in group[0] else []

    def moved_from(self, tid: str) -> list[str]:
        group = self._group(tid)
        return list(group[0]) if group and tid in group[1] else []


def find_moves(a: Side, b: Side) -> Moves:
    ents_a, ents_b = _entitlements(a.version), _entitlements(b.version)
    removed, added = sorted(ents_a.keys() - ents_b.keys()), sorted(ents_b.keys() - ents_a.keys())
    both = sorted(ents_a.keys() & ents_b.keys())
    delta: dict[str, Decimal | None] = {}
    for tid in both:
        old, new = a.line(tid).amount, b.line(tid).amount
        delta[tid] = None if old is None or new is None else new - old

    def key(ent: Entitlement) -> tuple:
        return (ent.level, ent.payee, ent.basis)

    edges: set[tuple[str, str]] = set()  # (giving line, receiving line)
    # Declared: a version that names the money it moves.
    for side, own, theirs, giving_side in ((b, added, removed, False), (a, removed, added, True)):
        neutrality = side.version.meta.neutrality
        if neutrality is None:
            continue
        carriers = [t for t in own if _reads(side.version, t, neutrality.moved)]
        for carrier in carriers:
            for line in theirs:
                edges.add((carrier, line) if giving_side else (line, carrier))
    # Like for like.
    declared = {x for e in edges for x in e}
    for line in removed:
        if line in declared:
            continue
        found = [t for t in added if key(ents_b[t]) == key(ents_a[line])] or \
            _unique([t for t in both if key(ents_b[t]) == key(ents_a[line]) and (delta[t] or 0) > 0])
        edges |= {(line, t) for t in found}
    for line in added:
        if line in declared:
            continue
        found = [t for t in removed if key(ents_a[t]) == key(ents_b[line])] or \
            _unique([t for t in both if key(ents_a[t]) == key(ents_b[line]) and (delta[t] or 0) < 0])
        edges |= {(t, line) for t in found}
    return Moves(_components(edges), set(removed) | set(added))


def _unique(found: list[str]) -> list[str]:
    return found if len(found) == 1 else []


def _components(edges: Iterable[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
    """Connected groups of (giving, receiving) edges, each as (givers, receivers), sorted."""
    groups: list[tuple[set[str], set[str]]] = []
    for giver, receiver in sorted(edges):
        joined = [g for g in groups if giver in g[0] | g[1] or receiver in g[0] | g[1]]
        merged: tuple[set[str], set[str]] = ({giver}, {receiver})
        for g in joined:
            merged[0].update(g[0])
            merged[1].update(g[1])
            groups.remove(g)
        groups.append(merged)
    return sorted((sorted(g), sorted(r)) for g, r in groups)


def _notes(*notes: str | None) -> str | None:
    """Notes of both sides, in a fixed order (so that swapping the versions swaps nothing else)."""
    found = sorted({n for n in notes if n})
    return "; ".join(found) or None


def money_summary(a: Side, b: Side, moves: Moves) -> MoneySummary:
    patients = a.pricing.patients
    ids = sorted(_entitlements(a.version).keys() | _entitlements(b.version).keys())
    priced: dict[str, tuple[LinePrice, LinePrice]] = {tid: (a.line(tid), b.line(tid)) for tid in ids}
    not_priced = [tid for tid, (x, y) in priced.items() if x.amount is None or y.amount is None]
    summaries, outside = [], set()
    for givers, receivers in moves.groups:
        members = givers + receivers
        old = sum((priced[t][0].amount or Decimal(0) for t in members), Decimal(0))
        new = sum((priced[t][1].amount or Decimal(0) for t in members), Decimal(0))
        lacking = [t for t in members if t in not_priced]
        if lacking:
            outside |= set(members)
        summaries.append(MoneyMove(lines_from=givers, lines_to=receivers, old=old, new=new,
                                   delta=None if lacking else new - old, not_priced=lacking))
    lines = []
    old_total = new_total = Decimal(0)
    for tid in ids:
        (old, note_a), (new, note_b) = priced[tid]
        term = b.version.terms.get(tid) or a.version.terms[tid]
        both = old is not None and new is not None
        counted = both and tid not in outside
        if counted:
            old_total += old  # type: ignore[operator]
            new_total += new  # type: ignore[operator]
        lines.append(MoneyLine(term_id=tid, title=term.title, level=term.level.value,  # type: ignore[union-attr]
                               old=old, new=new, delta=new - old if both else None,  # type: ignore[operator]
                               note=_notes(note_a, note_b), in_totals=counted))
    assumption = (f"an average network of {patients:,} registered patients ({patients:,} weighted or "
                  "adjusted patients for a rate per weighted or adjusted patient; practice-level lines for all "
                  "member practices together), an assumption of this report and not a contract figure")
    overrides = [f"{k}={v}" for k, v in sorted(b.pricing.overrides.items())]
    return MoneySummary(average_patients=patients, assumption=assumption, lines=lines,
                        old_total=old_total, new_total=new_total, delta_total=new_total - old_total,
                        not_priced=not_priced, assumptions=assumptions(patients), overrides=overrides,
                        as_of_a=a.pricing.as_of, as_of_b=b.pricing.as_of, moves=summaries)
