"""The impact report (contract.analysis.impact) as Markdown, CSV or JSON.

Money, numbers and untrusted text (practice names, commissioner codes, assumption text) are written
by contract.lang.text. The Markdown comes from templates/diff/impact.md.j2.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from contract.analysis.impact import Impact
from contract.lang.text import gbp, md, md_cell, md_prose, number, plain_money, spreadsheet_safe

FORMATS = ("md", "json", "csv")


def _money(amount: Decimal | None, signed: bool = False) -> str:
    return "unknown" if amount is None else gbp(amount, signed=signed)


@cache
def environment() -> Environment:
    """The Markdown templates' environment with the project's formatters as filters.

    The diff report's environment (contract/cli/diff.py) is moving to contract/render/diff.py; this
    one cannot import it from the cli layer, so it sets up the same loader with the filters the
    impact template uses, each from contract.lang.text."""
    env = Environment(loader=PackageLoader("contract", "templates/diff"), autoescape=False,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(gbp=_money, cell=md_cell, md=md, prose=md_prose, number=number)
    return env


def to_markdown(result: Impact) -> str:
    return environment().get_template("impact.md.j2").render(r=result)


def to_json(result: Impact) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"


CSV_COLUMNS = ["level", "code", "name", "commissioner", "network", "list_size", "band", "term_id", "attributed",
               "status_a", "status_b", "amount_a_gbp", "amount_b_gbp", "change_gbp", "missing", "unknown_because"]


def to_csv(result: Impact) -> str:
    """One row per entity and payment line; an empty amount or change is unknown (an input is missing,
    or the entity is outside the compared population: `unknown_because` says why)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in result.entities:
        for x in e.lines:
            writer.writerow({
                "level": e.level, "code": spreadsheet_safe(e.code), "name": spreadsheet_safe(e.name or ""),
                "commissioner": spreadsheet_safe(e.commissioner or ""), "network": spreadsheet_safe(e.network or ""),
                "list_size": "" if e.list_size is None else e.list_size, "band": e.band,
                "term_id": x.term_id, "attributed": "yes" if x.attributed else "", "status_a": x.status_a,
                "status_b": x.status_b, "amount_a_gbp": plain_money(x.old), "amount_b_gbp": plain_money(x.new),
                "change_gbp": plain_money(x.delta), "missing": "; ".join(x.missing),
                "unknown_because": spreadsheet_safe("; ".join(e.unknown_because)),
            })
    return out.getvalue()


def render(result: Impact, fmt: str) -> str:
    """The report in one of FORMATS."""
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "md":
        return to_markdown(result)
    raise ValueError(f"unknown format {fmt!r}")
