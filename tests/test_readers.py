"""Readers: the real NHS Digital files, and every way a file can be wrong being reported, not dropped."""

from __future__ import annotations

import dataclasses
import json
import re
import zipfile
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from contract.io.generate import NETWORK_HEADER, PARTNER_HEADER
from contract.io.readers import (
    InputFiles,
    ReadSummary,
    load_catalogue,
    read_epcn,
    read_files,
    read_lists,
    read_population,
    read_practices,
    xlsx,
)
from contract.spec.facts import FieldDef, FieldType, InputError, Level, Population

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data"
REGISTER = REAL / "epcn-2019-12.xlsx"
QOF = REAL / "qof-prevalence-2019-20.csv"
GP_REG = REAL / "gp-reg-pat-prac-all-2021-01-01.csv"

needs_real_data = pytest.mark.skipif(
    not REGISTER.exists(),
    reason=f"real NHS Digital files not found in {REAL} (they live outside the repository)",
)

QOF_HEAD = "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PATIENT_LIST_SIZE\n"
GP_REG_HEAD = "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE,NUMBER_OF_PATIENTS\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def partner(code: str, pcn: str, ccg: str = "00L", end: int | None = None) -> tuple[object, ...]:
    return (
        code,
        f"{code} SURGERY",
        ccg,
        "NHS X CCG",
        pcn,
        "=VLOOKUP(E2,'PCN Details'!A:B,2,FALSE)",
        ccg,
        "NHS X CCG",
        20191001,
        end,
        "=G2=C2",
    )


ADDRESS = ("1 HIGH ST", None, None, "TOWN", None, "AB1 2CD")


def network(code: str, ccg: str = "00L", close: int | None = None) -> tuple[object, ...]:
    return (code, f"{code} PCN", ccg, "NHS X CCG", 20191001, close, *ADDRESS)


def register(tmp_path: Path, networks: list, partners: list, name: str = "epcn.xlsx") -> Path:
    """A small ePCN-format workbook; a None in ``partners`` is a blank row."""
    workbook = openpyxl.Workbook()
    details = workbook.active
    assert details is not None
    details.title = "PCN Details"
    details.append(NETWORK_HEADER)
    for row in networks:
        details.append(row)
    sheet = workbook.create_sheet("PCN Core Partner Details")
    sheet.append(PARTNER_HEADER)
    for number, row in enumerate(partners, start=2):
        for column, value in enumerate(row or (), start=1):
            sheet.cell(number, column, value)
    path = tmp_path / name
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def catalogue() -> dict[str, FieldDef]:
    return load_catalogue()


@pytest.fixture
def small_register(tmp_path: Path) -> Path:
    return register(
        tmp_path,
        [network("U00001"), network("U00002", "99A")],
        [partner("A00001", "U00001"), partner("A00002", "U00001"), partner("B00001", "U00002", "99A")],
    )


def read_inputs(**files: Any) -> tuple[Population, ReadSummary]:
    """`read_files` of the files named by keyword (as `InputFiles.of` takes them): the population and
    what each file gave."""
    read = read_files(InputFiles.of(**files))
    return read.population, read.summary


def assert_balanced(summary: ReadSummary) -> None:
    for file in summary.files:
        assert file.balanced, str(file)


# --- the real files -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_qof() -> tuple[Population, ReadSummary]:
    return read_inputs(register=REGISTER, lists=QOF)


@pytest.mark.realdata
@needs_real_data
def test_real_register_has_1250_networks_and_6757_practices_each_in_one(
    real_qof: tuple[Population, ReadSummary],
) -> None:
    population, summary = real_qof
    assert len(population.networks) == 1250
    assert len(population.practices) == 6757
    memberships = Counter(code for n in population.networks.values() for code in n.member_codes)
    assert set(memberships) == set(population.practices)
    assert set(memberships.values()) == {1}
    for code, practice in population.practices.items():
        assert code in population.networks[practice.pcn_code or ""].member_codes
    names = {n.name for n in population.networks.values()}
    assert not any(name is None or name.startswith("=") for name in names)  # not the VLOOKUP column
    assert population.issues == []
    assert_balanced(summary)


