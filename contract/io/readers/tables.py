"""The project's own input files: practices, networks and staff, as CSV or JSON.

Each file has its key column(s) plus any catalogue fields of its level (``specs/fields.yaml``):

* ``practices``: ``practice_code``; optional ``name``, ``pcn_code``, ``commissioner_code``; practice fields.
* ``networks``: ``pcn_code``; optional ``name``, ``commissioner_code``; network fields.
* ``staff``: ``pcn_code`` and ``staff_id``; staff fields.

A JSON file is a list of objects with the same keys. Columns are strict: a column that is not a
key and not a catalogue field of the file's level is an InputError, because a misspelt column
would otherwise be a value silently never read. A blank cell (or JSON null) means "not supplied"
and is counted in the summary; a value that breaks its field's rule is an InputIssue.

Codes must be known once some earlier file has listed that kind of entity: with a register, a
practice or network the register does not know is an issue ("unknown practice code"), since the
user wrote that row deliberately. Without one, these files define the practices and networks, so
the tool can run on the project's own files alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from contract.io.readers.common import check_code, check_length, csv_rows, expect_text, is_blank, load_json, report
from contract.io.readers.summary import FileSummary
from contract.spec.facts import (
    Entity,
    FactValue,
    FieldDef,
    InputError,
    Level,
    Network,
    Population,
    Practice,
    Provenance,
    StaffMember,
    coerce,
)

Record = dict[str, object]


@dataclass(frozen=True)
class TableKind:
    name: str
    level: Level
    keys: tuple[str, ...]
    extras: tuple[str, ...]
    """Optional identity columns that are not catalogue fields."""


KINDS: dict[str, TableKind] = {
    "practices": TableKind("practices", Level.practice, ("practice_code",), ("name", "pcn_code", "commissioner_code")),
    "networks": TableKind("networks", Level.network, ("pcn_code",), ("name", "commissioner_code")),
    "staff": TableKind("staff", Level.staff, ("pcn_code", "staff_id"), ()),
}


def read_table(path: Path, kind: str, population: Population, catalogue: dict[str, FieldDef]) -> FileSummary:
    """Read one of the project's files (``kind`` is practices, networks or staff) into ``population``."""
    if kind not in KINDS:
        raise ValueError(f"unknown table kind {kind!r} (expected one of {', '.join(KINDS)})")
    table = _Table(path.name, KINDS[kind], population, catalogue)
    # Read by content, not by name: JSON starts with "[" or "{"; a workbook is refused, naming why.
    if expect_text(path, path.name, f"a CSV or JSON {kind} file") == "json":
        records = table.json_records(path)
    else:
        records = table.csv_records(path)
    table.read(records)
    population.sources.append(str(path))
    return table.summary


def read_practices(path: Path, population: Population, catalogue: dict[str, FieldDef]) -> FileSummary:
    return read_table(path, "practices", population, catalogue)


def read_networks(path: Path, population: Population, catalogue: dict[str, FieldDef]) -> FileSummary:
    return read_table(path, "networks", population, catalogue)


def read_staff(path: Path, population: Population, catalogue: dict[str, FieldDef]) -> FileSummary:
    population.staff_given = True
    return read_table(path, "staff", population, catalogue)


