"""`contract generate OUT_DIR`: a seeded synthetic register, list files and project files."""

from __future__ import annotations

from pathlib import Path

from contract.cli.common import progress


def register(sub) -> None:
    p = sub.add_parser("generate", help="write a synthetic population in NHS Digital's formats (seeded)")
    p.add_argument("out_dir", type=Path, help="folder to write the files into")
    p.add_argument("--scale", type=float, default=1.0,
                   help="size relative to England (1.0: 1,250 networks; 0.01: a dozen; 10: ten times)")
    p.add_argument("--seed", type=int, default=2019, help="random seed: the same seed writes the same bytes")
    p.set_defaults(run=run)


def run(args) -> int:
    from contract.io.generate import generate

    files = generate(args.out_dir, scale=args.scale, seed=args.seed)
    progress(f"{files.network_count:,} networks, {files.practice_count:,} practices "
             f"({files.practices_without_list:,} without a list row)")
    for name in ("epcn", "qof", "gp_reg", "practices", "networks", "staff"):
        print(getattr(files, name))
    return 0