@pytest.mark.realdata
@needs_real_data
def test_real_register_joined_to_qof_6657_have_a_list_and_100_do_not(
    real_qof: tuple[Population, ReadSummary],
) -> None:
    population, summary = real_qof
    with_list = [p for p in population.practices.values() if "registered_list" in p.values]
    assert len(with_list) == 6657
    assert len(population.practices) - len(with_list) == 100
    assert all("ld_register" in p.values for p in with_list)
    assert all(p.provenance["registered_list"].file == QOF.name for p in with_list)
    qof = summary.files[-1]
    assert (qof.file, qof.rows) == (QOF.name, 141_120)
    assert qof.counts["practices matched"] == 6657
    assert qof.counts["practices not in register"] == 63
    assert qof.counts["register practices without a row"] == 100
    assert str(qof).startswith("qof-prevalence-2019-20.csv: 141,120 rows")
    assert "6,657 practices matched, 63 practices not in register" in str(qof)


@pytest.mark.realdata
@needs_real_data
def test_real_gp_reg_totals_give_list_and_commissioner() -> None:
    population, summary = read_inputs(register=REGISTER, lists=GP_REG)
    gp = summary.files[-1]
    assert gp.rows == 6658
    assert gp.counts["practices matched"] + gp.counts["practices not in register"] == 6658
    assert population.issues == []
    assert_balanced(summary)
    practice = next(p for p in population.practices.values() if "registered_list" in p.values)
    assert practice.provenance["registered_list"].file == GP_REG.name


# --- ePCN register ----------------------------------------------------------------------------------


def test_register_builds_networks_and_members(small_register: Path) -> None:
    population = Population()
    sheets = read_epcn(small_register, population)
    assert population.networks["U00001"].member_codes == ["A00001", "A00002"]
    assert population.networks["U00002"].commissioner_code == "99A"
    assert population.networks["U00001"].name == "U00001 PCN"
    assert population.practices["B00001"].pcn_code == "U00002"
    assert population.practices["A00001"].name == "A00001 SURGERY"
    assert [s.used for s in sheets] == [2, 3]
    assert population.issues == []
    assert population.networks["U00001"].values == {}  # no catalogue given: no `registered` flag


def test_being_in_the_register_counts_as_registered(small_register: Path, catalogue: dict[str, FieldDef]) -> None:
    registered = FieldDef(
        name="registered", level=Level.network, type=FieldType.flag, label="Registered", description="Listed."
    )
    population = read_population(register=small_register, catalogue={**catalogue, "registered": registered})
    assert population.networks["U00001"].values == {"registered": True}
    assert str(population.networks["U00002"].provenance["registered"]) == "epcn.xlsx row 3"


def test_register_problems_are_issues_with_the_sheet_row(tmp_path: Path) -> None:
    path = register(
        tmp_path,
        [network("U00001"), network("U00009", close=20200101)],
        [
            partner("A00001", "U00001"),  # row 2
            None,  # row 3: blank
            partner("A00002", "U99999"),  # row 4: network not on PCN Details
            partner("A00001", "U00001"),  # row 5: listed twice
            partner("", "U00001"),  # row 6: no code
            partner("A00003", "U00001", end=20191130),  # row 7: left the network
            partner("A00004", "U00009"),  # row 8: network closed
        ],
    )
    population = Population()
    networks, partners = read_epcn(path, population)
    assert networks.left_out == {"network closed": 1}
    issues = {(i.row, i.field) for i in population.issues}
    assert issues == {
        (4, "PCN Code"),
        (5, "Partner Organisation Code"),
        (6, "Partner Organisation Code"),
        (8, "PCN Code"),
    }
    assert all(i.file == "epcn.xlsx" for i in population.issues)
    assert "A00003" not in population.practices
    assert population.networks["U00001"].member_codes == ["A00001"]
    assert partners.left_out["relationship ended"] == 1
    assert partners.left_out["blank row"] == 1
    assert partners.balanced
    assert networks.balanced


def test_register_missing_sheet_or_column_is_an_error(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "PCN Details"
    sheet.append(["PCN Code", "PCN Name"])  # no CCG column
    workbook.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError, match=r"bad\.xlsx.*'PCN Details'.*Current Clinical Commissioning Group Code"):
        read_epcn(tmp_path / "bad.xlsx", Population())
    sheet.title = "Something else"
    workbook.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError, match=r"bad\.xlsx.*sheet 'PCN Details' not found"):
        read_epcn(tmp_path / "bad.xlsx", Population())


