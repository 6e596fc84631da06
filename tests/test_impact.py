"""The money impact of moving between versions, on a small synthetic population with the arithmetic
shown, and on the real national files where they are present."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from contract.analysis.impact import Impact, allocate, impact
from contract.spec.facts import Network, Population, Practice
from contract.spec.schema import Version
from tests.synthetic import END, entitlement, make_version, obligation, param

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def version(vid: str, network_rate: str, practice_rate: str, size_min: int) -> Version:
    terms = [
        param("param.rate_network", "gbp", Decimal(network_rate), per="registered_patient", period="year"),
        param("param.rate_practice", "gbp", Decimal(practice_rate), per="weighted_patient", period="month"),
        param("param.size_min", "patients", Decimal(size_min)),
        obligation("obl.size", "registered_list >= param.size_min or size_exception_agreed",
                   title="Serve enough patients"),
        entitlement("payment.network", "param.rate_network", "registered_list", "network", eligible_when="registered"),
        entitlement("payment.practice", "param.rate_practice", "weighted_list", "practice", eligible_when="signed_up"),
    ]
    return make_version({t.id: t for t in terms}, vid)


A = version("2019-20", "1.50", "0.147", 30000)
B = version("2019-20-proposal", "1.75", "0.10", 35000)


def population() -> Population:
    pop = Population()
    practices = [  # code, commissioner, registered list, weighted list (None: not given), signed up
        ("P001", "AAA", 12000, Decimal("11000.5"), True),
        ("P002", "AAA", 8000, Decimal(9000), True),
        ("P003", "BBB", 20000, None, True),
        ("P004", "BBB", 4000, Decimal(4000), False),
    ]
    for code, ccg, size, weighted, signed in practices:
        values = {"registered_list": size, "signed_up": signed}
        if weighted is not None:
            values["weighted_list"] = weighted
        pop.practices[code] = Practice(code=code, name=f"Practice {code}", commissioner_code=ccg, values=values)
    pop.networks["N1"] = Network(code="N1", commissioner_code="AAA", member_codes=["P001", "P002", "P003"],
                                 values={"registered": True, "size_exception_agreed": False})
    pop.networks["N2"] = Network(code="N2", commissioner_code="BBB", member_codes=["P004"],
                                 values={"registered": True, "size_exception_agreed": False})
    pop.networks["N3"] = Network(code="N3", commissioner_code="BBB",
                                 values={"registered": True, "registered_list": 32000, "size_exception_agreed": False})
    return pop


def _entity(r: Impact, code: str):
    return next(e for e in r.entities if e.code == code)


def _line(entity, term_id: str, attributed: bool = False):
    return next(x for x in entity.lines if x.term_id == term_id and x.attributed is attributed)


@pytest.fixture(scope="module")
def result() -> Impact:
    return impact(A, B, population(), date(2020, 3, 31), date(2020, 3, 31))


def test_network_lines_follow_the_rate_by_hand(result):
    # Network payment: registered list × rate a year, 12 of 12 months.
    # N1: members 12,000 + 8,000 + 20,000 = 40,000 × £1.50 = £60,000.00; × £1.75 = £70,000.00: +£10,000.00
    # N2: 4,000 × £1.50 = £6,000.00; × £1.75 = £7,000.00: +£1,000.00
    # N3: 32,000 (given for the network) × £1.50 = £48,000.00; × £1.75 = £56,000.00: +£8,000.00
    expected = {"N1": ("60000.00", "70000.00"), "N2": ("6000.00", "7000.00"), "N3": ("48000.00", "56000.00")}
    for code, (old, new) in expected.items():
        line = _line(_entity(result, code), "payment.network")
        assert (line.old, line.new, line.delta) == (Decimal(old), Decimal(new), Decimal(new) - Decimal(old))
    national = next(x for x in result.lines if x.term_id == "payment.network")
    assert (national.old, national.new, national.delta) == (Decimal(114000), Decimal(133000), Decimal(19000))
    assert result.networks.winners == 3
    assert result.networks.top_winners[0].code == "N1"


def test_practice_lines_by_hand_and_a_missing_input_is_unknown_not_zero(result):
    # Practice payment: weighted list × rate a month × 12 months.
    # P001: 11,000.5 × £0.147 × 12 = £19,404.882 → £19,404.88; × £0.10 × 12 = £13,200.60: −£6,204.28
    # P002: 9,000 × £0.147 × 12 = £15,876.00; × £0.10 × 12 = £10,800.00: −£5,076.00
    # P003: no weighted list: unknown under both, never £0.
    # P004: not signed up: not payable under either, a known £0.
    p1, p2 = _line(_entity(result, "P001"), "payment.practice"), _line(_entity(result, "P002"), "payment.practice")
    assert (p1.old, p1.new, p1.delta) == (Decimal("19404.88"), Decimal("13200.60"), Decimal("-6204.28"))
    assert (p2.old, p2.new, p2.delta) == (Decimal("15876.00"), Decimal("10800.00"), Decimal("-5076.00"))
    p3 = _line(_entity(result, "P003"), "payment.practice")
    assert (p3.old, p3.new, p3.delta, p3.status_a) == (None, None, None, "input_missing")
    assert p3.missing == ["weighted_list"]
    p4 = _line(_entity(result, "P004"), "payment.practice")
    assert (p4.old, p4.new, p4.status_a) == (Decimal(0), Decimal(0), "not_applicable")
    national = next(x for x in result.lines if x.term_id == "payment.practice")
    # Known: 19,404.88 + 15,876.00 + 0 = 35,280.88 and 13,200.60 + 10,800.00 + 0 = 24,000.60.
    assert (national.old, national.new, national.delta) == (Decimal("35280.88"), Decimal("24000.60"),
                                                            Decimal("-11280.28"))
    assert (national.unknown_a, national.unknown_b, national.unknown_delta) == (1, 1, 1)
    s = result.practices
    assert (s.winners, s.losers, s.unchanged, s.unknown) == (0, 2, 1, 1)
    assert [m.code for m in s.top_losers] == ["P001", "P002"]
    assert "not £0" in result.summary
    assert any(m.input == "weighted_list" and m.entities == 1 for m in result.missing_inputs)


def test_commissioner_totals_and_bands(result):
    aaa = next(c for c in result.commissioners if c.commissioner == "AAA" and c.term_id == "payment.network")
    assert (aaa.old, aaa.new) == (Decimal(60000), Decimal(70000))
    bbb = next(c for c in result.commissioners if c.commissioner == "BBB" and c.term_id == "payment.practice")
    assert (bbb.old, bbb.unknown_a, bbb.entities) == (Decimal(0), 1, 2)
    bands = {b.band: b for b in result.practices.bands}
    assert (bands["10k–15k"].count, bands["5k–10k"].count, bands["≥20k"].count, bands["<5k"].count) == (1, 1, 1, 1)
    assert bands["≥20k"].known == 0
    nets = {b.band: b.count for b in result.networks.bands}
    assert nets == {"<30k": 1, "30k–50k": 2, "50k–100k": 0, "≥100k": 0}


def test_a_raised_size_minimum_is_a_threshold_crossing(result):
    # N3 serves 32,000: at least 30,000 under A (met), under 35,000 under B (not met).
    crossing = next(c for c in result.crossings if c.term_id == "obl.size")
    assert (crossing.from_state, crossing.to_state, crossing.count, crossing.examples) == ("met", "not_met", 1, ["N3"])
    assert "serve enough patients: 1 network from met to not met" in result.summary


def test_attributing_network_money_to_practices():
    r = impact(A, B, population(), attribute_networks=True)
    assert r.as_of_a == END
    assert r.attribution
    assert "pro rata" in r.summary
    # N1's £60,000.00 → £70,000.00 shared 12,000 : 8,000 : 20,000 of 40,000:
    # P001 £18,000.00 → £21,000.00, P002 £12,000.00 → £14,000.00, P003 £30,000.00 → £35,000.00.
    shares = {c: _line(_entity(r, c), "payment.network", attributed=True) for c in ("P001", "P002", "P003")}
    assert [(s.old, s.new) for s in shares.values()] == [
        (Decimal(18000), Decimal(21000)), (Decimal(12000), Decimal(14000)), (Decimal(30000), Decimal(35000))]
    # P001: −£6,204.28 + £3,000.00 = −£3,204.28. P004: £0 + N2's +£1,000.00 = +£1,000.00.
    assert _entity(r, "P001").delta == Decimal("-3204.28")
    assert _entity(r, "P004").delta == Decimal(1000)
    assert _entity(r, "P003").delta is None  # its own line is unknown
    assert (r.practices.winners, r.practices.losers) == (1, 2)
    # National totals count each line once, at the level it is paid.
    national = next(x for x in r.lines if x.term_id == "payment.network")
    assert national.old == Decimal(114000)


def test_allocation_adds_up_to_the_penny():
    shares = allocate(Decimal("100.00"), [("B", 1), ("A", 1), ("C", 1)])
    assert shares == {"A": Decimal("33.33"), "B": Decimal("33.33"), "C": Decimal("33.34")}


def test_the_impact_json_round_trips(result):
    assert Impact.model_validate_json(result.model_dump_json()) == result


@pytest.mark.realdata
def test_2019_20_to_2020_21_over_the_national_files():
    if not DATA.is_dir():
        pytest.skip(f"real data folder {DATA} is absent (a fresh clone has no ../shared/data)")
    from contract.io.readers import read_population
    from contract.spec.loader import load_version, version_ids

    if "2020-21" not in version_ids():
        pytest.skip("specs/2020-21/ is not written yet")
    pop = read_population(register=DATA / "epcn-2019-12.xlsx", lists=[DATA / "qof-prevalence-2019-20.csv"])
    assert len(pop.networks) == 1250
    r = impact(load_version("2019-20"), load_version("2020-21"), pop)
    assert r.networks.count == 1250
    assert r.practices.count == len(pop.practices)
    assert {x.term_id for x in r.lines} >= {"payment.core_pcn_funding", "payment.clinical_director"}
    for line in r.lines:
        # Every entity is either priced or counted as unknown under each version.
        assert line.entities == (1250 if line.level == "network" else len(pop.practices)) or line.entities > 0
        assert line.unknown_a <= line.entities
        assert line.unknown_b <= line.entities
    # These files carry no weighted lists: per-weighted-patient lines must be unknown, never £0.
    participation = next(x for x in r.lines if x.term_id == "payment.network_participation")
    assert participation.unknown_a == len(pop.practices)
    assert participation.old == 0
    from contract.render.impact import render

    text = render(r, "md")
    assert "National totals" in text
    assert "Clinical director" in text
    print(text.split("## Practices")[0])


def test_a_set_parameter_of_b_is_used_and_listed_among_the_assumptions():
    r = impact(A, B, population(), date(2020, 3, 31), date(2020, 3, 31), overrides={"param.size_min": Decimal(41000)})
    # With B's minimum set to 41,000, N1 (12,000 + 8,000 + 20,000 = 40,000) falls under it as well as
    # N3 (32,000): two networks from met to not met (N2, 4,000, is under both minimums).
    crossing = next(c for c in r.crossings if c.term_id == "obl.size")
    assert (crossing.from_state, crossing.to_state, crossing.examples) == ("met", "not_met", ["N1", "N3"])
    assert r.assumptions == ["SET: param.size_min = 41000 in 2019-20-proposal (--set), in place of the "
                             "version's own value"]
    assert r.overrides == {"param.size_min": Decimal(41000)}


def test_a_set_rate_of_b_is_paid():
    r = impact(A, B, population(), date(2020, 3, 31), date(2020, 3, 31),
               overrides={"param.rate_practice": Decimal("0.20")})
    # P001: 11,000.5 × £0.20 × 12 = £26,401.20.
    assert _line(_entity(r, "P001"), "payment.practice").new == Decimal("26401.20")


def _run_impact(tmp_path, sets) -> int:
    from contract.cli.app import main

    practices = tmp_path / "practices.csv"
    practices.write_text("practice_code,pcn_code,registered_list\nA00001,U00001,20000\nA00002,U00001,11000\n",
                         encoding="utf-8")
    networks = tmp_path / "networks.csv"
    networks.write_text("pcn_code,registered,size_exception_agreed\nU00001,yes,no\n", encoding="utf-8")
    argv = ["impact", "2019-20", "2020-21", "--practices", str(practices), "--networks", str(networks),
            "--attribute-networks", "-o", str(tmp_path / "impact.md")]
    for s in sets:
        argv += ["--set", s]
    return main(argv)


def test_the_impact_command_passes_set_to_b(tmp_path):
    assert _run_impact(tmp_path, ["network.size_minimum=35000"]) == 0
    text = (tmp_path / "impact.md").read_text(encoding="utf-8")
    assert "- SET: network.size_minimum = 35000 in 2020-21 (--set)" in text
    # U00001 serves 20,000 + 11,000 = 31,000: at least 2019-20's minimum of 30,000 (met), under the
    # 35,000 set for 2020-21 (not met).
    row = next(line for line in text.splitlines() if "(`network.size`)" in line)
    assert "| met | not met | 1 | U00001 |" in row


def test_names_in_the_markdown_stay_text():
    from contract.render.impact import render

    pop = population()
    pop.practices["P001"].name = "[x](javascript:alert(1))"
    pop.practices["P002"].name = "<script>alert(1)</script>"
    text = render(impact(A, B, pop, date(2020, 3, 31), date(2020, 3, 31)), "md")
    losers = text.split("Largest losses:")[1]
    assert "\\[x\\]\\(javascript:alert\\(1\\)\\)" in losers  # P001 and P002 lose (see above)
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in losers
    assert "<script>" not in text
    assert "[x](javascript" not in text


def test_the_impact_command_refuses_a_set_of_something_not_a_national_parameter(tmp_path, capsys):
    assert _run_impact(tmp_path, ["payment.core_pcn_funding=2"]) == 2
    assert "not a national parameter" in capsys.readouterr().err


def _many_networks(count: int) -> Population:
    """`count` networks of three signed-up practices each (10,000, 8,000 and 6,000 registered)."""
    pop = Population()
    for n in range(count):
        members = [f"P{n:03d}{i}" for i in range(3)]
        for code, size in zip(members, (10000, 8000, 6000), strict=True):
            pop.practices[code] = Practice(code=code, commissioner_code="AAA", values={
                "registered_list": size, "weighted_list": Decimal(size), "signed_up": True})
        pop.networks[f"N{n:03d}"] = Network(code=f"N{n:03d}", commissioner_code="AAA", member_codes=members,
                                            values={"registered": True, "size_exception_agreed": False})
    return pop


def test_impact_reads_each_evaluation_as_it_streams_and_never_holds_a_whole_one(monkeypatch):
    """Two whole evaluations of ten times the national register cost gigabytes: impact keeps of each
    finding only what it compares. Collecting an evaluation fails here; and when each stream has been
    read to its end (B's after all of A's), no more than the last entity's findings are still alive."""
    import gc

    from contract.evaluation.results import Finding
    from contract.evaluation.stream import FindingStream

    def refuse(self):
        raise AssertionError("impact collected a whole evaluation")

    read, ends = FindingStream.__iter__, []

    def counting(self):
        produced = 0
        for finding in read(self):
            produced += 1
            yield finding
        del finding
        gc.collect()
        ends.append((produced, sum(1 for o in gc.get_objects() if isinstance(o, Finding))))

    monkeypatch.setattr(FindingStream, "collect", refuse)
    monkeypatch.setattr(FindingStream, "__iter__", counting)
    r = impact(A, B, _many_networks(40), date(2020, 3, 31), date(2020, 3, 31))
    # Each version: 120 practices × 1 line (payment.practice) + 40 networks × 2 (payment.network, obl.size).
    assert [produced for produced, _ in ends] == [200, 200]
    # A network's findings are the most one entity has (2); the first stream's 200 are long gone.
    assert all(alive <= 2 for _, alive in ends), ends
    # And the report is whole: each network is 24,000 patients, £1.50 → £1.75 a year: +£6,000.00 each.
    national = next(x for x in r.lines if x.term_id == "payment.network")
    assert (national.old, national.new, national.entities) == (Decimal(40 * 36000), Decimal(40 * 42000), 40)
