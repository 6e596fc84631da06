"""Which input files to read (:class:`InputFiles`) and what reading them gave (:class:`ReadResult`).

The one description of a set of input files, taken by :func:`contract.io.readers.read_files` and
built by its callers (the CLI's input options, the server's, scripts and tests), so that the list
of files is written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from contract.io.readers.payments import Payments
from contract.io.readers.summary import ReadSummary
from contract.spec.facts import Population

PathArg = str | Path
"""A file named by a string or a Path."""


def _path(arg: PathArg | None) -> Path | None:
    return None if arg is None else Path(arg)


def _paths(arg: PathArg | Sequence[PathArg] | None) -> tuple[Path, ...]:
    if arg is None:
        return ()
    if isinstance(arg, str | Path):
        return (Path(arg),)
    return tuple(Path(p) for p in arg)


@dataclass(frozen=True, slots=True)
class InputFiles:
    """The files to read; each may be absent. See docs/inputs.md for their formats.

    ``register``: NHS Digital's ePCN workbook; ``lists``: list-size CSVs (QOF prevalence, Patients
    Registered at a GP Practice); ``practices``, ``networks``, ``staff``: the project's own files;
    ``payments``: an NHS Digital payments CSV, read last so that the other files' values win."""

    register: Path | None = None
    lists: tuple[Path, ...] = ()
    practices: Path | None = None
    networks: Path | None = None
    staff: Path | None = None
    payments: Path | None = None

    @classmethod
    def of(
        cls,
        register: PathArg | None = None,
        lists: PathArg | Sequence[PathArg] | None = None,
        practices: PathArg | None = None,
        networks: PathArg | None = None,
        staff: PathArg | None = None,
        payments: PathArg | None = None,
    ) -> InputFiles:
        """The files named by strings or Paths; ``lists`` may be one file or several."""
        return cls(register=_path(register), lists=_paths(lists), practices=_path(practices),
                   networks=_path(networks), staff=_path(staff), payments=_path(payments))

    def given(self) -> list[Path]:
        """Every file named, in the order of the fields (register, lists, practices, networks,
        staff, payments): what a report says it read."""
        singles = (self.practices, self.networks, self.staff, self.payments)
        return [p for p in (self.register, *self.lists, *singles) if p is not None]


@dataclass(frozen=True, slots=True)
class ReadResult:
    """The files read into one population, what each file contributed, and, when a payments file
    was given, what it says was paid (else None)."""

    population: Population
    summary: ReadSummary
    payments: Payments | None = None
