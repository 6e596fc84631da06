"""The one table of which term attributes hold expressions and which hold references to other terms.

Everything that needs to know what a term reads (the loader's checks, the compiler, the evaluator's
explanations and input gaps, the diff's "used by", the docs' cross-links) asks this module, so that a
new attribute is declared here once and every reader sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from contract.lang.expressions import Condition, Formula, parse_condition, parse_formula, refs
from contract.spec.schema import (
    Entitlement,
    IndicatorSet,
    Obligation,
    Parameter,
    RolesTable,
    Sanction,
    Term,
    Version,
)

CONDITION_ATTRS: tuple[str, ...] = ("requirement", "applies_when", "eligible_when")
"""Attributes holding a condition (true or false for an entity)."""

FORMULA_ATTRS: tuple[str, ...] = ("formula", "basis")
"""Attributes holding a formula (a number for an entity)."""

TERM_REFERENCE_ATTRS: dict[type, tuple[str, ...]] = {
    Entitlement: ("rate", "cap", "roles", "indicators", "list_adjustment", "aspiration"),
    Obligation: ("due",),
    RolesTable: ("posts_per_role",),
    Parameter: (),
    Sanction: (),
    IndicatorSet: (),
}
"""Attributes holding the id of one other term (an obligation's `due` only when it is not a date)."""

TERM_LIST_ATTRS: dict[type, tuple[str, ...]] = {
    Obligation: ("funds", "funded_by"),
    Sanction: ("applies_to",),
    Entitlement: (),
    RolesTable: (),
    Parameter: (),
    IndicatorSet: (),
}
"""Attributes holding a list of other terms' ids."""


def is_iso_date(text: str) -> bool:
    """True for a YYYY-MM-DD date literal (an obligation's `due` may be one, or a term id)."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=8192)
def _condition(text: str) -> Condition:
    return parse_condition(text)


@lru_cache(maxsize=8192)
def _formula(text: str) -> Formula:
    return parse_formula(text)


def expressions_of(term: Term) -> list[tuple[str, Condition | Formula]]:
    """Every expression a term holds, parsed: (attribute, tree)."""
    found: list[tuple[str, Condition | Formula]] = []
    for attr in CONDITION_ATTRS:
        text = getattr(term, attr, None)
        if text:
            found.append((attr, _condition(text)))
    for attr in FORMULA_ATTRS:
        text = getattr(term, attr, None)
        if text:
            found.append((attr, _formula(text)))
    return found


def expression_names(term: Term) -> set[str]:
    """Every name (field or parameter) the term's expressions read."""
    names: set[str] = set()
    for _attr, tree in expressions_of(term):
        names |= refs(tree)
    return names


def term_references(term: Term) -> Iterator[tuple[str, str]]:
    """(attribute, term id) for every other term this one names outside its expressions."""
    for attr in TERM_REFERENCE_ATTRS[type(term)]:
        value = getattr(term, attr, None)
        if not value or (attr == "due" and is_iso_date(value)):
            continue
        yield attr, value
    for attr in TERM_LIST_ATTRS[type(term)]:
        for value in getattr(term, attr, ()):
            yield attr, value
    if isinstance(term, IndicatorSet):
        for indicator in term.indicators:
            if indicator.prevalence_adjustment:
                yield f"indicators.{indicator.id}.prevalence_adjustment", indicator.prevalence_adjustment


def names_read(term: Term) -> set[str]:
    """Every field or term this term reads, through its expressions or by reference."""
    return expression_names(term) | {target for _attr, target in term_references(term)}


def users(version: Version, term_id: str) -> list[str]:
    """The terms of `version` that read `term_id`, in spec order."""
    return [t.id for t in version.terms.values() if t.id != term_id and term_id in names_read(t)]
