"""The whitelisted conditions as polars expressions, with the engine's three-valued logic.

Each decision of :func:`contract.engine.compiler.decisions_of` has a true form and a false form (the
negation pushed down to the comparisons). Compiled here over an engine-form frame
(:meth:`LevelFrame.engine_frame`), a comparison that reads a name the row lacks is false on both
sides, exactly as in the engine and in :func:`contract.engine.reference.holds`; a decision is then
True where its true form holds, False where its false form holds, and null (undecided: an input is
missing) where neither does. National values enter as literals in the engine's integer form.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from contract.engine.compiler import Decision, engine_value
from contract.lang.expressions import All, Any_, Cmp, Condition, Lit, Ref, Value

_COMPARE = {
    ">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


class Compiler:
    """Compiles conditions for one frame: `columns` are the frame's column names, `national` the
    values every row shares (read as literals)."""

    def __init__(self, columns: set[str], national: Mapping[str, Value]):
        self.columns = columns
        self.national = national

    def operand(self, node: Ref | Lit) -> pl.Expr:
        if isinstance(node, Lit):
            return pl.lit(engine_value(node.value))
        if node.name in self.columns:
            return pl.col(node.name)
        if node.name in self.national:
            return pl.lit(engine_value(self.national[node.name]))
        return pl.lit(None)

    def holds(self, cond: Condition) -> pl.Expr:
        """Two-valued truth of a negation-normal-form condition; a missing name makes a comparison false."""
        if isinstance(cond, All):
            return pl.all_horizontal([self.holds(i) for i in cond.items])
        if isinstance(cond, Any_):
            return pl.any_horizontal([self.holds(i) for i in cond.items])
        if isinstance(cond, Cmp):
            compared = _COMPARE[cond.op](self.operand(cond.left), self.operand(cond.right))
            return compared.fill_null(False)
        raise TypeError(f"not in negation normal form: {cond}")

    def decision(self, decision: Decision) -> pl.Expr:
        """True, False, or null when the inputs do not decide it."""
        return (pl.when(self.holds(decision.when_true)).then(pl.lit(True))
                .when(self.holds(decision.when_false)).then(pl.lit(False))
                .otherwise(pl.lit(None, dtype=pl.Boolean)))
