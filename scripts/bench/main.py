"""The order of `make bench`: the real files (when present) and a generated register (--scale ×
national, skipped by --quick), each measured in process and then command by command."""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import commands, inprocess, report
from bench.inputs import Inputs, generated, real
from contract.io.generate import generate

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
AS_OF = date(2019, 12, 31)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="scripts/bench.py", description=__doc__)
    parser.add_argument("--scale", type=float, default=10.0, help="size of the generated register (× national)")
    parser.add_argument("--quick", action="store_true", help="skip the generated register: the real files only")
    parser.add_argument("--data", type=Path, default=SHARED, help=f"the real files' folder (default {SHARED})")
    parser.add_argument("--generated", type=Path, metavar="DIR",
                        help="use the files `contract generate DIR` wrote instead of generating (--scale is then "
                             "only a label)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save every figure as JSON")
    return parser


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def measure(inputs: Inputs, work: Path, *, with_real_only: bool) -> dict[str, Any]:
    """Every figure of one population: in process, then each command in a fresh subprocess."""
    print(f"\n{inputs.label}: measuring in process...", flush=True)
    figures = inprocess.measure(inputs, AS_OF)
    print(f"  read {figures['parse_s']:.2f} s, engine {figures['engine_s']:.2f} s; commands...", flush=True)
    commands.warm_up()
    figures |= commands.footprints(inputs, work)
    if with_real_only:
        figures |= commands.end_to_end(inputs, work)
        figures |= commands.explain(inputs)
    return figures


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    figures: dict[str, Any] = {"cores": os.cpu_count(), "python": platform.python_version(),
                               "load_at_start": os.getloadavg(), "runs": {}}
    runs: dict[str, dict[str, Any]] = figures["runs"]
    titles = {}
    print(f"2019-20 at {AS_OF} (sweeps and commands at {commands.AS_OF}); {os.cpu_count()} cores, "
          f"load average {_load()} at the start", flush=True)
    found = real(args.data)
    if found is None and args.quick:
        print(f"the real files are absent from {args.data} and --quick skips the generated register: nothing to do")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        if found is None:
            print(f"\n(real files absent from {args.data}: skipped the real national run)")
        else:
            runs["real"], titles["real"] = measure(found, work, with_real_only=True), "real files, 1×"
        if not args.quick:
            started = time.perf_counter()
            files = args.generated or generate(work / "generated", scale=args.scale, seed=2019)
            if args.generated is None:
                print(f"\ngenerated a {args.scale:g}× national register in {time.perf_counter() - started:.1f} s")
            inputs = generated(files, f"Generated {args.scale:g}× national (seed 2019)")
            runs["generated"] = measure(inputs, work, with_real_only=False) | {"scale": args.scale}
            titles["generated"] = f"generated, {args.scale:g}×"
    figures["load_at_end"] = os.getloadavg()
    print(f"\nload average {_load()} at the end on {os.cpu_count()} cores: where it is above 1, other work "
          "shared the CPU and the times are pessimistic\n")
    print(report.table(runs, titles))
    for key, run in runs.items():
        totals = ", ".join(f"{term} £{pence / 100:,.2f}" for term, pence in run["floor_totals_pence"].items())
        print(f"\n{titles[key]}: the floor equals the vectorised evaluator per network and in total "
              f"(building its frames from the population, not counted: {run['floor_frames_s']:.3f} s): {totals}")
    if "e2e_core_pcn_funding_gbp" in runs.get("real", {}):
        print(f"the sweep's rate.core_pcn_funding={commands.BASE_RATE} row equals evaluate's core PCN funding: "
              f"£{Decimal(runs['real']['e2e_core_pcn_funding_gbp']):,}")
    if args.json:
        report.save(args.json, figures)
        print(f"figures saved to {args.json}")
    return 0
