"""An evaluation as a workbook a finance team would file (XlsxWriter in constant memory, written as
the findings come).

Sheets: ``Summary`` (what was evaluated, from which inputs, under which assumptions, and the totals per
payment line and status), ``Networks`` and ``Practices`` (one row each, a column per payment line),
``Schedule`` (each entity's payment lines month by month), ``Findings`` (long form), ``Missing
inputs`` and ``Input issues``.

Every cell is a value: totals are computed here (exactly, in Decimal) and written as numbers, text
from the input files is written as text (never a formula, never a link), and only a citation's
http(s) address becomes a link. Money is formatted £#,##0.00, dates are dates, each table's header
is bold and frozen, with a filter. A line not met shows £0 paid or due, with the withheld amount
beside it. The document's properties are fixed and carry no timestamp, so two runs write the same
bytes.

The findings are read once and none is kept. ``Findings`` is written a row per finding as it comes;
``Networks``, ``Practices`` and ``Schedule``, sorted by commissioner, are written after the last
finding from compact rows (an entity's payable per payment line; a line's money per month), and
``Summary`` from the running totals (contract.render.tally). XlsxWriter's constant-memory mode keeps
one row per sheet in memory and needs each sheet's rows in order, which each sheet's are; the sheet
order is the order the sheets are added, so Summary is added first and written last.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from contract.evaluation.results import Evaluation, EvaluationHeader, Finding, InstalmentState, Status
from contract.lang import text
from contract.render.produced import Produced, stream_of
from contract.render.progress import ProgressFactory
from contract.render.tally import Tally
from contract.render.vocab import STATUS_WORDS

STATUSES = list(Status)
MONEY_FORMAT = "[$£-809]#,##0.00"
DATE_FORMAT = "d mmm yyyy"
MAX_LINKS = 65_000
"""Excel allows 65,530 links a sheet; past this, a source is written as text."""
MAX_CELL = 32_767
"""Excel's longest text cell."""


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    kind: str = "text"
    """text, money, date, count or url."""


class _Sheet:
    """One worksheet written a row at a time (constant memory), each cell typed by its column."""

    def __init__(self, book: _Book, name: str, columns: Sequence[Column] = ()):
        self.book, self.row, self.links = book, 0, 0
        self.ws = book.wb.add_worksheet(name)
        self.use(columns)

    def use(self, columns: Sequence[Column]) -> None:
        """The table's columns (a sheet added early, for its place, may learn them at the end)."""
        self.columns = list(columns)
        for i, c in enumerate(self.columns):
            self.ws.set_column(i, i, c.width)

    def title(self, words: str) -> None:
        self.ws.write_string(self.row, 0, words, self.book.fmt["title"])
        self.row += 2

    def pair(self, label: str, value: Any, kind: str = "text") -> None:
        self.ws.write_string(self.row, 0, label, self.book.fmt["bold"])
        self._cell(1, value, kind)
        self.row += 1

    def header(self, *, freeze: bool = True) -> int:
        """The table header at the current row (bold, frozen below it); returns its row."""
        for i, c in enumerate(self.columns):
            self.ws.write_string(self.row, i, c.header, self.book.fmt["header"])
        if freeze:
            self.ws.freeze_panes(self.row + 1, 0)
        self.row += 1
        return self.row - 1

    def table_row(self, values: Sequence[Any], *, bold: bool = False) -> None:
        for i, (value, column) in enumerate(zip(values, self.columns, strict=True)):
            self._cell(i, value, column.kind, bold=bold)
        self.row += 1

    def filter(self, header_row: int) -> None:
        """A filter over the table whose header is at `header_row` (down to the last row written)."""
        self.ws.autofilter(header_row, 0, max(header_row, self.row - 1), len(self.columns) - 1)

    def _cell(self, col: int, value: Any, kind: str, *, bold: bool = False) -> None:
        if value is None or value == "":
            return
        fmt = self.book.fmt
        if kind == "money":
            self.ws.write_number(self.row, col, float(value), fmt["money_bold" if bold else "money"])
        elif kind == "count":
            self.ws.write_number(self.row, col, value, fmt["bold"] if bold else None)
        elif kind == "date":
            self.ws.write_datetime(self.row, col, datetime.combine(value, time()), fmt["date"])
        elif kind == "url" and str(value).startswith(("https://", "http://")) and self.links < MAX_LINKS \
                and len(str(value)) <= 2079:
            self.links += 1
            self.ws.write_url(self.row, col, str(value), fmt["link"], string=str(value))
        else:
            words = str(value)[:MAX_CELL]
            self.ws.write_string(self.row, col, words, fmt["bold"] if bold else None)


