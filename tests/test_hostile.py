"""Hostile and broken input (issue 11): every variant that once ended in a traceback, fed to the
command line, now exits 2 (bad input) or 1 (bad spec) with the file, the row and the field named.

Each test builds its own small files; expected figures are the inputs themselves or arithmetic shown.
"""

from __future__ import annotations

import csv
import json
import os
import time
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import yaml

from contract.cli.app import main
from contract.io.generate import NETWORK_HEADER, PARTNER_HEADER
from contract.io.readers import read_population
from contract.spec.facts import load_field_catalogue
from contract.spec.loader import SPECS_ROOT, load_version
from contract.spec.yamlio import SpecError

VERSION, AS_OF = "2019-20", "2020-03-31"
NETWORKS = "pcn_code,registered,extended_hours_minutes_per_week\nU00001,yes,1000\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err, captured.err
    assert "internal error" not in captured.err, captured.err
    return code, captured.out, captured.err


def refused(capsys, args: list, *needles: str, code: int = 2) -> str:
    """Run; assert the exit status and that stderr names each needle (file, row, field, rule)."""
    status, _out, err = run(capsys, *args)
    assert status == code, err
    for needle in needles:
        assert needle in err, f"{needle!r} not in {err!r}"
    return err


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def evaluate_args(tmp_path: Path, practices: Path, *more: str) -> list:
    networks = write(tmp_path, "networks.csv", NETWORKS)
    return ["evaluate", VERSION, "--as-of", AS_OF, "--networks", networks, "--practices", practices, *more]


def practices_csv(tmp_path: Path, column: str, value: str, name: str = "practices.csv") -> Path:
    return write(tmp_path, name, f"practice_code,pcn_code,{column}\nA81001,U00001,{value}\n")


# --- numbers: plain, bounded by what the field can mean ------------------------------------------


@pytest.mark.parametrize(("column", "value", "rule"), [
    ("weighted_list", "1e30", "not a plain number"),
    ("registered_list", "1" * 29, "over the maximum 100,000,000"),  # 29 digits
    ("registered_list", "123456789", "over the maximum 100,000,000"),
    ("registered_list", "٤٣٠٢", "not a plain number"),  # Arabic-Indic digits
    ("registered_list", "１２", "not a plain number"),  # full-width digits
    ("registered_list", "1_000", "not a plain number"),
    ("weighted_list", "NaN", "not a finite number"),
    ("weighted_list", "Infinity", "not a finite number"),
    ("extended_hours_minutes_per_week", "10081", "over the maximum 10,080"),  # 7 × 24 × 60 = 10,080
])
def test_a_number_that_is_not_plain_or_not_in_bounds_is_named(tmp_path, capsys, column, value, rule):
    if column == "extended_hours_minutes_per_week":
        networks = write(tmp_path, "networks.csv", f"pcn_code,{column}\nU00001,{value}\n")
        args = ["evaluate", VERSION, "--as-of", AS_OF, "--networks", networks]
        refused(capsys, args, "networks.csv, row 2", f"field '{column}'", rule)
        return
    args = evaluate_args(tmp_path, practices_csv(tmp_path, column, value))
    refused(capsys, args, "practices.csv, row 2", f"field '{column}'", rule)


def test_json_numbers_too_large_or_not_finite_are_named(tmp_path, capsys):
    rows = ('[{"practice_code": "A81001", "pcn_code": "U00001", "weighted_list": 1e400},\n'
            ' {"practice_code": "A81002", "pcn_code": "U00001", "registered_list": ' + "9" * 5000 + "},\n"
            ' {"practice_code": "A81003", "pcn_code": "U00001", "weighted_list": 1.5}]\n')
    practices = write(tmp_path, "practices.json", rows)
    err = refused(capsys, evaluate_args(tmp_path, practices), "practices.json, row 1, field 'weighted_list'",
                  "practices.json, row 2, field 'registered_list'", "over the maximum")
    assert "row 3" not in err  # 1.5 is a fine weighted list
    write(tmp_path, "nan.json", '[{"practice_code": "A81001", "weighted_list": NaN}]')
    refused(capsys, evaluate_args(tmp_path, tmp_path / "nan.json"), "nan.json", "NaN is not a number JSON allows")


