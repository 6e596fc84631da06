"""An evaluation as a workbook a finance team would file (XlsxWriter, written streaming).

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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from contract.evaluation.results import Evaluation, Finding, Status
from contract.lang import text
from contract.render.progress import Progress, ProgressFactory
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

    def __init__(self, book: _Book, name: str, columns: Sequence[Column], *, first_row: int = 0):
        self.book, self.columns, self.row = book, list(columns), first_row
        self.ws = book.wb.add_worksheet(name)
        self.links = 0
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
    def __init__(self, path: Path, evaluation: Evaluation):
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


def payment_lines(evaluation: Evaluation, entity_type: str | None = None) -> list[tuple[str, str]]:
    """(term id, title) of every payment line (entitlement) in the evaluation, in first-seen order."""
    lines: dict[str, str] = {}
    for f in evaluation.findings:
        if f.term_kind == "entitlement" and (entity_type is None or f.entity_type == entity_type):
            lines.setdefault(f.term_id, f.title)
    return list(lines.items())


def write_workbook(evaluation: Evaluation, path: Path, *, inputs: Sequence[str] = (),
                   assumptions: Sequence[str] = (), progress: ProgressFactory | None = None) -> None:
    """Write `evaluation` to `path` as the finance workbook. `inputs`: the files read (and what each
    gave), one line each; `assumptions`: what was assumed, in words (default: the evaluation's `--set`
    overrides, bare)."""
    book = _Book(path, evaluation)
    steps = [("Summary", _summary), ("Networks", _entities), ("Practices", _entities), ("Schedule", _schedule),
             ("Findings", _findings), ("Missing inputs", _missing), ("Input issues", _issues)]
    bar = progress("writing workbook", len(evaluation.findings) * 4) if progress else None
    for name, writer in steps:
        writer(book, name, evaluation, inputs=inputs, assumptions=assumptions, bar=bar)
    if bar is not None:
        bar.finish()
    book.wb.close()


def _advance(bar: Progress | None, n: int = 1) -> None:
    if bar is not None:
        bar.advance(n)


# --- the sheets ---------------------------------------------------------------------------------


def _summary(book: _Book, name: str, evaluation: Evaluation, *, inputs: Sequence[str],
             assumptions: Sequence[str], bar: Progress | None) -> None:
    columns = [Column("Term", 44), Column("Term id", 38), *[Column(STATUS_WORDS[s].capitalize(), 11,
                                                                   "count") for s in STATUSES],
               Column("Full-year amount", 16, "money"), Column("Withheld", 14, "money"),
               Column("Paid or due", 16, "money")]
    sheet = _Sheet(book, name, columns)
    sheet.title(f"{evaluation.version}: Network Contract DES evaluation at {text.day(evaluation.as_of)}")
    entities = {(f.entity_type, f.entity_code) for f in evaluation.findings}
    sheet.pair("Version", evaluation.version)
    sheet.pair("As of", evaluation.as_of, "date")
    sheet.pair("Area", evaluation.scope or "every practice and network in the input files")
    sheet.pair("Practices", sum(1 for t, _ in entities if t == "practice"), "count")
    sheet.pair("Networks", sum(1 for t, _ in entities if t == "network"), "count")
    sheet.pair("Findings", len(evaluation.findings), "count")
    sheet.pair("Engine", evaluation.engine)
    for i, line in enumerate(inputs or ["(not recorded)"]):
        sheet.pair("Inputs" if i == 0 else "", line)
    given = list(assumptions) or [f"{k} = {v} (set with --set)" for k, v in evaluation.overrides.items()]
    for i, line in enumerate(given or ["none: every value is the version's own"]):
        sheet.pair("Assumptions" if i == 0 else "", line)
    sheet.pair("Missing inputs", "findings that need an input not given say input missing; none is counted as £0")
    sheet.row += 1
    header = sheet.header(freeze=False)
    totals = _totals(evaluation)
    grand = [Decimal(0), Decimal(0), Decimal(0)]
    for (term_id, title, kind), (counts, money) in totals.items():
        paying = kind == "entitlement"
        priced = any(counts.get(s) for s in (Status.met, Status.not_met, Status.not_yet_due))
        shown = money if paying and priced else (None, money[1] or None, None)  # unpriced is blank, not £0
        sheet.table_row([title, term_id, *[counts.get(s, 0) for s in STATUSES], *shown])
        if paying:  # a sanction's withheld sum is the same money as its payment lines' withheld
            grand = [g + m for g, m in zip(grand, money, strict=True)]
    sheet.filter(header)
    sheet.table_row(["Total", "", *[None] * len(STATUSES), *grand], bold=True)
    _advance(bar, len(evaluation.findings))


def _totals(evaluation: Evaluation) -> dict[tuple[str, str, str], tuple[dict[Status, int], list[Decimal]]]:
    """Per term (payment lines first): findings per status, and the full-year amount, withheld and
    paid-or-due totals over the findings that have them."""
    out: dict[tuple[str, str, str], tuple[dict[Status, int], list[Decimal]]] = {}
    for f in sorted(evaluation.findings, key=lambda f: f.term_kind != "entitlement"):
        counts, money = out.setdefault((f.term_id, f.title, f.term_kind), ({}, [Decimal(0)] * 3))
        counts[f.status] = counts.get(f.status, 0) + 1
        for i, value in enumerate((f.amount, f.withheld, f.payable)):
            money[i] += value or 0
    return out


def _entities(book: _Book, name: str, evaluation: Evaluation, *, bar: Progress | None, **_: Any) -> None:
    entity_type = "network" if name == "Networks" else "practice"
    lines = payment_lines(evaluation, entity_type)
    columns = [Column("Code", 10), Column("Name", 40), Column("Commissioner", 13),
               *[Column(f"{title} (paid or due)", 16, "money") for _, title in lines],
               Column("Total paid or due", 16, "money"), Column("Total withheld", 14, "money"),
               Column("Lines input missing", 11, "count"), Column("Obligations not met", 11, "count")]
    sheet = _Sheet(book, name, columns)
    header = sheet.header()
    for (code, entity_name, commissioner), findings in _by_entity(evaluation, entity_type):
        by_term = {f.term_id: f for f in findings}
        paid = [by_term[t].payable if t in by_term else None for t, _ in lines]
        known = [p for p in paid if p is not None]
        sheet.table_row([code, entity_name, commissioner, *paid, sum(known, Decimal(0)) if known else None,
                         sum((f.withheld for f in findings if f.term_kind == "entitlement" and f.withheld),
                             Decimal(0)),
                         sum(1 for f in findings if f.term_kind == "entitlement" and f.status is Status.input_missing),
                         sum(1 for f in findings if f.term_kind == "obligation" and f.status is Status.not_met)])
        _advance(bar, len(findings))
    sheet.filter(header)


def _by_entity(evaluation: Evaluation, entity_type: str) -> list[tuple[tuple[str, str, str], list[Finding]]]:
    """The findings of each entity of a type, sorted by commissioner then code."""
    grouped: dict[tuple[str, str, str], list[Finding]] = {}
    for f in evaluation.findings:
        if f.entity_type == entity_type:
            grouped.setdefault((f.entity_code, f.entity_name or "", f.commissioner_code or ""), []).append(f)
    return sorted(grouped.items(), key=lambda item: (item[0][2], item[0][0]))


def _schedule(book: _Book, name: str, evaluation: Evaluation, *, bar: Progress | None, **_: Any) -> None:
    scheduled = [f for f in evaluation.findings if f.schedule]
    months = sorted({i.month for f in scheduled for i in f.schedule})
    columns = [Column("Type", 9), Column("Code", 10), Column("Name", 36), Column("Commissioner", 13),
               Column("Payment line", 34), *[Column(f"{m:%b %Y}", 12, "money") for m in months],
               Column("Total paid or due", 16, "money"), Column("Withheld", 14, "money")]
    sheet = _Sheet(book, name, columns)
    header = sheet.header()
    order = sorted(scheduled, key=lambda f: (f.entity_type != "network", f.commissioner_code or "",
                                             f.entity_code, f.term_id))
    for f in order:
        by_month: dict[date, Decimal] = {}
        withheld = Decimal(0)
        for i in f.schedule:
            if i.state.value == "withheld":
                withheld += i.amount
            else:
                by_month[i.month] = by_month.get(i.month, Decimal(0)) + i.amount
        sheet.table_row([f.entity_type, f.entity_code, f.entity_name, f.commissioner_code, f.title,
                         *[by_month.get(m) for m in months], sum(by_month.values(), Decimal(0)), withheld])
    _advance(bar, len(evaluation.findings))
    sheet.filter(header)


FINDING_COLUMNS = [
    Column("Type", 9), Column("Code", 10), Column("Name", 36), Column("Commissioner", 13), Column("Term id", 36),
    Column("Kind", 11), Column("Term", 36), Column("Status", 13), Column("Paid or due", 14, "money"),
    Column("Withheld", 13, "money"), Column("Full-year amount", 15, "money"),
    Column("Most that could be claimed", 15, "money"), Column("Due", 12, "date"),
    Column("Confidence", 11), Column("Inputs missing", 28), Column("Explanation", 80), Column("Source", 50, "url"),
]


def _findings(book: _Book, name: str, evaluation: Evaluation, *, bar: Progress | None, **_: Any) -> None:
    sheet = _Sheet(book, name, FINDING_COLUMNS)
    header = sheet.header()
    for f in evaluation.findings:
        sheet.table_row([f.entity_type, f.entity_code, f.entity_name, f.commissioner_code, f.term_id, f.term_kind,
                         f.title, STATUS_WORDS[f.status], f.payable, f.withheld, f.amount, f.maximum, f.due,
                         f.confidence.value, "; ".join(f.missing), f.explanation,
                         f.citations[0].url if f.citations else None])
    _advance(bar, len(evaluation.findings))
    sheet.filter(header)


def _missing(book: _Book, name: str, evaluation: Evaluation, **_: Any) -> None:
    names = {(f.entity_type, f.entity_code): (f.entity_name, f.commissioner_code) for f in evaluation.findings}
    sheet = _Sheet(book, name, [Column("Input", 34), Column("Level", 9), Column("Code", 10), Column("Name", 36),
                                Column("Commissioner", 13), Column("Lacking it", 11, "count"),
                                Column("Of", 9, "count")])
    header = sheet.header()
    for gap in evaluation.gaps:
        for code in gap.codes:
            entity_name, commissioner = names.get((gap.level, code), (None, None))
            sheet.table_row([gap.field, gap.level, code, entity_name, commissioner, gap.missing, gap.of])
    sheet.filter(header)


def _issues(book: _Book, name: str, evaluation: Evaluation, **_: Any) -> None:
    sheet = _Sheet(book, name, [Column("File", 34), Column("Row", 8, "count"), Column("Field", 24),
                                Column("Problem", 90)])
    header = sheet.header()
    for issue in evaluation.issues:
        sheet.table_row([issue.file, issue.row, issue.field, issue.message])
    sheet.filter(header)