class _Book:
    def __init__(self, path: Path, evaluation: EvaluationHeader):
        self.wb = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "default_date_format": DATE_FORMAT,
        })
        created = datetime.combine(evaluation.as_of, time())  # fixed: the bytes must not depend on the clock
        self.wb.set_properties({
            "title": f"{evaluation.version} evaluation at {evaluation.as_of.isoformat()}",
            "subject": "Network Contract DES: payments and obligations", "author": "contract-rules",
            "company": "", "comments": "Written by `contract evaluate --format xlsx`.", "created": created,
        })
        add = self.wb.add_format
        self.fmt = {
            "title": add({"bold": True, "font_size": 14}),
            "bold": add({"bold": True}),
            "header": add({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}),
            "money": add({"num_format": MONEY_FORMAT}),
            "money_bold": add({"num_format": MONEY_FORMAT, "bold": True}),
            "date": add({"num_format": DATE_FORMAT}),
            "link": add({"font_color": "blue", "underline": 1}),
        }


def write_workbook(evaluation: Evaluation | Produced, path: Path, *, inputs: Sequence[str] = (),
                   assumptions: Sequence[str] = (), progress: ProgressFactory | None = None) -> None:
    """Write an evaluation (collected, or streamed: its findings read once, as they come) to `path`
    as the finance workbook. `inputs`: the files read (and what each gave), one line each;
    `assumptions`: what was assumed, in words (default: the evaluation's `--set` overrides, bare);
    `progress`: reports the last step, the sheets written after the last finding."""
    produced = stream_of(evaluation) if isinstance(evaluation, Evaluation) else evaluation
    book = _Book(path, produced.header)
    # Every sheet is added now, in the order a reader meets them; each is written when its rows are known.
    summary, networks, practices, schedule = (_Sheet(book, name) for name in ("Summary", "Networks", "Practices",
                                                                              "Schedule"))
    findings = _Sheet(book, "Findings", FINDING_COLUMNS)
    missing, issues = _Sheet(book, "Missing inputs"), _Sheet(book, "Input issues")
    gathered = _Gathered()
    findings_header = findings.header()
    for f in produced:
        gathered.add(f)
        _finding_row(findings, f)
    findings.filter(findings_header)
    header = produced.header  # with the input issues found while the findings were produced
    bar = progress("writing the workbook's summary and tables", None) if progress else None
    _summary(summary, header, gathered.tally, inputs, assumptions)
    _entities(networks, gathered, "network")
    _entities(practices, gathered, "practice")
    _schedule(schedule, gathered)
    _missing(missing, header, gathered)
    _issues(issues, header)
    book.wb.close()
    if bar is not None:
        bar.finish()


# --- what is kept while the findings pass: totals and compact rows ------------------------------


@dataclass(slots=True)
class _EntityRow:
    """A practice's or network's row of the Networks or Practices sheet."""

    name: str | None
    commissioner: str | None
    paid: dict[str, float] = field(default_factory=dict)
    """Paid or due per payment line whose amount is known (as written: a cell's number)."""
    total: Decimal | None = None
    withheld: Decimal = Decimal(0)
    lines_missing: int = 0
    not_met: int = 0


@dataclass(slots=True, frozen=True)
class _ScheduleRow:
    """One payment line of one entity, month by month (the months shared between rows)."""

    entity_type: str
    code: str
    name: str | None
    commissioner: str | None
    term_id: str
    title: str
    months: tuple[date, ...]
    amounts: array
    """Paid or due in each of `months` (doubles, as written)."""
    total: float
    withheld: float


