"""Payment methods as a registry: one implementation per :class:`~contract.spec.schema.Method` member.

Each module implements one family (rate.py: rate_times_basis; staff.py: staff_reimbursement;
indicators.py: qof_points and iif_points). :data:`METHODS` is built at import and refuses a
member with no implementation, so an entitlement can never be routed to a default by accident;
:func:`method_for` is how the evaluator finds one, and says clearly when a method is unknown.
"""

from __future__ import annotations

from contract.evaluation.methods.base import MethodNotImplemented, Payment, PaymentMethod, Unpriced, registry
from contract.evaluation.methods.indicators import IndicatorPoints
from contract.evaluation.methods.rate import RateTimesBasis
from contract.evaluation.methods.staff import StaffReimbursement
from contract.spec.schema import Method

METHODS: dict[Method, PaymentMethod] = registry([RateTimesBasis(), StaffReimbursement(), IndicatorPoints()])


def method_for(method: Method | str) -> PaymentMethod:
    """The implementation of a payment method; :class:`MethodNotImplemented` for an unknown one."""
    try:
        return METHODS[Method(method)]
    except (ValueError, KeyError):
        known = ", ".join(m.value for m in METHODS)
        raise MethodNotImplemented(f"unknown payment method {str(method)!r} (known: {known})") from None


__all__ = ["METHODS", "MethodNotImplemented", "Payment", "PaymentMethod", "Unpriced", "method_for", "registry"]
