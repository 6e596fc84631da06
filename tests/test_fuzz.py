"""A fuzz harness (issue 11): generated input files of every format, and generated specs, fed to the
readers and the command line. Whatever they hold, the run ends in exit 0, 1 or 2, never a traceback
(exit 3), and every data row read is either used or left out for a stated reason.

`make test` runs each property on a small fixed budget (derandomised, so it is repeatable);
`make fuzz` runs the same properties on a long random one. FUZZ_EXAMPLES sets the number of examples
per property (default :data:`DEFAULT_EXAMPLES`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from contract.cli.app import main
from contract.io.generate import NETWORK_HEADER, PARTNER_HEADER
from contract.io.readers import InputFiles, read_files
from contract.io.readers.events import read_events
from contract.spec.facts import InputError
from contract.spec.loader import load_version

DEFAULT_EXAMPLES = 12
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
LONG_RUN = "FUZZ_EXAMPLES" in os.environ
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG_RUN, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROPERTIES = 9
"""The properties below; `make test` runs PROPERTIES × DEFAULT_EXAMPLES generated cases."""

VERSION, AS_OF = "2019-20", "2020-03-31"

# --- cells: good values, near misses and hostile text ------------------------------------------

HOSTILE = [
    "", " ", "0", "1", "-1", "5903", "5903.5", "1,234", "1e30", "1E+400", "1e999999", "NaN", "Infinity", "-0",
    "٤٣٠٢", "１２", "1_000", "9" * 29, "0.00000000001", "=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "yes",
    "no", "maybe", "2019-02-30", "2019-05-15", "20190515", "15/05/2019", "A81001", "U00001", "a81001",
    "\"", "\"\"", "\"open", "x\ny", "\x00", "\t", "\r", "<script>alert(1)</script>", "x" * 600, "√2", "é",
]
cell = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12),
                 st.integers(min_value=-10, max_value=10 ** 8).map(str),
                 st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str))
code = st.one_of(st.sampled_from(["A81001", "A81002", "B82001", "U00001", "U00002", "Z99999"]), cell)


def csv_text(header: list[str], rows: list[list[str]], raw: bool) -> str:
    """Rows joined with commas; `raw` leaves quotes and newlines unescaped (a broken file)."""
    if raw:
        return "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([header, *rows])
    return buffer.getvalue()


def table(header: list[str], first: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    width = len(header)
    row = st.tuples(first, st.lists(cell, min_size=width - 1, max_size=width - 1)).map(lambda t: [t[0], *t[1]])
    ragged = st.lists(cell, min_size=0, max_size=width + 2)
    return st.builds(csv_text, st.just(header), st.lists(st.one_of(row, row, ragged), max_size=8), st.booleans())


PRACTICE_HEADER = ["practice_code", "pcn_code", "name", "registered_list", "weighted_list", "signed_up",
                   "opted_out_on"]
NETWORKS_HEADER = ["pcn_code", "registered", "extended_hours_minutes_per_week", "care_home_beds"]
STAFF_HEADER = ["pcn_code", "staff_id", "role", "wte", "annual_cost"]
QOF_HEADER = ["PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE", "PATIENT_LIST_SIZE"]
EVENTS_HEADER = ["entity_code", "date", "event", "term_id", "cure_days", "amount_gbp", "note"]

json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), cell),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(cell, inner, max_size=3)),
    max_leaves=10,
)
json_records = st.lists(st.one_of(
    st.fixed_dictionaries({"practice_code": code, "pcn_code": code},
                          optional={"registered_list": json_value, "weighted_list": json_value, "name": json_value}),
    json_value), max_size=6)


def json_text(records: object, deep: int) -> str:
    text = json.dumps(records, allow_nan=True)
    return "[" * deep + text + "]" * deep


# --- what every run must satisfy ---------------------------------------------------------------


def status_of(args: list[str]) -> int:
    """Run the command line; a traceback (exit 3) fails the property."""
    status = main(args)
    assert status in (0, 1, 2), f"exit {status} for {args}"
    return status


def every_row_used_or_named(**files: Path) -> None:
    """Read the files as `evaluate` would: an InputError for the file, or every row accounted for."""
    try:
        summary = read_files(InputFiles.of(**files)).summary
    except InputError as exc:
        problem = exc
    else:
        problem = None
    if problem is not None:
        assert problem.file, problem  # a file-level error names its file
        return
    for file in summary.files:
        assert file.balanced, str(file)


def in_folder(build: Callable[[Path], list[str]]) -> int:
    with tempfile.TemporaryDirectory() as folder:
        return status_of(build(Path(folder)))


def evaluate(*inputs: str) -> list[str]:
    return ["evaluate", VERSION, "--as-of", AS_OF, "--keep-going", *inputs]


# --- the properties ----------------------------------------------------------------------------


@FUZZ
@given(table(PRACTICE_HEADER, code))
def test_practices_csv(text: str) -> None:
    def build(folder: Path) -> list[str]:
        path = folder / "practices.csv"
        path.write_text(text, encoding="utf-8")
        every_row_used_or_named(practices=path)
        return evaluate("--practices", str(path))

    in_folder(build)


@FUZZ
@given(json_records, st.sampled_from([0, 0, 0, 30]))
def test_practices_json(records: object, deep: int) -> None:
    def build(folder: Path) -> list[str]:
        path = folder / "practices.json"
        path.write_text(json_text(records, deep), encoding="utf-8")
        every_row_used_or_named(practices=path)
        return evaluate("--practices", str(path), "--format", "json")

    in_folder(build)


@FUZZ
@given(table(NETWORKS_HEADER, code), table(STAFF_HEADER, code))
def test_networks_and_staff_csv(networks: str, staff: str) -> None:
    def build(folder: Path) -> list[str]:
        (folder / "networks.csv").write_text(networks, encoding="utf-8")
        (folder / "staff.csv").write_text(staff, encoding="utf-8")
        every_row_used_or_named(networks=folder / "networks.csv", staff=folder / "staff.csv")
        return evaluate("--networks", str(folder / "networks.csv"), "--staff", str(folder / "staff.csv"),
                        "--format", "md")

    in_folder(build)


@FUZZ
@given(table(QOF_HEADER, code))
def test_qof_lists_csv(text: str) -> None:
    def build(folder: Path) -> list[str]:
        path = folder / "qof.csv"
        path.write_text(text, encoding="utf-8")
        every_row_used_or_named(lists=path)
        return evaluate("--lists", str(path))

    in_folder(build)


@FUZZ
@given(st.binary(max_size=200), st.sampled_from(["practices.csv", "practices.json", "register.xlsx", "x.dat"]))
def test_arbitrary_bytes_under_any_name(data: bytes, name: str) -> None:
    def build(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(data)
        flag = "--register" if name.endswith((".xlsx", ".dat")) else "--practices"
        return evaluate(flag, str(path))

    in_folder(build)


@FUZZ
@given(st.lists(st.lists(st.one_of(code, st.integers(), st.none()), min_size=0, max_size=11), max_size=5),
       st.lists(st.one_of(code, st.integers(), st.none(), st.just(20200701)), min_size=6, max_size=6))
def test_register_xlsx(partners: list[list[object]], network: list[object]) -> None:
    def build(folder: Path) -> list[str]:
        workbook = openpyxl.Workbook()
        details = workbook.active
        assert details is not None
        details.title = "PCN Details"
        details.append(NETWORK_HEADER)
        sheet = workbook.create_sheet("PCN Core Partner Details")
        sheet.append(PARTNER_HEADER)
        path = folder / "register.xlsx"
        try:
            details.append(network)
            for row in partners:
                sheet.append(row)
            workbook.save(path)
        except (ValueError, IllegalCharacterError):  # a cell openpyxl itself will not write (a control character)
            return ["versions"]
        every_row_used_or_named(register=path)
        return evaluate("--register", str(path))

    in_folder(build)


@FUZZ
@given(table(EVENTS_HEADER, code), st.booleans())
def test_events(text: str, as_json: bool) -> None:
    def build(folder: Path) -> list[str]:
        (folder / "practices.csv").write_text("practice_code,pcn_code\nA81001,U00001\n", encoding="utf-8")
        path = folder / ("events.json" if as_json else "events.csv")
        if as_json:
            lines = text.splitlines()
            keys = EVENTS_HEADER
            path.write_text(json.dumps([dict(zip(keys, line.split(","), strict=False)) for line in lines[1:]]),
                            encoding="utf-8")
        else:
            path.write_text(text, encoding="utf-8")
        try:
            read_events(path, load_version(VERSION))
        except InputError as exc:
            named = exc.file
        else:
            named = path.name
        assert named == path.name
        return evaluate("--practices", str(folder / "practices.csv"), "--events", str(path),
                        "-o", str(folder / "out.csv"))

    in_folder(build)


# --- specs ---------------------------------------------------------------------------------------

SOURCE = {"title": "a test", "url": "https://example.org/", "confidence": "secondary", "caveat": "a test"}
scalar = st.one_of(st.sampled_from(["true", "false", ".nan", ".inf", "-.inf", "-1.50", "0", "1.50", "~", "[]",
                                    "{}", "'x'", "9999-12-31", "1e400", "0x10", "&a", "*a", "!!python/none"]),
                   st.text(max_size=8).map(json.dumps))
name = st.sampled_from(["registered_list", "weighted_list", "as_of", "rate.core_pcn_funding", "signed_up",
                        "arrs.large_network_threshold", "nonsense", "0", "1", "date('2019-04-01')"])
formula = st.recursive(name, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from(["+", "-", "*", "/", " and ", " or ", " >= ", " == "]), inner)
    .map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
    st.tuples(st.sampled_from(["min", "max", "round_to", "floor_to", "not ", "-"]), inner, inner)
    .map(lambda t: f"{t[0]}({t[1]}, {t[2]})" if t[0] in ("min", "max", "round_to", "floor_to") else f"{t[0]}{t[1]}"),
), max_leaves=12)


def spec_folder(folder: Path, rate: str, posts: str, base: str) -> Path:
    home = folder / "mine" / "2019-20-mine"
    home.mkdir(parents=True)
    term = {"id": "arrs.posts_per_role", "kind": "parameter", "title": "t", "summary": "s",
            "service": "Additional roles", "unit": "count", "level": "network", "formula": posts, "citations": [SOURCE]}
    rate_term = {"id": "rate.core_pcn_funding", "kind": "parameter", "title": "t", "summary": "s",
                 "service": "Core PCN funding", "unit": "gbp", "per": "registered_patient",
                 "values": [{"effective": "2019-07-01", "value": "RATE", "citations": [SOURCE]}],
                 "citations": [SOURCE]}
    meta = {"id": "2019-20-mine", "title": "t", "status": "proposal",
            "in_force": {"start": "2019-04-01", "end": "2020-03-31"}, "published": "2019-01-01", "base": base,
            "summary": "s", "sources": [SOURCE],
            "changes": [{"op": "replace", "id": t["id"], "term": t, "reason": "r", "citations": [SOURCE]}
                        for t in (term, rate_term)]}
    text = yaml.safe_dump(meta, sort_keys=False).replace("RATE", rate.replace("'", "")) if rate != "'x'" else \
        yaml.safe_dump(meta, sort_keys=False)
    (home / "version.yaml").write_text(text, encoding="utf-8")
    return folder / "mine"


@FUZZ
@given(scalar, formula, st.sampled_from(["2019-20", "2019-20-mine", "2030-31", "../2019-20"]))
def test_user_specs(rate: str, posts: str, base: str) -> None:
    try:
        def build(folder: Path) -> list[str]:
            return ["validate", "--specs", str(spec_folder(folder, rate, posts, base))]

        in_folder(build)
    finally:
        load_version.cache_clear()


@FUZZ
@given(st.text(max_size=300))
def test_user_spec_yaml_text(text: str) -> None:
    try:
        def build(folder: Path) -> list[str]:
            home = folder / "mine" / "2019-20-mine"
            home.mkdir(parents=True)
            (home / "version.yaml").write_text(text, encoding="utf-8", errors="replace")
            return ["versions", "--specs", str(folder / "mine")]

        in_folder(build)
    finally:
        load_version.cache_clear()