def test_register_that_is_not_a_workbook_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a readable \.xlsx"):
        read_epcn(write(tmp_path, "epcn.xlsx", "PCN Code\n"), Population())


# --- the register's cells, read without openpyxl's per-cell objects ---------------------------------
# xlsx.sheet_rows must give exactly the rows openpyxl's read-only iter_rows(values_only=True) gives:
# openpyxl is the independent reading each case is compared with.


def openpyxl_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with path.open("rb") as handle:
        book = openpyxl.load_workbook(handle, read_only=True)
        try:
            return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
        finally:
            book.close()


def fast_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with path.open("rb") as handle:
        book = xlsx.load(handle)
        try:
            return {name: list(xlsx.sheet_rows(book, name)) for name in book.sheetnames}
        finally:
            book.close()


def typed(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[list[tuple[type, Any]]]]:
    """Rows with each value's type, so that 1 and 1.0 and True are told apart."""
    return {name: [[(type(v), v) for v in row] for row in sheet] for name, sheet in rows.items()}


@needs_real_data
def test_sheet_rows_are_openpyxls_on_the_real_register() -> None:
    expected = openpyxl_rows(REGISTER)
    assert [len(rows) for rows in expected.values()] == [1251, 6758]  # header + 1,250 networks, + 6,757 practices
    assert typed(fast_rows(REGISTER)) == typed(expected)


def rewrite(path: Path, member: str, change: Any) -> Path:
    """A copy of a workbook with one member's XML text changed by ``change``."""
    out = path.with_name(f"{path.stem}-{len(list(path.parent.iterdir()))}.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == member:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(item, data)
    return out


SPREADSHEET_DAY = datetime.fromisoformat("2019-10-01")
"""A day as a workbook holds it: openpyxl reads dates as datetimes without a time zone."""


@pytest.fixture
def every_kind_of_cell(tmp_path: Path) -> Path:
    """A sheet with every kind of cell the register could hold: text, whole and decimal numbers,
    booleans, dates (a datetime, and a number formatted as a date), formulas, an error, blank
    cells and rows, a row wider than the header, and a shared string written as rich-text runs."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Cells"
    sheet.append(["code", "name", "count", "share", "flag", "when", "formula", "error"])
    sheet.append(["A81001", "RICHTEXT", 5903, 0.25, True, SPREADSHEET_DAY, "=C2*2", "#N/A"])
    sheet.append(["A81002", " padded x005F_x000D_ ", 1e20, -3.5, False, None, "=SUM(C2:C3)", None])
    sheet.cell(6, 3, 43739).number_format = "yyyy-mm-dd"  # rows 4 and 5 left out; 1 October 2019 by format
    sheet.cell(6, 12, "far right")
    sheet.cell(7, 1, "")
    book.create_sheet("Empty")
    path = tmp_path / "cells.xlsx"
    book.save(path)
    return rewrite(path, "xl/sharedStrings.xml",
                   lambda xml: xml.replace("<t>RICHTEXT</t>", "<r><t>RICH</t></r><r><rPr><b/></rPr><t>TEXT</t></r>"))


def test_sheet_rows_are_openpyxls_for_every_kind_of_cell(every_kind_of_cell: Path) -> None:
    expected = openpyxl_rows(every_kind_of_cell)
    assert expected["Cells"][1][:2] == ("A81001", "RICHTEXT")  # the case is what it says it is
    assert isinstance(expected["Cells"][5][2], datetime)
    assert typed(fast_rows(every_kind_of_cell)) == typed(expected)


def test_sheet_rows_are_openpyxls_for_a_write_only_workbook(tmp_path: Path) -> None:
    """openpyxl's write-only workbooks (the generated 10x population's register) hold text as inline strings."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Cells")
    sheet.append(["code", "name", "count", "when", "formula"])
    sheet.append(["A81001", "", 5903, SPREADSHEET_DAY, "=VLOOKUP(A2,B:B,1,FALSE)"])
    sheet.append([])
    sheet.append(["A81002", "  two  words ", 1.5, None, None])
    path = tmp_path / "write-only.xlsx"
    book.save(path)
    assert 't="inlineStr"' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert typed(fast_rows(path)) == typed(openpyxl_rows(path))


