"""The impact report as a workbook (XlsxWriter) a finance team can file.

Sheets: ``Summary`` (the answer first: national change, gainers and losers, money by stream; then the
versions, dates and assumptions), ``Lines`` (national totals per payment line), ``Bands`` (gainers
and losers by list-size band), ``Commissioners``, ``Entities`` (one row per practice and network),
``Entity lines`` (long form: one row per entity and payment line) and ``Missing inputs``.

The rules of every workbook here: no cell holding text is ever a formula, a URL or a number read
from text (XlsxWriter's conversions are off and text is written with ``write_string``); totals are
values; money is exact Decimal written as a number formatted £ with two decimals (an unknown amount
is an empty cell, never £0); headers are bold and frozen, with filters on; and the bytes are the same
on every run (the document's creation date is the report's as-of date, never the clock).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime, time
from decimal import Decimal
from typing import Any

import xlsxwriter

from contract.analysis.impact import Impact
from contract.lang.text import spreadsheet_safe
from contract.render.impact_glance import glance

MONEY = "£#,##0.00;-£#,##0.00"
PER_PATIENT = "£#,##0.00;-£#,##0.00"
COUNT = "#,##0"


class _Sheets:
    def __init__(self, book: Any):
        self.book = book
        self.bold = book.add_format({"bold": True})
        self.header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.money = book.add_format({"num_format": MONEY})
        self.count = book.add_format({"num_format": COUNT})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.money_bold = book.add_format({"num_format": MONEY, "bold": True})

    def cell(self, ws: Any, row: int, col: int, value: Any, kind: str = "") -> None:
        """One cell: text always as a string, money as a £ number, counts as numbers, None empty."""
        if value is None:
            ws.write_blank(row, col, None)
        elif kind == "money":
            ws.write_number(row, col, float(Decimal(value)), self.money)
        elif kind == "money_bold":
            ws.write_number(row, col, float(Decimal(value)), self.money_bold)
        elif isinstance(value, bool):
            ws.write_string(row, col, "yes" if value else "no")
        elif isinstance(value, int):
            ws.write_number(row, col, value, self.count)
        else:
            ws.write_string(row, col, spreadsheet_safe(str(value)))

    def table(self, name: str, header: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence[Any]],
              widths: Sequence[int]) -> Any:
        """A sheet holding one table: bold frozen header, filter on, sensible widths."""
        ws = self.book.add_worksheet(name)
        for col, (title, width) in enumerate(zip(header, widths, strict=True)):
            ws.write_string(0, col, title, self.header)
            ws.set_column(col, col, width)
        n = 0
        for n, row in enumerate(rows, start=1):
            for col, (value, kind) in enumerate(zip(row, kinds, strict=True)):
                self.cell(ws, n, col, value, kind)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(n, 1), len(header) - 1)
        return ws


def to_xlsx(r: Impact) -> bytes:
    """The workbook's bytes."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    book.set_properties({"title": f"Impact: {r.a} → {r.b}", "created": datetime.combine(r.as_of_b, time())})
    s = _Sheets(book)
    _summary(s, r)
    s.table("Lines", ["payment line", "term id", "level", f"in {r.a}", f"in {r.b}", f"{r.a} (known)",
                      f"{r.b} (known)", "change", f"unknown under {r.a}", f"unknown under {r.b}", "entities",
                      f"payable under {r.a}", f"payable under {r.b}", "became unpayable", "became payable"],
            ["", "", "", "", "", "money", "money", "money", "", "", "", "", "", "", ""],
            ([x.title, x.term_id, x.level, x.in_a, x.in_b, x.old, x.new, x.delta, x.unknown_a, x.unknown_b,
              x.entities, x.payable_a, x.payable_b, x.became_unpayable, x.became_payable] for x in r.lines),
            [40, 32, 10, 8, 8, 16, 16, 16, 12, 12, 10, 12, 12, 12, 12])
    s.table("Bands", ["level", "list size", "count", "known", "gain", "lose", "unchanged", r.a, r.b, "change"],
            ["", "", "", "", "", "", "", "money", "money", "money"],
            ([lv.level, b.band, b.count, b.known, b.winners, b.losers, b.unchanged, b.old, b.new, b.delta]
             for lv in (r.practices, r.networks) for b in lv.bands),
            [10, 14, 10, 10, 10, 10, 10, 18, 18, 16])
    s.table("Commissioners", ["commissioner", "payment line", f"{r.a} (known)", f"{r.b} (known)", "change",
                              f"unknown under {r.a}", f"unknown under {r.b}", "entities"],
            ["", "", "money", "money", "money", "", "", ""],
            ([c.commissioner, c.term_id, c.old, c.new, c.delta, c.unknown_a, c.unknown_b, c.entities]
             for c in r.commissioners),
            [14, 32, 16, 16, 16, 12, 12, 10])
    s.table("Entities", ["level", "code", "name", "commissioner", "network", "list size", "band", f"{r.a} (known)",
                         f"{r.b} (known)", "change", "unknown lines", "unknown because"],
            ["", "", "", "", "", "", "", "money", "money", "money", "", ""],
            ([e.level, e.code, e.name, e.commissioner, e.network, e.list_size, e.band, e.old_total, e.new_total,
              e.delta, e.unknown_lines, "; ".join(e.unknown_because)] for e in r.entities),
            [9, 10, 36, 13, 10, 10, 10, 16, 16, 14, 10, 40])
    s.table("Entity lines", ["level", "code", "term id", "attributed", f"status under {r.a}", f"status under {r.b}",
                             r.a, r.b, "change", "missing"],
            ["", "", "", "", "", "", "money", "money", "money", ""],
            ([e.level, e.code, x.term_id, x.attributed, x.status_a, x.status_b, x.old, x.new, x.delta,
              "; ".join(x.missing)] for e in r.entities for x in e.lines),
            [9, 10, 32, 10, 14, 14, 14, 14, 14, 30])
    s.table("Missing inputs", ["version", "input", "practices and networks lacking it"], ["", "", ""],
            ([m.version, m.input, m.entities] for m in r.missing_inputs), [16, 24, 16])
    book.close()
    return out.getvalue()


