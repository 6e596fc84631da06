"""The console's fast path: a proposal's national £ parameters moved, priced per practice and network
against a base, in milliseconds on the national population.

Built once per (base, proposal) pair (:func:`Scenario.build`): the base's payment lines per entity
and the proposal's sweep plan (contract.analysis.sweep.plan) over the rates that are plain rates, so
that a move prices each line linearly (exact integer pence, one rounding per entity and line). A
moved parameter that is not a plain rate (a formula reads it, or a condition) re-evaluates the
proposal with the vectorised evaluator and the engine's lines (a second or two nationally; the
answer says which path it took). A proposal that declares `neutrality` is priced with the neutrality
figures impact uses on this population (contract.analysis.impact.neutrality), the user's values
winning over them, as in `contract impact --set`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
from pydantic import BaseModel

from contract.analysis.impact import default_as_of
from contract.analysis.impact.lines import read_lines
from contract.analysis.impact.neutrality import compare_over, neutral_overrides
from contract.analysis.sweep.columns import LineColumns
from contract.analysis.sweep.plan import SweepPlan, make_plan, plain_rate
from contract.evaluation.evaluate import evaluate_stream
from contract.evaluation.values import national
from contract.spec.facts import Population
from contract.spec.schema import Entitlement, EntityLevel, Parameter, Unit, Version

LEVELS = (EntityLevel.practice, EntityLevel.network)


class Slider(BaseModel):
    """A national £ parameter of the proposal the console can move."""

    id: str
    title: str
    value: Decimal
    """Its value at the proposal's date (with the neutrality figures, for a neutral proposal)."""
    per: str | None = None
    plain_rate: bool
    """True when a move is priced linearly (nothing but payment lines read it, as their rate)."""


class LineTotal(BaseModel):
    term_id: str
    title: str
    level: str
    base: Decimal
    proposal: Decimal
    delta: Decimal
    known: int = 0
    """Entities whose amount on this line is known under both versions (the totals count only them)."""
    of: int = 0
    """Entities of the line's level in the area."""


class Mover(BaseModel):
    level: str
    code: str
    name: str | None
    commissioner: str | None
    base: Decimal
    proposal: Decimal
    delta: Decimal


class Histogram(BaseModel):
    """Entities by their change (£, over the lines known for them), in equal bins from `low` to `high`."""

    low: Decimal
    high: Decimal
    counts: list[int]


class LevelCount(BaseModel):
    level: str
    entities: int
    gainers: int
    losers: int
    unchanged: int
    partial: int
    """Entities with a line whose amount is unknown under either version (an input missing): their change
    is over the lines known for them (the unknown line is left out, never counted as £0)."""


class ScenarioResult(BaseModel):
    base: str
    proposal: str
    as_of_base: date
    as_of_proposal: date
    set: dict[str, Decimal]
    commissioner: list[str]
    path: str
    """"linear" (plain rates priced from the plan) or "re-evaluated"."""
    base_total: Decimal
    proposal_total: Decimal
    delta: Decimal
    """The lines' totals added up, each line over the entities whose amount for it is known under both
    versions (as impact's national line totals): a line unknown for an entity is never counted as £0."""
    lines: list[LineTotal]
    levels: list[LevelCount]
    histograms: dict[str, Histogram]
    """Practices, and networks, by their change."""
    top_gainers: list[Mover]
    top_losers: list[Mover]
    notes: list[str] = []
    seconds: float = 0.0
    """Time taken to price this scenario on the server."""


