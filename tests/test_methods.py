"""Payment methods: a registry with one implementation for every Method member, and nothing routed
to a default."""

from __future__ import annotations

import pytest

from contract.evaluation.methods import METHODS, MethodNotImplemented, method_for, registry
from contract.evaluation.methods.indicators import IndicatorPoints
from contract.evaluation.methods.rate import RateTimesBasis
from contract.evaluation.methods.staff import StaffReimbursement
from contract.spec.loader import load_version, version_ids
from contract.spec.schema import Entitlement, Method


def test_every_method_member_has_an_implementation():
    assert set(METHODS) == set(Method)
    for method, implementation in METHODS.items():
        assert method in implementation.methods
        assert method_for(method) is implementation
        assert method_for(method.value) is implementation


def test_each_family_is_its_own_module():
    assert type(METHODS[Method.rate_times_basis]) is RateTimesBasis
    assert type(METHODS[Method.staff_reimbursement]) is StaffReimbursement
    assert type(METHODS[Method.qof_points]) is IndicatorPoints
    assert METHODS[Method.iif_points] is METHODS[Method.qof_points]


def test_an_unknown_method_is_a_clear_error():
    with pytest.raises(MethodNotImplemented, match=r"unknown payment method 'bonus_points' \(known: rate_times_basis"):
        method_for("bonus_points")


def test_a_registry_missing_a_method_fails_when_it_is_built():
    with pytest.raises(MethodNotImplemented, match="no implementation: staff_reimbursement, qof_points, iif_points"):
        registry([RateTimesBasis()])


def test_a_method_implemented_twice_fails_when_the_registry_is_built():
    with pytest.raises(MethodNotImplemented, match="implemented twice"):
        registry([RateTimesBasis(), StaffReimbursement(), IndicatorPoints(), RateTimesBasis()])


@pytest.mark.parametrize("version_id", version_ids())
def test_every_entitlement_of_every_version_has_its_method(version_id):
    version = load_version(version_id)
    for term in version.terms.values():
        if isinstance(term, Entitlement):
            assert isinstance(method_for(term.method).reads(version, term), set)
