"""The answer an impact report leads with: the national change, who gains and who loses (how many,
how much, £ per patient) and the money by payment stream, with the charts that show them.

Everything here is read from the :class:`~contract.analysis.impact.Impact` the evaluator's clients
computed: the national lines' totals, each entity's change and registered list. Nothing is priced
again. Two bases are told apart:

- **all lines**: an entity gains or loses when its change is known (every line of it is known under
  both versions): the report's own winners and losers;
- **known lines only**: an entity's change over the lines known under both versions, the others
  left out. When inputs are missing for a whole payment line (no one sent `signed_up`, say), no
  entity has a known change on the first basis, and this is the only answer the data gives; it is
  always labelled as partial.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from contract.analysis.impact import NETWORK_BANDS, PRACTICE_BANDS, UNKNOWN_BAND, EntityImpact, Impact
from contract.evaluation.money import to_penny
from contract.render import charts

ALL_LINES = "all lines"
KNOWN_LINES = "lines known under both versions"


@dataclass
class BandCount:
    band: str
    gainers: int = 0
    losers: int = 0
    unchanged: int = 0


@dataclass
class Movement:
    """Who gains and who loses at one level (practice or network), on one basis."""

    level: str
    basis: str
    count: int
    """Entities at this level."""
    gainers: int = 0
    gained: Decimal = Decimal(0)
    gainer_patients: int = 0
    """Registered patients of the gainers whose list is known."""
    gainers_listed: int = 0
    """Gainers whose registered list is known (the £ per patient is over these)."""
    losers: int = 0
    lost: Decimal = Decimal(0)
    loser_patients: int = 0
    losers_listed: int = 0
    unchanged: int = 0
    unknown: int = 0
    bands: list[BandCount] = field(default_factory=list)

    @property
    def gain_per_patient(self) -> Decimal | None:
        return _per_patient(self.gained, self.gainer_patients)

    @property
    def loss_per_patient(self) -> Decimal | None:
        return _per_patient(self.lost, self.loser_patients)


def _per_patient(amount: Decimal, patients: int) -> Decimal | None:
    """£ per registered patient, to the penny (half up); None when no list is known."""
    return to_penny(amount / Decimal(patients)) if patients else None


def _change(e: EntityImpact, basis: str) -> Decimal | None:
    if basis == ALL_LINES:
        return e.delta
    known = [x.delta for x in e.lines if x.delta is not None]
    return sum(known, Decimal(0)) if known else None


def movement(r: Impact, level: str, basis: str) -> Movement:
    """Gainers and losers at `level` on `basis`, with the count in each list-size band."""
    entities = [e for e in r.entities if e.level == level]
    labels = [name for _, name in (PRACTICE_BANDS if level == "practice" else NETWORK_BANDS)] + [UNKNOWN_BAND]
    bands = {label: BandCount(label) for label in labels}
    m = Movement(level=level, basis=basis, count=len(entities))
    for e in entities:
        change = _change(e, basis)
        band = bands[e.band]
        if change is None:
            m.unknown += 1
        elif change > 0:
            m.gainers += 1
            m.gained += change
            band.gainers += 1
            if e.list_size is not None:
                m.gainer_patients += e.list_size
                m.gainers_listed += 1
        elif change < 0:
            m.losers += 1
            m.lost += change
            band.losers += 1
            if e.list_size is not None:
                m.loser_patients += e.list_size
                m.losers_listed += 1
        else:
            m.unchanged += 1
            band.unchanged += 1
    m.bands = [b for b in bands.values() if b.band != UNKNOWN_BAND or b.gainers or b.losers or b.unchanged]
    return m


@dataclass
class Glance:
    """The first screen of an impact report."""

    old: Decimal
    new: Decimal
    change: Decimal
    unknown_lines: int
    movements: list[Movement]
    """Practices then networks; on every basis that has a known change (all lines first)."""
    streams: list[tuple[str, str, Decimal, Decimal, Decimal, int, int]]
    """(term id, title, A, B, change, entities whose change is unknown, entities) per national payment
    line, largest change first."""


def glance(r: Impact) -> Glance:
    """The national change, gainers and losers and money by stream, from the report."""
    movements = []
    for level in ("practice", "network"):
        strict = movement(r, level, ALL_LINES)
        movements.append(strict)
        if strict.unknown:
            partial = movement(r, level, KNOWN_LINES)
            if partial.unknown < strict.unknown:  # it tells something the first basis cannot
                movements.append(partial)
    streams = sorted(((x.term_id, x.title, x.old, x.new, x.delta, x.unknown_delta, x.entities) for x in r.lines),
                     key=lambda s: (-abs(s[4]), s[0]))
    return Glance(old=sum((x.old for x in r.lines), Decimal(0)), new=sum((x.new for x in r.lines), Decimal(0)),
                  change=sum((x.delta for x in r.lines), Decimal(0)),
                  unknown_lines=sum(x.unknown_delta for x in r.lines), movements=movements, streams=streams)


def charted(g: Glance, level: str) -> Movement:
    """The movement a band chart shows for `level`: on all lines when any change is known there,
    else on the known lines."""
    found = [m for m in g.movements if m.level == level]
    strict = found[0]
    if strict.gainers or strict.losers or strict.unchanged or len(found) == 1:
        return strict
    return found[1]


def band_chart(r: Impact, g: Glance, level: str) -> str | None:
    """The distribution of gains and losses at `level` by list-size band; None when no change at
    that level is known on any basis (there is nothing to draw)."""
    m = charted(g, level)
    if not (m.gainers or m.losers or m.unchanged):
        return None
    basis = "" if m.basis == ALL_LINES else " (known lines only)"
    return charts.gain_loss_bars(f"{level.capitalize()}s gaining and losing by registered list{basis}",
                                 [b.band for b in m.bands], [b.gainers for b in m.bands],
                                 [b.losers for b in m.bands], [b.unchanged for b in m.bands])


def stream_chart(r: Impact, g: Glance) -> str:
    shown = [s for s in g.streams if s[2] or s[3]] or g.streams
    return charts.paired_bars(f"Money by payment stream, {r.a} and {r.b} (known amounts)",
                              [s[1] for s in shown], [s[2] for s in shown], [s[3] for s in shown], r.a, r.b)
