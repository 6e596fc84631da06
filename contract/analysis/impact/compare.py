"""The money effect of moving from one version to another, on a real (or synthetic) population.

``impact(a, b, population)`` evaluates both versions over the same practices and networks
(:func:`contract.evaluation.evaluate.evaluate_stream`, each at its own as-of date, keeping of each
finding only what is compared: :mod:`contract.analysis.impact.lines`) and compares every payment line:

- per practice and per network: each line's amount for the contract year under A and under B, the
  change, and the total;
- nationally and per commissioner: each line's totals;
- winners and losers (counts, and the largest movers), by list-size band;
- threshold crossings: an obligation met under A and not under B (a network that falls under a
  raised size minimum, say) or the reverse, and a line payable under A and not under B or the
  reverse;
- inputs missing: a line whose inputs are missing is *unknown*, counted and reported as such, and
  never added in as £0. Totals add up the known amounts only, and say how many are unknown. A line
  that a version does not have is a known £0 under that version; a line a practice is not eligible
  for is a known £0.

For a proposal that declares ``neutrality`` (it moves money between streams), the comparison is over
the entities whose baseline is known (:mod:`contract.analysis.impact.neutrality`): the money moved,
the population it is spread over, the changes and the winners and losers are all counted over the
same networks and practices, and the others are reported apart with the input they lack.

``overrides`` set national parameters of B (``contract impact --set``); each is listed in the
report's assumptions, and one that a neutrality figure would replace wins over it (the note says so).

With ``attribute_networks=True`` each network-level line is also shared out to the network's member
practices pro rata to their registered lists (each share rounded to the penny, half up, the last
member in code order taking the rounding difference, so that shares add up to the network's
amount); a share is unknown when the network's amount or any member's list is unknown. The shares
appear on the practices as extra lines marked ``attributed`` and count in the practice-level
winners, losers and bands, which is what comparing a proposal that moves network money into
practice money needs. National and commissioner totals never count a share twice: they add up
each line at the level it is paid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from contract.analysis.impact import neutrality
from contract.analysis.impact.lines import LineIndex, read_lines
from contract.analysis.impact.models import (
    ATTRIBUTION_NOTE,
    NETWORK_BANDS,
    PRACTICE_BANDS,
    TOP_N,
    UNKNOWN_BAND,
    Band,
    CommissionerLine,
    Crossing,
    EntityImpact,
    Impact,
    LevelSummary,
    LineDelta,
    LineTotal,
    MissingInput,
    Mover,
)
from contract.analysis.impact.summary import summarise
from contract.evaluation.evaluate import evaluate_stream
from contract.evaluation.money import to_penny
from contract.spec.facts import Population
from contract.spec.schema import Entitlement, Version


def default_as_of(version: Version) -> date:
    """A date inside the version's in-force period: its last day (every month has accrued)."""
    return version.meta.in_force.end


def _band(size: int | None, bands: list[tuple[int, str]]) -> str:
    if size is None:
        return UNKNOWN_BAND
    label = bands[0][1]
    for lower, name in bands:
        if size >= lower:
            label = name
    return label


def allocate(amount: Decimal, weights: list[tuple[str, int]]) -> dict[str, Decimal]:
    """Share `amount` pro rata to the weights, to the penny, the last code taking the difference."""
    total = sum(w for _, w in weights)
    ordered = sorted(weights)
    shares = {code: to_penny(amount * w / total) for code, w in ordered}
    shares[ordered[-1][0]] += amount - sum(shares.values(), Decimal(0))
    return shares


def _totals(rows: Iterable[LineDelta]) -> dict:
    old = new = delta = Decimal(0)
    n = ua = ub = ud = 0
    for r in rows:
        n += 1
        if r.old is None:
            ua += 1
        else:
            old += r.old
        if r.new is None:
            ub += 1
        else:
            new += r.new
        if r.delta is None:
            ud += 1
        else:
            delta += r.delta
    return {"old": old, "new": new, "delta": delta, "entities": n, "unknown_a": ua, "unknown_b": ub,
            "unknown_delta": ud}


_LINE_FIELDS = set(LineDelta.model_fields)
"""Every field of a LineDelta, set: shared by the lines :class:`_LineMaker` builds (never mutated)."""


