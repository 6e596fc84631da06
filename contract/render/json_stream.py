"""An evaluation as JSON, or as JSON lines, written finding by finding.

JSON: the document of :class:`~contract.evaluation.results.Evaluation` (the published
evaluate.schema.json), its members in another order: what is known first (version, date, inputs
lacking, values set, area, engine), then the findings as they come, then the input issues, complete
only after the last finding. ``json.loads`` of it equals ``Evaluation.model_dump(mode="json")``.

JSON lines (for very large runs): one finding a line, the same object as in the JSON's
``findings``, then one last line ``{"summary": {...}}`` holding the header (version, as_of, issues,
gaps, overrides, scope, engine). Money is a string of the exact decimal in both.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from contract.render.produced import Produced

LAST = ("issues",)
"""Header members written after the findings: the only ones that can grow while they are produced."""


def _member(name: str, value: Any) -> str:
    """`"name": value` at the document's first level, as ``json.dumps(..., indent=1)`` lays it out."""
    return f" {json.dumps(name)}: " + json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n ")


def write_json(produced: Produced, out: TextIO) -> None:
    first = produced.header.model_dump(mode="json")
    out.write("{\n")
    for name, value in first.items():
        if name not in LAST:
            out.write(_member(name, value) + ",\n")
    out.write(' "findings": [')
    separator = "\n  "
    for f in produced:
        out.write(separator + f.model_dump_json(indent=1).replace("\n", "\n  "))
        separator = ",\n  "
    out.write("\n ]" if separator != "\n  " else "]")
    last = produced.header.model_dump(mode="json", include=set(LAST))
    for name in LAST:
        out.write(",\n" + _member(name, last[name]))
    out.write("\n}\n")


def write_jsonl(produced: Produced, out: TextIO) -> None:
    for f in produced:
        out.write(f.model_dump_json())
        out.write("\n")
    summary = produced.header.model_dump(mode="json")
    out.write(json.dumps({"summary": summary}, ensure_ascii=False) + "\n")