def test_sheet_rows_are_openpyxls_without_a_dimension_or_cell_references(every_kind_of_cell: Path) -> None:
    """A sheet written by another program may leave out its dimension or its cell references; rows
    are then as wide as their last cell, and cells are placed one after another."""
    sheet = "xl/worksheets/sheet1.xml"
    undimensioned = rewrite(every_kind_of_cell, sheet, lambda xml: re.sub(r"<dimension [^>]*/>", "", xml))
    unreferenced = rewrite(every_kind_of_cell, sheet, lambda xml: re.sub(r'<c r="[A-Z]+[0-9]+"', "<c", xml))
    float_rows = rewrite(every_kind_of_cell, sheet, lambda xml: re.sub(r'<row r="([0-9]+)"', r'<row r="\1.0"', xml))
    for path in (undimensioned, unreferenced, float_rows):
        expected = openpyxl_rows(path)
        assert typed(fast_rows(path)) == typed(expected), path.name
    assert len(openpyxl_rows(undimensioned)["Cells"][5]) == 12  # as wide as its last cell, not the sheet
    assert openpyxl_rows(unreferenced)["Cells"][5][:2] == (SPREADSHEET_DAY, "far right")  # packed left


# --- list sizes ------------------------------------------------------------------------------------


def test_negative_list_size_is_an_issue_naming_file_row_and_field(small_register: Path, tmp_path: Path) -> None:
    qof = write(tmp_path, "qof.csv", QOF_HEAD + "A00001,LD,5,TOTAL,4000\nA00002,LD,7,TOTAL,-12\n")
    population, summary = read_inputs(register=small_register, lists=qof)
    [issue] = population.issues
    assert (issue.file, issue.row, issue.field) == ("qof.csv", 3, "PATIENT_LIST_SIZE")
    assert "negative" in issue.message
    assert "qof.csv, row 3, field 'PATIENT_LIST_SIZE'" in str(issue)
    assert population.practices["A00001"].values == {"registered_list": 4000, "ld_register": 5}
    assert "registered_list" not in population.practices["A00002"].values
    assert summary.files[-1].left_out == {"invalid value": 1}


def test_non_integer_list_size_in_gp_reg_is_an_issue(small_register: Path, tmp_path: Path) -> None:
    gp = write(
        tmp_path,
        "gp.csv",
        GP_REG_HEAD
        + "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A00001,NE1 1AA,ALL,ALL,5903.5\n"
        + "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A00002,NE1 1AA,MALE,ALL,3000\n"
        + "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E38000130,A00002,NE1 1AA,ALL,ALL,6000\n",
    )
    population, summary = read_inputs(register=small_register, lists=gp)
    [issue] = population.issues
    assert (issue.file, issue.row, issue.field) == ("gp.csv", 2, "NUMBER_OF_PATIENTS")
    assert "whole number" in issue.message
    assert population.practices["A00002"].values["registered_list"] == 6000
    assert summary.files[-1].left_out == {"invalid value": 1, "breakdown by sex or age, not a total": 1}
    assert_balanced(summary)


def test_total_rows_that_disagree_are_an_issue(small_register: Path, tmp_path: Path) -> None:
    qof = write(tmp_path, "qof.csv", QOF_HEAD + "A00001,AF,1,TOTAL,4000\nA00001,AST,2,TOTAL,4001\n")
    population, _ = read_inputs(register=small_register, lists=qof)
    [issue] = population.issues
    assert (issue.row, issue.field) == (3, "PATIENT_LIST_SIZE")
    assert "row 2" in issue.message
    assert population.practices["A00001"].values["registered_list"] == 4000


def test_age_limited_list_is_not_the_registered_list(small_register: Path, tmp_path: Path) -> None:
    qof = write(tmp_path, "qof.csv", QOF_HEAD + "A00001,CKD,100,18OV,3100\nA00001,AF,1,TOTAL,4000\n")
    population, summary = read_inputs(register=small_register, lists=qof)
    assert population.practices["A00001"].values == {"registered_list": 4000}
    assert summary.files[-1].left_out == {"register not in the field catalogue": 1}