def test_deeply_nested_json_is_refused_at_its_line(tmp_path, capsys):
    practices = write(tmp_path, "practices.json", "[\n" + "[" * 100_000 + "]" * 100_000 + "\n]")
    refused(capsys, evaluate_args(tmp_path, practices), "practices.json, row 2", "nested more than 20 levels")


def test_a_qof_list_of_1e999999_is_refused_quickly(tmp_path, capsys):
    qof = write(tmp_path, "qof.csv", "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PATIENT_LIST_SIZE\n"
                                     "A81001,LD,5,TOTAL,1e999999\n")
    started = time.perf_counter()
    refused(capsys, ["evaluate", VERSION, "--as-of", AS_OF, "--lists", qof],
            "qof.csv, row 2", "field 'PATIENT_LIST_SIZE'", "not a plain number")
    assert time.perf_counter() - started < 10  # it once spent 55 s before crashing


def test_a_csv_cell_over_131072_characters_is_named_at_its_row(tmp_path, capsys):
    practices = write(tmp_path, "practices.csv", "practice_code,name\nA81001,ok\nA81002," + "x" * 131_073 + "\n")
    refused(capsys, evaluate_args(tmp_path, practices), "practices.csv, row 3", "longer than 131,072 characters")


def test_a_long_name_is_refused_at_its_row(tmp_path, capsys):
    practices = write(tmp_path, "practices.csv", "practice_code,name\nA81001," + "x" * 600 + "\n")
    refused(capsys, evaluate_args(tmp_path, practices), "practices.csv, row 2", "field 'name'", "at most 500")


def test_an_unterminated_quote_is_reported_where_it_opens(tmp_path, capsys):
    practices = write(tmp_path, "practices.csv", 'practice_code,name\nA81001,ok\nA81002,"open\nA81003,x\nA81004,y\n')
    refused(capsys, evaluate_args(tmp_path, practices), "practices.csv, row 3", "never closed")


# --- files chosen by content ----------------------------------------------------------------------


def partner(code: str, pcn: str, end: object = None) -> tuple:
    return (code, f"{code} SURGERY", "00L", "NHS X CCG", pcn, "", "00L", "NHS X CCG", 20190701, end, "")


def register(tmp_path: Path, partners: list[tuple], name: str = "epcn.xlsx", close: object = None) -> Path:
    workbook = openpyxl.Workbook()
    details = workbook.active
    assert details is not None
    details.title = "PCN Details"
    details.append(NETWORK_HEADER)
    details.append(("U00001", "U00001 PCN", "00L", "NHS X CCG", 20190701, close))
    sheet = workbook.create_sheet("PCN Core Partner Details")
    sheet.append(PARTNER_HEADER)
    for row in partners:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_a_register_named_dat_still_reads_and_a_csv_named_xlsx_is_refused(tmp_path, capsys):
    workbook = register(tmp_path, [partner("A81001", "U00001")], name="register.dat")
    status, out, err = run(capsys, "evaluate", VERSION, "--as-of", AS_OF, "--register", workbook)
    assert status == 0, err
    assert "A81001" in out
    text = write(tmp_path, "register.xlsx", "PCN Code,PCN Name\nU00001,x\n")
    refused(capsys, ["evaluate", VERSION, "--as-of", AS_OF, "--register", text], "register.xlsx",
            "not a readable .xlsx workbook (it is CSV text")


def test_a_corrupt_member_inside_the_workbook_is_named(tmp_path, capsys):
    good = register(tmp_path, [partner("A81001", "U00001")])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]  # the partner sheet cut off half way
            target.writestr(item, data)
    refused(capsys, ["evaluate", VERSION, "--as-of", AS_OF, "--register", broken], "broken.xlsx",
            "a part of it is damaged")


def test_a_workbook_given_as_a_practices_file_is_refused(tmp_path, capsys):
    workbook = register(tmp_path, [partner("A81001", "U00001")], name="practices.csv")
    refused(capsys, evaluate_args(tmp_path, workbook), "practices.csv", "is an .xlsx workbook")


def test_duplicated_columns_in_nhs_digital_files_are_refused(tmp_path, capsys):
    qof = write(tmp_path, "qof.csv", "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PATIENT_LIST_SIZE,"
                                     "PATIENT_LIST_SIZE\nA81001,LD,5,TOTAL,4000,9000\n")
    refused(capsys, ["evaluate", VERSION, "--as-of", AS_OF, "--lists", qof], "qof.csv, row 1",
            "field 'PATIENT_LIST_SIZE'", "column appears twice")