def _summary(s: _Sheets, r: Impact) -> None:
    g = glance(r)
    ws = s.book.add_worksheet("Summary")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 9, 15)
    ws.write_string(0, 0, f"Impact: {r.a} → {r.b}", s.title)
    ws.write_string(1, 0, "National change", s.bold)
    s.cell(ws, 1, 1, g.change, "money_bold")
    ws.write_string(2, 0, f"Known under {r.a}")
    s.cell(ws, 2, 1, g.old, "money")
    ws.write_string(3, 0, f"Known under {r.b}")
    s.cell(ws, 3, 1, g.new, "money")
    ws.write_string(4, 0, "Lines unknown (missing inputs)")
    s.cell(ws, 4, 1, g.unknown_lines)
    row = 6
    header = ["who", "counted on", "gain", "gained", "£ per patient", "lose", "lost", "£ per patient",
              "unchanged", "unknown"]
    for col, title in enumerate(header):
        ws.write_string(row, col, title, s.header)
    for m in g.movements:
        row += 1
        for col, (value, kind) in enumerate(zip(
                [f"{m.level}s", m.basis, m.gainers, m.gained, m.gain_per_patient, m.losers, m.lost,
                 m.loss_per_patient, m.unchanged, m.unknown],
                ["", "", "", "money", "money", "", "money", "money", "", ""], strict=True)):
            s.cell(ws, row, col, value, kind)
    row += 2
    for col, title in enumerate(["payment stream", r.a, r.b, "change", "change unknown for", "entities"]):
        ws.write_string(row, col, title, s.header)
    for _tid, title, old, new, change, unknown, entities in g.streams:
        row += 1
        for col, (value, kind) in enumerate(zip([title, old, new, change, unknown, entities],
                                                ["", "money", "money", "money", "", ""], strict=True)):
            s.cell(ws, row, col, value, kind)
    row += 1
    ws.write_string(row, 0, "all streams", s.bold)
    for col, value in enumerate([g.old, g.new, g.change], start=1):
        s.cell(ws, row, col, value, "money_bold")
    row += 2
    facts: list[tuple[str, Any]] = [
        ("Version A", f"{r.a}, as at {r.as_of_a.isoformat()}"), ("Version B", f"{r.b}, as at {r.as_of_b.isoformat()}"),
        ("Practices in population", r.practices_in_population), ("Networks in population", r.networks_in_population),
        ("Input issues", r.input_issues)]
    facts += [("Assumption", a) for a in r.assumptions]
    facts += [("Set for B", f"{k} = {v}") for k, v in sorted(r.overrides.items())]
    if r.attribution:
        facts.append(("Attribution", r.attribution))
    facts.append(("Summary", r.summary))
    for label, value in facts:
        ws.write_string(row, 0, label, s.bold)
        s.cell(ws, row, 1, value)
        row += 1
    ws.freeze_panes(1, 0)
