"""Assumptions fill only what is missing, say what they did, and refuse what they cannot read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contract.io.assumptions import AssumptionError, apply_assumptions
from contract.spec.facts import Population, Practice, Provenance


def _population() -> Population:
    pop = Population()
    src = Provenance(file="lists.csv", row=2)
    for code, listed, weighted in [("A1", 1000, Decimal("1100.5")), ("A2", 2000, None), ("A3", None, None)]:
        p = Practice(code=code)
        if listed is not None:
            p.set("registered_list", listed, src)
        if weighted is not None:
            p.set("weighted_list", weighted, src)
        pop.practices[code] = p
    return pop


def test_an_assumption_fills_only_missing_values_and_counts_them():
    pop, done = apply_assumptions(_population(), ["weighted_list=registered_list"])
    assert pop.practices["A1"].values["weighted_list"] == Decimal("1100.5")  # given, untouched
    assert pop.practices["A2"].values["weighted_list"] == 2000
    assert "weighted_list" not in pop.practices["A3"].values  # nothing to assume from
    assert (done[0].applied, done[0].unresolved) == (1, 1)
    assert "assumption" in str(pop.practices["A2"].provenance["weighted_list"])
    assert "1 practices filled; 1 still missing" in done[0].describe()


def test_the_original_population_is_not_changed():
    original = _population()
    apply_assumptions(original, ["weighted_list=registered_list * 1.1"])
    assert "weighted_list" not in original.practices["A2"].values


@pytest.mark.parametrize("text", ["weighted_list", "colour=1", "weighted_list=open('x')", "weighted_list=shoe_size"])
def test_bad_assumptions_are_refused(text):
    with pytest.raises(AssumptionError):
        apply_assumptions(_population(), [text])
