"""Sanction ladders: what a commissioner may do, step by step, when an obligation is not met.

:mod:`.ladder_spec` reads a ladder from the spec, :mod:`.walk` walks one entity's dated events through it
(through durable_rules or the reference walk), :mod:`.findings` does it inside an evaluation.
The names below are the package's public interface (``contract.evaluation.sanctions.ladder(...)``
and so on), as they were when this was one module.
"""

from __future__ import annotations

from contract.evaluation.sanctions.findings import Prepared, explain, prepare, sanction_findings
from contract.evaluation.sanctions.ladder_spec import Ladder, commissioner_duties, ladder, ladders
from contract.evaluation.sanctions.walk import AmountFor, LadderMove, LadderResult, Step, reference_step, run_ladder

__all__ = ["AmountFor", "Ladder", "LadderMove", "LadderResult", "Prepared", "Step", "commissioner_duties", "explain",
           "ladder", "ladders", "prepare", "reference_step", "run_ladder", "sanction_findings"]