def test_a_name_that_contradicts_the_register_is_reported(tmp_path, capsys):
    workbook = register(tmp_path, [partner("A81001", "U00001")])
    practices = write(tmp_path, "practices.csv", "practice_code,name\nA81001,ELSEWHERE MEDICAL CENTRE\n")
    refused(capsys, ["evaluate", VERSION, "--as-of", AS_OF, "--register", workbook, "--practices", practices],
            "practices.csv, row 2, field 'name'", "'A81001 SURGERY'", "ELSEWHERE MEDICAL CENTRE")
    same = write(tmp_path, "same.csv", "practice_code,name\nA81001,a81001  surgery\n")  # case and spaces only
    status, _out, err = run(capsys, "evaluate", VERSION, "--as-of", AS_OF, "--register", workbook,
                            "--practices", same)
    assert status == 0, err


# --- the register's end dates, judged at the as-of date -------------------------------------------


def test_a_membership_ending_after_the_as_of_date_is_evaluated(tmp_path, capsys):
    workbook = register(tmp_path, [partner("A81001", "U00001", end=20200630),   # ends after 2020-03-31
                                   partner("A81002", "U00001", end=20200331),   # ends on the as-of date
                                   partner("A81003", "U00001")])
    status, out, err = run(capsys, "evaluate", VERSION, "--as-of", AS_OF, "--register", workbook)
    assert status == 0, err
    assert "A81001" in out
    assert "A81003" in out
    assert "A81002" not in out
    assert "relationship ended on or before 2020-03-31: row 3" in err  # the row left out is named
    later = read_population(register=workbook, as_of=date(2020, 7, 1))  # after A81001's end too
    assert sorted(later.practices) == ["A81003"]
    undated = read_population(register=workbook)  # no as-of date: any end date ends the membership
    assert sorted(undated.practices) == ["A81003"]


def test_a_network_closing_after_the_as_of_date_is_current(tmp_path, capsys):
    workbook = register(tmp_path, [partner("A81001", "U00001")], close=20200701)
    status, out, err = run(capsys, "evaluate", VERSION, "--as-of", AS_OF, "--register", workbook)
    assert status == 0, err
    assert "U00001" in out


# --- events -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("row", "field", "rule"), [
    ("A81001,2019-10-01,payment_withheld,,,1" + "0" * 40 + ",", "amount_gbp", "over the maximum"),  # 1e40
    ("A81001,2019-10-01,payment_withheld,,,100000001,", "amount_gbp", "over the maximum"),
    ("A81001,2019-10-01,remedial_notice_served,,1" + "0" * 30 + ",,", "cure_days", "over the maximum"),
    ("A81001,2019-10-01,remedial_notice_served,,3661,,", "cure_days", "over the maximum 3,660"),
    ("A81001,9999-12-31,remedial_notice_served,,28,,", "date", "outside 2019-01-01 to 2099-12-31"),
])
def test_bad_event_values_are_named(tmp_path, capsys, row, field, rule):
    events = write(tmp_path, "events.csv", "entity_code,date,event,term_id,cure_days,amount_gbp,note\n" + row + "\n")
    practices = practices_csv(tmp_path, "registered_list", "5000")
    refused(capsys, evaluate_args(tmp_path, practices, "--events", events), "events.csv, row 2",
            f"field '{field}'", rule)


def test_an_event_about_an_unknown_practice_is_an_input_issue(tmp_path, capsys):
    events = write(tmp_path, "events.csv", "entity_code,date,event\nZ99999,2019-10-01,payment_withheld\n")
    practices = practices_csv(tmp_path, "registered_list", "5000")
    refused(capsys, evaluate_args(tmp_path, practices, "--events", events), "events.csv, row 2",
            "field 'entity_code'", "Z99999")
    output = tmp_path / "out" / "report.csv"
    status, _out, err = run(capsys, *evaluate_args(tmp_path, practices, "--events", events, "--keep-going",
                                                   "-o", output))
    assert status == 0, err
    with (tmp_path / "out" / "report.issues.csv").open(encoding="utf-8") as handle:
        issues = list(csv.DictReader(handle))
    assert [(i["file"], i["row"], i["field"]) for i in issues] == [("events.csv", "2", "entity_code")]


