"""Indicator-based payment methods (QOF, IIF). Filled in with the versions that use them."""

from __future__ import annotations


def compute(findings, ctx, term):
    raise NotImplementedError(f"{term.id}: method {term.method.value} is not implemented")