class _LineMaker:
    """LineDeltas built without validating again what is already typed (a run over ten times the
    national register makes about a million of them), each distinct list of missing inputs, and each
    zero (£0, £0.00: a third of all amounts), held once and shared by the lines that have it: the
    models are frozen, and no one mutates a line's `missing`."""

    def __init__(self) -> None:
        self._missing: dict[tuple[str, ...], list[str]] = {}
        self._zeros: dict[str, Decimal] = {}

    def _shared(self, amount: Decimal | None) -> Decimal | None:
        """The amount; a zero, the one object of its exponent (Decimal("0") and Decimal("0.00") stay apart)."""
        if amount is None or amount:
            return amount
        return self._zeros.setdefault(str(amount), amount)

    def __call__(self, term_id: str, old: Decimal | None, new: Decimal | None, status_a: str, status_b: str,
                 missing: Iterable[str], attributed: bool = False) -> LineDelta:
        key = tuple(missing)
        shared = self._missing.get(key)
        if shared is None:
            shared = self._missing[key] = list(key)
        return LineDelta.model_construct(
            _fields_set=_LINE_FIELDS, term_id=term_id, old=self._shared(old), new=self._shared(new),
            delta=None if old is None or new is None else self._shared(new - old), status_a=status_a,
            status_b=status_b, attributed=attributed, missing=shared)


def _unchanged(line: LineDelta) -> LineDelta:
    """The line of an entity outside the compared population: its change unknown."""
    return LineDelta.model_construct(_fields_set=_LINE_FIELDS, **{**dict(line), "delta": None})


def _entity(level: str, code: str, name, commissioner, network, size, bands, lines: list[LineDelta],
            apart: list[str] | None = None) -> EntityImpact:
    """One entity's lines and totals; `apart` (the reasons) puts it outside the compared population:
    its change, and each line's, is then unknown."""
    if apart:
        lines = [_unchanged(x) for x in lines]
    changes = [x.delta for x in lines if x.delta is not None]
    unknown = len(lines) - len(changes)
    return EntityImpact(
        level=level, code=code, name=name, commissioner=commissioner, network=network, list_size=size,
        band=_band(size, bands), lines=lines,
        old_total=sum((x.old for x in lines if x.old is not None), Decimal(0)),
        new_total=sum((x.new for x in lines if x.new is not None), Decimal(0)),
        delta=None if unknown or apart else sum(changes, Decimal(0)),
        unknown_lines=unknown, unknown_because=list(apart or []))


def _summary_of(level: str, entities: list[EntityImpact], bands: list[tuple[int, str]], top: int) -> LevelSummary:
    known = [e for e in entities if e.delta is not None]

    def mover(e: EntityImpact) -> Mover:
        return Mover(code=e.code, name=e.name, commissioner=e.commissioner, list_size=e.list_size,
                     old=e.old_total, new=e.new_total, delta=e.delta)  # type: ignore[arg-type]

    winners = sorted((e for e in known if e.delta > 0), key=lambda e: (-e.delta, e.code))  # type: ignore[operator]
    losers = sorted((e for e in known if e.delta < 0), key=lambda e: (e.delta, e.code))  # type: ignore[operator]
    band_rows = []
    for label in [name for _, name in bands] + [UNKNOWN_BAND]:
        members = [e for e in entities if e.band == label]
        if not members and label == UNKNOWN_BAND:
            continue
        k = [e for e in members if e.delta is not None]
        band_rows.append(Band(
            band=label, count=len(members), known=len(k),
            winners=sum(1 for e in k if e.delta > 0), losers=sum(1 for e in k if e.delta < 0),  # type: ignore[operator]
            unchanged=sum(1 for e in k if e.delta == 0),
            old=sum((e.old_total for e in k), Decimal(0)), new=sum((e.new_total for e in k), Decimal(0)),
            delta=sum((e.delta for e in k), Decimal(0))))  # type: ignore[misc]
    return LevelSummary(
        level=level, count=len(entities), known=len(known), unknown=len(entities) - len(known),
        winners=len(winners), losers=len(losers), unchanged=sum(1 for e in known if e.delta == 0),
        old=sum((e.old_total for e in known), Decimal(0)), new=sum((e.new_total for e in known), Decimal(0)),
        delta=sum((e.delta for e in known), Decimal(0)),  # type: ignore[misc]
        top_winners=[mover(e) for e in winners[:top]], top_losers=[mover(e) for e in losers[:top]], bands=band_rows)


def _network_size(population: Population, code: str) -> int | None:
    network = population.networks[code]
    value = network.values.get("registered_list")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    members = [population.practices[c] for c in network.member_codes if c in population.practices]
    sizes = [m.values.get("registered_list") for m in members]
    if not members or any(not isinstance(s, int) or isinstance(s, bool) for s in sizes):
        return None
    return sum(sizes)  # type: ignore[arg-type]