# --- --keep-going names every bad row -----------------------------------------------------------


def test_keep_going_with_csv_output_names_every_bad_row_in_a_companion_file(tmp_path, capsys):
    good = [f"A8{n:04d},U00001,{1000 + n}" for n in range(1, 3)]  # 2 good rows
    bad = [f"B8{n:04d},U00001,-{n}" for n in range(1, 69)]  # 68 bad rows: negative list sizes
    practices = write(tmp_path, "practices.csv", "practice_code,pcn_code,registered_list\n"
                                                 + "\n".join(good + bad) + "\n")
    output = tmp_path / "report.csv"
    status, _out, err = run(capsys, *evaluate_args(tmp_path, practices, "--keep-going", "-o", output))
    assert status == 0, err
    companion = tmp_path / "report.issues.csv"
    assert f"68 input issues written to {companion}" in err
    with companion.open(encoding="utf-8") as handle:
        issues = list(csv.DictReader(handle))
    assert sorted(int(i["row"]) for i in issues) == list(range(4, 72))  # header 1, good rows 2-3
    assert {i["field"] for i in issues} == {"registered_list"}
    assert output.exists()


def test_keep_going_with_csv_on_stdout_prints_every_bad_row(tmp_path, capsys):
    bad = [f"B8{n:04d},U00001,-{n}" for n in range(1, 69)]
    practices = write(tmp_path, "practices.csv", "practice_code,pcn_code,registered_list\n" + "\n".join(bad) + "\n")
    status, _out, err = run(capsys, *evaluate_args(tmp_path, practices, "--keep-going"))
    assert status == 0, err
    assert sum(1 for line in err.splitlines() if "practices.csv, row" in line) == 68


# --- -o ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["folder", "/dev/full", ""])
def test_an_output_that_cannot_be_a_file_is_a_usage_error(tmp_path, capsys, target):
    if target == "/dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    output = str(tmp_path) if target == "folder" else target
    practices = practices_csv(tmp_path, "registered_list", "5000")
    refused(capsys, evaluate_args(tmp_path, practices, "-o", output), "-o")


# --- a user's own specs -------------------------------------------------------------------------

SOURCE = {"title": "a test", "url": "https://example.org/", "confidence": "secondary", "caveat": "a test"}


