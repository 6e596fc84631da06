"""The impact report leads with the answer in every format (contract.render.impact, .impact_glance,
.impact_xlsx), and the three-way diff scores only the proposal's asks, in every format.

The impact is a small report built by hand, so that each expected figure is arithmetic shown here:
three practices, one gaining £120.00 (list 8,000), one losing £45.50 (list 3,500) and one whose
change is unknown (a line of it lacks an input), and one network gaining £300.00 (list 40,000) on
its one known line and unknown on another.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest

from contract.analysis.impact import EntityImpact, Impact, LineDelta
from contract.analysis.impact.models import Band, LevelSummary, LineTotal
from contract.render.impact import FORMATS, render, render_bytes
from contract.render.impact_glance import ALL_LINES, KNOWN_LINES, glance

D = Decimal


def _line(term: str, old: str | None, new: str | None, missing: list[str] | None = None) -> LineDelta:
    delta = None if old is None or new is None else D(new) - D(old)
    return LineDelta(term_id=term, old=None if old is None else D(old), new=None if new is None else D(new),
                     delta=delta, status_a="met" if old is not None else "input_missing",
                     status_b="met" if new is not None else "input_missing", missing=missing or [])


def _entity(level: str, code: str, size: int, band: str, lines: list[LineDelta], name: str = "") -> EntityImpact:
    known = [x.delta for x in lines if x.delta is not None]
    unknown = len(lines) - len(known)
    return EntityImpact(level=level, code=code, name=name or code, commissioner="03N", list_size=size, band=band,
                        lines=lines, old_total=sum((x.old for x in lines if x.old is not None), D(0)),
                        new_total=sum((x.new for x in lines if x.new is not None), D(0)),
                        delta=None if unknown else sum(known, D(0)), unknown_lines=unknown)


def _level(level: str, entities: list[EntityImpact]) -> LevelSummary:
    known = [e for e in entities if e.delta is not None]
    return LevelSummary(level=level, count=len(entities), known=len(known), unknown=len(entities) - len(known),
                        winners=sum(1 for e in known if e.delta > 0), losers=sum(1 for e in known if e.delta < 0),
                        unchanged=sum(1 for e in known if e.delta == 0), old=D(0), new=D(0), delta=D(0),
                        top_winners=[], top_losers=[],
                        bands=[Band(band="5k–10k", count=1, known=1, winners=1, losers=0, unchanged=0, old=D(0),
                                    new=D(0), delta=D(0))])


def sample_impact() -> Impact:
    """The report described at the top of this module (the browser tests draw it too)."""
    practices = [
        _entity("practice", "P1", 8000, "5k–10k", [_line("payment.participation", "1000.00", "1120.00")],
                name='=HYPERLINK("http://x","click")'),
        _entity("practice", "P2", 3500, "<5k", [_line("payment.participation", "500.00", "454.50")]),
        _entity("practice", "P3", 12000, "10k–15k", [_line("payment.participation", None, "900.00", ["signed_up"])]),
    ]
    network = _entity("network", "U1", 40000, "30k–50k",
                      [_line("payment.core", "60000.00", "60300.00"), _line("payment.arrs", None, None, ["staff"])])
    lines = [
        LineTotal(term_id="payment.participation", title="Participation", level="practice", in_a=True, in_b=True,
                  old=D("1500.00"), new=D("1574.50"), delta=D("74.50"), entities=3, unknown_a=1, unknown_b=0,
                  unknown_delta=1, payable_a=2, payable_b=3, became_unpayable=0, became_payable=1),
        LineTotal(term_id="payment.core", title="Core funding", level="network", in_a=True, in_b=True,
                  old=D("60000.00"), new=D("60300.00"), delta=D("300.00"), entities=1, unknown_a=0, unknown_b=0,
                  unknown_delta=0, payable_a=1, payable_b=1, became_unpayable=0, became_payable=0),
        LineTotal(term_id="payment.arrs", title="Additional roles", level="network", in_a=True, in_b=True,
                  old=D(0), new=D(0), delta=D(0), entities=1, unknown_a=1, unknown_b=1, unknown_delta=1,
                  payable_a=0, payable_b=0, became_unpayable=0, became_payable=0),
    ]
    return Impact(a="2019-20", b="2020-21", as_of_a=date(2020, 3, 31), as_of_b=date(2021, 3, 31),
                  attribute_networks=False, practices_in_population=3, networks_in_population=1, input_issues=0,
                  lines=lines, commissioners=[], practices=_level("practice", practices),
                  networks=_level("network", [network]), crossings=[], missing_inputs=[],
                  entities=[network, *practices], summary="A summary paragraph <script>alert(1)</script>.")


@pytest.fixture(scope="module")
def report() -> Impact:
    return sample_impact()


def test_the_glance_counts_gainers_and_losers_with_pounds_per_patient(report):
    g = glance(report)
    # National: £1,500.00 + £60,000.00 + £0 = £61,500.00 → £1,574.50 + £60,300.00 = £61,874.50; +£374.50.
    assert (g.old, g.new, g.change) == (D("61500.00"), D("61874.50"), D("374.50"))
    assert g.unknown_lines == 2
    practices = next(m for m in g.movements if m.level == "practice" and m.basis == ALL_LINES)
    assert (practices.gainers, practices.gained, practices.losers, practices.lost, practices.unknown) == (
        1, D("120.00"), 1, D("-45.50"), 1)
    assert practices.gain_per_patient == D("0.02")   # £120.00 ÷ 8,000 = £0.015, half up to £0.02
    assert practices.loss_per_patient == D("-0.01")  # −£45.50 ÷ 3,500 = −£0.013, to −£0.01
    # The network's change is unknown on all lines; on its known line it gains £300.00 over 40,000 patients.
    networks = [m for m in g.movements if m.level == "network"]
    assert [(m.basis, m.gainers, m.unknown) for m in networks] == [(ALL_LINES, 0, 1), (KNOWN_LINES, 1, 0)]
    assert networks[1].gained == D("300.00")
    assert networks[1].gain_per_patient == D("0.01")
    # Streams, largest change first: core (+£300.00), participation (+£74.50), additional roles (£0).
    assert [s[0] for s in g.streams] == ["payment.core", "payment.participation", "payment.arrs"]


def test_markdown_opens_with_the_answer(report):
    text = render(report, "md")
    glance_at, summary_at = text.index("## At a glance"), text.index("## Summary")
    assert glance_at < summary_at
    first = text[glance_at:summary_at]
    assert "**National change: +£374.50**" in first
    assert "| practices | all lines | 1 | +£120.00 | +£0.02 | 1 | -£45.50 | -£0.01 | 0 | 1 |" in first
    assert "| Core funding (`payment.core`) | £60,000.00 | £60,300.00 | +£300.00 | 0 of 1 |" in first


def test_html_is_self_contained_and_leads_with_the_answer(report):
    page = render(report, "html")
    assert page.index('id="at-a-glance"') < page.index("<h2>Summary</h2>")
    assert page.count("<svg ") == 3  # practices by band, network by band (known lines), money by stream
    assert "+£374.50" in page
    assert "+£120.00" in page
    assert "-£45.50" in page
    for external in ("src=", "@import"):
        assert external not in page
    assert re.findall(r"<link [^>]*>", page) == ['<link rel="icon" href="data:,">']  # no favicon request
    assert not re.search(r"url\((?!#)", page), "only the page's own fragments (the charts' clip paths)"
    assert not re.search(r'href="(?!#|data:,")', page)
    # Text from the report is text, never markup.
    assert "&lt;script&gt;" in page
    assert "<script" not in page


def test_every_format_renders(report):
    assert set(FORMATS) == {"md", "html", "json", "csv", "xlsx"}
    for fmt in FORMATS:
        assert render_bytes(report, fmt)


def test_the_workbook(report, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    data = render_bytes(report, "xlsx")
    assert data == render_bytes(report, "xlsx"), "the workbook's bytes differ between runs"
    path = tmp_path / "impact.xlsx"
    path.write_bytes(data)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", "Lines", "Bands", "Commissioners", "Entities", "Entity lines",
                               "Missing inputs"]
    summary = book["Summary"]
    assert summary["A2"].value == "National change"
    assert summary["B2"].value == pytest.approx(374.50)
    assert "£" in summary["B2"].number_format
    entities = book["Entities"]
    assert entities.freeze_panes == "A2"
    assert entities.auto_filter.ref
    assert entities["A1"].font.b
    names = [entities.cell(row=r, column=3).value for r in range(2, entities.max_row + 1)]
    hostile = next(n for n in names if n and "HYPERLINK" in n)
    assert entities.cell(row=names.index(hostile) + 2, column=3).data_type == "s"  # text, never a formula
    # An unknown change is an empty cell, never £0.
    network_row = next(r for r in range(2, entities.max_row + 1) if entities.cell(row=r, column=2).value == "U1")
    assert entities.cell(row=network_row, column=10).value is None


def test_csv_is_unchanged_in_form(report):
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert len(rows) == 5  # one per entity and line
    p1 = next(r for r in rows if r["code"] == "P1")
    assert p1["change_gbp"] == "120.00"
    assert p1["name"].startswith("'=")


# ---------------------------------------------------------------------------------------------
# The three-way diff: only the proposal's asks are scored, in every format


@pytest.fixture(scope="module")
def three_way():
    from contract.analysis.diff import diff_many
    from contract.spec.loader import load_version

    return diff_many([load_version(v) for v in ("2023-24", "2024-25-proposals", "2024-25")])


def test_helper_parameters_are_not_asks(three_way):
    """national.registered_population only states the population the proposal's sums are spread over
    (read by its formulas); rate.core_consolidation is derived by a formula. The asks themselves (the
    consolidated payment, the asks recorded as terms, the safe-working cap) are scored."""
    scored = {v.id for v in three_way.verdicts}
    for helper in ("national.registered_population", "national.weighted_population", "rate.core_consolidation",
                   "proposal.moved_total", "proposal.consolidation_rounding", "proposal.safe_contacts_cap"):
        assert helper not in scored
    for ask in ("payment.core_consolidation", "ask.continuity_of_care", "safe_working.contacts_cap", "payment.qof"):
        assert ask in scored


def test_verdicts_in_html_and_csv(three_way):
    from contract.render.diff import render as render_diff

    page = render_diff(three_way, "html")
    assert page.index('id="at-a-glance"') < page.index('id="verdicts"')
    assert 'class="verdict-not_met"' in page
    assert "payment.core_consolidation" in page
    rows = {r["term_id"]: r for r in csv.DictReader(io.StringIO(render_diff(three_way, "csv")))}
    assert rows["payment.core_consolidation"]["asked"] == "added"
    assert rows["payment.core_consolidation"]["outcome"] == "not_met"
    assert rows["national.registered_population"]["outcome"] == ""  # present in the rows, not scored
    text = render_diff(three_way, "md")
    assert text.index("## At a glance") < text.index("## Summary")
