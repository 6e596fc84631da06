"""The impact report (contract.analysis.impact) as Markdown, HTML, CSV, JSON or XLSX.

Money, numbers and untrusted text (practice names, commissioner codes, assumption text) are written
by contract.lang.text. Markdown and HTML come from templates/diff/impact.{md,html}.j2 and open with
the answer (contract.render.impact_glance); the HTML page is self-contained, its SVG charts inline
(contract.render.charts). The workbook is contract.render.impact_xlsx.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from contract.analysis.impact import Impact
from contract.lang.text import gbp, md, md_cell, md_prose, number, plain_money, spreadsheet_safe
from contract.render import charts
from contract.render.impact_glance import band_chart, glance, stream_chart

FORMATS = ("md", "html", "json", "csv", "xlsx")
TEXT_FORMATS = ("md", "html", "json", "csv")


def _money(amount: Decimal | None, signed: bool = False) -> str:
    return "unknown" if amount is None else gbp(amount, signed=signed)


@cache
def environment() -> Environment:
    """The Markdown templates' environment with the project's formatters as filters.

    The diff report's environment (contract/cli/diff.py) is moving to contract/render/diff.py; this
    one cannot import it from the cli layer, so it sets up the same loader with the filters the
    impact template uses, each from contract.lang.text."""
    env = Environment(loader=PackageLoader("contract", "templates/diff"),
                      autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(gbp=_money, cell=md_cell, md=md, prose=md_prose, number=number)
    return env


def to_markdown(result: Impact) -> str:
    return environment().get_template("impact.md.j2").render(r=result, glance=glance(result))


def to_html(result: Impact) -> str:
    """One self-contained page: the answer first (national change, gainers and losers, money by
    stream, with SVG charts inline), then the detail."""
    g = glance(result)
    pictures = {"practices": band_chart(result, g, "practice"), "networks": band_chart(result, g, "network"),
                "streams": stream_chart(result, g)}
    return environment().get_template("impact.html.j2").render(
        r=result, glance=g, charts={k: Markup(charts.inline(v)) if v else None for k, v in pictures.items()})


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
    """The report in one of TEXT_FORMATS (the workbook: `render_bytes`)."""
    if fmt == "html":
        return to_html(result)
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "md":
        return to_markdown(result)
    raise ValueError(f"unknown format {fmt!r}")


def render_bytes(result: Impact, fmt: str) -> bytes:
    """The report in one of FORMATS as bytes (UTF-8 for the text formats)."""
    if fmt == "xlsx":
        from contract.render.impact_xlsx import to_xlsx

        return to_xlsx(result)
    return render(result, fmt).encode("utf-8")
