"""The NHS Payments to General Practice reader, on small files written here (expected values are the
test's own data)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from contract.io.readers import InputFiles, ReadSummary, read_files, read_population
from contract.io.readers.payments import UNKNOWN_NETWORK, Payments
from contract.spec.facts import InputError, Population

# The 2020-21 layout, cut down to the columns the reader uses plus two it must ignore.
HEADER_2020 = [
    "NHS England (Region) code", "CCG Code", "PCN Code", "PCN Name", "Practice Code", "Practice Name",
    "Number of Registered Patients (Last Known Figure)", "Number of Weighted Patients (Last Known Figure)",
    "Global Sum", "PCN Participation", "PCN Leadership", "PCN Support", "PCN Extended Hours Access",
    "PCN Workforce", "PCN Investment and impact Fund", "PCN Care Home Premium",
]
ROWS_2020 = [
    # region, CCG, PCN code, PCN name, practice, name, registered, weighted, global sum, 7 PCN headings
    ["Y56", "07L", "U26744", "WEST PCN", "F82625", "ABBEY", "7018", "5976.1", "1.00",
     "10358.76", "9691.35", "30444.40", "19463.25", "38522.66", "0", "0"],
    ["Y56", "07L", "U26744", "WEST PCN", "F82042", "AURORA", "16029.75", "15246.63", "0",
     "26875.32", "0", "0", "0", "0", "0", "0"],
    ["Y56", "07L", UNKNOWN_NETWORK, UNKNOWN_NETWORK, "F82001", "CLOSED", "0", "0", "0",
     "-120.50", "0", "0", "-14.10", "0", "0", "0"],
]


def write(path: Path, header: list[str], rows: list[list[str]], bom: bool = True) -> Path:
    text = "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def read_paid(payments: Path, **others: Path | list[Path]) -> tuple[Population, ReadSummary, Payments]:
    """`read_files` of a payments file and any others: the population, the summary and what was paid."""
    read = read_files(InputFiles.of(payments=payments, **others))
    assert read.payments is not None  # a payments file was given
    return read.population, read.summary, read.payments


@pytest.fixture
def payments_2020(tmp_path: Path) -> Path:
    return write(tmp_path / "pay-2020-21.csv", HEADER_2020, ROWS_2020)


def test_a_byte_order_mark_is_dropped_and_every_heading_becomes_a_stream(payments_2020):
    _population, summary, paid = read_paid(payments_2020)
    assert paid.streams == ["participation", "leadership", "support", "extended_hours", "workforce", "iif",
                            "care_home_premium"]
    assert paid.practices["F82625"].paid["support"] == Decimal("30444.40")
    assert summary.files[-1].rows == 3
    assert summary.files[-1].used == 3
    assert summary.files[-1].balanced


def test_without_a_register_the_file_defines_practices_and_networks(payments_2020):
    population, _, _ = read_paid(payments_2020)
    assert set(population.practices) == {"F82625", "F82042", "F82001"}
    network = population.networks["U26744"]
    assert network.name == "WEST PCN"
    assert network.commissioner_code == "07L"
    assert network.member_codes == ["F82625", "F82042"]
    assert network.values["registered"] is True
    assert "inferred" in network.provenance["registered"].file


def test_unknown_or_no_pcn_is_a_practice_without_a_network_not_a_network(payments_2020):
    population, _, paid = read_paid(payments_2020)
    assert UNKNOWN_NETWORK not in population.networks
    assert population.practices["F82001"].pcn_code is None
    assert paid.practices["F82001"].pcn_code is None
    assert "F82001" not in [p.code for members in paid.members().values() for p in members]


def test_negative_payments_are_kept_and_do_not_infer_taking_part(payments_2020):
    population, _, paid = read_paid(payments_2020)
    assert paid.practices["F82001"].paid["participation"] == Decimal("-120.50")
    assert paid.practices["F82001"].paid["extended_hours"] == Decimal("-14.10")
    assert "signed_up" not in population.practices["F82001"].values


def test_a_positive_participation_payment_infers_taking_part_and_says_so(payments_2020):
    population, _, _ = read_paid(payments_2020)
    practice = population.practices["F82625"]
    assert practice.values["signed_up"] is True
    assert "inferred from a positive PCN Participation payment of £10,358.76" in str(practice.provenance["signed_up"])


def test_fractional_lists_weighted_kept_exactly_registered_rounded_half_up_and_labelled(payments_2020):
    population, _, _ = read_paid(payments_2020)
    aurora = population.practices["F82042"]
    assert aurora.values["weighted_list"] == Decimal("15246.63")
    assert aurora.values["registered_list"] == 16030  # 16029.75 rounded half up
    assert "average 16029.75 rounded to 16030" in str(aurora.provenance["registered_list"])
    abbey = population.practices["F82625"]
    assert abbey.values["registered_list"] == 7018
    assert str(abbey.provenance["registered_list"]) == "pay-2020-21.csv row 2"


def test_network_sums_only_where_some_practice_was_paid(payments_2020):
    _, _, paid = read_paid(payments_2020)
    # participation: 10358.76 + 26875.32; leadership only ABBEY; workforce only ABBEY; iif nobody
    assert paid.network_paid("participation") == {"U26744": Decimal("37234.08")}
    assert paid.network_paid("leadership") == {"U26744": Decimal("9691.35")}
    assert paid.network_paid("iif") == {}


def test_other_files_take_precedence_over_the_payments_file(tmp_path, payments_2020):
    practices = tmp_path / "practices.csv"
    practices.write_text("practice_code,pcn_code,registered_list,weighted_list,signed_up\n"
                         "F82625,U26744,7000,6000.5,no\n", encoding="utf-8")
    population, summary, _ = read_paid(payments_2020, practices=practices)
    abbey = population.practices["F82625"]
    assert abbey.values["registered_list"] == 7000
    assert abbey.values["weighted_list"] == Decimal("6000.5")
    assert abbey.values["signed_up"] is False
    # the practices file listed the practices: the others in the payments file are left out of the population
    assert set(population.practices) == {"F82625"}
    assert summary.files[-1].counts["values kept from an earlier file"] == 3
    assert summary.files[-1].left_out == {"practice not in the population (its payments are kept)": 2}


def test_read_population_accepts_payments(payments_2020):
    population = read_population(payments=payments_2020)
    assert population.practices["F82625"].values["weighted_list"] == Decimal("5976.1")


def test_the_2019_20_layout_has_only_participation(tmp_path):
    header = [h for h in HEADER_2020 if h == "PCN Participation" or not h.startswith("PCN ") or h in
              ("PCN Code", "PCN Name")]
    rows = [[cell for h, cell in zip(HEADER_2020, row, strict=True) if h in header] for row in ROWS_2020]
    _, _, paid = read_paid(write(tmp_path / "pay-2019-20.csv", header, rows, bom=False))
    assert paid.streams == ["participation"]
    assert paid.practices["F82042"].paid == {"participation": Decimal("26875.32")}


def test_extra_headings_and_the_2022_23_enhanced_access_heading_are_read(tmp_path):
    header = [*HEADER_2020, "PCN Enhanced Access", "Covid Immunisation"]
    rows = [[*ROWS_2020[0], "5000.00", "99.00"]]
    _, _, paid = read_paid(write(tmp_path / "pay-2022-23.csv", header, rows))
    assert paid.streams[-1] == "enhanced_access"
    assert paid.practices["F82625"].paid["enhanced_access"] == Decimal("5000.00")


def test_the_2022_23_layout_heads_the_pcn_code_column_code(tmp_path):
    header = ["CCG Code" if h == "CCG Code" else "Code" if h == "PCN Code" else "CCG NAME" if h == "PCN Name"
              else h for h in HEADER_2020] + ["Sub ICB NAME"]
    rows = [[*ROWS_2020[0], "NHS NORTH EAST ICB - 16C"]]
    population, _, paid = read_paid(write(tmp_path / "pay-2022-23.csv", header, rows))
    assert paid.practices["F82625"].pcn_code == "U26744"
    assert population.networks["U26744"].name == "WEST PCN"


def test_a_missing_heading_is_refused_naming_the_file_and_the_heading(tmp_path):
    header = [h for h in HEADER_2020 if h != "Number of Weighted Patients (Last Known Figure)"]
    path = write(tmp_path / "bad.csv", header, [])
    with pytest.raises(InputError) as caught:
        read_paid(path)
    assert caught.value.file == "bad.csv"
    assert "'Number of Weighted Patients (Last Known Figure)'" in caught.value.message


def test_an_unknown_pcn_heading_is_refused_rather_than_ignored(tmp_path):
    path = write(tmp_path / "new.csv", [*HEADER_2020, "PCN Capacity and Access"], [])
    with pytest.raises(InputError, match=r"new\.csv.*unknown PCN payment heading.*'PCN Capacity and Access'"):
        read_paid(path)


def test_bad_cells_are_issues_naming_file_row_and_column(tmp_path):
    rows = [list(ROWS_2020[0]), list(ROWS_2020[1]), list(ROWS_2020[0])]
    rows[1][9] = "12.345"  # participation to a tenth of a penny
    population, summary, paid = read_paid(write(tmp_path / "p.csv", HEADER_2020, rows))
    issues = {(i.row, i.field): i.message for i in population.issues}
    assert "more than 2 decimal places" in issues[(3, "PCN Participation")]
    assert "listed twice (row 2 kept)" in issues[(4, "Practice Code")]
    assert set(paid.practices) == {"F82625"}
    assert summary.files[-1].balanced
