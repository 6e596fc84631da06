"""`make demo`: a national-size evaluation, on NHS Digital's real files when ../shared/data is there,
on generated files in the same formats otherwise. Writes its reports under out/demo/ and prints the
commands it ran, so a user can paste them."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "out" / "demo"
CONTRACT = [sys.executable, "-m", "contract"]


def run(args: list[str]) -> None:
    shown = "contract " + " ".join(shlex.quote(str(a)) for a in args)
    print(f"\n$ {shown}", flush=True)
    started = time.perf_counter()
    subprocess.run([*CONTRACT, *map(str, args)], check=True, cwd=ROOT)
    print(f"  ({time.perf_counter() - started:.1f}s)", flush=True)


def inputs() -> tuple[list[str], str]:
    register, lists = SHARED / "epcn-2019-12.xlsx", SHARED / "qof-prevalence-2019-20.csv"
    if register.exists() and lists.exists():
        return (["--register", str(register), "--lists", str(lists)],
                "NHS Digital's December 2019 register and 2019-20 QOF lists")
    from contract.io.generate import generate

    files = generate(OUT / "data", scale=1.0, seed=2019)
    return (["--register", str(files.epcn), "--lists", str(files.qof), "--practices", str(files.practices),
             "--networks", str(files.networks), "--staff", str(files.staff)],
            f"generated national-size data (seed 2019) in {OUT / 'data'}, as ../shared/data is absent")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    files, described = inputs()
    print(f"Inputs: {described}")
    run(["versions"])
    for fmt in ("csv", "md", "xlsx"):
        run(["evaluate", "2019-20", "--as-of", "2019-12-31", *files, "--format", fmt,
             "-o", OUT / f"2019-20-evaluation.{fmt}"])
    print(f"\nSummary ({OUT / '2019-20-evaluation.md'}):\n")
    print("\n".join((OUT / "2019-20-evaluation.md").read_text().splitlines()[:24]))
    # The negotiator's jobs: what changed, and what it is worth across England.
    run(["diff", "2020-21-draft", "2020-21", "--format", "md", "-o", OUT / "diff-2020-21-draft-to-final.md"])
    run(["diff", "2023-24", "2024-25-proposals", "2024-25", "--format", "md",
         "-o", OUT / "diff-2023-24-proposals-outcome.md"])
    run(["impact", "2019-20", "2020-21", *files, "--format", "md", "-o", OUT / "impact-2019-20-to-2020-21.md"])
    # The consolidation needs inputs NHS Digital's open files lack; each assumption is printed in the report.
    staff = OUT / "no-posts-claimed.csv"
    if "--staff" not in files:
        staff.write_text("pcn_code,staff_id,role,wte,annual_cost,start_date,additional\n")
        files = [*files, "--staff", str(staff)]
    run(["impact", "2023-24", "2024-25-proposals", *files, "--attribute-networks",
         "--assume", "weighted_list=registered_list", "--assume", "adjusted_list=registered_list",
         "--assume", "signed_up=True", "--assume", "qof_points_achieved=560", "--assume", "care_home_beds=0",
         "--assume", "iif_points_achieved=0", "--assume", "caip_awarded_percent=100",
         "--format", "md", "-o", OUT / "impact-2023-24-to-proposals.md"])
    summary = next(p for p in (OUT / "diff-2020-21-draft-to-final.md").read_text().split("\n\n")
                   if len(p) > 300 and not p.startswith(("#", "|")))
    print(f"\nDraft to final 2020-21, in one paragraph:\n\n{summary[:1500]}")
    print(f"\nReports are in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
