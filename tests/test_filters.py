"""One area at a time: `--commissioner` and `--pcn` (contract.io.select and cli.common.apply_filters).

Expected areas are built here from the rows written (or, for Sheffield, read straight from the
register with openpyxl), never from the program's selection.
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from contract.cli.app import main
from contract.io.select import UnknownCodes, describe_selection, select
from contract.spec.facts import Network, Population, Practice, StaffMember
from tests.conftest import real_data


def _population() -> Population:
    """Two commissioners: 03N has networks U1 (practices P1, P2; P2 is 02P's) and U2 (P3); 02P has
    U3 (P4) and a practice in no network, P5; 03N also has P6, in no network."""
    pop = Population()
    for code, ccg, members in (("U1", "03N", ["P1", "P2"]), ("U2", "03N", ["P3"]), ("U3", "02P", ["P4"])):
        pop.networks[code] = Network(code=code, commissioner_code=ccg, member_codes=members)
    for code, ccg, pcn in (("P1", "03N", "U1"), ("P2", "02P", "U1"), ("P3", "03N", "U2"), ("P4", "02P", "U3"),
                           ("P5", "02P", None), ("P6", "03N", None)):
        pop.practices[code] = Practice(code=code, commissioner_code=ccg, pcn_code=pcn)
    from contract.spec.facts import Provenance

    pop.staff = [StaffMember(pcn_code=pcn, staff_id=f"S{pcn}", provenance=Provenance(file="staff.csv"))
                 for pcn in ("U1", "U3")]
    return pop


def test_a_commissioner_keeps_its_networks_their_members_and_its_own_practices():
    chosen = select(_population(), ["03N"])
    assert set(chosen.networks) == {"U1", "U2"}
    # P2 is another commissioner's practice but a member of U1; P6 is 03N's, in no network.
    assert set(chosen.practices) == {"P1", "P2", "P3", "P6"}
    assert [s.pcn_code for s in chosen.staff] == ["U1"]


def test_a_network_keeps_itself_and_its_members_only():
    chosen = select(_population(), networks=["u3"])  # codes are matched without regard to case
    assert set(chosen.networks) == {"U3"}
    assert set(chosen.practices) == {"P4"}


def test_codes_combine_as_a_union_and_nothing_asked_is_everything():
    pop = _population()
    chosen = select(pop, ["02P"], ["U2"])
    assert set(chosen.networks) == {"U2", "U3"}
    # 02P's own practices (P2, though its network U1 is 03N's; P4; P5 in no network) and U2's member P3.
    assert set(chosen.practices) == {"P2", "P3", "P4", "P5"}
    assert select(pop) is pop
    assert set(pop.practices) == {"P1", "P2", "P3", "P4", "P5", "P6"}  # the input is not changed


def test_the_selection_is_described_in_words():
    pop = _population()
    assert describe_selection(select(pop, ["03N"]), ["03N"]) == "commissioner 03N: 2 networks, 4 practices"
    assert describe_selection(select(pop, networks=["U3"]), networks=["U3"]) == "network U3: 1 network, 1 practice"
    assert describe_selection(pop) is None


def test_an_unknown_code_is_named():
    with pytest.raises(UnknownCodes, match="unknown commissioner codes 99X, 99Y"):
        select(_population(), ["03N", "99Y", "99X"])
    with pytest.raises(UnknownCodes, match="unknown network code U9"):
        select(_population(), networks=["U9"])


@pytest.fixture
def two_areas(tmp_path) -> list[str]:
    networks = tmp_path / "networks.csv"
    networks.write_text("pcn_code,commissioner_code,registered\nU00001,03N,yes\nU00002,02P,yes\n", encoding="utf-8")
    practices = tmp_path / "practices.csv"
    practices.write_text("practice_code,pcn_code,commissioner_code,registered_list\n"
                         "A81001,U00001,03N,30000\nB81001,U00002,02P,40000\n", encoding="utf-8")
    return ["--networks", str(networks), "--practices", str(practices)]


def test_evaluate_covers_only_the_area_asked_for_and_says_so(two_areas, capsys):
    assert main(["evaluate", "2019-20", "--as-of", "2019-12-31", *two_areas, "--commissioner", "03N",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {f["entity_code"] for f in data["findings"]} == {"U00001", "A81001"}
    assert data["scope"] == "commissioner 03N: 1 network, 1 practice"
    core = next(f for f in data["findings"] if f["term_id"] == "payment.core_pcn_funding")
    assert core["amount"] == "45000.00"  # 30,000 patients × £1.50 (the 2019-20 core funding rate)


def test_an_unknown_commissioner_is_exit_2_naming_it(two_areas, capsys):
    assert main(["evaluate", "2019-20", "--as-of", "2019-12-31", *two_areas, "--commissioner", "99Z"]) == 2
    assert "99Z" in capsys.readouterr().err
    assert main(["coverage", "2020-21", "--as-of", "2020-12-31", *two_areas, "--pcn", "U09999"]) == 2
    assert "--pcn" in capsys.readouterr().err


def test_every_population_command_takes_the_filters(two_areas, capsys):
    assert main(["coverage", "2020-21", "--as-of", "2020-12-31", *two_areas, "--pcn", "U00002",
                 "--format", "json"]) == 0
    assert "U00001" not in capsys.readouterr().out
    assert main(["explain", "2019-20", "U00001", "payment.core_pcn_funding", "--as-of", "2019-12-31", *two_areas,
                 "--commissioner", "02P"]) == 2  # U00001 is not in 02P's area
    assert "U00001" in capsys.readouterr().err
    assert main(["impact", "2019-20", "2020-21", *two_areas, "--commissioner", "02P", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "B81001" in out
    assert "A81001" not in out


# --- Sheffield, on NHS Digital's own register ------------------------------------------------------


def _sheffield_from_the_register() -> tuple[set[str], set[str]]:
    """03N's networks and every practice that belongs (a member of one of them, or 03N's own), read
    from the register's two sheets directly."""
    book = openpyxl.load_workbook(real_data("epcn-2019-12.xlsx"), read_only=True)

    def rows(sheet: str) -> list[dict[str, object]]:
        it = book[sheet].iter_rows(values_only=True)
        header = [str(h).strip() for h in next(it)]
        return [dict(zip(header, r, strict=False)) for r in it]

    networks = {r["PCN Code"] for r in rows("PCN Details")
                if r["Current Clinical Commissioning Group Code"] == "03N" and not r.get("Close Date")}
    practices = {r["Partner Organisation Code"] for r in rows("PCN Core Partner Details")
                 if (r["PCN Code"] in networks or r["Practice Parent CCG Code"] == "03N")
                 and not r.get("Practice to PCN Relationship End Date")}
    return {str(n) for n in networks}, {str(p) for p in practices}


