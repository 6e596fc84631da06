"""`make bench` (scripts/bench.py and scripts/bench/): the plain-polars floor prices the three
2019-20 network lines with the spec's rates, a command's peak memory is its own (not the bench's),
and the in-process run works on a tiny generated register (its floor agrees with the vectorised
evaluator, or it raises). Expected figures are arithmetic shown here from specs/2019-20/payments.yaml:
core PCN funding £1.50 a year for 12 months, clinical director £0.51430 for the 9 months July to
March, extended hours £1.45 a year for 9 of 12 months."""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest

from contract.io.generate import generate
from contract.spec.loader import load_version

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
if str(SCRIPTS) not in sys.path:
    sys.path.insert(0, str(SCRIPTS))

from bench import commands, floor, inprocess, report  # noqa: E402
from bench.inputs import generated  # noqa: E402
from bench.main import main  # noqa: E402

AS_OF = date(2019, 12, 31)
CORE, DIRECTOR, HOURS = "payment.core_pcn_funding", "payment.clinical_director", "payment.extended_hours"


def test_the_floor_prices_the_three_network_lines_per_patient_from_the_spec():
    lines = {line.term_id: Fraction(line.numerator, line.denominator)
             for line in floor.floor_lines(load_version("2019-20"), AS_OF)}
    assert lines == {
        CORE: Fraction(150),                              # 1.50 × 12 ÷ 12 pounds = 150 pence a patient
        DIRECTOR: Fraction("51.43"),                      # 0.51430 × 9 ÷ 9 = 51.43 pence
        HOURS: Fraction("108.75"),                        # 1.45 × 9 ÷ 12 = 1.0875 pounds
    }


def test_the_floor_sums_members_rounds_half_up_once_and_prices_only_registered_networks():
    frames = floor.Frames(
        practices=pl.DataFrame({"practice": ["P1", "P2", "P3", "P4"], "registered_list": [1000, 2001, None, 7]},
                               schema={"practice": pl.String, "registered_list": pl.Int64}),
        networks=pl.DataFrame({"network": ["A", "B", "C", "D", "E"],
                               "registered": [True, True, False, True, True],
                               "own_list": [None, None, None, 2, None]},
                              schema={"network": pl.String, "registered": pl.Boolean, "own_list": pl.Int64}),
        members=pl.DataFrame({"network": ["A", "A", "B", "B", "C", "D", "E"],
                              "practice": ["P1", "P2", "P1", "P3", "P1", "P4", "GONE"]}),
    )
    priced = floor.price(frames, floor.floor_lines(load_version("2019-20"), AS_OF))
    # A: 1000 + 2001 = 3001 patients; B: a member lacks a list; C: not registered; D: its own list
    # (2) wins over its member's 7; E: no member in the population
    assert floor.amounts(priced, CORE) == {"A": 450150, "D": 300}       # 3001 × 150p; 2 × 150p
    assert floor.amounts(priced, DIRECTOR) == {"A": 154341, "D": 103}   # 3001 × 51.43p = 154,341.43p; 102.86p
    assert floor.amounts(priced, HOURS) == {"A": 326359, "D": 218}      # 326,358.75p up; 217.5p half up
    assert floor.totals(priced, floor.floor_lines(load_version("2019-20"), AS_OF))[CORE] == 450150 + 300


def test_a_commands_peak_memory_is_its_own_not_the_bench_s():
    ballast = b"\1" * (300 * 2**20)                                    # 300 MiB resident in this process
    small = commands.run(["-c", "pass"])
    big = commands.run(["-c", "b = b'\\1' * (200 * 2**20)"])
    assert small.peak_mib < 100
    assert big.peak_mib > 200
    assert big.seconds > 0
    assert len(ballast) == 300 * 2**20
    with pytest.raises(RuntimeError, match="exited 3"):
        commands.run(["-c", "raise SystemExit(3)"])


def test_the_in_process_run_and_its_table_on_a_tiny_register():
    files = generate(Path(tempfile.mkdtemp(prefix="bench-")), scale=0.01, seed=2019)
    figures = inprocess.measure(generated(files.epcn.parent, "tiny"), AS_OF)
    assert (figures["practices"], figures["networks"]) == (files.practice_count, files.network_count)
    assert figures["floor_lines"] == [CORE, DIRECTOR, HOURS]
    assert all(figures[k] > 0 for k in ("parse_s", "engine_s", "reference_s", "vectorised_s", "floor_s",
                                        "sweep_1000_s", "sweep_10000_s"))
    printed = report.table({"tiny": figures}, {"tiny": "tiny"})
    assert printed.splitlines()[0] == "| measure | tiny | goal |"
    assert "| vectorised ÷ floor (both with frames built) |" in printed
    assert "contract explain" not in printed                          # not measured: no row


def test_quick_without_the_real_files_has_nothing_to_measure(tmp_path):
    assert main(["--quick", "--data", str(tmp_path)]) == 2