def test_qof_registers_become_values_only_when_the_catalogue_has_them(
    small_register: Path, tmp_path: Path, catalogue: dict[str, FieldDef]
) -> None:
    extended = dict(catalogue)
    extended["qof_register_hyp"] = FieldDef(
        name="qof_register_hyp",
        level=Level.practice,
        type=FieldType.count,
        label="Hypertension register",
        unit="patients",
        description="QOF HYP register.",
    )
    qof = write(tmp_path, "qof.csv", QOF_HEAD + "A00001,HYP,600,TOTAL,4000\nA00001,DM,300,17OV,3200\n")
    population = read_population(register=small_register, lists=qof, catalogue=extended)
    assert population.practices["A00001"].values == {"registered_list": 4000, "qof_register_hyp": 600}
    assert population.issues == []
    plain = read_population(register=small_register, lists=qof, catalogue=catalogue)
    assert plain.practices["A00001"].values == {"registered_list": 4000}


def test_national_file_rows_outside_the_register_are_counted_not_issues(small_register: Path, tmp_path: Path) -> None:
    qof = write(tmp_path, "qof.csv", QOF_HEAD + "A00001,LD,5,TOTAL,4000\nZ99999,LD,5,TOTAL,1\nZ99999,AF,5,TOTAL,1\n")
    population, summary = read_inputs(register=small_register, lists=qof)
    assert population.issues == []
    assert "Z99999" not in population.practices
    lists = summary.files[-1]
    assert lists.counts == {
        "practices matched": 1,
        "practices not in register": 1,
        "register practices without a row": 2,
    }
    assert lists.left_out == {"practice not in register": 2}


def test_lists_without_a_register_define_the_practices(tmp_path: Path) -> None:
    qof = write(tmp_path, "qof.csv", QOF_HEAD + "A00001,LD,5,TOTAL,4000\nA00002,LD,6,TOTAL,5000\n")
    population = read_population(lists=qof)
    assert set(population.practices) == {"A00001", "A00002"}
    assert population.networks == {}


def test_unrecognised_list_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "lists.csv", "practice,size\nA00001,4000\n")
    with pytest.raises(InputError, match=r"lists\.csv, row 1: header not recognised"):
        read_population(lists=path)


def test_short_row_in_a_list_file_is_reported(small_register: Path, tmp_path: Path) -> None:
    qof = write(tmp_path, "qof.csv", QOF_HEAD + "A00001,LD,5\n\n")
    population, summary = read_inputs(register=small_register, lists=qof)
    [issue] = population.issues
    assert issue.row == 2
    assert "3 cells" in issue.message
    assert summary.files[-1].left_out == {"malformed row": 1, "blank row": 1}


def test_first_file_to_supply_a_value_wins_and_the_rest_are_counted(small_register: Path, tmp_path: Path) -> None:
    practices = write(tmp_path, "practices.csv", "practice_code,registered_list\nA00001,4100\n")
    qof = write(tmp_path, "qof.csv", QOF_HEAD + "A00001,LD,5,TOTAL,4000\nA00001,AF,5,TOTAL,4000\n")
    population, summary = read_inputs(register=small_register, practices=practices, lists=qof)
    practice = population.practices["A00001"]
    assert practice.values["registered_list"] == 4100
    assert str(practice.provenance["registered_list"]) == "practices.csv row 2"
    assert practice.provenance["ld_register"].file == "qof.csv"
    assert summary.files[-1].counts["values kept from an earlier file"] == 1


# --- the project's own files ----------------------------------------------------------------------


def test_unknown_column_in_practices_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "practices.csv", "practice_code,weighted_lsit\nA00001,4000\n")
    with pytest.raises(InputError) as caught:
        read_population(practices=path)
    assert (caught.value.file, caught.value.field) == ("practices.csv", "weighted_lsit")
    assert "unknown column" in caught.value.message


def test_field_of_another_level_names_the_right_file(tmp_path: Path) -> None:
    path = write(tmp_path, "practices.csv", "practice_code,care_home_beds\nA00001,40\n")
    with pytest.raises(InputError, match="network field: put it in the networks file"):
        read_population(practices=path)


def test_missing_key_column_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "networks.csv", "care_home_beds\n40\n")
    with pytest.raises(InputError, match=r"networks\.csv: missing column\(s\) pcn_code"):
        read_population(networks=path)


def test_unknown_practice_code_is_reported(small_register: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "practices.csv", "practice_code,weighted_list\nA00001,4100.5\nQ12345,3000\n")
    population, summary = read_inputs(register=small_register, practices=path)
    [issue] = population.issues
    assert (issue.file, issue.row, issue.field) == ("practices.csv", 3, "practice_code")
    assert "unknown practice code Q12345" in issue.message
    assert "Q12345" not in population.practices
    assert population.practices["A00001"].values["weighted_list"] == Decimal("4100.5")
    assert summary.files[-1].left_out == {"unknown practice code": 1}


