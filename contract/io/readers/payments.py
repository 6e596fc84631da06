"""NHS Payments to General Practice (NHS Digital), practice level: lists, networks and what was paid.

One row per practice and financial year. Columns are found by header, not position, because the
layout changes from year to year: 2019-20 has only ``PCN Participation``; 2020-21 adds ``PCN
Leadership``, ``PCN Support``, ``PCN Extended Hours Access``, ``PCN Workforce``, ``PCN Investment
and impact Fund`` and ``PCN Care Home Premium``; 2022-23 adds ``PCN Enhanced Access``. Headers are
matched ignoring case and runs of spaces, and a leading byte-order mark is dropped. A file without
the identifying columns, or with a ``PCN ...`` heading this reader does not know (a payment stream
that would otherwise be silently ignored), is refused with an InputError naming them.

The file gives each practice:

* ``weighted_list``: the weighted (Carr-Hill) list, last known figure of the year;
* ``registered_list``: only where no earlier file (``--register``/``--lists``/practices file) gave
  one. The file's figure can be an average with a fraction (16029.75); it is rounded half up to
  whole patients and the provenance says so;
* ``signed_up``: *inferred* from a positive ``PCN Participation`` payment (and labelled so in the
  provenance); a practice paid nothing, or with a net recovery, is left unknown, not "opted out";
* its network that year (``PCN Code``/``PCN Name``, commissioner = ``CCG Code``): used to build the
  networks only when no earlier file listed any (no ePCN register given). Such networks get
  ``registered`` as an inference from being listed as a network in the payments file.

Rows under the pseudo-network "Unknown or no PCN" are practices with no network that year. What was
paid under each PCN heading is kept apart from the catalogue fields, in :class:`Payments`: amounts may
be negative (recoveries). Network payments sit on the row of the practice that received them (the
nominated payee); a payee that was not a practice is not in the file at all.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from contract.io.readers.common import check_code, check_header, check_length, csv_rows, expect_text, report
from contract.io.readers.summary import FileSummary
from contract.lang.text import gbp
from contract.spec.facts import (
    DECIMAL_PLACES_LIMIT,
    PLAIN_NUMBER,
    FieldDef,
    InputError,
    Network,
    Population,
    Practice,
    Provenance,
)

FORMAT = "NHS Payments to General Practice (NHS Digital)"
UNKNOWN_NETWORK = "Unknown or no PCN"

PRACTICE_CODE, PRACTICE_NAME, CCG_CODE = "Practice Code", "Practice Name", "CCG Code"
PCN_CODE, PCN_NAME = "PCN Code", "PCN Name"
REGISTERED = "Number of Registered Patients (Last Known Figure)"
WEIGHTED = "Number of Weighted Patients (Last Known Figure)"

STREAM_HEADINGS: dict[str, str] = {
    "PCN Participation": "participation",
    "PCN Leadership": "leadership",
    "PCN Support": "support",
    "PCN Extended Hours Access": "extended_hours",
    "PCN Workforce": "workforce",
    "PCN Investment and impact Fund": "iif",
    "PCN Care Home Premium": "care_home_premium",
    "PCN Enhanced Access": "enhanced_access",
}
"""Each payment heading of the file and the stream it is reported under."""
STREAMS: tuple[str, ...] = tuple(STREAM_HEADINGS.values())

REQUIRED = (PRACTICE_CODE, CCG_CODE, PCN_CODE, REGISTERED, WEIGHTED, "PCN Participation")
# The 2022-23 file heads its PCN code column "Code" and its PCN name column "CCG NAME" (the CCG's
# name moved to "Sub ICB NAME"); that layout is recognised by its "Sub ICB NAME" column.
SUB_ICB_LAYOUT = {"marker": "Sub ICB NAME", PCN_CODE: "Code", PCN_NAME: "CCG NAME"}

KEPT = "values kept from an earlier file"
INFERRED_SIGN_UP = "inferred from a positive PCN Participation payment of {amount}"


def _key(header: str) -> str:
    return " ".join(header.split()).casefold()


class PaidPractice(BaseModel):
    """One practice's row: its network that year and what it was paid under each stream."""

    model_config = ConfigDict(extra="forbid")

    code: str
    row: int
    name: str | None = None
    pcn_code: str | None = None
    """None under "Unknown or no PCN"."""
    pcn_name: str | None = None
    commissioner_code: str | None = None
    registered_list: Decimal
    weighted_list: Decimal
    paid: dict[str, Decimal] = Field(default_factory=dict)
    """Stream -> amount on this row (negative for a net recovery); only streams the file has."""


