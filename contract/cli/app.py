"""The `contract` command (Typer). Each subcommand lives in `contract/cli/<name>.py` with a
`register(app)` function and a `run(args)` function; results go to stdout or `-o FILE`, progress to
stderr.

Exit status: 0 done; 1 a spec is invalid; 2 bad input or usage (a file, row, argument, date or
version); 3 an internal error (one line on stderr; `contract --debug ...` prints the traceback).
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
import traceback
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any, ClassVar

import typer

from contract.cli.errors import PipeClosed, UsageError
from contract.spec.facts import InputError
from contract.spec.paths import SPECS_ENV, set_user_specs, user_specs
from contract.spec.yamlio import SpecError

COMMANDS = ["versions", "show", "validate", "evaluate", "explain", "docs", "coverage", "diff", "impact", "reconcile",
            "generate", "sweep", "serve"]
DISTRIBUTION = "contract-rules"

EXIT_DONE, EXIT_SPEC_ERROR, EXIT_BAD_INPUT, EXIT_INTERNAL_ERROR = 0, 1, 2, 3


def installed_version() -> str:
    """This distribution's version, or "unknown" when it is not installed (run from a checkout)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown"


class _Session:
    """Global options of the current run, read by :func:`main` when a command fails."""

    debug = False
    specs: ClassVar[list[Path]] = []
    """The user's specs folders the versions were last loaded with (a change clears the cache)."""


def _show_version(value: bool) -> None:
    if value:
        print(f"{DISTRIBUTION} {installed_version()}")
        raise typer.Exit()


def _global_options(
    show_version: Annotated[bool, typer.Option(
        "--version", help="print the version and stop", is_eager=True, callback=_show_version)] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", help="on an internal error, print the traceback (exit status 3 either way)")] = False,
    specs: Annotated[list[Path], typer.Option(
        "--specs", metavar="DIR", show_default=False,
        help=f"a folder of your own versions and overlays, loaded beside the shipped ones (repeatable; "
             f"also the {SPECS_ENV} environment variable, {os.pathsep!r}-separated)")] = [],  # noqa: B006
) -> None:
    _Session.debug = debug
    for folder in specs:
        if not folder.is_dir():
            raise UsageError(f"--specs {folder}: no such folder")
    _use_specs(list(specs))


def _use_specs(folders: list[Path]) -> None:
    """Load versions from these folders (and CONTRACT_SPECS) for this run."""
    from contract.spec.loader import load_version

    set_user_specs(folders)
    if user_specs() != _Session.specs:  # a version cached from other folders may be stale
        load_version.cache_clear()
        _Session.specs = user_specs()


@functools.cache
def _build() -> tuple[typer.Typer, Any]:
    """The Typer app with every command registered, and its Click(-like) command. Built on first use,
    so that a command module can be imported on its own (its `register` runs only here)."""
    typer_app = typer.Typer(
        name="contract",
        help="The Network Contract DES, year by year, as executable, versioned rules.\n\n"
             "Exit status: 0 done; 1 a spec is invalid; 2 bad input or usage; 3 internal error.",
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
    )
    typer_app.callback()(_global_options)
    for name in COMMANDS:
        importlib.import_module(f"contract.cli.{name}").register(typer_app)
    return typer_app, typer.main.get_command(typer_app)


def __getattr__(name: str) -> Any:
    """`app` (the Typer app) and `click_app` (the command mkdocs-click documents, in
    docs/reference/cli.md), built on first use."""
    if name == "app":
        return _build()[0]
    if name == "click_app":
        return _build()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _bad_input_errors() -> tuple[type[BaseException], ...]:
    from contract.evaluation.evaluate import DateOutOfRange
    from contract.io.assumptions import AssumptionError
    from contract.spec.loader import UnknownVersion

    return InputError, UsageError, DateOutOfRange, UnknownVersion, AssumptionError


def main(argv: list[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv[1:]) and return the exit status."""

    _Session.debug = False
    args = _specs_first(sys.argv[1:] if argv is None else list(argv))
    try:
        return _run(args)
    finally:
        _use_specs([])  # a run's --specs folders are its own, not the next caller's in this process


def _run(args: list[str]) -> int:
    try:
        _use_specs([])  # until --specs says otherwise (main may run many times in one process)
        return int(_build()[1].main(args, prog_name="contract", standalone_mode=False) or 0)
    except typer.TyperException as exc:  # Typer's own usage errors: a bad option, a missing argument
        if hasattr(exc, "show"):
            exc.show()
        else:
            print(f"contract: {exc.format_message()}", file=sys.stderr)
        return exc.exit_code
    except typer.Abort:
        print("Aborted!", file=sys.stderr)
        return 1
    except SpecError as exc:
        print(f"contract: spec error: {exc}", file=sys.stderr)
        return EXIT_SPEC_ERROR
    except _bad_input_errors() as exc:
        print(f"contract: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (PipeClosed, BrokenPipeError):
        _silence_stdout()
        return EXIT_DONE
    except Exception as exc:
        if _Session.debug:
            traceback.print_exc()
        message = " ".join(str(exc).split()) or "(no message)"
        print(f"contract: internal error: {type(exc).__name__}: {message} (run with --debug for the traceback)",
              file=sys.stderr)
        return EXIT_INTERNAL_ERROR


def _specs_first(args: list[str]) -> list[str]:
    """`--specs DIR` is a global option but reads naturally after the command too
    (`contract validate --specs DIR`): move every one to the front, where the app takes it."""
    moved: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg == "--specs" and i + 1 < len(args):
            moved += args[i:i + 2]
            i += 2
            continue
        if arg.startswith("--specs="):
            moved.append(arg)
        else:
            rest.append(arg)
        i += 1
    return moved + rest


def _silence_stdout() -> None:
    """After a closed pipe, send what is left of standard output nowhere (so that Python does not
    report the failed flush at exit)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (captured in tests)
        pass