def test_bad_values_are_issues_and_the_rest_of_the_row_is_kept(small_register: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "practices.csv",
        "practice_code,weighted_list,signed_up,opted_out_on\n"
        "A00001,-1,maybe,2019-06-30\n"
        "A00002,1234.567,yes,\n"
        "A00002,1,yes,\n",
    )
    population, summary = read_inputs(register=small_register, practices=path)
    found = {(i.row, i.field) for i in population.issues}
    assert found == {(2, "weighted_list"), (2, "signed_up"), (4, None)}
    assert population.practices["A00001"].values == {"opted_out_on": date(2019, 6, 30)}
    assert population.practices["A00002"].values == {"weighted_list": Decimal("1234.567"), "signed_up": True}
    practices = summary.files[-1]
    assert practices.counts["blank opted_out_on"] == 1  # blank is "not supplied", counted, not an issue
    assert practices.left_out == {"practice listed twice": 1}


def test_practices_file_cannot_move_a_practice_to_another_network(small_register: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "practices.csv", "practice_code,pcn_code\nA00001,U00002\nA00002,U00001\n")
    population = read_population(register=small_register, practices=path)
    [issue] = population.issues
    assert (issue.row, issue.field) == (2, "pcn_code")
    assert population.practices["A00001"].pcn_code == "U00001"


def test_project_files_alone_define_networks_and_practices(tmp_path: Path) -> None:
    networks = write(tmp_path, "networks.csv", "pcn_code,name,care_home_beds\nU00001,North PCN,120\n")
    practices = write(
        tmp_path,
        "practices.csv",
        "practice_code,pcn_code,commissioner_code,registered_list\nA00001,U00001,00L,9000\nA00002,U00007,00L,1\n",
    )
    population = read_population(networks=networks, practices=practices)
    assert population.networks["U00001"].values == {"care_home_beds": 120}
    assert population.networks["U00001"].member_codes == ["A00001"]
    assert population.practices["A00001"].commissioner_code == "00L"
    # the networks file listed the networks, so a practice naming another one is reported
    [issue] = population.issues
    assert (issue.row, issue.field) == (3, "pcn_code")
    assert "U00007" in issue.message
    alone = read_population(practices=practices)  # no networks file: practices define them
    assert set(alone.networks) == {"U00001", "U00007"}


def test_json_practices_file(small_register: Path, tmp_path: Path) -> None:
    path = tmp_path / "practices.json"
    path.write_text(
        '[{"practice_code": "A00001", "weighted_list": 4100.10, "signed_up": true},'
        ' {"practice_code": "A00002", "weighted_list": null}]'
    )
    population, summary = read_inputs(register=small_register, practices=path)
    assert population.practices["A00001"].values == {"weighted_list": Decimal("4100.10"), "signed_up": True}
    assert str(population.practices["A00001"].provenance["weighted_list"]) == "practices.json row 1"
    assert population.issues == []
    assert_balanced(summary)
    path.write_text(json.dumps([{"practice_code": "A00001", "colour": "red"}]))
    with pytest.raises(InputError, match=r"practices\.json, row 1, field 'colour'"):
        read_population(practices=path)


def test_staff_file(small_register: Path, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "staff.csv",
        "pcn_code,staff_id,role,wte,annual_cost,start_date,end_date,additional\n"
        "U00001,CP1,clinical_pharmacist,1.0,55670.00,2019-07-01,,yes\n"
        "U00001,CP1,clinical_pharmacist,1.0,55670.00,2019-07-01,,yes\n"
        "U00042,SP1,social_prescribing_link_worker,0.5,17000.001,2019-08-01,,yes\n",
    )
    population, summary = read_inputs(register=small_register, staff=path)
    [member] = population.staff
    assert member.values["annual_cost"] == Decimal("55670.00")
    assert str(member.provenance) == "staff.csv row 2"
    assert "end_date" not in member.values
    found = {(i.row, i.field) for i in population.issues}
    assert found == {(3, None), (4, "pcn_code")}
    assert summary.files[-1].left_out == {"post listed twice": 1, "unknown network code": 1}


