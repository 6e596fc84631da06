"""A proposal that moves money between streams, made cost-neutral on the population compared.

A version that declares ``neutrality`` (``moved``, ``population``, ``basis`` in its version.yaml)
pays out, through its new stream, a national sum (``moved``) spread over a national population
(``population``). Compared with the base version on a real register, both are replaced by what this
population has: the money the base version's removed payment lines pay here, and the basis (say the
weighted list) summed over the practices that receive the new stream.

Both must be taken over the SAME entities. A network whose removed lines cannot be computed (an
input is missing for it or for one of its member practices) has an unknown baseline: what it would
lose is not known, so its members cannot be said to gain or lose, and its patients cannot share in a
pot that does not include its money. :func:`compare_over` decides which networks and practices have
a known baseline; only they are counted in the moved money, in the population it is spread over,
and among winners and losers. The others are reported apart, with the input that is missing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from contract.analysis.impact.lines import Line, LineIndex
from contract.analysis.impact.models import Compared, UnknownReason
from contract.evaluation.results import Status
from contract.lang.text import gbp, number, plural
from contract.spec.facts import Population
from contract.spec.references import names_read
from contract.spec.schema import Entitlement, Version

NETWORK_UNKNOWN = "a network of theirs has an unknown baseline"
"""The reason given for a practice apart only because of its network."""


@dataclass
class Comparison:
    """Which entities have a known baseline, and what they move."""

    removed: list[str]
    networks: set[str] = field(default_factory=set)
    practices: set[str] = field(default_factory=set)
    apart: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(level, code) of each entity apart, and why."""
    inputs_apart: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    """(level, code) of each entity apart, and the inputs (or NETWORK_UNKNOWN) behind it."""
    moved: Decimal = Decimal(0)
    basis_total: Decimal = Decimal(0)

    def summary(self, basis: str) -> Compared:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for (level, _code), inputs in self.inputs_apart.items():
            for name in inputs:
                counts[name][level] += 1
        why = [UnknownReason(reason=name, networks=c["network"], practices=c["practice"])
               for name, c in sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))]
        return Compared(
            networks=len(self.networks), practices=len(self.practices),
            networks_apart=sum(1 for level, _ in self.apart if level == "network"),
            practices_apart=sum(1 for level, _ in self.apart if level == "practice"),
            removed_lines=self.removed, moved=self.moved, basis=basis, basis_total=self.basis_total,
            why_apart=why)


def removed_lines(a: Version, b: Version) -> list[str]:
    """A's payment lines that B does not have, in id order."""
    return sorted(t.id for t in a.terms.values() if isinstance(t, Entitlement) and t.id not in b.terms)


def _unknown_inputs(lines: dict[str, Line], removed: list[str]) -> set[str]:
    """The inputs missing from the removed lines that cannot be computed."""
    names: set[str] = set()
    for tid in removed:
        f = lines.get(tid)
        if f is not None and (f.status is Status.input_missing or f.amount is None) \
                and f.status is not Status.not_applicable:
            names |= set(f.missing) or {f"an input of {tid}"}
    return names


def _basis_value(population: Population, code: str, basis: str) -> Decimal | None:
    value = population.practices[code].values.get(basis)
    if value is None or isinstance(value, bool) or not isinstance(value, int | Decimal | float):
        return None
    return Decimal(value)


