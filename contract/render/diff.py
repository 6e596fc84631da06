"""Diff reports as Markdown, HTML, JSON and CSV.

Markdown and HTML open with the answer ("at a glance": the money for an average network, the new
unfunded obligations, the five biggest changes; for base → proposal → outcome, how many asks the
outcome met). Markdown shows redlines as CriticMarkup, HTML as ``<ins>``/``<del>`` with everything
escaped and the money by payment line as an inline SVG chart (contract.render.charts). JSON is the
models' own serialisation (validated by the published schemas in ``contract/published/``), CSV has
one row per field change (or per term for a multi-version diff, with each ask's verdict). Words for
change classes come from :mod:`contract.render.vocab`; money and escaping from :mod:`contract.lang.text`.
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

from contract.analysis.diff import ChangeClass, MultiDiff, Outcome, TermChange, VersionDiff, describe, salient
from contract.lang import text
from contract.lang.redline import to_critic, to_html
from contract.render import charts
from contract.render.vocab import CHANGE_CLASS_WORDS

BIGGEST = 5
"""How many changes the first screen names."""


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
                       critic=to_critic, redline_html=lambda segments: Markup(to_html(segments)), describe=describe)
    env.globals.update(biggest=biggest, tally=tally)
    return env


def biggest(d: VersionDiff, n: int = BIGGEST) -> list[TermChange]:
    """The changes the first screen names: the diff's own ranking of salient changes (largest money
    first, then the obligations whose rules moved most, then those added or dropped)."""
    return salient(d, n)


def tally(m: MultiDiff) -> dict[str, int]:
    """How many of the asks the outcome met, did not meet, or met otherwise."""
    return {o.value: sum(1 for v in m.verdicts if v.outcome is o) for o in Outcome}


def money_chart(d: VersionDiff) -> str | None:
    """The priced payment lines for the average network, before and after (None when none is priced)."""
    lines = [x for x in d.money.lines if x.old or x.new]
    if not lines:
        return None
    return charts.paired_bars(f"Money for an average network by payment line, {d.a.id} and {d.b.id}",
                              [x.title for x in lines], [x.old for x in lines], [x.new for x in lines],
                              d.a.id, d.b.id)


def render(result: VersionDiff | MultiDiff, fmt: str) -> str:
    if fmt == "json":
        return to_json(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown format {fmt!r}")
    name = "version" if isinstance(result, VersionDiff) else "multi"
    chart = money_chart(result) if fmt == "html" and isinstance(result, VersionDiff) else None
    return environment().get_template(f"{name}.{fmt}.j2").render(
        d=result, classes=list(ChangeClass), money_chart=Markup(charts.inline(chart)) if chart else None)


CSV_COLUMNS = ["term_id", "title", "kind", "service", "state", "classes", "unfunded", "field", "label",
               "classification", "shift", "direction", "old", "new", "money_a_gbp", "money_b_gbp",
               "money_change_gbp", "citations_a", "citations_b"]


def to_csv(result: VersionDiff | MultiDiff) -> str:
    out = io.StringIO()
    if isinstance(result, MultiDiff):
        writer = csv.writer(out, lineterminator="\n")
        verdicts = {v.id: v for v in result.verdicts}
        scored = ["asked", "outcome", "outcome_state"] if result.verdicts else []
        writer.writerow(["term_id", "title", "kind", *[v.id for v in result.versions], *scored])
        for row in result.rows:
            cells = [c.state.value + (f" ({', '.join(x.value for x in c.classes)})" if c.classes else "")
                     + (" unfunded" if c.unfunded else "") for c in row.cells]
            v = verdicts.get(row.id)
            verdict = [v.asked.value, v.outcome.value, v.outcome_state.value] if v else ["", "", ""]
            writer.writerow([row.id, text.spreadsheet_safe(row.title), row.kind, *cells, *verdict[:len(scored)]])
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