class Payments(BaseModel):
    """What one payments file says was paid, per practice; network sums are over the file's own
    practices of that network (the nominated payee is one of them, when it is a practice)."""

    model_config = ConfigDict(extra="forbid")

    file: str
    streams: list[str]
    """The streams this file has a heading for, in :data:`STREAMS` order."""
    practices: dict[str, PaidPractice] = Field(default_factory=dict)
    summary: FileSummary

    def members(self) -> dict[str, list[PaidPractice]]:
        """Network code -> its practices in this file (practices under "Unknown or no PCN" excluded)."""
        out: dict[str, list[PaidPractice]] = {}
        for p in self.practices.values():
            if p.pcn_code is not None:
                out.setdefault(p.pcn_code, []).append(p)
        return out

    def network_paid(self, stream: str) -> dict[str, Decimal]:
        """Network code -> the sum paid under ``stream`` to its practices, only for networks where
        some practice was paid a non-zero amount under it."""
        out: dict[str, Decimal] = {}
        for code, practices in self.members().items():
            amounts = [p.paid[stream] for p in practices if p.paid.get(stream)]
            if amounts:
                out[code] = sum(amounts, Decimal(0))
        return out


def _layout(header: list[str], file: str) -> tuple[dict[str, int], dict[str, int]]:
    """(identity column -> index, stream -> index) for a header, or an InputError naming what does not fit."""
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        positions.setdefault(_key(name), i)
    aliases = {PCN_CODE: PCN_CODE, PCN_NAME: PCN_NAME}
    if _key(SUB_ICB_LAYOUT["marker"]) in positions and _key(PCN_CODE) not in positions:
        aliases = {PCN_CODE: SUB_ICB_LAYOUT[PCN_CODE], PCN_NAME: SUB_ICB_LAYOUT[PCN_NAME]}
    wanted = [*REQUIRED, PRACTICE_NAME]
    columns = {name: positions[_key(aliases.get(name, name))] for name in wanted
               if _key(aliases.get(name, name)) in positions}
    if _key(aliases[PCN_NAME]) in positions:
        columns[PCN_NAME] = positions[_key(aliases[PCN_NAME])]
    missing = [name for name in REQUIRED if name not in columns]
    known = {_key(h) for h in STREAM_HEADINGS} | {_key(PCN_CODE), _key(PCN_NAME)}
    unknown = [h.strip() for h in header if _key(h).startswith("pcn ") and _key(h) not in known]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(map(repr, missing))}")
        if unknown:
            parts.append(f"unknown PCN payment heading(s) {', '.join(map(repr, unknown))} "
                         f"(known: {', '.join(STREAM_HEADINGS)})")
        raise InputError(file, 1, None, f"header does not fit {FORMAT}: " + "; ".join(parts))
    streams = {stream: positions[_key(h)] for h, stream in STREAM_HEADINGS.items() if _key(h) in positions}
    return columns, streams


PAYMENT_LIMIT = Decimal(100_000_000)
"""The largest amount (either sign) one practice's row may hold under one heading, in pounds: a bound
by meaning (the whole national DES is a few billion pounds a year across some 6,500 practices), not a
contract figure."""
LIST_LIMIT = Decimal(100_000_000)
"""The largest registered or weighted list a row may hold (the catalogue's maximum for both)."""


