"""One area at a time: restrict a population to the networks and practices asked for.

The national files are read whole; :func:`select` then keeps the networks asked for (by commissioner
code or by network code), every member practice of those networks (even one whose own commissioner
is another), and every practice of an asked commissioner (one in no network too). Staff rows follow
their network. Input issues are kept whole: they name file rows, not entities, and a bad row is
worth knowing about whichever area it falls in.
"""

from __future__ import annotations

from collections.abc import Iterable

from contract.io.readers.payments import Payments
from contract.lang.text import plural
from contract.spec.facts import Population


class UnknownCodes(ValueError):
    """Codes asked for that no input file mentions."""

    def __init__(self, kind: str, codes: list[str]):
        self.kind, self.codes = kind, codes
        super().__init__(f"unknown {kind} code{'s' if len(codes) > 1 else ''} {', '.join(codes)} "
                         "(not in the input files given)")


def select(population: Population, commissioners: Iterable[str] = (), networks: Iterable[str] = ()) -> Population:
    """The part of `population` the codes ask for (all of it when neither is given).

    Raises :class:`UnknownCodes` for a commissioner no practice or network has, or a network code
    not in the population."""
    asked_commissioners = {c.strip().upper() for c in commissioners if c.strip()}
    asked_networks = {c.strip().upper() for c in networks if c.strip()}
    if not asked_commissioners and not asked_networks:
        return population
    known = {e.commissioner_code for e in [*population.practices.values(), *population.networks.values()]}
    for kind, asked, have in (("commissioner", asked_commissioners, known),
                              ("network", asked_networks, set(population.networks))):
        if unknown := sorted(asked - have):
            raise UnknownCodes(kind, unknown)
    kept_networks = {code: n for code, n in population.networks.items()
                     if code in asked_networks or n.commissioner_code in asked_commissioners}
    members = {m for n in kept_networks.values() for m in n.member_codes}
    kept_practices = {code: p for code, p in population.practices.items()
                      if code in members or p.commissioner_code in asked_commissioners
                      or (p.pcn_code is not None and p.pcn_code in kept_networks)}
    return population.model_copy(update={
        "practices": kept_practices,
        "networks": kept_networks,
        "staff": [s for s in population.staff if s.pcn_code in kept_networks],
    })


def around(population: Population, code: str) -> Population:
    """One practice or network and what its decisions depend on: a network with its member practices
    (a network's rules read their totals), a practice on its own (a practice's rules read only its own
    facts and national values). So that `explain` evaluates one entity, not the country."""
    if code in population.networks:
        network = population.networks[code]
        members = {c: population.practices[c] for c in network.member_codes if c in population.practices}
        return population.model_copy(update={"practices": members, "networks": {code: network},
                                             "staff": [s for s in population.staff if s.pcn_code == code]})
    if code in population.practices:
        return population.model_copy(update={"practices": {code: population.practices[code]}, "networks": {},
                                             "staff": []})
    return population


def describe_selection(population: Population, commissioners: Iterable[str] = (),
                       networks: Iterable[str] = ()) -> str | None:
    """What a selected population covers, in words ("commissioner 03N: 15 networks, 78 practices"),
    or None when nothing was selected."""
    parts = [f"commissioner {c}" for c in sorted({c.strip().upper() for c in commissioners if c.strip()})]
    parts += [f"network {c}" for c in sorted({c.strip().upper() for c in networks if c.strip()})]
    if not parts:
        return None
    return (f"{', '.join(parts)}: {plural(len(population.networks), 'network')}, "
            f"{plural(len(population.practices), 'practice')}")


def select_payments(payments: Payments, selected: Population, commissioners: Iterable[str] = ()) -> Payments:
    """The rows of a payments file that belong to a selected population: its practices, practices the
    file puts in its networks, and practices of an asked commissioner; so that a reconciliation of one
    area does not list the rest of the country as "not in the population"."""
    asked = {c.strip().upper() for c in commissioners if c.strip()}
    kept = {code: p for code, p in payments.practices.items()
            if code in selected.practices or (p.pcn_code is not None and p.pcn_code in selected.networks)
            or p.commissioner_code in asked}
    return payments.model_copy(update={"practices": kept})
