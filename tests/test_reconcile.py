"""Reconciling what the 2020-21 rules say was due with what a payments file says was paid.

Expected amounts are worked by hand from the rates in specs/2020-21/payments.yaml and
extended_hours.yaml: participation £0.147 a weighted patient a month; clinical director £0.722,
extended hours £1.45 and core PCN funding £1.50 a registered patient a year; PCN support 27p a
weighted patient for April to September 2020."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from contract.analysis.reconcile import (
    CSV_COLUMNS,
    PAYEE_OUTSIDE,
    RowStatus,
    quantile,
    reconcile,
    stream_of,
)
from contract.io.readers import InputFiles, ReadSummary, read_files
from contract.io.readers.payments import STREAMS, Payments
from contract.render.reconcile import to_csv, to_json, to_markdown
from contract.spec.facts import Population
from contract.spec.loader import load_version, version_ids
from contract.spec.schema import Entitlement, PaymentStream
from tests.conftest import real_data

YEAR_END = date(2021, 3, 31)
HEADER = ["CCG Code", "PCN Code", "PCN Name", "Practice Code",
          "Number of Registered Patients (Last Known Figure)", "Number of Weighted Patients (Last Known Figure)",
          "PCN Participation", "PCN Leadership", "PCN Support", "PCN Extended Hours Access", "PCN Workforce"]
# P10001 and P10002 in U00001; P10003 alone in U00002, paid nothing under any network heading.
ROWS = [
    # 1000 weighted × 0.147 × 12 = 1764.00 paid in full; the network's leadership 3000 × 0.722 = 2166.00
    # and core funding 3000 × 1.50 = 4500.00 (but not the support payment) land on P10001.
    ["07L", "U00001", "ONE PCN", "P10001", "1000", "1000", "1764.00", "2166.00", "4500.00", "0", "0"],
    # 2000 weighted × 0.147 = 294.00 a month, paid for 11 months = 3234.00; extended hours paid twice
    # over: 3000 × 1.45 = 4350.00 due, 8700.00 paid.
    ["07L", "U00001", "ONE PCN", "P10002", "2000", "2000", "3234.00", "0", "0", "8700.00", "0"],
    ["07L", "U00002", "TWO PCN", "P10003", "500", "500", "0", "0", "0", "0", "0"],
]


def write(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def read_paid(payments: Path, **others: Path | list[Path]) -> tuple[Population, ReadSummary, Payments]:
    """`read_files` of a payments file and any others: the population, the summary and what was paid."""
    read = read_files(InputFiles.of(payments=payments, **others))
    assert read.payments is not None  # a payments file was given
    return read.population, read.summary, read.payments


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    population, _, payments = read_paid(write(tmp_path_factory.mktemp("pay") / "pay.csv", ROWS))
    return reconcile("2020-21", population, payments, YEAR_END)


def row(result, stream: str, code: str):
    return next(r for r in result.rows if r.stream == stream and r.entity_code == code)


def test_a_practice_paid_in_full_agrees(result):
    r = row(result, "participation", "P10001")
    assert (r.computed_gbp, r.paid_gbp, r.difference_gbp, r.ratio) == (Decimal("1764.00"), Decimal("1764.00"), 0, 1)
    assert r.status is RowStatus.agrees


def test_a_gap_of_whole_instalments_is_named(result):
    r = row(result, "participation", "P10002")
    assert r.computed_gbp == Decimal("3528.00")  # 294.00 × 12
    assert r.ratio == Decimal("0.916667")  # 3234 ÷ 3528 = 11/12
    assert r.status is RowStatus.paid_less
    assert r.reason == "consistent with 11 of 12 monthly instalments paid"


def test_a_practice_paid_nothing_is_not_inferred_to_take_part(result):
    r = row(result, "participation", "P10003")
    assert r.computed_gbp is None
    assert r.paid_gbp == 0
    assert r.ratio is None
    assert r.status is RowStatus.not_computed
    assert r.reason == "input missing: signed_up; opted_out_on"  # the opt-out line reads both


def test_network_streams_sum_the_network_practices(result):
    r = row(result, "leadership", "U00001")
    assert (r.computed_gbp, r.paid_gbp, r.status) == (Decimal("2166.00"), Decimal("2166.00"), RowStatus.agrees)


def test_a_network_with_no_practice_paid_has_blank_paid_and_ratio(result):
    r = row(result, "leadership", "U00002")
    assert r.computed_gbp == Decimal("361.00")  # 500 × 0.722
    assert r.paid_gbp is None
    assert r.ratio is None
    assert r.difference_gbp is None
    assert r.status is RowStatus.not_paid
    assert r.reason == PAYEE_OUTSIDE


def test_paid_matching_one_line_of_a_stream_says_which(result):
    r = row(result, "support", "U00001")
    assert r.computed_gbp == Decimal("5310.00")  # 4500.00 core funding + 3000 × 0.27 = 810.00 support
    assert r.paid_gbp == Decimal("4500.00")
    assert r.reason == "paid matches Core PCN funding alone"


def test_a_network_paid_several_times_over_may_be_paying_for_another(result):
    r = row(result, "extended_hours", "U00001")
    assert r.ratio == 2
    assert r.status is RowStatus.paid_more
    assert "1 other network(s) of commissioner 07L have no payee in the file" in r.reason


def test_a_line_the_inputs_cannot_price_is_input_missing(result):
    assert row(result, "workforce", "U00001").reason.startswith("input missing")


def test_the_summary_gives_quartiles_and_largest_unexplained(result):
    participation = next(s for s in result.summaries if s.stream == "participation")
    assert participation.terms == ["payment.network_participation", "payment.network_participation_until_opt_out"]
    assert participation.with_ratio == 2
    assert participation.median == Decimal("0.958334")  # (1 + 0.916667) ÷ 2, rounded half up
    assert participation.paid_total == Decimal("4998.00")  # 1764 + 3234 + 0


def test_streams_the_file_has_no_heading_for_are_listed(result):
    assert result.streams_not_in_file == ["iif", "care_home_premium"]


def test_a_gap_explained_by_the_payers_lists(tmp_path):
    """The rules use lists of 1000 and 2000 (a practices file); the payments file's lists are 10% higher
    and leadership was paid on them: 3300 × 0.722 = 2382.60 against 2166.00 due."""
    practices = tmp_path / "practices.csv"
    practices.write_text("practice_code,pcn_code,registered_list\nP10001,U00001,1000\nP10002,U00001,2000\n",
                         encoding="utf-8")
    networks = tmp_path / "networks.csv"
    networks.write_text("pcn_code,registered\nU00001,yes\n", encoding="utf-8")
    rows = [[*ROWS[0][:4], "1100", "1100", "1940.40", "2382.60", *ROWS[0][8:]],
            [*ROWS[1][:4], "2200", "2200", *ROWS[1][6:]]]
    population, _, payments = read_paid(write(tmp_path / "pay.csv", rows), practices=practices,
                                                 networks=networks)
    r = row(reconcile("2020-21", population, payments, YEAR_END), "leadership", "U00001")
    assert r.ratio == Decimal("1.1")
    assert r.status is RowStatus.paid_more
    assert r.reason.startswith("list-date difference (registered list 3,300 in the payments file, 3,000 used")


def test_the_csv_has_the_columns_in_order_and_blank_cells_for_missing(result):
    table = list(csv.reader(io.StringIO(to_csv(result))))
    assert tuple(table[0]) == CSV_COLUMNS
    cells = {(line[2], line[4]): line for line in table[1:]}
    assert cells[("U00002", "leadership")][5:10] == ["361.00", "", "", "", "not_paid"]
    assert cells[("P10001", "participation")][5:9] == ["1764.00", "1764.00", "0.00", "1.0000"]


def test_markdown_and_json(result):
    text = to_markdown(result)
    assert "| participation | 3 | 2 |" in text
    assert "£4,998.00" in text
    data = json.loads(to_json(result))
    assert data["version"] == "2020-21"
    assert len(data["rows"]) == len(result.rows)


def test_stream_table_and_quantiles():
    assert stream_of(load_version("2020-21"), "payment.extended_hours") == "extended_hours"
    assert stream_of(load_version("2023-24"), "payment.enhanced_access") == "enhanced_access"
    assert stream_of(load_version("2020-21"), "rate.extended_hours") is None
    assert stream_of(load_version("2024-25"), "payment.global_sum") is None
    values = [Decimal(v) for v in ("1", "2", "3", "4", "5")]
    assert quantile(values, Decimal("0.25")) == 2
    assert quantile(values, Decimal("0.5")) == 3
    assert quantile([Decimal(1), Decimal(2)], Decimal("0.5")) == Decimal("1.5")


def test_the_specs_streams_are_the_payments_files_headings():
    """Every stream a spec may name is a heading the payments reader knows, and the other way round."""
    assert set(STREAMS) == {s.value for s in PaymentStream}


@pytest.mark.parametrize("version_id", version_ids())
def test_every_pcn_payment_line_names_its_stream(version_id):
    """Each version's PCN payment lines say what they are paid under (the lines paid by the
    network DES: participation, leadership, support, access, roles, IIF, care homes); only the lines
    the payments reader has no heading for leave it out: those outside the DES (global sum, QOF, the
    proposals' consolidated line) and the 2023-24 capacity and access payments."""
    version = load_version(version_id)
    outside = {"payment.global_sum", "payment.qof", "payment.core_consolidation",
               "payment.capacity_access_improvement", "payment.capacity_access_support"}
    for term in version.terms.values():
        if isinstance(term, Entitlement):
            assert (term.paid_under is None) == (term.id in outside), f"{version_id} {term.id}"


@pytest.mark.realdata
def test_national_2020_21_leadership_and_extended_hours_within_one_percent():
    """2020-21 rules on the December 2019 register and 2019-20 QOF lists, against NHS Payments 2020-21.

    The participation paid total is the national sum in ../shared/data/README.md (£102,204,924.07), since
    every practice row is counted once, in the population or as a practice not in it."""
    population, _, payments = read_paid(
        real_data("nhs-payments-2020-21.csv"), register=real_data("epcn-2019-12.xlsx"),
        lists=[real_data("qof-prevalence-2019-20.csv")])
    result = reconcile("2020-21", population, payments, YEAR_END)
    summaries = {s.stream: s for s in result.summaries}
    for stream in ("leadership", "extended_hours"):
        assert summaries[stream].median is not None
        assert abs(summaries[stream].median - 1) <= Decimal("0.01"), (stream, summaries[stream].median)
    assert summaries["participation"].paid_total == Decimal("102204924.07")
    assert not [r for r in result.rows if r.stream == "participation" and r.entity_code == "UNKNOWN"]


def test_the_reconcile_command_writes_the_csv(tmp_path):
    """`contract reconcile` with only a payments file: the networks come from the file itself and
    the CSV has the documented columns; P10001's participation agrees (1000 × £0.147 × 12 = £1,764.00)."""
    from contract.cli.app import main

    out = tmp_path / "rec.csv"
    assert main(["reconcile", "2020-21", "--payments", str(write(tmp_path / "pay.csv", ROWS)), "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == tuple(CSV_COLUMNS)
    p1 = next(r for r in rows if r["stream"] == "participation" and r["entity_code"] == "P10001")
    assert (p1["computed_gbp"], p1["paid_gbp"], p1["status"]) == ("1764.00", "1764.00", "agrees")


def test_the_reconcile_command_refuses_a_missing_payments_file(tmp_path, capsys):
    from contract.cli.app import main

    assert main(["reconcile", "2020-21", "--payments", str(tmp_path / "nope.csv")]) == 2
    assert "nope.csv: no such file" in capsys.readouterr().err