def _amount(raw: str, *, money: bool) -> Decimal:
    """A list size (never negative) or a payment (may be negative, at most 2 decimal places); plain
    numbers only, bounded by what they can mean."""
    text = raw.strip()
    if not text:
        raise ValueError("is empty")
    if not PLAIN_NUMBER.fullmatch(text) or len(text) > 40:
        raise ValueError(f"{text[:40]!r} is not a plain number (ASCII digits 0-9, a point, a leading minus)")
    value = Decimal(text)
    exponent = value.as_tuple().exponent
    if money and isinstance(exponent, int) and exponent < -2:
        raise ValueError(f"{text!r} has more than 2 decimal places (money is to the penny)")
    if not money and value < 0:
        raise ValueError(f"{text!r} is negative")
    limit = PAYMENT_LIMIT if money else LIST_LIMIT
    if abs(value) > limit:
        raise ValueError(f"{text!r} is over {limit:,}, more than a practice's row can mean")
    if not money and isinstance(exponent, int) and exponent < -DECIMAL_PLACES_LIMIT:
        raise ValueError(f"{text!r} has more than {DECIMAL_PLACES_LIMIT} decimal places")
    return value


def read_payments(path: Path, population: Population, catalogue: dict[str, FieldDef]) -> Payments:
    """Read one payments file: fill the population's gaps (see the module notes) and return what was paid."""
    file = path.name
    if expect_text(path, file, "a payments CSV") == "json":
        raise InputError(file, None, None, "is JSON; the payments file is NHS Digital's own CSV")
    rows = csv_rows(path, file)
    header = next(rows, (1, []))[1]
    if not header:
        raise InputError(file, None, None, "is empty (no header row)")
    check_header([_key(h) for h in header], file)
    columns, streams = _layout(header, file)
    state = _Reader(file, population, catalogue, columns, streams, len(header))
    for line, row in rows:
        state.row(line, row)
    population.sources.append(str(path))
    return state.finish()


