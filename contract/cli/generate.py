"""`contract generate OUT_DIR`: a seeded synthetic register, list files and project files."""

from __future__ import annotations

from pathlib import Path

from contract.cli.common import argument, command, option, progress


def register(app) -> None:
    command(app, "generate", run, [
        argument("out_dir", "folder to write the files into", Path, metavar="OUT_DIR"),
        option("scale", "--scale", "size relative to England (1.0: 1,250 networks; 0.01: a dozen; "
               "10: ten times)", float, 1.0),
        option("seed", "--seed", "random seed: the same seed writes the same bytes", int, 2019),
    ], help="Write a synthetic population in NHS Digital's formats (seeded).")


def run(args) -> int:
    from contract.io.generate import generate

    files = generate(args.out_dir, scale=args.scale, seed=args.seed)
    progress(f"{files.network_count:,} networks, {files.practice_count:,} practices "
             f"({files.practices_without_list:,} without a list row)")
    for name in ("epcn", "qof", "gp_reg", "practices", "networks", "staff"):
        print(getattr(files, name))
    return 0
