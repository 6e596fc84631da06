"""Diff and impact reports as Markdown, HTML, JSON and CSV.

Markdown shows redlines as CriticMarkup, HTML as ``<ins>``/``<del>`` with everything escaped, JSON
is the models' own serialisation (validated by the published schemas in ``contract/published/``),
CSV has one row per field change (or per term for a multi-version diff). Words for change classes
come from :mod:`contract.render.vocab`; money and escaping from :mod:`contract.lang.text`.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel

from contract.analysis.diff import ChangeClass, MultiDiff, VersionDiff
from contract.lang import text
from contract.lang.redline import to_critic, to_html
from contract.render.vocab import CHANGE_CLASS_WORDS


def to_json(result: BaseModel) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"


def gbp(amount: Decimal | None, signed: bool = False) -> str:
    """Money to the penny, or "unknown"."""
    return "unknown" if amount is None else text.gbp(amount, signed=signed)


def md_cell(value: object) -> str:
    """Our spec text safe inside a Markdown table cell."""
    return text.md_cell("" if value is None else value, prose=True)


def class_words(cls: ChangeClass | str) -> str:
    return CHANGE_CLASS_WORDS[ChangeClass(cls)]


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
            "money_a_gbp": text.plain_money(c.money.old) if c.money else "",
            "money_b_gbp": text.plain_money(c.money.new) if c.money else "",
            "money_change_gbp": text.plain_money(c.money.delta) if c.money else "",
            "citations_a": " ; ".join(x.url for x in c.citations_a),
            "citations_b": " ; ".join(x.url for x in c.citations_b),
        }
        for f in c.fields or [None]:
            row = dict(base)
            if f is not None:
                row.update(field=f.field, label=f.label, classification=f.classification.value,
                           shift=f.shift.value if f.shift else "", direction=f.direction.value if f.direction else "",
                           old=f.old or "", new=f.new or "")
            writer.writerow(row)
    return out.getvalue()
