"""Each payment line as two columns over a level's entities: pence (0 where unknown) and known.

A line's amount for an entity is what impact counts (contract.analysis.impact.compare): £0 when the
entity is not eligible, unknown when an input is missing (never added in as £0), otherwise the
finding's amount. Vectorised lines come from :class:`VectorEvaluation`; the lines it does not
compute come from the engine's findings, matched to the same rows by entity code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contract.evaluation.results import Evaluation, Status
from contract.evaluation.vector.api import VectorEvaluation
from contract.spec.schema import EntityLevel

Rows = dict[EntityLevel, list[str]]
"""The entity codes of each level, in row order."""


@dataclass(frozen=True)
class LineColumns:
    """One line at one level: pence per row (0 where unknown) and whether each row is known."""

    level: EntityLevel
    pence: np.ndarray
    known: np.ndarray


def rows_of(ev: VectorEvaluation) -> Rows:
    return {level: list(found.frame.codes) for level, found in ev.levels.items()}


def vector_columns(ev: VectorEvaluation) -> dict[str, LineColumns]:
    """The vectorised lines of an evaluation."""
    found: dict[str, LineColumns] = {}
    for level, part in ev.levels.items():
        for term_id, line in part.lines.items():
            known = np.array([s != Status.input_missing.value for s in line.status], dtype=bool)
            pence = np.array([a if (a is not None and k) else 0 for a, k in zip(line.amount, known, strict=True)],
                             dtype=np.int64)
            found[term_id] = LineColumns(level, pence, known)
    return found


def engine_columns(evaluation: Evaluation, rows: Rows, term_ids: dict[str, EntityLevel]) -> dict[str, LineColumns]:
    """The named lines from the engine's findings (an entity with no finding for a line is unknown)."""
    index = {level: {code: i for i, code in enumerate(codes)} for level, codes in rows.items()}
    found = {t: LineColumns(level, np.zeros(len(rows[level]), dtype=np.int64), np.zeros(len(rows[level]), dtype=bool))
             for t, level in term_ids.items()}
    for f in evaluation.findings:
        line = found.get(f.term_id)
        if line is None:
            continue
        row = index[line.level].get(f.entity_code)
        if row is None or f.entity_type != line.level.value:
            continue
        if f.status is Status.input_missing:
            continue
        line.known[row] = True
        if f.status is not Status.not_applicable and f.amount is not None:
            line.pence[row] = int(f.amount * 100)
    return found
