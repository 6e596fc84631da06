"""What every evaluation writer reads: an evaluation's header and its findings, read once.

A :class:`~contract.evaluation.stream.FindingStream` is one; a collected
:class:`~contract.evaluation.results.Evaluation` becomes one through :func:`stream_of`, so that each
format has one writer whether the findings are produced as it writes or are all in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from contract.evaluation.results import Evaluation, EvaluationHeader, Finding
from contract.evaluation.stream import FindingStream


class Produced(Protocol):
    """An evaluation as a writer reads it: the header (its input issues complete once the findings
    are read) and the findings, iterated once."""

    @property
    def header(self) -> EvaluationHeader: ...

    def __iter__(self) -> Iterator[Finding]: ...


def stream_of(evaluation: Evaluation) -> FindingStream:
    """A collected evaluation as a stream over its findings."""
    return FindingStream(evaluation.header, lambda: iter(evaluation.findings))