class _Gathered:
    """Everything the sheets written after the last finding need, kept compact."""

    def __init__(self) -> None:
        self.tally = Tally(attention_limit=0)
        self.entities: dict[tuple[str, str], _EntityRow] = {}
        self.lines: dict[str, dict[str, str]] = {}
        """Per entity type, its payment lines (term id: title) in first-seen order."""
        self.schedule: list[_ScheduleRow] = []
        self.months: set[date] = set()
        self._month_sets: dict[tuple[date, ...], tuple[date, ...]] = {}

    def add(self, f: Finding) -> None:
        self.tally.add(f)
        row = self.entities.get((f.entity_type, f.entity_code))
        if row is None:
            row = self.entities[(f.entity_type, f.entity_code)] = _EntityRow(f.entity_name, f.commissioner_code)
        if f.term_kind == "obligation" and f.status is Status.not_met:
            row.not_met += 1
        if f.term_kind != "entitlement":
            return
        self.lines.setdefault(f.entity_type, {}).setdefault(f.term_id, f.title)
        payable = f.payable
        if payable is not None:
            row.paid[f.term_id] = float(payable)
            row.total = payable if row.total is None else row.total + payable
        row.withheld += f.withheld or 0
        row.lines_missing += f.status is Status.input_missing
        if f.schedule:
            self._scheduled(f)

    def _scheduled(self, f: Finding) -> None:
        by_month: dict[date, Decimal] = {}
        withheld = Decimal(0)
        for i in f.schedule:
            self.months.add(i.month)
            if i.state is InstalmentState.withheld:
                withheld += i.amount
            else:
                by_month[i.month] = by_month.get(i.month, Decimal(0)) + i.amount
        months = tuple(by_month)
        months = self._month_sets.setdefault(months, months)
        self.schedule.append(_ScheduleRow(
            f.entity_type, f.entity_code, f.entity_name, f.commissioner_code, f.term_id, f.title, months,
            array("d", (float(a) for a in by_month.values())), float(sum(by_month.values(), Decimal(0))),
            float(withheld)))


# --- the sheets ---------------------------------------------------------------------------------


def _summary(sheet: _Sheet, header: EvaluationHeader, tally: Tally, inputs: Sequence[str],
             assumptions: Sequence[str]) -> None:
    sheet.use([Column("Term", 44), Column("Term id", 38), *[Column(STATUS_WORDS[s].capitalize(), 11, "count")
                                                              for s in STATUSES],
               Column("Full-year amount", 16, "money"), Column("Withheld", 14, "money"),
               Column("Paid or due", 16, "money")])
    sheet.title(f"{header.version}: Network Contract DES evaluation at {text.day(header.as_of)}")
    sheet.pair("Version", header.version)
    sheet.pair("As of", header.as_of, "date")
    sheet.pair("Area", header.scope or "every practice and network in the input files")
    sheet.pair("Practices", tally.entities("practice"), "count")
    sheet.pair("Networks", tally.entities("network"), "count")
    sheet.pair("Findings", tally.findings, "count")
    sheet.pair("Engine", header.engine)
    for i, line in enumerate(inputs or ["(not recorded)"]):
        sheet.pair("Inputs" if i == 0 else "", line)
    given = list(assumptions) or [f"{k} = {v} (set with --set)" for k, v in header.overrides.items()]
    for i, line in enumerate(given or ["none: every value is the version's own"]):
        sheet.pair("Assumptions" if i == 0 else "", line)
    sheet.pair("Missing inputs", "findings that need an input not given say input missing; none is counted as £0")
    sheet.row += 1
    table = sheet.header(freeze=False)
    grand = [Decimal(0), Decimal(0), Decimal(0)]
    for term in tally.payment_lines_first():
        money = (term.amount, term.withheld, term.payable)
        priced = any(term.count(s) for s in (Status.met, Status.not_met, Status.not_yet_due))
        shown = money if term.paying and priced else (None, term.withheld or None, None)  # unpriced: blank, not £0
        sheet.table_row([term.title, term.term_id, *[term.count(s) for s in STATUSES], *shown])
        if term.paying:  # a sanction's withheld sum is the same money as its payment lines' withheld
            grand = [g + m for g, m in zip(grand, money, strict=True)]
    sheet.filter(table)
    sheet.table_row(["Total", "", *[None] * len(STATUSES), *grand], bold=True)