def test_the_file_type_is_judged_by_content_not_by_name(tmp_path: Path, catalogue: dict[str, FieldDef]) -> None:
    population = Population()
    read_practices(write(tmp_path, "practices.txt", "practice_code\nA81001\n"), population, catalogue)
    assert list(population.practices) == ["A81001"]  # CSV text under another name still reads
    workbook = tmp_path / "practices.csv"
    workbook.write_bytes(b"PK\x03\x04" + bytes(100))  # a zip archive (an .xlsx) named .csv
    with pytest.raises(InputError, match=r"practices\.csv: is an \.xlsx workbook .*not a CSV or JSON practices file"):
        read_practices(workbook, Population(), catalogue)


def test_read_lists_accepts_several_files(small_register: Path, tmp_path: Path) -> None:
    qof = write(tmp_path, "qof.csv", QOF_HEAD + "A00001,LD,5,TOTAL,4000\n")
    gp = write(tmp_path, "gp.csv", GP_REG_HEAD + "GP_PRAC_PAT_LIST,01JAN2021,GP,00L,E3,A00002,X,ALL,ALL,6000\n")
    population, summary = read_inputs(register=small_register, lists=[qof, gp])
    assert population.practices["A00001"].values["registered_list"] == 4000
    assert population.practices["A00002"].values["registered_list"] == 6000
    assert [f.file for f in summary.files] == ["epcn.xlsx", "epcn.xlsx", "qof.csv", "gp.csv"]
    assert population.sources == [str(small_register), str(qof), str(gp)]


def test_read_lists_directly(small_register: Path, tmp_path: Path, catalogue: dict[str, FieldDef]) -> None:
    population = Population()
    read_epcn(small_register, population)
    summary = read_lists(write(tmp_path, "qof.csv", QOF_HEAD + "B00001,LD,1,TOTAL,20\n"), population, catalogue)
    assert summary.used == 1
    assert summary.balanced


def test_every_catalogue_field_is_documented(catalogue: dict[str, FieldDef]) -> None:
    """docs/inputs.md lists the fields a user can supply: a new field must be added there too."""
    page = (Path(__file__).resolve().parents[1] / "docs" / "inputs.md").read_text(encoding="utf-8")
    missing = [name for name in catalogue if f"| `{name}` |" not in page]
    assert missing == [], f"fields not documented in docs/inputs.md: {missing}"


def test_input_files_name_each_file_once_in_whatever_form_it_is_given() -> None:
    files = InputFiles.of(register="epcn.xlsx", lists="qof.csv", staff=Path("staff.csv"))
    assert files == InputFiles(register=Path("epcn.xlsx"), lists=(Path("qof.csv"),), staff=Path("staff.csv"))
    assert InputFiles.of(lists=["a.csv", Path("b.csv")]).lists == (Path("a.csv"), Path("b.csv"))
    assert InputFiles.of(lists=[]) == InputFiles.of() == InputFiles()
    every = InputFiles.of(payments="pay.csv", staff="s.csv", networks="n.csv", practices="p.csv",
                          lists=["l1.csv", "l2.csv"], register="r.xlsx")
    assert every.given() == [Path(n) for n in ("r.xlsx", "l1.csv", "l2.csv", "p.csv", "n.csv", "s.csv", "pay.csv")]
    with pytest.raises(dataclasses.FrozenInstanceError):
        every.register = Path("other.xlsx")  # frozen: a set of files is named once


def test_read_files_reads_the_register_first_whatever_the_order_named(small_register: Path, tmp_path: Path) -> None:
    qof = write(tmp_path, "qof.csv", QOF_HEAD + "A00001,LD,5,TOTAL,4000\n")
    read = read_files(InputFiles(lists=(qof,), register=small_register))
    assert [f.file for f in read.summary.files] == ["epcn.xlsx", "epcn.xlsx", "qof.csv"]
    assert read.population.sources == [str(small_register), str(qof)]
    assert read.population.practices["A00001"].values["registered_list"] == 4000
    assert read.payments is None  # no payments file named


def test_read_population_takes_the_files_by_keyword_only(small_register: Path) -> None:
    assert set(read_population(register=small_register).practices) == \
        set(read_files(InputFiles(register=small_register)).population.practices)
    with pytest.raises(TypeError):
        read_population(small_register)  # a file by position would be ambiguous
