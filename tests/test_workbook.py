"""The finance workbook (contract.render.workbook), read back with openpyxl; and the CSV's safety.

Findings are written by hand here, so every expected total is the arithmetic shown beside it.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from contract.cli.app import main
from contract.evaluation.results import Evaluation, Finding, InputGap, Instalment, InstalmentState, Status
from contract.render.report import to_csv
from contract.render.workbook import write_workbook
from contract.spec.facts import InputIssue
from contract.spec.schema import Citation, Confidence

AS_OF = date(2020, 3, 31)
CITE = Citation(title="Network Contract DES specification", url="https://example.org/des#core",
                confidence=Confidence.official)
HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"x\")", "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)",
           "\tTAB", "\rCR"]


def _finding(code: str, term: str, status: Status, amount: str | None = None, withheld: str | None = None,
             *, entity_type: str = "network", name: str = "A NETWORK", schedule=(), kind: str = "entitlement",
             missing=()) -> Finding:
    return Finding(version="2019-20", as_of=AS_OF, entity_type=entity_type, entity_code=code, entity_name=name,
                   commissioner_code="03N", term_id=term, term_kind=kind, title=term.split(".")[-1].title(),
                   status=status, amount=None if amount is None else Decimal(amount),
                   withheld=None if withheld is None else Decimal(withheld), schedule=list(schedule),
                   explanation="why", missing=list(missing), citations=[CITE], confidence=Confidence.official)


def _months(amount: str, state=InstalmentState.paid) -> list[Instalment]:
    return [Instalment(month=date(2019, m, 1), paid_on=date(2019, m, 28), amount=Decimal(amount), state=state)
            for m in (4, 5, 6)]


def _evaluation(names: list[str] | None = None) -> Evaluation:
    names = names or ["NORTH PCN", "SOUTH PCN"]
    findings = [
        # U1: met, £300.00 over three months of £100.00.
        _finding("U1", "payment.core", Status.met, "300.00", name=names[0], schedule=_months("100.00")),
        # U2: not met, the whole £150.00 withheld (three months of £50.00).
        _finding("U2", "payment.core", Status.not_met, "150.00", "150.00", name=names[1],
                 schedule=_months("50.00", InstalmentState.withheld)),
        _finding("U1", "payment.extra", Status.input_missing, name=names[0], missing=["extra_count"]),
        _finding("U2", "payment.extra", Status.met, "20.00", name=names[1]),
        _finding("U2", "network.size", Status.not_met, name=names[1], kind="obligation"),
        _finding("P1", "payment.participation", Status.met, "10.00", entity_type="practice", name=names[0]),
    ]
    return Evaluation(version="2019-20", as_of=AS_OF, findings=findings, overrides={"rate.core": "1.60"},
                      gaps=[InputGap(field="extra_count", level="network", missing=1, of=2, codes=["U1"])],
                      issues=[InputIssue(file="networks.csv", row=3, field="name", message=names[1])],
                      scope="commissioner 03N: 2 networks, 1 practice")


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "e.xlsx"
    write_workbook(_evaluation(), path, inputs=["networks.csv: 2 rows, 2 networks"],
                   assumptions=["rate.core = 1.60 (instead of 1.50, set with --set)"])
    return openpyxl.load_workbook(path)


def _table(ws) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_the_sheets_a_finance_team_expects_in_order(book):
    assert book.sheetnames == ["Summary", "Networks", "Practices", "Schedule", "Findings", "Missing inputs",
                               "Input issues"]


def test_summary_gives_the_date_version_area_inputs_assumptions_and_totals(book):
    ws = book["Summary"]
    pairs = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert pairs["As of"].date() == AS_OF  # a date cell, not text
    assert pairs["Version"] == "2019-20"
    assert pairs["Area"] == "commissioner 03N: 2 networks, 1 practice"
    assert pairs["Inputs"] == "networks.csv: 2 rows, 2 networks"
    assert pairs["Assumptions"] == "rate.core = 1.60 (instead of 1.50, set with --set)"
    header = next(i for i, r in enumerate(ws.iter_rows(values_only=True), 1) if r[0] == "Term")
    table = {r[1]: r for r in ws.iter_rows(min_row=header + 1, values_only=True) if r[0]}
    # payment.core: 1 met, 1 not met; full year 300 + 150 = 450; withheld 150; paid or due 300 + 0 = 300.
    assert table["payment.core"][2:] == (1, 1, 0, 0, 0, 450, 150, 300)
    total = next(r for r in ws.iter_rows(min_row=header + 1, values_only=True) if r[0] == "Total")
    # Every payment line: 450 + 20 + 10 = 480 in full; 150 withheld; 300 + 20 + 10 = 330 paid or due.
    assert total[-3:] == (480, 150, 330)
    cell = next(c for row in ws.iter_rows(min_row=header + 1) for c in row if c.value == 330)
    assert cell.number_format == "[$£-809]#,##0.00"


def test_a_not_met_line_shows_nothing_paid_and_the_withheld_amount_beside_it(book):
    networks = {r["Code"]: r for r in _table(book["Networks"])}
    assert networks["U2"]["Core (paid or due)"] == 0
    assert networks["U2"]["Total withheld"] == 150
    assert networks["U2"]["Total paid or due"] == 20  # 0 core + 20 extra
    assert networks["U1"]["Extra (paid or due)"] is None  # input missing: blank, never £0
    assert networks["U1"]["Lines input missing"] == 1
    assert networks["U2"]["Obligations not met"] == 1
    findings = [r for r in _table(book["Findings"]) if r["Code"] == "U2" and r["Term id"] == "payment.core"]
    assert (findings[0]["Paid or due"], findings[0]["Withheld"], findings[0]["Full-year amount"]) == (0, 150, 150)


def test_practices_schedule_missing_inputs_and_issues(book):
    assert [(r["Code"], r["Participation (paid or due)"]) for r in _table(book["Practices"])] == [("P1", 10)]
    schedule = {(r["Code"], r["Payment line"]): r for r in _table(book["Schedule"])}
    u1 = schedule[("U1", "Core")]
    assert (u1["Apr 2019"], u1["May 2019"], u1["Jun 2019"], u1["Total paid or due"]) == (100, 100, 100, 300)
    u2 = schedule[("U2", "Core")]
    assert (u2["Apr 2019"], u2["Total paid or due"], u2["Withheld"]) == (None, 0, 150)  # 3 × 50 withheld
    assert [(r["Input"], r["Code"]) for r in _table(book["Missing inputs"])] == [("extra_count", "U1")]
    assert [(r["File"], r["Row"]) for r in _table(book["Input issues"])] == [("networks.csv", 3)]


def test_headers_are_bold_frozen_and_filtered_dates_are_dates_sources_are_links(book):
    for name in book.sheetnames[1:]:
        ws = book[name]
        assert ws.freeze_panes == "A2", name
        assert ws["A1"].font.b, name
        assert str(ws.auto_filter.ref).startswith("A1:"), name
        assert ws.column_dimensions["B"].width > 8, name
    findings = book["Findings"]
    source = next(c for c in findings[2] if c.value == CITE.url)
    assert source.hyperlink is not None
    # XlsxWriter stores the #fragment as the link's location.
    assert f"{source.hyperlink.target}#{source.hyperlink.location}" == CITE.url


def test_two_runs_write_identical_bytes(tmp_path):
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    write_workbook(_evaluation(), first)
    write_workbook(_evaluation(), second)
    assert first.read_bytes() == second.read_bytes()


def test_names_that_look_like_formulas_stay_text_in_the_workbook_and_the_csv(tmp_path):
    path = tmp_path / "hostile.xlsx"
    evaluation = _evaluation([HOSTILE[0], HOSTILE[1]])
    write_workbook(evaluation, path)
    book = openpyxl.load_workbook(path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert HOSTILE[0] in {c.value for c in cells}  # kept as the text it is
    rows = list(csv.reader(io.StringIO(to_csv(evaluation))))
    dangerous = ("=", "+", "-", "@", "\t", "\r")
    assert not [cell for row in rows for cell in row if cell.startswith(dangerous)]


def test_a_register_of_hostile_names_through_the_command_line(tmp_path):
    networks = tmp_path / "networks.csv"
    lines = ["pcn_code,name,registered"] + [f"U0000{i},\"{n.replace(chr(34), chr(34) * 2)}\",yes"
                                            for i, n in enumerate(HOSTILE, 1)]
    networks.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out_xlsx, out_csv = tmp_path / "h.xlsx", tmp_path / "h.csv"
    for fmt, out in (("xlsx", out_xlsx), ("csv", out_csv)):
        assert main(["evaluate", "2019-20", "--as-of", "2019-12-31", "--networks", str(networks), "--keep-going",
                     "--format", fmt, "-o", str(out)]) == 0
    book = openpyxl.load_workbook(out_xlsx)
    names = {str(r[1]) for r in book["Networks"].iter_rows(min_row=2, values_only=True)}
    assert "=cmd|' /C calc'!A0" in names
    assert all(c.data_type != "f" for ws in book.worksheets for row in ws.iter_rows() for c in row)
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert {r["entity_name"] for r in rows} >= {"'=cmd|' /C calc'!A0", "'+1+1", "'-2+3", "'@SUM(A1:A2)"}
    assert all(r["amount_gbp"] == "" or r["amount_gbp"][0].isdigit() for r in rows)  # numbers stay numbers


# --- for programmers: Evaluation.to_polars ---------------------------------------------------------


def test_to_polars_long_form_keeps_money_exact_and_dates_as_dates():
    import polars as pl

    frame = _evaluation().to_polars()
    assert frame.height == 6  # one row per finding
    assert frame.schema["as_of"] == pl.Date
    row = frame.filter((pl.col("entity_code") == "U2") & (pl.col("term_id") == "payment.core")).row(0, named=True)
    assert (row["amount"], row["withheld"], row["payable"]) == (Decimal("150.00"), Decimal("150.00"), Decimal("0.00"))


def test_to_polars_wide_is_one_row_per_entity_with_a_column_per_payment_line():
    frame = _evaluation().to_polars(wide=True)
    assert frame.columns == ["entity_type", "entity_code", "entity_name", "commissioner_code", "payment.core",
                             "payment.extra", "payment.participation"]
    rows = {r["entity_code"]: r for r in frame.iter_rows(named=True)}
    assert rows["U1"]["payment.core"] == Decimal("300.00")
    assert rows["U1"]["payment.extra"] is None  # input missing: unknown, not 0
    assert rows["U2"]["payment.core"] == Decimal("0.00")  # not met, withheld in full