class _Table:
    """State for reading one file of one kind."""

    def __init__(self, file: str, kind: TableKind, population: Population, catalogue: dict[str, FieldDef]):
        self.file, self.kind, self.population = file, kind, population
        self.fields = {name: fd for name, fd in catalogue.items() if fd.level is kind.level}
        self.other_levels = {name: fd.level for name, fd in catalogue.items() if fd.level is not kind.level}
        self.summary = FileSummary(file=file, format=f"project {kind.name} file")
        # Decided before this file adds anything: a code must be known if an earlier file listed them.
        self.practices_known = bool(population.practices)
        self.networks_known = bool(population.networks)
        self.first_row: dict[object, int] = {}

    # --- columns and records ------------------------------------------------------------------

    def check_columns(self, columns: list[str], row: int | None) -> None:
        """Strict columns: keys, identity extras and catalogue fields of this level, each once."""
        seen: set[str] = set()
        for column in columns:
            if column in seen:
                raise InputError(self.file, row, column, "column appears twice")
            seen.add(column)
            if column in self.kind.keys or column in self.kind.extras or column in self.fields:
                continue
            if column in self.other_levels:
                level = self.other_levels[column]
                where = "staff" if level is Level.staff else f"{level.value}s"
                raise InputError(self.file, row, column, f"is a {level.value} field: put it in the {where} file")
            allowed = [*self.kind.keys, *self.kind.extras, *sorted(self.fields)]
            raise InputError(
                self.file,
                row,
                column or "(blank)",
                f"unknown column (allowed in a {self.kind.name} file: {', '.join(allowed)})",
            )
        missing = [key for key in self.kind.keys if key not in seen]
        if missing and row is None:  # a JSON object missing a key is one bad row, handled later
            raise InputError(self.file, None, None, f"missing column(s) {', '.join(missing)}")

    def csv_records(self, path: Path) -> Iterator[tuple[int, Record | None]]:
        """(line number, record) per data row; None for a row reported as malformed."""
        rows = csv_rows(path, self.file)
        header = [h.strip() for h in next(rows, (1, []))[1]]
        if not header:
            raise InputError(self.file, None, None, "is empty (no header row)")
        self.check_columns(header, None)
        for line, cells in rows:
            yield line, self._csv_record(line, header, cells)

    def _csv_record(self, line: int, header: list[str], cells: list[str]) -> Record | None:
        if not cells or all(not c.strip() for c in cells):
            return {}
        if len(cells) != len(header):
            report(
                self.population,
                self.summary,
                line,
                None,
                f"has {len(cells)} cells; the header has {len(header)}",
            )
            return None
        return dict(zip(header, cells, strict=True))

    def json_records(self, path: Path) -> Iterator[tuple[int, Record | None]]:
        """(item number, record) per object of the top-level list; items are numbered from 1."""
        data = load_json(path, self.file)
        if not isinstance(data, list):
            raise InputError(self.file, None, None, "must be a JSON list of objects")
        for number, item in enumerate(data, start=1):
            if not isinstance(item, dict):
                report(self.population, self.summary, number, None, "is not an object")
                yield number, None
                continue
            self.check_columns(list(item), number)
            yield number, item

    # --- rows ---------------------------------------------------------------------------------

    def read(self, records: Iterator[tuple[int, Record | None]]) -> None:
        handle = {"practices": self._practice, "networks": self._network, "staff": self._staff}[self.kind.name]
        for row, record in records:
            self.summary.rows += 1
            if record is None:
                reason: str | None = "malformed row"
            elif not record:
                reason = "blank row"
            else:
                reason = handle(row, record)
            if reason is None:
                self.summary.used += 1
            else:
                self.summary.leave_out(reason)

    def _issue(self, row: int, column: str | None, message: str) -> None:
        report(self.population, self.summary, row, column, message)

    def _code(self, row: int, record: Record, column: str) -> str | None:
        """A key code of the row, or None (reported) if it is missing or malformed."""
        try:
            return check_code(record.get(column))
        except ValueError as exc:
            self._issue(row, column, f"{column} {exc}")
            return None

    def _repeat(self, row: int, key: object, label: str) -> bool:
        """True (reported) if this key already had a row in this file."""
        if key in self.first_row:
            self._issue(row, None, f"{label} appears again (first at row {self.first_row[key]}); this row is left out")
            return True
        self.first_row[key] = row
        return False

    def _values(self, row: int, record: Record) -> dict[str, FactValue]:
        """The row's catalogue values, each checked by its field's rule; blanks are not supplied."""
        values: dict[str, FactValue] = {}
        for column, raw in record.items():
            field = self.fields.get(column)
            if field is None:
                continue
            if is_blank(raw):
                self.summary.count(f"blank {column}")
                continue
            if isinstance(raw, list | dict):
                self._issue(row, column, "is not a single value")
                continue
            try:
                values[column] = coerce(field, raw)
            except ValueError as exc:
                self._issue(row, column, str(exc))  # coerce's messages quote the value
        return values

    def _apply(self, entity: Entity, row: int, record: Record) -> None:
        source = Provenance(file=self.file, row=row)
        for name, value in self._values(row, record).items():
            previous = entity.provenance.get(name)
            if previous is not None and previous.file != self.file:
                self.summary.count("values kept from an earlier file")
                continue
            entity.set(name, value, source)

    def _identity(self, entity: Entity, row: int, record: Record) -> None:
        """Name and commissioner: fill what is missing; contradicting the register is reported."""
        name = record.get("name")
        if not is_blank(name):
            self._name(entity, row, " ".join(str(name).split()))
        if is_blank(record.get("commissioner_code")):
            return
        ccg = self._code(row, record, "commissioner_code")
        if ccg is None:
            return
        if entity.commissioner_code is None:
            entity.commissioner_code = ccg
        elif entity.commissioner_code != ccg:
            self._issue(
                row,
                "commissioner_code",
                f"{entity.code}'s commissioner is {entity.commissioner_code} "
                f"in the register, not {ccg}; the register is kept",
            )

    def _name(self, entity: Entity, row: int, name: str) -> None:
        """Fill a missing name; a name that contradicts an earlier file's (the register's) is reported."""
        too_long = check_length(name)
        if too_long:
            self._issue(row, "name", f"name {too_long}")
        elif entity.name is None:
            entity.name = name
        elif " ".join(entity.name.split()).casefold() != name.casefold():
            self._issue(row, "name", f"{entity.code} is named {entity.name!r} in an earlier file, not "
                                     f"{name[:80]!r}; the earlier name is kept")

    def _network_for(self, row: int, code: str) -> Network | None:
        """The network a row names; created when no earlier file listed networks."""
        network = self.population.networks.get(code)
        if network is None:
            if self.networks_known:
                self._issue(row, "pcn_code", f"unknown network code {code}: no earlier file lists it")
                return None
            network = self.population.networks[code] = Network(code=code)
        return network

    def _practice(self, row: int, record: Record) -> str | None:
        code = self._code(row, record, "practice_code")
        if code is None:
            return "no valid practice_code"
        if self._repeat(row, code, f"practice {code}"):
            return "practice listed twice"
        practice = self.population.practices.get(code)
        if practice is None:
            if self.practices_known:
                self._issue(row, "practice_code", f"unknown practice code {code}: not in the register")
                return "unknown practice code"
            practice = self.population.practices[code] = Practice(code=code)
        self._identity(practice, row, record)
        self._membership(practice, row, record)
        self._apply(practice, row, record)
        return None

    def _membership(self, practice: Practice, row: int, record: Record) -> None:
        if is_blank(record.get("pcn_code")):
            return
        pcn = self._code(row, record, "pcn_code")
        if pcn is None:
            return
        if practice.pcn_code is not None:
            if practice.pcn_code != pcn:
                self._issue(
                    row,
                    "pcn_code",
                    f"practice {practice.code} is in network {practice.pcn_code} in "
                    f"the register, not {pcn}; the register is kept",
                )
            return
        network = self._network_for(row, pcn)
        if network is not None:
            practice.pcn_code = pcn
            network.member_codes.append(practice.code)

    def _network(self, row: int, record: Record) -> str | None:
        code = self._code(row, record, "pcn_code")
        if code is None:
            return "no valid pcn_code"
        if self._repeat(row, code, f"network {code}"):
            return "network listed twice"
        network = self._network_for(row, code)
        if network is None:
            return "unknown network code"
        self._identity(network, row, record)
        self._apply(network, row, record)
        return None

    def _staff(self, row: int, record: Record) -> str | None:
        pcn = self._code(row, record, "pcn_code")
        if pcn is None:
            return "no valid pcn_code"
        staff_id = record.get("staff_id")
        if is_blank(staff_id) or isinstance(staff_id, list | dict | bool):
            self._issue(row, "staff_id", "staff_id is empty (each post needs an identifier)")
            return "no staff_id"
        staff_id = str(staff_id).strip()
        too_long = check_length(staff_id, 100)
        if too_long:
            self._issue(row, "staff_id", f"staff_id {too_long}")
            return "no staff_id"
        if self._repeat(row, (pcn, staff_id), f"staff_id {staff_id} of network {pcn}"):
            return "post listed twice"
        if self._network_for(row, pcn) is None:
            return "unknown network code"
        self.population.staff.append(
            StaffMember(
                pcn_code=pcn,
                staff_id=staff_id,
                values=self._values(row, record),
                provenance=Provenance(file=self.file, row=row),
            )
        )
        return None