def _entities(sheet: _Sheet, gathered: _Gathered, entity_type: str) -> None:
    lines = list(gathered.lines.get(entity_type, {}).items())
    sheet.use([Column("Code", 10), Column("Name", 40), Column("Commissioner", 13),
               *[Column(f"{title} (paid or due)", 16, "money") for _, title in lines],
               Column("Total paid or due", 16, "money"), Column("Total withheld", 14, "money"),
               Column("Lines input missing", 11, "count"), Column("Obligations not met", 11, "count")])
    header = sheet.header()
    rows = sorted(((code, row) for (kind, code), row in gathered.entities.items() if kind == entity_type),
                  key=lambda item: (item[1].commissioner or "", item[0]))
    for code, row in rows:
        sheet.table_row([code, row.name, row.commissioner, *[row.paid.get(t) for t, _ in lines], row.total,
                         row.withheld, row.lines_missing, row.not_met])
    sheet.filter(header)


def _schedule(sheet: _Sheet, gathered: _Gathered) -> None:
    months = sorted(gathered.months)
    sheet.use([Column("Type", 9), Column("Code", 10), Column("Name", 36), Column("Commissioner", 13),
               Column("Payment line", 34), *[Column(f"{m:%b %Y}", 12, "money") for m in months],
               Column("Total paid or due", 16, "money"), Column("Withheld", 14, "money")])
    header = sheet.header()
    gathered.schedule.sort(key=lambda r: (r.entity_type != "network", r.commissioner or "", r.code, r.term_id))
    for r in gathered.schedule:
        by_month = dict(zip(r.months, r.amounts, strict=True))
        sheet.table_row([r.entity_type, r.code, r.name, r.commissioner, r.title, *[by_month.get(m) for m in months],
                         r.total, r.withheld])
    sheet.filter(header)


FINDING_COLUMNS = [
    Column("Type", 9), Column("Code", 10), Column("Name", 36), Column("Commissioner", 13), Column("Term id", 36),
    Column("Kind", 11), Column("Term", 36), Column("Status", 13), Column("Paid or due", 14, "money"),
    Column("Withheld", 13, "money"), Column("Full-year amount", 15, "money"),
    Column("Most that could be claimed", 15, "money"), Column("Due", 12, "date"),
    Column("Confidence", 11), Column("Inputs missing", 28), Column("Explanation", 80), Column("Source", 50, "url"),
]


def _finding_row(sheet: _Sheet, f: Finding) -> None:
    sheet.table_row([f.entity_type, f.entity_code, f.entity_name, f.commissioner_code, f.term_id, f.term_kind,
                     f.title, STATUS_WORDS[f.status], f.payable, f.withheld, f.amount, f.maximum, f.due,
                     f.confidence.value, "; ".join(f.missing), f.explanation,
                     f.citations[0].url if f.citations else None])


def _missing(sheet: _Sheet, header: EvaluationHeader, gathered: _Gathered) -> None:
    sheet.use([Column("Input", 34), Column("Level", 9), Column("Code", 10), Column("Name", 36),
               Column("Commissioner", 13), Column("Lacking it", 11, "count"), Column("Of", 9, "count")])
    table = sheet.header()
    for gap in header.gaps:
        for code in gap.codes:
            row = gathered.entities.get((gap.level, code))
            sheet.table_row([gap.field, gap.level, code, row and row.name, row and row.commissioner, gap.missing,
                             gap.of])
    sheet.filter(table)


def _issues(sheet: _Sheet, header: EvaluationHeader) -> None:
    sheet.use([Column("File", 34), Column("Row", 8, "count"), Column("Field", 24), Column("Problem", 90)])
    table = sheet.header()
    for issue in header.issues:
        sheet.table_row([issue.file, issue.row, issue.field, issue.message])
    sheet.filter(table)
