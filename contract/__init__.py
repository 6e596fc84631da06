"""The English GP contract's Network Contract DES, year by year, as executable, versioned rules.

The public API, for a program that reads the specs and evaluates or compares them::

    import contract
    version = contract.load_version("2019-20")
    result = contract.evaluate(version, population, as_of=date(2019, 12, 31))

Each name is imported from its layer on first use (PEP 562), so ``import contract`` stays cheap
and loads no layer that the caller does not touch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contract.analysis.coverage import coverage
    from contract.analysis.diff import diff, diff_many
    from contract.analysis.impact import impact
    from contract.evaluation.evaluate import evaluate
    from contract.spec.loader import load_version, version_ids


def _installed_version() -> str:
    from importlib import metadata  # here, not at the top: only a caller asking for the version pays for it

    try:
        return metadata.version("contract-rules")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


PUBLIC_API: dict[str, str] = {
    "load_version": "contract.spec.loader",
    "version_ids": "contract.spec.loader",
    "evaluate": "contract.evaluation.evaluate",
    "diff": "contract.analysis.diff",
    "diff_many": "contract.analysis.diff",
    "impact": "contract.analysis.impact",
    "coverage": "contract.analysis.coverage",
}
"""Each public name and the module that defines it."""

__all__ = ["__version__", "coverage", "diff", "diff_many", "evaluate", "impact", "load_version", "version_ids"]


def __getattr__(name: str) -> object:
    if name == "__version__":  # asked of the installed metadata once, when first wanted (it takes
        # longer than importing most of the package, and every command would pay it at start)
        globals()[name] = version = _installed_version()
        return version
    module = PUBLIC_API.get(name)
    if module is None:
        raise AttributeError(f"module 'contract' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *PUBLIC_API})
