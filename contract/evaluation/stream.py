"""An evaluation as it is produced: its header first, then its findings one entity at a time.

A national report need not hold 300,000 findings to write them: :class:`FindingStream` hands a writer
the header (version, date, area, engine, values set, the inputs lacking and the input issues) and then
the findings in order (each practice's, then each network's), built a batch of entities at a time and
dropped once written. Walking a sanction ladder can find more input issues (an event with no effect):
they join the header's as the findings are produced, so a writer takes the header's issues after the
last finding. ``collect()`` gathers them into an
:class:`~contract.evaluation.results.Evaluation` for callers that want them all in memory.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

from contract.evaluation.results import Evaluation, EvaluationHeader, Finding
from contract.spec.facts import InputIssue


class StreamConsumed(RuntimeError):
    """A stream's findings were asked for twice: they are produced once, as they are read."""


class FindingStream:
    """The header of an evaluation, and its findings as an iterator that can be read once."""

    def __init__(self, header: EvaluationHeader, produce: Callable[[], Iterator[Finding]],
                 found_on_the_way: list[InputIssue] | None = None):
        self._header = header
        self._produce: Callable[[], Iterator[Finding]] | None = produce
        self._found_on_the_way = found_on_the_way if found_on_the_way is not None else []

    @property
    def header(self) -> EvaluationHeader:
        """The header, its issues those found so far (all of them once the findings are read)."""
        if not self._found_on_the_way:
            return self._header
        return self._header.model_copy(update={"issues": [*self._header.issues, *self._found_on_the_way]})

    def __iter__(self) -> Iterator[Finding]:
        if self._produce is None:
            raise StreamConsumed(f"the findings of {self.header.version} at {self.header.as_of} were already read")
        produce, self._produce = self._produce, None
        return produce()

    def scoped(self, scope: str | None) -> FindingStream:
        """The same stream, its header naming the area asked for (`--commissioner`, `--pcn`)."""
        self._header = self._header.model_copy(update={"scope": scope})
        return self

    def collect(self) -> Evaluation:
        """Every finding, in memory, with the header.

        The cycle collector is paused while they are gathered: findings hold no reference cycles,
        and each full collection would walk the whole heap (the population and every finding so
        far) again as it grows, about a sixth of a national evaluation. It runs as before after."""
        paused = gc.isenabled()
        gc.disable()
        try:
            findings = list(self)
        finally:
            if paused:
                gc.enable()
        return Evaluation(**dict(self.header), findings=findings)
