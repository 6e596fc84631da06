"""`contract diff A B [C ...]`: what changed between versions, term by term, with the money.

Two versions give a :class:`~contract.analysis.diff.VersionDiff` report; three or more a
:class:`~contract.analysis.diff.MultiDiff` (each term lined up across all of them), rendered by
:mod:`contract.render.diff`. ``--set PARAM=VALUE`` sets a national parameter of the last version for
its evaluation (each is listed in the report). ``contract diff --write-schemas`` regenerates the
published JSON Schemas.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel

from contract.analysis.diff import AVERAGE_NETWORK_PATIENTS, MultiDiff, VersionDiff, diff, diff_many
from contract.analysis.impact import Impact
from contract.cli.common import add_output, add_sets, argument, command, emit, option, parse_sets, progress
from contract.cli.errors import UsageError
from contract.render.diff import render
from contract.spec.loader import load_version

PUBLISHED = Path(__file__).resolve().parents[1] / "published"


def schema_models() -> dict[str, type[BaseModel]]:
    """Each published schema file and the model whose JSON output it describes."""
    return {"diff.schema.json": VersionDiff, "multidiff.schema.json": MultiDiff, "impact.schema.json": Impact}


def register(app) -> None:
    params = [
        argument("versions", "two versions (A B), or three or more to line each term up across all of them",
                 list[str], metavar="VERSION", default=[]),
        option("average_patients", "--average-patients",
               f"registered (and weighted) patients of the average network the money is priced for "
               f"(default {AVERAGE_NETWORK_PATIENTS:,})", int, int(AVERAGE_NETWORK_PATIENTS), show_default=False),
        option("write_schemas", "--write-schemas",
               "regenerate the published JSON Schemas of the diff and impact reports, then stop", bool, False),
    ]
    add_sets(params)
    add_output(params, ["md", "html", "json", "csv"], "md")
    command(app, "diff", run, params,
            help="What changed between versions, term by term, with the money and the work.")


def run(args) -> int:
    if args.write_schemas:
        for path in write_schemas():
            progress(f"wrote {path}")
        return 0
    if len(args.versions) < 2:
        raise UsageError("give at least two versions to compare (see `contract versions`)")
    versions = [load_version(v) for v in args.versions]
    average = Decimal(args.average_patients)
    # --set PARAM=VALUE: national parameters of the last version (the proposal), for its evaluation.
    overrides = parse_sets(getattr(args, "set", None), versions[-1])
    result = diff(*versions, average_patients=average, overrides=overrides) if len(versions) == 2 else \
        diff_many(versions, average_patients=average, overrides=overrides)
    emit(render(result, args.format), args.output)
    return 0


# ---------------------------------------------------------------------------------------------
# Published schemas


def schema_text(model: type[BaseModel]) -> str:
    """The JSON Schema of a report's JSON output (pydantic's serialisation schema)."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              **model.model_json_schema(mode="serialization")}
    return json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(folder: Path = PUBLISHED) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in schema_models().items():
        path = folder / name
        path.write_text(schema_text(model), encoding="utf-8")
        written.append(path)
    return written
