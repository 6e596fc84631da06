"""What a payment method is: how one entitlement's money is computed for one practice or network."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

from contract.evaluation.context import Context
from contract.evaluation.findings import FindingBuilder
from contract.evaluation.money import Exact
from contract.spec.schema import Entitlement, Method, Version


@dataclass(frozen=True)
class Payment:
    """The money of one entitlement for one entity: the year's total (rounded once, half up), the
    exact amount of each month it accrues for, and the arithmetic in words."""

    total: Decimal
    exact_by_month: list[tuple[date, Exact]]
    explanation: str
    maximum: Decimal | None = None
    """For a claims-based line: the most the entity could claim for the year (its budget)."""


@dataclass(frozen=True)
class Unpriced:
    """The money cannot be computed: why, the inputs lacking, and the names whose values to show."""

    explanation: str
    missing: list[str] = field(default_factory=list)
    names: frozenset[str] = frozenset()
    maximum: Decimal | None = None
    """For a claims-based line: the most the entity could claim for the year, which needs no claims."""


class PaymentMethod(Protocol):
    """One family of payment methods (a :class:`Method` member or several)."""

    @property
    def methods(self) -> tuple[Method, ...]:
        """The :class:`Method` members this implements."""
        ...

    def reads(self, version: Version, term: Entitlement) -> set[str]:
        """Every input field or parameter the method may read for `term` (values shown, input gaps)."""
        ...

    def compute(self, builder: FindingBuilder, ctx: Context, term: Entitlement) -> Payment | Unpriced:
        """The entitlement's money for one entity, or why it cannot be computed."""
        ...


class MethodNotImplemented(LookupError):
    """A payment method with no implementation (at registration), or an unknown method."""


def registry(implementations: list[PaymentMethod]) -> dict[Method, PaymentMethod]:
    """Every :class:`Method` member mapped to its one implementation; a member with none, or with two,
    is an error here, when the registry is built (at import), never a silent fallback later."""
    found: dict[Method, PaymentMethod] = {}
    for implementation in implementations:
        for method in implementation.methods:
            if method in found:
                raise MethodNotImplemented(f"payment method {method.value!r} is implemented twice "
                                           f"({type(found[method]).__name__} and {type(implementation).__name__})")
            found[method] = implementation
    lacking = [m.value for m in Method if m not in found]
    if lacking:
        raise MethodNotImplemented(f"payment method(s) with no implementation: {', '.join(lacking)} "
                                   "(add a module to contract/evaluation/methods/ and register it)")
    return found
