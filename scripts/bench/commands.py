"""`contract` commands measured end to end, each in a fresh subprocess (start-up and imports
included), so that one command's peak memory is not another's leftover: wall seconds, and the
command's own peak resident memory from os.wait4's resource usage (see :data:`LAUNCHER`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

import contract
from bench.inputs import Inputs

AS_OF = "2020-03-31"
VARY = "rate.core_pcn_funding=1.50:2.4999:0.0001"
BASE_RATE = "1.5000"
"""rate.core_pcn_funding's 2019-20 value (specs/2019-20/payments.yaml), as the sweep writes it."""
EXPLAIN = ("U00070", "payment.extended_hours")
"""The README's `contract explain` example: a network of the real register and one of its lines."""


LAUNCHER = """\
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""
"""Runs a command and writes its peak resident memory (KiB). A child forked from a big process
starts with that process's high-water mark (Linux carries it over fork and exec), so the command
is started from this small launcher, not from the bench, whose peak would mask it."""


@dataclass(frozen=True)
class Run:
    """One finished command: wall seconds and peak resident memory."""

    seconds: float
    peak_mib: float


def environment() -> dict[str, str]:
    """The environment of the commands: this process's, importing the same `contract` package, with
    Python's bytecode cache on as it is by default (a machine that sets PYTHONDONTWRITEBYTECODE
    would otherwise compile every module of the package again at each start, about 0.2 s)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    root = str(Path(contract.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    return env


def run(argv: list[str]) -> Run:
    """Run `python ARGV...` to the end through the launcher and measure it (wall time includes the
    launcher's few milliseconds); a failure raises with the command's stderr."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        peak, errors = Path(tmp) / "peak", Path(tmp) / "stderr"
        with errors.open("wb") as stderr:
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", LAUNCHER, str(peak), sys.executable, *argv],
                                  stdout=subprocess.DEVNULL, stderr=stderr, env=environment(), check=False)
            seconds = time.perf_counter() - started
        if done.returncode != 0:
            tail = errors.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(argv)} exited {done.returncode}:\n{tail}")
        return Run(seconds, int(peak.read_text()) / 1024)


def command(*args: str) -> Run:
    """`contract ARGS...` as a subprocess."""
    return run(["-m", "contract", *args])


def warm_up() -> None:
    """`contract --help` once, so that the bytecode cache is written before any command is timed."""
    command("--help")


def footprints(inputs: Inputs, out: Path) -> dict[str, Any]:
    """Peak memory and time of `contract evaluate --format csv -o` and `contract impact` (Markdown,
    the README's example) on the population."""
    evaluated = command("evaluate", "2019-20", "--as-of", AS_OF, *inputs.cli(), "--format", "csv",
                        "-o", str(out / "evaluate.csv"))
    impact = command("impact", "2019-20", "2020-21", *inputs.cli(), "--format", "md", "-o", str(out / "impact.md"))
    return {"evaluate_cmd_s": evaluated.seconds, "evaluate_cmd_mib": evaluated.peak_mib,
            "impact_cmd_s": impact.seconds, "impact_cmd_mib": impact.peak_mib}


def _payment_total(evaluation: Path) -> Decimal:
    rows = pl.read_csv(evaluation, infer_schema=False).filter(pl.col("term_id") == "payment.core_pcn_funding")
    return sum((Decimal(a) for a in rows["amount_gbp"].to_list() if a), Decimal(0))


def _swept_total(swept: Path, value: str) -> Decimal:
    table = pl.read_csv(swept, infer_schema=False)
    row = table.filter((pl.col("term_id") == "payment.core_pcn_funding") & (pl.col("rate.core_pcn_funding") == value))
    return Decimal(row["amount_gbp"].item())


def end_to_end(inputs: Inputs, out: Path) -> dict[str, Any]:
    """10,000 variants by `contract sweep --format csv -o` against one `contract evaluate --format
    csv -o`, both whole commands; checks that the sweep's variant at the spec's own rate equals the
    evaluation's core PCN funding to the penny."""
    evaluated = command("evaluate", "2019-20", "--as-of", AS_OF, *inputs.cli(), "--format", "csv",
                        "-o", str(out / "e2e-evaluate.csv"))
    swept = command("sweep", "2019-20", "--as-of", AS_OF, "--vary", VARY, *inputs.cli(), "--format", "csv",
                    "-o", str(out / "e2e-sweep.csv"))
    paid, priced = _payment_total(out / "e2e-evaluate.csv"), _swept_total(out / "e2e-sweep.csv", BASE_RATE)
    if paid != priced:
        raise AssertionError(f"sweep at {BASE_RATE} gives £{priced}, evaluate £{paid}")
    return {"e2e_evaluate_s": evaluated.seconds, "e2e_sweep_s": swept.seconds,
            "e2e_ratio": swept.seconds / evaluated.seconds, "e2e_core_pcn_funding_gbp": str(paid)}


READ_ONLY = """\
import sys
import contract.cli.app
from contract.io.readers import read_population
read_population(register=sys.argv[1], lists=[sys.argv[2]])
"""


def explain(inputs: Inputs) -> dict[str, Any]:
    """`contract explain` of one network and line, and the same start-up and reading without the
    explanation (the CLI's modules imported, the files read) for comparison."""
    if inputs.practices or inputs.networks or inputs.staff:
        raise ValueError("explain is measured on the real register and lists only")
    network, term = EXPLAIN
    explained = command("explain", "2019-20", network, term, "--as-of", "2019-12-31", *inputs.cli())
    reading = run(["-c", READ_ONLY, str(inputs.register), str(inputs.lists)])
    return {"explain_network": network, "explain_term": term, "explain_s": explained.seconds,
            "explain_mib": explained.peak_mib, "startup_and_read_s": reading.seconds}
