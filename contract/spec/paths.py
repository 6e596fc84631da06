"""Where the specs live: inside an installed wheel, or at the top of a checkout.

A wheel carries the repository's ``specs/`` folder as the package data ``contract/_specs/`` (the
build maps one onto the other; see ``[tool.hatch.build.targets.wheel.force-include]`` in
pyproject.toml), so an installed ``contract`` finds its versions through :mod:`importlib.resources`
wherever it is run from. A checkout, or an editable install of one, has no ``contract/_specs/``; the
specs are then the checkout's own top-level ``specs/``, so an edit to a spec is seen at once.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.resources import files
from pathlib import Path

PACKAGED_SPECS = "_specs"
"""The folder, inside the ``contract`` package, that a wheel installs the specs as."""

CHECKOUT_SPECS = Path(__file__).resolve().parents[2] / "specs"
"""A checkout's ``specs/``: two folders up from this file (``contract/spec/paths.py``)."""


class SpecsNotFound(FileNotFoundError):
    """Neither the installed package data nor a checkout's ``specs/`` is there."""


@cache
def specs_root() -> Path:
    """The folder holding every version folder, ``fields.yaml``, ``fields/``, ``glossary.yaml`` and
    ``timeline.yaml``: the installed package data when present, else the checkout's ``specs/``."""
    packaged = files("contract").joinpath(PACKAGED_SPECS)
    # pip installs a wheel unpacked, so the resource is a real folder (a Path); the rules read many
    # files by path, and a zipped package (which pip never makes) is not supported.
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    if CHECKOUT_SPECS.is_dir():
        return CHECKOUT_SPECS
    raise SpecsNotFound(
        f"no specs: neither the package data contract/{PACKAGED_SPECS}/ nor a checkout's {CHECKOUT_SPECS}"
    )


SPECS_ENV = "CONTRACT_SPECS"
"""The environment variable naming a user's own specs folders (``os.pathsep``-separated), read
beside any ``--specs DIR`` given on the command line."""

_given: list[Path] = []


def set_user_specs(folders: list[Path] | tuple[Path, ...]) -> None:
    """The folders given with ``--specs DIR`` (repeatable) for this run; they come before
    :data:`SPECS_ENV`'s, which come before the shipped specs."""
    _given[:] = [Path(f) for f in folders]


def user_specs() -> list[Path]:
    """A user's own specs folders, in the order they are searched: ``--specs`` first, then
    :data:`SPECS_ENV`. Each holds version folders (releases or overlays) like ``specs/`` does; the
    field catalogue, glossary and timeline stay the shipped ones."""
    from_env = [Path(p) for p in os.environ.get(SPECS_ENV, "").split(os.pathsep) if p.strip()]
    folders: list[Path] = []
    for folder in [*_given, *from_env]:
        if folder not in folders:
            folders.append(folder)
    return folders
