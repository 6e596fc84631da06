"""`make bench`: the national 2019-20 run on the real register and lists, and on a generated register
ten times national size. Prints parse time, evaluation time (engine, reference, vectorised), their
ratio to parsing, practices per second, a 1,000- and a 10,000-variant sweep of one rate and their
ratio to one engine evaluation, and peak memory. Figures, not assertions."""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from contract.analysis.sweep import parse_vary, sweep
from contract.evaluation.evaluate import evaluate
from contract.evaluation.vector.api import evaluate_vector
from contract.io.generate import generate
from contract.io.readers import read_population
from contract.spec.loader import load_version

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
AS_OF = date(2019, 12, 31)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(label: str, **files) -> dict[str, float]:
    version = load_version("2019-20")
    t0 = time.perf_counter()
    population = read_population(**files)
    t1 = time.perf_counter()
    result = evaluate(version, population, AS_OF)
    t2 = time.perf_counter()
    reference = evaluate(version, population, AS_OF, use_reference=True)
    t3 = time.perf_counter()
    assert [f.status for f in result.findings] == [f.status for f in reference.findings], "engines disagree"
    vector = evaluate_vector(version, population, AS_OF)
    t4 = time.perf_counter()
    sweeps = {}
    for count, stop in ((1_000, "1.5999"), (10_000, "2.4999")):
        started = time.perf_counter()
        sweep(version, population, AS_OF, [parse_vary(f"rate.core_pcn_funding=1.50:{stop}:0.0001", version)])
        sweeps[count] = time.perf_counter() - started
    units = len(population.practices) + len(population.networks)
    parse, engine, ref, vec = t1 - t0, t2 - t1, t3 - t2, t4 - t3
    assert vector.levels, "vectorised evaluation is empty"
    print(f"\n{label}")
    print(f"  practices {len(population.practices):,}, networks {len(population.networks):,}, "
          f"findings {len(result.findings):,}, input issues {len(population.issues):,}")
    print(f"  parse inputs          {parse:8.2f} s")
    print(f"  evaluate (engine)     {engine:8.2f} s   ratio evaluate/parse {engine / parse:5.2f}")
    print(f"  evaluate (reference)  {ref:8.2f} s   ratio evaluate/parse {ref / parse:5.2f}")
    print(f"  evaluate (vectorised) {vec:8.3f} s   ratio evaluate/parse {vec / parse:5.2f} "
          f"(obligations and rate_times_basis lines)")
    for count, took in sweeps.items():
        print(f"  sweep {count:>6,} variants {took:8.2f} s   ratio to one engine evaluation {took / engine:5.2f}")
    print(f"  practices+networks/s  engine {units / engine:,.0f}   reference {units / ref:,.0f}")
    print(f"  peak memory so far    {peak_mib():8.0f} MiB")
    return {"parse": parse, "engine": engine, "reference": ref, "vectorised": vec,
            **{f"sweep {n}": t for n, t in sweeps.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=10.0, help="size of the generated register (× national)")
    args = parser.parse_args()
    print(f"2019-20 at {AS_OF}; one process, one core; durable_rules {load_version('2019-20').id} rulesets")
    register, lists = SHARED / "epcn-2019-12.xlsx", SHARED / "qof-prevalence-2019-20.csv"
    if register.exists() and lists.exists():
        measure("Real NHS Digital files (December 2019 register, 2019-20 QOF lists)", register=register, lists=[lists])
    else:
        print(f"\n(real files absent at {SHARED}: skipped the real national run)")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        files = generate(Path(tmp), scale=args.scale, seed=2019)
        print(f"\ngenerated {args.scale:g}× national register in {time.perf_counter() - t0:.1f} s")
        measure(f"Generated {args.scale:g}× national (seed 2019)", register=files.epcn, lists=[files.qof],
                practices=files.practices, networks=files.networks, staff=files.staff)
    return 0


if __name__ == "__main__":
    sys.exit(main())
