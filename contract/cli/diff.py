"""`contract diff A B [C ...]`: what changed between versions, term by term, with the money.

Two versions give a :class:`~contract.analysis.diff.VersionDiff` report; three or more a
:class:`~contract.analysis.diff.MultiDiff` (each term lined up across all of them). Formats: Markdown
(redlines as CriticMarkup), HTML (``<ins>``/``<del>``, everything escaped), JSON (validated by the
published schemas in ``contract/published/``) and CSV (one row per field change, or per term for a
multi-version diff). ``contract diff --write-schemas`` regenerates the published JSON Schemas.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel

from contract.analysis.diff import AVERAGE_NETWORK_PATIENTS, ChangeClass, MultiDiff, VersionDiff, diff, diff_many
from contract.cli.app import UsageError
from contract.cli.common import add_output, emit, progress
from contract.lang.redline import to_critic, to_html
from contract.spec.loader import load_version

PUBLISHED = Path(__file__).resolve().parents[1] / "published"


def schema_models() -> dict[str, type[BaseModel]]:
    """Each published schema file and the model whose JSON output it describes."""
    from contract.analysis.impact import Impact  # the impact module pulls in the engine: only when needed

    return {"diff.schema.json": VersionDiff, "multidiff.schema.json": MultiDiff, "impact.schema.json": Impact}


def register(app) -> None:
    from contract.cli.common import add_sets, argument, command, option

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
    result = diff(*versions, average_patients=average) if len(versions) == 2 else \
        diff_many(versions, average_patients=average)
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


def to_json(result: BaseModel) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Templates


def gbp(amount: Decimal | None, signed: bool = False) -> str:
    if amount is None:
        return "unknown"
    sign = "+" if signed and amount > 0 else "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell."""
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("|", "\\|")


def class_words(cls: ChangeClass | str) -> str:
    value = cls.value if isinstance(cls, ChangeClass) else cls
    return {"undetermined": "changed, direction undetermined", "timing": "moved in time"}.get(
        value, value.replace("_", " "))


def field_class(f) -> str:
    words = class_words(f.classification)
    extra = [x.value for x in (f.shift, f.direction) if x is not None]
    return words + (f" ({', '.join(extra)})" if extra else "")


def cite(c) -> str:
    where = f", {c.locator}" if c.locator else ""
    caveat = f" ({c.caveat})" if c.caveat else ""
    return f"{c.title}{where} [{c.confidence.value}]{caveat} <{c.url}>"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("contract", "templates/diff"),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters.update(gbp=gbp, cell=md_cell, class_words=class_words, field_class=field_class, cite=cite,
                       critic=to_critic, redline_html=lambda segments: Markup(to_html(segments)))
    return env


def render(result: VersionDiff | MultiDiff, fmt: str) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown format {fmt!r}")
    name = "version" if isinstance(result, VersionDiff) else "multi"
    return environment().get_template(f"{name}.{fmt}.j2").render(d=result, classes=list(ChangeClass))


CSV_COLUMNS = ["term_id", "title", "kind", "service", "state", "classes", "unfunded", "field", "label",
               "classification", "shift", "direction", "old", "new", "money_a_gbp", "money_b_gbp",
               "money_change_gbp", "citations_a", "citations_b"]


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def to_csv(result: VersionDiff | MultiDiff) -> str:
    out = io.StringIO()
    if isinstance(result, MultiDiff):
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["term_id", "title", "kind", *[v.id for v in result.versions]])
        for row in result.rows:
            cells = [c.state.value + (f" ({', '.join(x.value for x in c.classes)})" if c.classes else "")
                     + (" unfunded" if c.unfunded else "") for c in row.cells]
            writer.writerow([row.id, row.title, row.kind, *cells])
        return out.getvalue()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for c in result.changes:
        base = {
            "term_id": c.id, "title": c.title, "kind": c.kind, "service": c.service, "state": c.state.value,
            "classes": " ".join(x.value for x in c.classes), "unfunded": "yes" if c.unfunded else "",
            "money_a_gbp": _money(c.money.old) if c.money else "",
            "money_b_gbp": _money(c.money.new) if c.money else "",
            "money_change_gbp": _money(c.money.delta) if c.money else "",
            "citations_a": " ; ".join(x.url for x in c.citations_a),
            "citations_b": " ; ".join(x.url for x in c.citations_b),
        }
        fields = c.fields or [None]
        for f in fields:
            row = dict(base)
            if f is not None:
                row.update(field=f.field, label=f.label, classification=f.classification.value,
                           shift=f.shift.value if f.shift else "", direction=f.direction.value if f.direction else "",
                           old=f.old or "", new=f.new or "")
            writer.writerow(row)
    return out.getvalue()