@dataclass
class Scenario:
    base: Version
    proposal: Version
    population: Population
    as_of_base: date
    as_of_proposal: date
    neutral: dict[str, Decimal]
    sliders: list[Slider]
    base_lines: dict[str, LineColumns]
    plan: SweepPlan
    rows: dict[EntityLevel, list[str]]
    commissioners: dict[EntityLevel, np.ndarray]
    names: dict[EntityLevel, list[str | None]]
    notes: list[str] = field(default_factory=list)
    _general: dict[tuple, dict[str, LineColumns]] = field(default_factory=dict)

    @classmethod
    def build(cls, base: Version, proposal: Version, population: Population) -> Scenario:
        as_of_a, as_of_b = default_as_of(base), default_as_of(proposal)
        notes: list[str] = []
        neutral: dict[str, Decimal] = {}
        if proposal.meta.neutrality is not None:
            comparison = compare_over(base, proposal, population,
                                      read_lines(evaluate_stream(base, population, as_of_a)))
            neutral = neutral_overrides(proposal, comparison)
            notes.append(f"{proposal.id} moves money between streams: priced with the neutrality figures on this "
                         f"population ({', '.join(f'{k} = {v}' for k, v in neutral.items())}), as `contract "
                         f"impact` does; moved values win over them")
        values = national(proposal, as_of_b, neutral).values
        sliders = [Slider(id=t.id, title=t.title, value=amount, per=t.per.value if t.per else None,
                          plain_rate=plain_rate(proposal, t.id))
                   for t in proposal.terms.values()
                   if isinstance(t, Parameter) and t.level is EntityLevel.national and t.unit is Unit.gbp
                   and t.values and t.id not in neutral and (amount := _number(values.get(t.id))) is not None]
        plain = [s.id for s in sliders if s.plain_rate]
        plan = make_plan(proposal, population, as_of_b, plain, tuple(s.value for s in sliders if s.plain_rate),
                         neutral)
        base_plan = make_plan(base, population, as_of_a, [], (), {})
        rows = plan.rows
        base_lines = {t: _align(c, base_plan.rows[c.level], rows[c.level]) for t, c in base_plan.constant.items()}
        commissioners = {lv: np.array([_entity(population, lv, c).commissioner_code or "" for c in rows[lv]])
                         for lv in LEVELS}
        names = {lv: [_entity(population, lv, c).name for c in rows[lv]] for lv in LEVELS}
        return cls(base, proposal, population, as_of_a, as_of_b, neutral, sliders, base_lines, plan, rows,
                   commissioners, names, notes)

    def price(self, moved: dict[str, Decimal], commissioner: list[str], bins: int = 24) -> ScenarioResult:
        """The proposal with `moved` national parameters, against the base, over the commissioners asked
        for (all when none)."""
        defaults = {s.id: s.value for s in self.sliders}
        general = {k: v for k, v in moved.items() if k not in defaults or
                   (not self._is_plain(k) and v != defaults[k])}
        lines = self._general_lines(moved) if general else self._linear_lines(moved)
        masks = {lv: _mask(self.commissioners[lv], commissioner) for lv in LEVELS}
        return self._compare(lines, masks, moved, commissioner, "re-evaluated" if general else "linear", bins)

    def _is_plain(self, name: str) -> bool:
        return any(s.id == name and s.plain_rate for s in self.sliders)

    def _linear_lines(self, moved: dict[str, Decimal]) -> dict[str, LineColumns]:
        rates = {s.id: moved.get(s.id, s.value) for s in self.sliders if s.plain_rate}
        found = dict(self.plan.constant)
        for term_id, linear in self.plan.linear.items():
            rate = rates[self.plan.params[linear.param_index]]
            level = dict(self.plan.lines)[term_id]
            found[term_id] = LineColumns(level, np.asarray(linear.price([rate])[0], dtype=np.int64), linear.known)
        return found

    def _general_lines(self, moved: dict[str, Decimal]) -> dict[str, LineColumns]:
        key = tuple(sorted(moved.items()))
        if key not in self._general:
            plan = make_plan(self.proposal, self.population, self.as_of_proposal, [], (), {**self.neutral, **moved})
            self._general.clear()  # keep one: a console moves one scenario at a time
            self._general[key] = {t: _align(c, plan.rows[c.level], self.rows[c.level])
                                  for t, c in plan.constant.items()}
        return self._general[key]

    def _compare(self, lines: dict[str, LineColumns], masks: dict[EntityLevel, np.ndarray],
                 moved: dict[str, Decimal], commissioner: list[str], path: str, bins: int) -> ScenarioResult:
        totals = {lv: (np.zeros(len(self.rows[lv]), dtype=np.int64), np.zeros(len(self.rows[lv]), dtype=np.int64),
                       np.ones(len(self.rows[lv]), dtype=bool)) for lv in LEVELS}
        # Each entity's totals add up the lines known for it under both versions; `known` is False
        # where any line is unknown (such an entity is counted in `partial`).
        line_rows = []
        base_total = prop_total = 0
        titles = {t.id: t for v in (self.base, self.proposal) for t in v.terms.values() if isinstance(t, Entitlement)}
        for term_id in sorted(set(lines) | set(self.base_lines)):
            term = titles[term_id]
            level = term.level
            if level not in LEVELS:
                continue
            width = len(self.rows[level])
            old = self.base_lines.get(term_id) or LineColumns(level, np.zeros(width, dtype=np.int64),
                                                              np.ones(width, dtype=bool))
            new = lines.get(term_id) or LineColumns(level, np.zeros(width, dtype=np.int64), np.ones(width, dtype=bool))
            base_sum, prop_sum, known = totals[level]
            line_known = old.known & new.known
            totals[level] = (base_sum + np.where(line_known, old.pence, 0),
                             prop_sum + np.where(line_known, new.pence, 0), known & line_known)
            both = line_known & masks[level]
            a, b = int(old.pence[both].sum()), int(new.pence[both].sum())
            base_total += a
            prop_total += b
            line_rows.append(LineTotal(term_id=term_id, title=term.title, level=level.value, base=_gbp(a),
                                       proposal=_gbp(b), delta=_gbp(b - a), known=int(both.sum()),
                                       of=int(masks[level].sum())))
        counts, movers = [], []
        histograms: dict[str, Histogram] = {}
        for level in LEVELS:
            base_sum, prop_sum, known = totals[level]
            inside = masks[level]
            ok = inside
            change = prop_sum - base_sum
            counts.append(LevelCount(level=level.value, entities=int(inside.sum()), gainers=int((change[ok] > 0).sum()),
                                     losers=int((change[ok] < 0).sum()), unchanged=int((change[ok] == 0).sum()),
                                     partial=int((inside & ~known).sum())))
            histograms[level.value] = _histogram(change[ok], bins)
            for i in np.flatnonzero(ok):
                movers.append((int(change[i]), level, int(i), int(base_sum[i]), int(prop_sum[i])))
        movers.sort(key=lambda m: (m[0], m[1].value, self.rows[m[1]][m[2]]))
        top_losers = [self._mover(m) for m in movers[:5] if m[0] < 0]
        top_gainers = [self._mover(m) for m in reversed(movers[-5:]) if m[0] > 0]
        return ScenarioResult(
            base=self.base.id, proposal=self.proposal.id, as_of_base=self.as_of_base,
            as_of_proposal=self.as_of_proposal, set=moved, commissioner=commissioner, path=path,
            base_total=_gbp(base_total), proposal_total=_gbp(prop_total), delta=_gbp(prop_total - base_total),
            lines=line_rows, levels=counts, histograms=histograms,
            top_gainers=top_gainers, top_losers=top_losers, notes=list(self.notes))

    def _mover(self, m: tuple[int, EntityLevel, int, int, int]) -> Mover:
        change, level, i, old, new = m
        return Mover(level=level.value, code=self.rows[level][i], name=self.names[level][i],
                     commissioner=str(self.commissioners[level][i]) or None, base=_gbp(old), proposal=_gbp(new),
                     delta=_gbp(change))


