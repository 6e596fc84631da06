"""The published JSON Schemas of `contract evaluate --format json` and `contract coverage --format json`
(contract/published/evaluate.schema.json and coverage.schema.json), generated from the pydantic
models whose serialisation the commands write. Money is a string of the exact decimal ("63000.00")
everywhere in both, so that no reader loses a penny to binary floating point.

Regenerate: ``python -c "from contract.render.schemas import write_schemas; write_schemas()"``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PUBLISHED = Path(__file__).resolve().parents[1] / "published"


def _with_header(schema: dict[str, Any]) -> str:
    full = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(full, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def evaluate_schema() -> str:
    """The schema of an evaluation's JSON (contract.evaluation.results.Evaluation)."""
    from contract.evaluation.results import Evaluation

    return _with_header(Evaluation.model_json_schema(mode="serialization"))


def coverage_schema() -> str:
    """The schema of the coverage report's JSON: the model's, and `total_lost`, which
    contract.render.coverage adds (money as a string)."""
    from contract.analysis.coverage import CoverageReport

    schema = CoverageReport.model_json_schema(mode="serialization")
    schema["properties"]["total_lost"] = {"title": "Total lost", "type": "string",
                                          "description": "The payments lost, summed over those that are known."}
    schema.setdefault("required", []).append("total_lost")
    return _with_header(schema)


SCHEMAS = {"evaluate.schema.json": evaluate_schema, "coverage.schema.json": coverage_schema}


def write_schemas(folder: Path = PUBLISHED) -> list[Path]:
    """Write each schema into `folder`; the paths written."""
    written = []
    for name, make in SCHEMAS.items():
        path = folder / name
        path.write_text(make(), encoding="utf-8")
        written.append(path)
    return written