def compare_over(a: Version, b: Version, population: Population, lines_a: LineIndex) -> Comparison:
    """The networks and practices whose baseline is known under `a`, from its evaluation's lines
    (:func:`contract.analysis.impact.lines.read_lines`; see the module docs)."""
    rule = b.meta.neutrality
    assert rule is not None, f"{b.id} declares no neutrality"
    removed = removed_lines(a, b)
    own: dict[tuple[str, str], set[str]] = {}
    for code in population.practices:
        names = _unknown_inputs(lines_a.of("practice", code), removed)
        if _basis_value(population, code, rule.basis) is None:
            names.add(rule.basis)
        own[("practice", code)] = names
    for code in population.networks:
        own[("network", code)] = _unknown_inputs(lines_a.of("network", code), removed)

    result = Comparison(removed=removed)
    networks_of: dict[str, list[str]] = defaultdict(list)
    for ncode in sorted(population.networks):
        network = population.networks[ncode]
        why, inputs = [], set(own[("network", ncode)])
        if inputs:
            why.append(f"{', '.join(sorted(inputs))} missing for the network")
        for pcode in network.member_codes:
            networks_of[pcode].append(ncode)
            member = own.get(("practice", pcode))
            if member is None:
                why.append(f"member {pcode} is not among the practices read")
                inputs.add("member practice not read")
            elif member:
                why.append(f"{', '.join(sorted(member))} missing for member {pcode}")
                inputs |= member
        if why:
            result.apart[("network", ncode)] = why
            result.inputs_apart[("network", ncode)] = inputs
        else:
            result.networks.add(ncode)
    for pcode in sorted(population.practices):
        why = [f"{', '.join(sorted(own[('practice', pcode)]))} missing"] if own[("practice", pcode)] else []
        inputs = set(own[("practice", pcode)])
        unknown_networks = [n for n in networks_of.get(pcode, []) if n not in result.networks]
        if unknown_networks:
            why.append(f"its network {', '.join(unknown_networks)} has an unknown baseline")
            inputs = inputs or {NETWORK_UNKNOWN}
        if why:
            result.apart[("practice", pcode)] = why
            result.inputs_apart[("practice", pcode)] = inputs
        else:
            result.practices.add(pcode)

    for (level, code), lines in lines_a.entities.items():
        if code in (result.networks if level == "network" else result.practices):
            result.moved += sum((lines[t].amount or Decimal(0) for t in removed if t in lines), Decimal(0))
    result.basis_total = sum((_basis_value(population, c, rule.basis) or Decimal(0) for c in result.practices),
                             Decimal(0))
    return result


def neutral_overrides(b: Version, comparison: Comparison) -> dict[str, Decimal]:
    """The money moved and the population it is spread over, both over the compared entities (empty
    when no compared practice has the basis: the version's own national figures then stand)."""
    rule = b.meta.neutrality
    assert rule is not None
    if comparison.basis_total == 0:
        return {}
    return {rule.moved: comparison.moved, rule.population: comparison.basis_total}


def _reads(version: Version, term_id: str) -> set[str]:
    """Every term `term_id` reads, directly or through other terms."""
    seen: set[str] = set()
    todo = [term_id]
    while todo:
        term = version.terms.get(todo.pop())
        if term is None:
            continue
        for name in names_read(term):
            if name in version.terms and name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def describe(b: Version, comparison: Comparison, neutral: dict[str, Decimal], user: dict[str, Decimal]) -> list[str]:
    """The assumption lines that say what was balanced, over which entities, and what a user's --set
    changed about it."""
    rule = b.meta.neutrality
    assert rule is not None
    over = (f"{plural(len(comparison.networks), 'network')} and {plural(len(comparison.practices), 'practice')} "
            f"whose baseline is known (every removed payment line computed for the network and its members)")
    apart = sum(1 for level, _ in comparison.apart if level == "network"), \
        sum(1 for level, _ in comparison.apart if level == "practice")
    apart_text = (f"; {plural(apart[0], 'network')} and {plural(apart[1], 'practice')} whose baseline is unknown "
                  f"are reported apart, neither winners nor losers" if any(apart) else "")
    if not neutral:
        return [f"NOT COST-NEUTRAL ON THIS POPULATION: no compared practice has {rule.basis}, so {b.id} "
                f"spreads its cited national sums instead{apart_text}."]
    lines = []
    replaced = [name for name in (rule.moved, rule.population) if name in user]
    text = (f"COST-NEUTRAL ON THIS POPULATION: balanced over {over}. {rule.moved} = {gbp(neutral[rule.moved])}, "
            f"what the removed payment lines pay over them; {rule.population} = "
            f"{number(neutral[rule.population])} ({rule.basis} summed over those "
            f"{plural(len(comparison.practices), 'practice')})"
            f"{apart_text}. Pass --national-sums to use the cited national figures instead.")
    if replaced:
        text += (f" Your --set of {', '.join(replaced)} wins over the neutrality figure"
                 f"{'s' if len(replaced) > 1 else ''}: the result is cost-neutral only if the value set is.")
    lines.append(text)
    bypassed = sorted(name for name in user if name not in replaced and name in _reads(b, rule.moved)
                      and rule.moved not in user)
    if bypassed:
        lines.append(f"NOTE: --set {', '.join(bypassed)} does not reach the payments: {rule.moved} is replaced by "
                     f"the money moved on this population, so what it is computed from is not read. Set {rule.moved} "
                     f"itself, or pass --national-sums.")
    return lines