def _practice_size(population: Population, code: str) -> int | None:
    value = population.practices[code].values.get("registered_list")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def impact(a: Version, b: Version, population: Population, as_of_a: date | None = None, as_of_b: date | None = None,
           attribute_networks: bool = False, *, top: int = TOP_N, assumptions: list[str] | None = None,
           use_reference: bool = False, cost_neutral: bool = True,
           overrides: dict[str, Decimal] | None = None) -> Impact:
    """Evaluate `a` and `b` over `population` and compare every payment line (see the module docs).

    `overrides`: national parameters of `b` set by the caller (`--set`), merged over the neutrality
    figures (the caller's value wins, and the neutrality note says so)."""
    as_of_a = as_of_a or default_as_of(a)
    as_of_b = as_of_b or default_as_of(b)
    user = dict(overrides or {})
    notes = [*(assumptions or []), *(f"SET: {name} = {value} in {b.id} (--set), in place of the version's own value"
                                     for name, value in user.items())]
    idx_a = read_lines(evaluate_stream(a, population, as_of_a, use_reference=use_reference))
    comparison = neutrality.compare_over(a, b, population, idx_a) if b.meta.neutrality is not None else None
    neutral: dict[str, Decimal] = {}
    if comparison is not None and cost_neutral:
        neutral = neutrality.neutral_overrides(b, comparison)
        notes += neutrality.describe(b, comparison, neutral, user)
    elif comparison is not None:
        notes.append(f"NATIONAL SUMS: {b.id} spreads its cited national figures (--national-sums), not what the "
                     f"removed lines pay here: not cost-neutral on this population. Winners and losers are still "
                     f"counted over the {len(comparison.networks):,} networks and {len(comparison.practices):,} "
                     f"practices whose baseline is known; the others are reported apart.")
    idx_b = read_lines(evaluate_stream(b, population, as_of_b, use_reference=use_reference,
                                       overrides={**neutral, **user}))
    # Every payment line of either version; where both have it, B's title and level.
    lines = {t.id: t for v in (a, b) for t in v.terms.values() if isinstance(t, Entitlement)}
    line_ids = sorted(lines)

    def level_in(v: Version, tid: str) -> str | None:
        term = v.terms.get(tid)
        return term.level.value if isinstance(term, Entitlement) else None

    make = _LineMaker()

    # What needs both versions' lines whole first; then each entity's lines are taken out of the
    # indexes as its rows are built, so that the rows do not sit beside all the lines they came from.
    crossings, missing = _crossings(a, b, idx_a, idx_b), _missing(idx_a, idx_b)

    def deltas(level: str, code: str) -> list[LineDelta]:
        out = []
        lines_a, lines_b = idx_a.take(level, code), idx_b.take(level, code)
        for tid in line_ids:
            in_a, in_b = level_in(a, tid) == level, level_in(b, tid) == level
            if not (in_a or in_b):
                continue
            # A version without the line at this level pays nothing on it here: a known £0.
            fa = lines_a.get(tid) if in_a else None
            fb = lines_b.get(tid) if in_b else None
            old = fa.paid if fa is not None else (None if in_a else Decimal(0))
            new = fb.paid if fb is not None else (None if in_b else Decimal(0))
            missing = sorted({m for f in (fa, fb) if f is not None for m in f.missing})
            out.append(make(tid, old, new, fa.status.value if fa is not None else "absent",
                            fb.status.value if fb is not None else "absent", missing))
        return out

    def apart(key: tuple[str, str]) -> list[str] | None:
        return comparison.apart.get(key) if comparison is not None else None

    network_of: dict[str, str] = {}
    for ncode in sorted(population.networks):
        for pcode in population.networks[ncode].member_codes:
            network_of.setdefault(pcode, ncode)
    networks = []
    for code in sorted(population.networks):
        n = population.networks[code]
        networks.append(_entity("network", code, n.name, n.commissioner_code, None,
                                _network_size(population, code), NETWORK_BANDS, deltas("network", code),
                                apart(("network", code))))
    shares: dict[str, list[LineDelta]] = defaultdict(list)
    if attribute_networks:
        for net in networks:
            members = [c for c in population.networks[net.code].member_codes if c in population.practices]
            sizes = [(c, _practice_size(population, c)) for c in members]
            complete = bool(members) and all(s is not None for _, s in sizes) and sum(s for _, s in sizes) > 0  # type: ignore[misc]
            for line in net.lines:
                split_old = allocate(line.old, sizes) if complete and line.old is not None else {}  # type: ignore[arg-type]
                split_new = allocate(line.new, sizes) if complete and line.new is not None else {}  # type: ignore[arg-type]
                for c in members:
                    old, new = split_old.get(c), split_new.get(c)
                    shares[c].append(make(
                        line.term_id, old, new, line.status_a, line.status_b,
                        line.missing + ([] if complete else ["registered_list (of a member practice)"]),
                        attributed=True))
    practices = []
    for code in sorted(population.practices):
        p = population.practices[code]
        practices.append(_entity("practice", code, p.name, p.commissioner_code, network_of.get(code),
                                 _practice_size(population, code), PRACTICE_BANDS,
                                 deltas("practice", code) + shares.get(code, []), apart(("practice", code))))

    # National and commissioner totals, each line at the level it is paid (never the shares).
    paid = [(e, x) for e in [*practices, *networks] for x in e.lines if not x.attributed]
    by_line: dict[str, list[LineDelta]] = defaultdict(list)
    by_commissioner: dict[tuple[str, str], list[LineDelta]] = defaultdict(list)
    for e, x in paid:
        by_line[x.term_id].append(x)
        by_commissioner[(e.commissioner or "unknown", x.term_id)].append(x)
    totals = []
    for tid in line_ids:
        rows = by_line.get(tid, [])
        totals.append(LineTotal(
            term_id=tid, title=lines[tid].title, level=lines[tid].level.value, in_a=tid in a.terms,
            in_b=tid in b.terms, payable_a=sum(1 for x in rows if x.old and x.old > 0),
            payable_b=sum(1 for x in rows if x.new and x.new > 0),
            became_unpayable=sum(1 for x in rows if x.old and x.old > 0 and x.new == 0),
            became_payable=sum(1 for x in rows if x.old == 0 and x.new and x.new > 0), **_totals(rows)))
    commissioners = [CommissionerLine(commissioner=c, term_id=t, **_totals(rows))
                     for (c, t), rows in sorted(by_commissioner.items())]

    result = Impact(
        a=a.id, b=b.id, as_of_a=as_of_a, as_of_b=as_of_b, attribute_networks=attribute_networks,
        attribution=ATTRIBUTION_NOTE if attribute_networks else None, assumptions=notes, overrides=user,
        compared=comparison.summary(b.meta.neutrality.basis) if comparison is not None and b.meta.neutrality else None,
        practices_in_population=len(population.practices), networks_in_population=len(population.networks),
        input_issues=len(population.issues), lines=totals, commissioners=commissioners,
        practices=_summary_of("practice", practices, PRACTICE_BANDS, top),
        networks=_summary_of("network", networks, NETWORK_BANDS, top),
        crossings=crossings, missing_inputs=missing,
        entities=[*networks, *practices], summary="")
    return result.model_copy(update={"summary": summarise(result)})