def _entity(population: Population, level: EntityLevel, code: str):
    return population.practices[code] if level is EntityLevel.practice else population.networks[code]


def _align(columns: LineColumns, have: list[str], want: list[str]) -> LineColumns:
    """`columns` (rows in `have` order) in `want` order; a code `have` lacks is unknown."""
    if have == want:
        return columns
    index = {code: i for i, code in enumerate(have)}
    pence = np.zeros(len(want), dtype=np.int64)
    known = np.zeros(len(want), dtype=bool)
    for j, code in enumerate(want):
        i = index.get(code)
        if i is not None:
            pence[j], known[j] = columns.pence[i], columns.known[i]
    return LineColumns(columns.level, pence, known)


def _mask(codes: np.ndarray, commissioner: list[str]) -> np.ndarray:
    if not commissioner:
        return np.ones(len(codes), dtype=bool)
    return np.isin(codes, [c.strip().upper() for c in commissioner])


def _number(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return None
    return Decimal(value)


def _gbp(pence: int) -> Decimal:
    return Decimal(pence).scaleb(-2)


def _histogram(pence: np.ndarray, bins: int) -> Histogram:
    """Practices by change in whole pounds, `bins` equal bins over the range (one bin when all equal)."""
    if pence.size == 0:
        return Histogram(low=Decimal(0), high=Decimal(0), counts=[])
    low, high = int(pence.min()) // 100, -(-int(pence.max()) // 100)
    if high <= low:
        return Histogram(low=Decimal(low), high=Decimal(high), counts=[int(pence.size)])
    counts, _edges = np.histogram(pence / 100, bins=bins, range=(low, high))
    return Histogram(low=Decimal(low), high=Decimal(high), counts=[int(c) for c in counts])
