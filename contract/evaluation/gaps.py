"""Input gaps: every input the version's rules read, and the practices and networks that lack it."""

from __future__ import annotations

from contract.evaluation.methods import method_for
from contract.evaluation.results import InputGap
from contract.spec.facts import FieldDef, Level, Population
from contract.spec.references import expression_names
from contract.spec.schema import Entitlement, Version


def fields_read(version: Version) -> set[str]:
    """Every name the version's conditions, formulas, bases and payment methods read."""
    read: set[str] = set()
    for term in version.terms.values():
        read |= expression_names(term)
        if isinstance(term, Entitlement):
            read |= method_for(term.method).reads(version, term)
    return read


def input_gaps(version: Version, population: Population, fields: dict[str, FieldDef]) -> list[InputGap]:
    """For every input field the version's rules read (directly, or through a network total of its
    members' values), the practices and networks that lack it."""
    gaps: list[InputGap] = []
    for name in sorted(fields_read(version) & fields.keys()):
        field = fields[name]
        if field.blank_means == "absent":  # a blank is an answer (no notice given), not a gap
            continue
        if field.level is Level.practice:
            lacking = sorted(code for code, p in population.practices.items() if name not in p.values)
            _add_gap(gaps, name, "practice", lacking, len(population.practices))
            if field.aggregate:
                # A network with neither its own value nor members to total it from lacks it too.
                orphans = sorted(code for code, n in population.networks.items()
                                 if (field.aggregates_to or name) not in n.values and not n.member_codes)
                _add_gap(gaps, field.aggregates_to or name, "network", orphans, len(population.networks))
        # A network total built from members is reported through the members, not here.
        elif field.level is Level.network and not any(
                f.aggregate and (f.aggregates_to or f.name) == name for f in fields.values()):
            lacking = sorted(code for code, n in population.networks.items() if name not in n.values)
            _add_gap(gaps, name, "network", lacking, len(population.networks))
    return gaps


def _add_gap(gaps: list[InputGap], name: str, level: str, lacking: list[str], of: int) -> None:
    if lacking:
        gaps.append(InputGap(field=name, level=level, missing=len(lacking), of=of, codes=lacking))