def _crossings(a: Version, b: Version, idx_a: LineIndex, idx_b: LineIndex) -> list[Crossing]:
    found: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    kinds: dict[str, tuple[str, str, str]] = {}
    for tid in sorted(a.terms.keys() & b.terms.keys()):
        ta, tb = a.terms[tid], b.terms[tid]
        if ta.kind != tb.kind or ta.kind not in ("obligation", "entitlement"):
            continue
        kinds[tid] = (tb.title, tb.kind, tb.level.value)  # type: ignore[union-attr]
    for (level, code) in sorted(idx_a.entities.keys() & idx_b.entities.keys()):
        fa_all, fb_all = idx_a.entities[(level, code)], idx_b.entities[(level, code)]
        for tid in kinds:
            fa, fb = fa_all.get(tid), fb_all.get(tid)
            if fa is None or fb is None:
                continue
            sa, sb = fa.state, fb.state
            if sa != sb:
                found[(tid, sa, sb)].append(code)
    out = []
    for (tid, sa, sb), codes in sorted(found.items()):
        title, kind, level = kinds[tid]
        out.append(Crossing(term_id=tid, title=title, term_kind=kind, level=level, from_state=sa, to_state=sb,
                            count=len(codes), examples=sorted(codes)[:5]))
    return out


def _missing(*indexes: LineIndex) -> list[MissingInput]:
    out: list[MissingInput] = []
    for idx in indexes:
        counts = idx.missing_inputs()
        out.extend(MissingInput(version=idx.version, input=name, entities=n)
                   for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out
