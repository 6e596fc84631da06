"""Readers: turn the files a commissioner holds into one validated :class:`~contract.spec.facts.Population`.

Files are read in a fixed order, because each may only refer to what an earlier one established:

1. ``register``: NHS Digital's ePCN register (.xlsx), the networks and their member practices;
2. ``networks``: the project's networks file (CSV or JSON);
3. ``practices``: the project's practices file (CSV or JSON);
4. ``lists``: one or more NHS Digital list-size CSVs (QOF prevalence, Patients Registered at a GP
   Practice), filtered to the practices already known; a value already supplied is kept;
5. ``staff``: the project's additional-roles staff file (CSV or JSON);
6. ``payments``: an NHS Digital payments CSV, last, filling only what the others left empty.

The files are named once, by an :class:`InputFiles`; :func:`read_files` reads them into a
:class:`ReadResult` (population, summary, payments). :func:`read_population` is its keyword front
for a caller that wants the population alone.

Every input row is either used or counted under a reason in the :class:`ReadSummary`; rows that are
wrong (not merely irrelevant) are also listed as ``Population.issues``. Malformed files (unknown
columns, a missing sheet or header) raise :class:`~contract.spec.facts.InputError`. See ``docs/inputs.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from contract.io.readers.epcn import read_epcn
from contract.io.readers.files import InputFiles, PathArg, ReadResult
from contract.io.readers.lists import read_lists
from contract.io.readers.payments import Payments, read_payments
from contract.io.readers.summary import FileSummary, ReadSummary
from contract.io.readers.tables import read_networks, read_practices, read_staff, read_table
from contract.spec.facts import FieldDef, Population, load_field_catalogue

Catalogue = dict[str, FieldDef]

__all__ = [
    "FileSummary",
    "InputFiles",
    "Payments",
    "ReadResult",
    "ReadSummary",
    "load_catalogue",
    "read_epcn",
    "read_files",
    "read_lists",
    "read_networks",
    "read_population",
    "read_practices",
    "read_staff",
    "read_table",
]


def load_catalogue(catalogue: Catalogue | PathArg | None = None) -> Catalogue:
    """The field catalogue: given as a dict, read from a path, or ``specs/fields.yaml`` by default."""
    if isinstance(catalogue, dict):
        return catalogue
    if catalogue is None:
        from contract.spec.loader import catalogue as merged

        return merged()  # specs/fields.yaml and every specs/fields/*.yaml
    return load_field_catalogue(Path(catalogue))


def read_files(files: InputFiles, *, catalogue: Catalogue | PathArg | None = None,
               as_of: date | None = None) -> ReadResult:
    """Read every file given, in the documented order (the payments file last, so that the other
    files' values take precedence), into one Population, with every file's summary and what the
    payments file says was paid.

    ``as_of`` judges the register's close and end dates (see :func:`read_epcn`); without it any
    close or end date leaves the row out."""
    fields = load_catalogue(catalogue)
    population, summary = Population(), ReadSummary()
    if files.register is not None:
        summary.files += read_epcn(files.register, population, fields, as_of)
    if files.networks is not None:
        summary.files.append(read_networks(files.networks, population, fields))
    if files.practices is not None:
        summary.files.append(read_practices(files.practices, population, fields))
    for path in files.lists:
        summary.files.append(read_lists(path, population, fields))
    if files.staff is not None:
        summary.files.append(read_staff(files.staff, population, fields))
    if files.payments is None:
        return ReadResult(population, summary)
    paid = read_payments(files.payments, population, fields)
    summary.files.append(paid.summary)
    return ReadResult(population, summary, paid)


def read_population(
    *,
    register: PathArg | None = None,
    lists: PathArg | Sequence[PathArg] | None = None,
    practices: PathArg | None = None,
    networks: PathArg | None = None,
    staff: PathArg | None = None,
    payments: PathArg | None = None,
    catalogue: Catalogue | PathArg | None = None,
    as_of: date | None = None,
) -> Population:
    """The population alone, the files named by keyword: :func:`read_files` of
    ``InputFiles.of(register=..., lists=[...], ...)``."""
    files = InputFiles.of(register=register, lists=lists, practices=practices, networks=networks, staff=staff,
                          payments=payments)
    return read_files(files, catalogue=catalogue, as_of=as_of).population
