"""The variants of a sweep: `PARAM=START:STOP:STEP` ranges (STOP inclusive) and their combinations."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from contract.spec.schema import EntityLevel, Parameter, Version

MAX_VARIANTS = 1_000_000
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"


class SweepError(ValueError):
    """A --vary that cannot be swept (bad syntax, unknown parameter, empty or huge range)."""


@dataclass(frozen=True)
class Vary:
    """One varied national parameter: start, stop (inclusive) and step, exact decimals."""

    param: str
    start: Decimal
    stop: Decimal
    step: Decimal

    def values(self) -> list[Decimal]:
        """start, start + step, ... up to stop inclusive, each exact (no float steps)."""
        count = int((self.stop - self.start) / self.step) + 1
        return [self.start + i * self.step for i in range(count)]


def parse_vary(text: str, version: Version) -> Vary:
    """`PARAM=START:STOP:STEP` for a national parameter of `version` (SweepError otherwise)."""
    name, sep, spec = text.partition("=")
    name = name.strip()
    match = re.fullmatch(rf"\s*({_NUMBER}):({_NUMBER}):({_NUMBER})\s*", spec)
    if not sep or not name or match is None:
        raise SweepError(f"--vary {text!r}: write PARAM=START:STOP:STEP, e.g. rate.core_pcn_funding=1.50:2.00:0.01")
    term = version.terms.get(name)
    if not (isinstance(term, Parameter) and term.level is EntityLevel.national):
        raise SweepError(f"--vary {text!r}: {name} is not a national parameter of {version.id}")
    start, stop, step = (Decimal(g) for g in match.groups())
    if step <= 0:
        raise SweepError(f"--vary {text!r}: the step must be above zero")
    if stop < start:
        raise SweepError(f"--vary {text!r}: STOP is below START")
    return Vary(name, start, stop, step)


def variants(varies: list[Vary]) -> list[tuple[Decimal, ...]]:
    """Every combination of the varied values, the first --vary changing slowest."""
    names = [v.param for v in varies]
    if len(set(names)) != len(names):
        raise SweepError("a parameter is varied twice")
    count = 1
    for vary in varies:
        count *= len(vary.values())
    if count > MAX_VARIANTS:
        raise SweepError(f"{count:,} variants: more than {MAX_VARIANTS:,}; narrow a range or widen a step")
    return list(itertools.product(*(v.values() for v in varies)))
