"""List sizes from NHS Digital's national CSV files, recognised by their header row.

* QOF prevalence (``PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PATIENT_LIST_SIZE``): one
  row per practice and QOF register. ``PATIENT_LIST_SIZE`` on a ``PATIENT_LIST_TYPE=TOTAL`` row is
  the practice's registered list (other list types, such as ``18OV``, are age-limited lists and
  are not); ``REGISTER`` on the ``GROUP_CODE=LD`` row is the learning-disability register. Another
  register becomes the value ``qof_register_<group>`` only if the catalogue defines that field.
* Patients Registered at a GP Practice (``PUBLICATION,...,CODE,...,SEX,AGE,NUMBER_OF_PATIENTS``):
  the ``SEX=ALL, AGE=ALL`` row gives the registered list; ``CCG_CODE`` fills a practice's
  commissioner when nothing else named one.

These files cover all of England, so when the population already knows its practices (from the
register or the project's practices file) rows about other practices are expected: they are
counted in the summary ("practices not in register"), not reported as issues. When the population
has no practices yet, the file itself defines them.

A value already supplied by an earlier file (the project's practices file is read first) is kept:
the first source listed wins, and the number of values kept is shown in the summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from contract.io.readers.common import check_code, check_header, csv_rows, expect_text, header_index, report
from contract.io.readers.summary import FileSummary
from contract.spec.facts import FieldDef, InputError, Population, Practice, Provenance, coerce

QOF = "QOF prevalence (NHS Digital)"
GP_REG = "Patients Registered at a GP Practice (NHS Digital)"
QOF_COLUMNS = ("PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PATIENT_LIST_SIZE")
GP_REG_COLUMNS = ("CCG_CODE", "CODE", "SEX", "AGE", "NUMBER_OF_PATIENTS")

KEPT = "values kept from an earlier file"


def read_lists(path: Path, population: Population, catalogue: dict[str, FieldDef]) -> FileSummary:
    """Add list sizes (and registers) from one NHS Digital CSV to the practices of ``population``."""
    file = path.name
    if expect_text(path, file, "a list-size CSV") == "json":
        raise InputError(file, None, None, "is JSON; list sizes come as NHS Digital's own CSV files")
    rows = csv_rows(path, file)
    header = [h.strip() for h in next(rows, (1, []))[1]]
    if set(QOF_COLUMNS) <= set(header):
        check_header(header, file)
        summary = _Reader(file, QOF, header, population, catalogue).qof(rows)
    elif set(GP_REG_COLUMNS) <= set(header):
        check_header(header, file)
        summary = _Reader(file, GP_REG, header, population, catalogue).gp_reg(rows)
    else:
        raise InputError(
            file,
            1,
            None,
            "header not recognised as a list-size file: expected "
            f"QOF prevalence ({','.join(QOF_COLUMNS)}) or Patients Registered at "
            f"a GP Practice (with {','.join(GP_REG_COLUMNS)})",
        )
    population.sources.append(str(path))
    return summary


def _field(catalogue: dict[str, FieldDef], name: str) -> FieldDef:
    if name not in catalogue:
        raise KeyError(f"the field catalogue has no {name!r} field, which list files supply")
    return catalogue[name]


class _Reader:
    """State for reading one list file: the summary, and what each practice has had so far."""

    def __init__(self, file: str, fmt: str, header: list[str], population: Population, catalogue: dict[str, FieldDef]):
        self.file, self.population, self.catalogue = file, population, catalogue
        self.summary = FileSummary(file=file, format=fmt)
        required = QOF_COLUMNS if fmt == QOF else GP_REG_COLUMNS
        self.index = header_index(header, required, file, "header")
        self.width = len(header)
        self.list_field = _field(catalogue, "registered_list")
        # National files cover all of England: filter them to the practices already known, if any.
        self.restrict = bool(population.practices)
        self.matched: set[str] = set()
        self.not_in_register: set[str] = set()
        self.first_list: dict[str, tuple[str, int]] = {}  # practice -> (raw list size, row)
        self.register_fields: dict[str, FieldDef | None] = {}
        # Rows read and used, counted here and written to the summary once at the end (a pydantic
        # attribute set per row was a fifth of the time taken to read a national file).
        self.rows = self.used = 0

    # --- shared steps ------------------------------------------------------------------------------

    def _rows(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
        """Data rows with their line number (header = 1); blank rows are counted, short or long ones reported."""
        for line, row in rows:
            self.rows += 1
            if self._left_out(line, row):
                continue
            yield line, row

    def _left_out(self, line: int, row: list[str]) -> bool:
        """True (counted, and reported when malformed) if a row is blank or not as wide as the header."""
        if len(row) == self.width and row[0].strip():  # the usual row: neither blank nor malformed
            return False
        if not any(cell.strip() for cell in row):  # e.g. a trailing empty line
            self.summary.leave_out("blank row")
            return True
        if len(row) != self.width:
            self._issue(line, None, f"has {len(row)} cells; the header has {self.width}")
            self.summary.leave_out("malformed row")
            return True
        return False

    def _issue(self, line: int, column: str | None, message: str) -> None:
        report(self.population, self.summary, line, column, message)

    def _practice(self, line: int, raw: str, column: str) -> Practice | None:
        """The practice a row is about, or None (with the row counted) if it is not used."""
        code = raw.strip()
        practice = self.population.practices.get(code)
        if practice is not None:
            self.matched.add(code)
            return practice
        try:
            code = check_code(raw)
        except ValueError as exc:
            self._issue(line, column, f"practice code {exc}")
            self.summary.leave_out("no valid practice code")
            return None
        if self.restrict:
            self.not_in_register.add(code)
            self.summary.leave_out("practice not in register")
            return None
        practice = self.population.practices[code] = Practice(code=code)
        self.matched.add(code)
        return practice

    def _list_size(self, line: int, practice: Practice, raw: str, column: str) -> bool:
        """Apply (or confirm) a registered list; False if the row must be left out."""
        raw = raw.strip()
        seen = self.first_list.get(practice.code)
        if seen is not None:
            if seen[0] == raw:
                return True
            self._issue(
                line,
                column,
                f"list size {raw[:40]!r} for {practice.code} disagrees with "
                f"{seen[0]!r} on row {seen[1]}; row {seen[1]} kept",
            )
            self.summary.leave_out("list size disagrees with an earlier row")
            return False
        if not self._set(line, practice, self.list_field, raw, column):
            return False
        self.first_list[practice.code] = (raw, line)
        return True

    def _set(self, line: int, practice: Practice, field: FieldDef, raw: str, column: str) -> bool:
        """Coerce and store one value; False (reported, row left out) if the value is invalid."""
        try:
            value = coerce(field, raw)
        except ValueError as exc:
            self._issue(line, column, f"{field.name}: {exc}")
            self.summary.leave_out("invalid value")
            return False
        previous = practice.provenance.get(field.name)
        if previous is None:
            practice.set(field.name, value, Provenance(file=self.file, row=line))
        elif previous.file != self.file:
            self.summary.count(KEPT)
        elif practice.values[field.name] != value:
            self._issue(
                line,
                column,
                f"{field.name} {value} for {practice.code} disagrees with "
                f"{practice.values[field.name]} on row {previous.row}; row {previous.row} kept",
            )
            self.summary.leave_out("value disagrees with an earlier row")
            return False
        return True

    def _finish(self) -> FileSummary:
        summary = self.summary
        summary.rows, summary.used = self.rows, self.used
        summary.count("practices matched" if self.restrict else "practices created", len(self.matched))
        if self.restrict:
            summary.count("practices not in register", len(self.not_in_register))
            summary.count("register practices without a row", len(self.population.practices) - len(self.matched))
        # keep the "kept" count last: it reads best after the matching counts
        if KEPT in summary.counts:
            summary.counts[KEPT] = summary.counts.pop(KEPT)
        return summary

    # --- the two formats --------------------------------------------------------------------------

    def _register_field(self, group: str) -> FieldDef | None:
        """The catalogue field a QOF register feeds, if the catalogue has one (cached per group)."""
        if group not in self.register_fields:
            name = "ld_register" if group == "LD" else f"qof_register_{group.lower()}"
            self.register_fields[group] = self.catalogue.get(name)
        return self.register_fields[group]

    def qof(self, reader: Iterator[tuple[int, list[str]]]) -> FileSummary:
        """One row per practice and QOF register (141,000 rows nationally)."""
        i = self.index
        code_i, group_i, register_i = i["PRACTICE_CODE"], i["GROUP_CODE"], i["REGISTER"]
        type_i, size_i = i["PATIENT_LIST_TYPE"], i["PATIENT_LIST_SIZE"]
        for line, row in self._rows(reader):
            practice = self._practice(line, row[code_i], "PRACTICE_CODE")
            if practice is None:
                continue
            is_total = row[type_i].strip() == "TOTAL"
            if is_total and not self._list_size(line, practice, row[size_i], "PATIENT_LIST_SIZE"):
                continue
            register = self._register_field(row[group_i].strip())
            if register is not None:
                if not self._set(line, practice, register, row[register_i], "REGISTER"):
                    continue
            elif not is_total:
                # an age-limited list and a register the catalogue does not ask for: nothing to use
                self.summary.leave_out("register not in the field catalogue")
                continue
            self.used += 1
        return self._finish()

    def gp_reg(self, reader: Iterator[tuple[int, list[str]]]) -> FileSummary:
        i = self.index
        code_i, ccg_i, sex_i, age_i, size_i = (
            i["CODE"],
            i["CCG_CODE"],
            i["SEX"],
            i["AGE"],
            i["NUMBER_OF_PATIENTS"],
        )
        for line, row in self._rows(reader):
            if row[sex_i].strip() != "ALL" or row[age_i].strip() != "ALL":
                self.summary.leave_out("breakdown by sex or age, not a total")
                continue
            practice = self._practice(line, row[code_i], "CODE")
            if practice is None:
                continue
            if not self._list_size(line, practice, row[size_i], "NUMBER_OF_PATIENTS"):
                continue
            if practice.commissioner_code is None:
                try:
                    practice.commissioner_code = check_code(row[ccg_i])
                except ValueError as exc:
                    self._issue(line, "CCG_CODE", f"commissioner code {exc}")
            self.used += 1
        return self._finish()
