"""Where the specs live: inside an installed wheel, or at the top of a checkout.

A wheel carries the repository's ``specs/`` folder as the package data ``contract/_specs/`` (the
build maps one onto the other; see ``[tool.hatch.build.targets.wheel.force-include]`` in
pyproject.toml), so an installed ``contract`` finds its versions through :mod:`importlib.resources`
wherever it is run from. A checkout, or an editable install of one, has no ``contract/_specs/``; the
specs are then the checkout's own top-level ``specs/``, so an edit to a spec is seen at once.
"""

from __future__ import annotations

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
