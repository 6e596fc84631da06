"""The impact report's paragraph, generated from the report."""

from __future__ import annotations

from decimal import Decimal

from contract.analysis.impact.models import ATTRIBUTION_NOTE, Impact
from contract.lang.text import gbp, plural


def summarise(r: Impact) -> str:
    """One paragraph, generated from the impact."""
    parts = [f"Comparing {r.a} (as at {r.as_of_a.isoformat()}) with {r.b} (as at {r.as_of_b.isoformat()}) over "
             f"{r.practices_in_population:,} practices and {r.networks_in_population:,} networks."]
    known_old = sum((x.old for x in r.lines), Decimal(0))
    known_new = sum((x.new for x in r.lines), Decimal(0))
    change = sum((x.delta for x in r.lines), Decimal(0))
    unknown = sum(x.unknown_delta for x in r.lines)
    c = r.compared
    where = "over the compared practices and networks" if c else "where a line is known under both"
    parts.append(f"Known amounts total {gbp(known_old)} under {r.a} and {gbp(known_new)} under {r.b}; {where} "
                 f"the change is {gbp(change, signed=True)}.")
    if c:
        parts.append(f"{r.b} is compared over the {plural(c.networks, 'network')} and "
                     f"{plural(c.practices, 'practice')} "
                     f"whose baseline is known ({gbp(c.moved)} moved, spread over {c.basis_total:,} {c.basis})"
                     + (f"; {plural(c.networks_apart, 'network')} and {plural(c.practices_apart, 'practice')} "
                        f"whose baseline is unknown are reported apart, neither winners nor losers (most often: "
                        + ", ".join(f"{w.reason}" for w in c.why_apart[:3]) + ")"
                        if c.networks_apart or c.practices_apart else "") + ".")
    if unknown:
        worst = sorted((x for x in r.lines if x.unknown_delta), key=lambda x: (-x.unknown_delta, x.term_id))
        named = ", ".join(f"{x.title.lower()} ({x.unknown_delta:,})" for x in worst[:4])
        cause = "for want of inputs or because the entity is reported apart" if c else "for want of inputs"
        parts.append(f"{plural(unknown, 'line')} of practices or networks cannot be compared {cause} "
                     f"and {'is' if unknown == 1 else 'are'} counted as unknown, not £0: {named}.")
        if r.missing_inputs:
            top = sorted(r.missing_inputs, key=lambda m: (-m.entities, m.version, m.input))[:3]
            parts.append("Most often missing: " + ", ".join(
                f"{m.input} ({plural(m.entities, 'practice or network', 'practices or networks')} under {m.version})"
                for m in top) + ".")
    for s in (r.practices, r.networks):
        parts.append(f"{s.level.capitalize()}s: {s.winners:,} gain, {s.losers:,} lose, {s.unchanged:,} unchanged, "
                     f"{s.unknown:,} unknown.")
    crossings = [c for c in r.crossings if c.from_state in ("met", "payable") or c.to_state in ("met", "payable")]
    if crossings:
        parts.append("Threshold crossings: " + "; ".join(
            f"{c.title.lower()}: {c.count:,} {c.level}{'' if c.count == 1 else 's'} from "
            f"{c.from_state.replace('_', ' ')} to "
            f"{c.to_state.replace('_', ' ')}" for c in crossings[:5]) + ".")
    if r.attribute_networks:
        parts.append(ATTRIBUTION_NOTE)
    if r.assumptions:
        parts.append(f"{len(r.assumptions)} assumption(s) stand in for missing inputs or set figures: see the "
                     f"list of assumptions.")
    return " ".join(parts)