class _Reader:
    """State for one payments file."""

    def __init__(self, file: str, population: Population, catalogue: dict[str, FieldDef],
                 columns: dict[str, int], streams: dict[str, int], width: int):
        self.file, self.population, self.columns, self.streams, self.width = file, population, columns, streams, width
        self.fields = {name: catalogue.get(name) for name in ("registered_list", "weighted_list", "signed_up")}
        self.registered_flag = catalogue.get("registered") is not None
        self.summary = FileSummary(file=file, format=FORMAT)
        self.payments = Payments(file=file, streams=[s for s in STREAMS if s in streams], summary=self.summary)
        # Decided before this file adds anything: with practices known, the file only fills their gaps;
        # with networks known (a register), it does not redraw them.
        self.restrict = bool(population.practices)
        self.define_networks = not population.networks

    def _issue(self, line: int, column: str | None, message: str) -> None:
        report(self.population, self.summary, line, column, message)

    def row(self, line: int, cells: list[str]) -> None:
        self.summary.rows += 1
        if not any(cell.strip() for cell in cells):
            self.summary.leave_out("blank row")
            return
        if len(cells) != self.width:
            self._issue(line, None, f"has {len(cells)} cells; the header has {self.width}")
            self.summary.leave_out("malformed row")
            return
        paid = self._parse(line, cells)
        if paid is None:
            return
        self.payments.practices[paid.code] = paid
        if paid.pcn_code is None:
            self.summary.count(f"practices under {UNKNOWN_NETWORK!r}")
        practice = self._practice(paid)
        if practice is None:
            self.summary.leave_out("practice not in the population (its payments are kept)")
            return
        self._fill(line, practice, paid)
        self.summary.used += 1

    def _cell(self, cells: list[str], column: str) -> str:
        i = self.columns.get(column)
        return "" if i is None else cells[i].strip()

    def _parse(self, line: int, cells: list[str]) -> PaidPractice | None:
        try:
            code = check_code(self._cell(cells, PRACTICE_CODE))
        except ValueError as exc:
            self._issue(line, PRACTICE_CODE, f"practice code {exc}")
            self.summary.leave_out("no valid practice code")
            return None
        if code in self.payments.practices:
            first = self.payments.practices[code].row
            self._issue(line, PRACTICE_CODE, f"practice {code} is listed twice (row {first} kept)")
            self.summary.leave_out("practice listed twice")
            return None
        values: dict[str, Decimal] = {}
        for column, index, money in [(REGISTERED, self.columns[REGISTERED], False),
                                     (WEIGHTED, self.columns[WEIGHTED], False),
                                     *[(h, self.streams[s], True) for h, s in STREAM_HEADINGS.items()
                                       if s in self.streams]]:
            try:
                values[column] = _amount(cells[index], money=money)
            except ValueError as exc:
                self._issue(line, column, str(exc))
                self.summary.leave_out("invalid value")
                return None
        for column in (PRACTICE_NAME, PCN_NAME):
            too_long = check_length(self._cell(cells, column))
            if too_long:
                self._issue(line, column, f"{column} {too_long}")
                self.summary.leave_out("invalid value")
                return None
        return PaidPractice(
            code=code, row=line, name=self._cell(cells, PRACTICE_NAME) or None,
            pcn_code=self._network(line, cells), pcn_name=self._cell(cells, PCN_NAME) or None,
            commissioner_code=self._commissioner(line, cells),
            registered_list=values[REGISTERED], weighted_list=values[WEIGHTED],
            paid={s: values[h] for h, s in STREAM_HEADINGS.items() if h in values},
        )

    def _network(self, line: int, cells: list[str]) -> str | None:
        raw = self._cell(cells, PCN_CODE)
        if not raw or raw.casefold() == UNKNOWN_NETWORK.casefold():
            return None
        try:
            return check_code(raw)
        except ValueError as exc:
            self._issue(line, PCN_CODE, f"network code {exc}; the practice is read as having no network")
            return None

    def _commissioner(self, line: int, cells: list[str]) -> str | None:
        try:
            return check_code(self._cell(cells, CCG_CODE))
        except ValueError as exc:
            self._issue(line, CCG_CODE, f"commissioner code {exc}")
            return None

    def _practice(self, paid: PaidPractice) -> Practice | None:
        practice = self.population.practices.get(paid.code)
        if practice is not None:
            if practice.pcn_code is not None and paid.pcn_code is not None and practice.pcn_code != paid.pcn_code:
                self.summary.count("practices in another network than the register says")
            return practice
        if self.restrict:
            return None
        practice = self.population.practices[paid.code] = Practice(
            code=paid.code, name=paid.name, commissioner_code=paid.commissioner_code)
        self.summary.count("practices created")
        return practice

    def _set(self, practice: Practice, name: str, value: bool | int | Decimal, source: Provenance) -> None:
        if self.fields[name] is None:
            return  # the catalogue does not ask for it
        if name in practice.values:
            self.summary.count(KEPT)
            return
        practice.set(name, value, source)

    def _fill(self, line: int, practice: Practice, paid: PaidPractice) -> None:
        here = Provenance(file=self.file, row=line)
        self._set(practice, "weighted_list", paid.weighted_list, here)
        whole = int(paid.registered_list.to_integral_value(rounding=ROUND_HALF_UP))
        rounded = Provenance(file=f"{self.file} (average {paid.registered_list} rounded to {whole})", row=line)
        self._set(practice, "registered_list", whole, here if whole == paid.registered_list else rounded)
        participation = paid.paid.get("participation", Decimal(0))
        if participation > 0:
            note = INFERRED_SIGN_UP.format(amount=gbp(participation))
            self._set(practice, "signed_up", True, Provenance(file=f"{self.file} ({note})", row=line))
        if practice.commissioner_code is None:
            practice.commissioner_code = paid.commissioner_code
        if self.define_networks and paid.pcn_code is not None and practice.pcn_code is None:
            self._join(line, practice, paid)

    def _join(self, line: int, practice: Practice, paid: PaidPractice) -> None:
        code = paid.pcn_code or ""
        network = self.population.networks.get(code)
        if network is None:
            network = self.population.networks[code] = Network(
                code=code, name=paid.pcn_name, commissioner_code=paid.commissioner_code)
            self.summary.count("networks created")
            if self.registered_flag:
                network.set("registered", True, Provenance(
                    file=f"{self.file} (inferred from being listed as a network)", row=line))
        practice.pcn_code = network.code
        network.member_codes.append(practice.code)

    def finish(self) -> Payments:
        if KEPT in self.summary.counts:
            self.summary.counts[KEPT] = self.summary.counts.pop(KEPT)
        return self.payments