@pytest.mark.realdata
@pytest.mark.parametrize("fmt", ["csv", "json", "md", "xlsx"])
def test_sheffield_03n_covers_exactly_its_15_networks_and_their_practices(fmt, tmp_path):
    networks, practices = _sheffield_from_the_register()
    assert len(networks) == 15  # Sheffield CCG's 15 networks in the December 2019 register
    out = tmp_path / f"sheffield.{fmt}"
    assert main(["evaluate", "2020-21", "--as-of", "2021-03-31", "--register", str(real_data("epcn-2019-12.xlsx")),
                 "--lists", str(real_data("qof-prevalence-2019-20.csv")), "--commissioner", "03N",
                 "--format", fmt, "-o", str(out)]) == 0
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
        seen = {(r["entity_type"], r["entity_code"]) for r in rows}
    elif fmt == "json":
        data = json.loads(out.read_text(encoding="utf-8"))
        seen = {(f["entity_type"], f["entity_code"]) for f in data["findings"]}
        assert data["scope"] == f"commissioner 03N: 15 networks, {len(practices)} practices"
    elif fmt == "md":
        text = out.read_text(encoding="utf-8")
        assert f"Area: commissioner 03N: 15 networks, {len(practices)} practices." in text
        assert f"{15 + len(practices):,} entities" in text
        return
    else:
        book = openpyxl.load_workbook(out, read_only=True)
        seen = {(str(r[0]), str(r[1])) for r in book["Findings"].iter_rows(min_row=2, values_only=True)}
        assert {str(r[0]) for r in book["Networks"].iter_rows(min_row=2, values_only=True)} == networks
        assert {str(r[0]) for r in book["Practices"].iter_rows(min_row=2, values_only=True)} == practices
    assert {code for kind, code in seen if kind == "network"} == networks
    assert {code for kind, code in seen if kind == "practice"} == practices


def test_explain_evaluates_one_entity_and_what_it_depends_on(tmp_path):
    """`around` keeps a network and its member practices (their totals feed its lines) and a practice
    alone; the network's findings are the same as in a run over everyone."""
    from datetime import date
    from decimal import Decimal

    from contract.evaluation.evaluate import evaluate
    from contract.io.readers import read_population
    from contract.io.select import around
    from contract.spec.loader import load_version

    practices = tmp_path / "practices.csv"
    practices.write_text("practice_code,pcn_code,registered_list\nA00001,U00001,20000\nA00002,U00001,11000\n"
                         "A00003,U00002,9000\n", encoding="utf-8")
    networks = tmp_path / "networks.csv"
    networks.write_text("pcn_code,registered\nU00001,yes\nU00002,yes\n", encoding="utf-8")
    population = read_population(practices=practices, networks=networks)
    one = around(population, "U00001")
    assert (sorted(one.networks), sorted(one.practices)) == (["U00001"], ["A00001", "A00002"])
    assert (sorted(around(population, "A00003").practices), around(population, "A00003").networks) == (["A00003"], {})
    version, day = load_version("2019-20"), date(2020, 3, 31)
    whole = {f.term_id: f for f in evaluate(version, population, day).for_entity("U00001")}
    alone = {f.term_id: f for f in evaluate(version, one, day).for_entity("U00001")}
    assert alone == whole
    # 31,000 registered patients × £1.50 a year, the whole year: £46,500.00
    assert alone["payment.core_pcn_funding"].amount == Decimal("46500.00")
