"""Readers: turn the files a commissioner holds into one validated :class:`~contract.spec.facts.Population`.

Files are read in a fixed order, because each may only refer to what an earlier one established:

1. ``register``: NHS Digital's ePCN register (.xlsx), the networks and their member practices;
2. ``networks``: the project's networks file (CSV or JSON);
3. ``practices``: the project's practices file (CSV or JSON);
4. ``lists``: one or more NHS Digital list-size CSVs (QOF prevalence, Patients Registered at a GP
   Practice), filtered to the practices already known; a value already supplied is kept;
5. ``staff``: the project's additional-roles staff file (CSV or JSON).

Every input row is either used or counted under a reason in the :class:`ReadSummary`; rows that are
wrong (not merely irrelevant) are also listed as ``Population.issues``. Malformed files (unknown
columns, a missing sheet or header) raise :class:`~contract.spec.facts.InputError`. See ``docs/inputs.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from contract.io.readers.epcn import read_epcn
from contract.io.readers.lists import read_lists
from contract.io.readers.payments import Payments, read_payments
from contract.io.readers.summary import FileSummary, ReadSummary
from contract.io.readers.tables import read_networks, read_practices, read_staff, read_table
from contract.spec.facts import FieldDef, Population, load_field_catalogue

PathArg = str | Path
Catalogue = dict[str, FieldDef]

__all__ = [
    "FileSummary",
    "ReadSummary",
    "load_catalogue",
    "read_all",
    "read_epcn",
    "read_inputs",
    "read_lists",
    "read_networks",
    "read_population",
    "read_practices",
    "read_staff",
    "read_table",
    "read_with_payments",
]


def load_catalogue(catalogue: Catalogue | PathArg | None = None) -> Catalogue:
    """The field catalogue: given as a dict, read from a path, or ``specs/fields.yaml`` by default."""
    if isinstance(catalogue, dict):
        return catalogue
    if catalogue is None:
        from contract.spec.loader import catalogue as merged

        return merged()  # specs/fields.yaml and every specs/fields/*.yaml
    return load_field_catalogue(Path(catalogue))


def _paths(arg: PathArg | Sequence[PathArg] | None) -> list[Path]:
    if arg is None:
        return []
    if isinstance(arg, str | Path):
        return [Path(arg)]
    return [Path(p) for p in arg]


def read_inputs(
    register: PathArg | None = None,
    lists: PathArg | Sequence[PathArg] | None = None,
    practices: PathArg | None = None,
    networks: PathArg | None = None,
    staff: PathArg | None = None,
    catalogue: Catalogue | PathArg | None = None,
    as_of: date | None = None,
) -> tuple[Population, ReadSummary]:
    """Read every file given, in the documented order, into one Population, with its summary.

    ``as_of`` judges the register's close and end dates (see :func:`read_epcn`); without it any
    close or end date leaves the row out."""
    fields = load_catalogue(catalogue)
    population, summary = Population(), ReadSummary()
    if register is not None:
        summary.files += read_epcn(Path(register), population, fields, as_of)
    if networks is not None:
        summary.files.append(read_networks(Path(networks), population, fields))
    if practices is not None:
        summary.files.append(read_practices(Path(practices), population, fields))
    for path in _paths(lists):
        summary.files.append(read_lists(path, population, fields))
    if staff is not None:
        summary.files.append(read_staff(Path(staff), population, fields))
    return population, summary


def read_population(
    register: PathArg | None = None,
    lists: PathArg | Sequence[PathArg] | None = None,
    practices: PathArg | None = None,
    networks: PathArg | None = None,
    staff: PathArg | None = None,
    catalogue: Catalogue | PathArg | None = None,
    payments: PathArg | None = None,
    as_of: date | None = None,
) -> Population:
    """:func:`read_inputs` without the summary."""
    return read_all(register, lists, practices, networks, staff, catalogue, payments, as_of)[0]


def read_all(
    register: str | Path | None = None,
    lists: str | Path | Sequence[str | Path] | None = None,
    practices: str | Path | None = None,
    networks: str | Path | None = None,
    staff: str | Path | None = None,
    catalogue: dict[str, FieldDef] | str | Path | None = None,
    payments: str | Path | None = None,
    as_of: date | None = None,
) -> tuple[Population, ReadSummary, Payments | None]:
    """:func:`~contract.io.readers.read_inputs`, then the payments file (if given) last, so that the
    other files' values take precedence: the population, every file's summary, and what was paid."""
    fields = load_catalogue(catalogue)
    population, summary = read_inputs(register, lists, practices, networks, staff, fields, as_of)
    if payments is None:
        return population, summary, None
    paid = read_payments(Path(payments), population, fields)
    summary.files.append(paid.summary)
    return population, summary, paid


def read_with_payments(
    payments: str | Path,
    register: str | Path | None = None,
    lists: str | Path | Sequence[str | Path] | None = None,
    practices: str | Path | None = None,
    networks: str | Path | None = None,
    staff: str | Path | None = None,
    catalogue: dict[str, FieldDef] | str | Path | None = None,
    as_of: date | None = None,
) -> tuple[Population, ReadSummary, Payments]:
    """:func:`read_all` with a payments file, which the reconciliation needs."""
    population, summary, paid = read_all(register, lists, practices, networks, staff, catalogue, payments, as_of)
    assert paid is not None  # a payments file was given
    return population, summary, paid