def overlay(folder: Path, vid: str, base: str, changes: list | None = None) -> Path:
    home = folder / vid
    home.mkdir(parents=True, exist_ok=True)
    meta = {"id": vid, "title": vid, "status": "proposal", "in_force": {"start": "2019-04-01", "end": "2020-03-31"},
            "published": "2019-01-01", "base": base, "summary": "a test overlay", "sources": [SOURCE],
            "changes": changes or []}
    (home / "version.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    return home / "version.yaml"


def shipped_term(version: str, term_id: str) -> dict:
    for path in sorted((SPECS_ROOT / version).glob("*.yaml")):
        for term in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("terms", []):
            if term["id"] == term_id:
                return term
    raise AssertionError(term_id)


def replacing(term: dict) -> list:
    return [{"op": "replace", "id": term["id"], "term": term, "reason": "a test", "citations": [SOURCE]}]


@pytest.fixture
def user_specs(tmp_path):
    yield tmp_path / "mine"
    load_version.cache_clear()


def test_an_overlay_on_a_shipped_base_loads_from_a_users_folder(user_specs, capsys):
    overlay(user_specs, "2019-20-mine", "2019-20")
    status, out, err = run(capsys, "--specs", user_specs, "versions")
    assert status == 0, err
    assert "2019-20-mine" in out
    environment = dict(os.environ)
    try:
        os.environ["CONTRACT_SPECS"] = str(user_specs)
        status, out, err = run(capsys, "validate")
    finally:
        os.environ.clear()
        os.environ.update(environment)
    assert status == 0, err
    assert "2019-20-mine" in out


def test_an_overlay_base_cycle_exits_1_naming_the_file(user_specs, capsys):
    overlay(user_specs, "2030-31-alpha", "2030-31-beta")
    overlay(user_specs, "2030-31-beta", "2030-31-alpha")
    started = time.perf_counter()
    refused(capsys, ["validate", "--specs", user_specs], "2030-31-", "version.yaml: base",
            "overlay bases form a cycle", code=1)
    assert time.perf_counter() - started < 10  # it once recursed for 26 s


@pytest.mark.parametrize(("name", "content", "rule"), [
    ("latin1.yaml", "terms: [caf\xe9]\n".encode("latin-1"), "is not UTF-8 text"),
    ("deep.yaml", ("terms: " + "[" * 5000 + "]" * 5000 + "\n").encode(), "nested"),
    ("folder.yaml", None, "is not a file (it is a folder)"),
])
def test_an_unreadable_spec_file_exits_1_naming_it(user_specs, capsys, name, content, rule):
    home = overlay(user_specs, "2019-20-mine", "2019-20").parent
    if content is None:
        (home / name).mkdir()
    else:
        (home / name).write_bytes(content)
    refused(capsys, ["validate", "--specs", user_specs], name, rule, code=1)


@pytest.mark.parametrize(("term_id", "change", "key", "rule"), [
    ("arrs.posts_per_role", {"formula": "(" * 5000 + "registered_list" + ")" * 5000}, "formula", "characters long"),
    ("arrs.posts_per_role", {"formula": "(" * 60 + "registered_list" + ")" * 60}, "formula", "brackets nest 60"),
    ("arrs.posts_per_role", {"formula": "registered_list / 0"}, "formula", "division by zero"),
    ("arrs.posts_per_role", {"formula": "round_to(registered_list, 0)"}, "formula", "fails with inputs at 1"),
    ("rate.core_pcn_funding", {"values.0.value": "@true"}, "values.0.value", "is not a number"),
    ("rate.core_pcn_funding", {"values.0.value": "@.nan"}, "values.0.value", "not a plain finite number"),
    ("rate.core_pcn_funding", {"values.0.value": "@.inf"}, "values.0.value", "not a plain finite number"),
    ("rate.core_pcn_funding", {"values.0.value": "@-1.50"}, "values.0.value", "is negative"),
    ("payment.core_pcn_funding", {"accrual.end": "9999-12-31"}, "accrual", "9999-12-31"),
])
def test_validate_refuses_a_spec_that_would_crash_or_pay_wrong_money(user_specs, capsys, term_id, change, key, rule):
    term = shipped_term(VERSION, term_id)
    raw: dict[str, str] = {}
    for path, value in change.items():
        *parents, last = path.split(".")
        target = term
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if isinstance(value, str) and value.startswith("@"):  # a raw YAML scalar: true, .nan, -1.50
            raw[f"RAW{len(raw)}"] = value[1:]
            value = f"RAW{len(raw) - 1}"
        target[last] = value
    version_yaml = overlay(user_specs, "2019-20-mine", VERSION, replacing(term))
    text = version_yaml.read_text(encoding="utf-8")
    for placeholder, scalar in raw.items():
        text = text.replace(placeholder, scalar)
    version_yaml.write_text(text, encoding="utf-8")
    refused(capsys, ["validate", "--specs", user_specs], "2019-20-mine", f"{term_id}.{key}", rule, code=1)


def test_a_malformed_field_catalogue_is_a_spec_error(tmp_path):
    broken = write(tmp_path, "fields.yaml",
                   "fields:\n  - name: registered_list\n    level: practice\n    type: count\n")
    with pytest.raises(SpecError, match=r"fields\.yaml: fields\[0\]"):
        load_field_catalogue(broken)  # no label, no description, no maximum
    unbounded = write(tmp_path, "more.yaml", "fields:\n  - {name: beds, level: practice, type: count, "
                                             "label: Beds, description: beds}\n")
    with pytest.raises(SpecError, match=r"fields\[0\]\.maximum: beds is a count field"):
        load_field_catalogue(unbounded)
    write(tmp_path, "notalist.yaml", "fields: 3\n")
    with pytest.raises(SpecError, match="must be a mapping with one key"):
        load_field_catalogue(tmp_path / "notalist.yaml")


def test_json_of_the_project_file_written_with_strings_still_reads(tmp_path, capsys):
    practices = write(tmp_path, "practices.json", json.dumps(
        [{"practice_code": "A81001", "pcn_code": "U00001", "registered_list": "5000", "weighted_list": 5123.45}]))
    status, out, err = run(capsys, *evaluate_args(tmp_path, practices))
    assert status == 0, err
    assert "A81001" in out
