"""The reference pages' contents: the public Python API (rendered from docstrings by mkdocstrings)
and the models of the spec schema, field by field."""

from __future__ import annotations

import inspect
import re
from typing import Any

from pydantic import BaseModel

from contract.spec import schema

API_SECTIONS: list[tuple[str, list[str]]] = [
    ("Loading the specs", ["contract.spec.loader.version_ids", "contract.spec.loader.read_meta",
                           "contract.spec.loader.load_version"]),
    ("Evaluating", ["contract.evaluation.evaluate.evaluate", "contract.evaluation.evaluate.evaluate_stream",
                    "contract.evaluation.stream.FindingStream", "contract.evaluation.cases.load_cases"]),
    ("Comparing versions", ["contract.analysis.diff.diff", "contract.analysis.diff.diff_many",
                            "contract.analysis.impact.impact"]),
    ("Synthetic data", ["contract.io.generate.generate"]),
    ("This site", ["contract.site.build.generate", "contract.site.build.build"]),
]
"""The functions a program calls, by what they are for. The API page names each in a mkdocstrings
``:::`` directive; mkdocs renders its signature and docstring from the code when it builds the site
(a name that no longer exists fails the strict build, and a test)."""


def _annotation(value: Any) -> str:
    text = value if isinstance(value, str) else getattr(value, "__name__", repr(value))
    return re.sub(r"\b(typing|pathlib|datetime|decimal|contract\.\w+)\.", "", str(text))


def schema_reference() -> list[dict[str, Any]]:
    """Every model of contract.spec.schema with its fields and their attribute docstrings."""
    models = []
    for name, obj in vars(schema).items():
        if not (inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == schema.__name__):
            continue
        if name.startswith("_") or name == "Strict":
            continue
        rows = []
        for fname, finfo in obj.model_fields.items():
            rows.append({"name": fname, "type": _annotation(finfo.annotation).replace("NoneType", "None"),
                         "required": finfo.is_required(), "doc": finfo.description or ""})
        models.append({"name": name, "doc": inspect.cleandoc(obj.__doc__ or ""), "fields": rows})
    return models
