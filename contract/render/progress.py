"""Progress on long runs (reading, evaluating, writing), on standard error.

On a terminal it is a rich progress bar (or a spinner with the time taken, when the amount of work
is not known) that disappears when done; otherwise, so that logs and tests stay readable, one plain
line per step, as ``… writing workbook``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO


class Progress:
    """One step of a run: `advance` as work is done, `finish` at the end (or use it in `with`)."""

    def __init__(self, label: str, total: int | None = None, stream: TextIO | None = None):
        self.label, self.total, self.stream = label, total, stream or sys.stderr
        self._bar = None
        if self.stream.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                       TimeElapsedColumn()] if total else [SpinnerColumn(), TextColumn("{task.description}"),
                                                           TimeElapsedColumn()]
            self._bar = RichProgress(*columns, console=Console(file=self.stream), transient=True)
            self._task = self._bar.add_task(label, total=total)
            self._bar.start()
        else:
            print(f"… {label}", file=self.stream, flush=True)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()


def step(label: str, total: int | None = None) -> Progress:
    """A progress bar (or plain line) for one step of `total` units of work (None: not known)."""
    return Progress(label, total)


ProgressFactory = Callable[[str, int | None], Progress]
"""What a long writer is given to report its progress: :func:`step`, or a stand-in in tests."""
