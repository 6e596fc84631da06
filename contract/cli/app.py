"""The `contract` command. Each subcommand lives in `contract/commands/<name>.py` with a
`register(subparsers)` function; results go to stdout or `-o FILE`, progress to stderr.

Exit status: 0 done; 1 a spec is invalid; 2 bad input (a file, row or argument); 3 internal error.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from contract.spec.facts import InputError
from contract.spec.yamlio import SpecError

COMMANDS = ["versions", "show", "validate", "evaluate", "explain", "docs", "coverage", "diff", "impact", "generate"]


class UsageError(ValueError):
    """A bad argument: exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contract",
        description="The Network Contract DES, year by year, as executable, versioned rules.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"contract.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except SpecError as exc:
        print(f"contract: spec error: {exc}", file=sys.stderr)
        return 1
    except (InputError, UsageError, ValueError) as exc:
        print(f"contract: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
