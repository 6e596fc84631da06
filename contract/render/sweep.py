"""A sweep (contract.analysis.sweep) as CSV, Parquet, JSON, Markdown or HTML with an SVG chart.

The CSV and Parquet are the long table (one row per variant and line); JSON carries the same rows
with money and varied values as exact decimal strings. The Markdown and HTML summaries say how the
sweep was computed, find the cost-neutral value when there is one, show the totals at a sample of
variants and chart the total cost (and the losers, with a base) against the varied parameter. The
chart is matplotlib SVG with a fixed hash salt and no date, so the same sweep gives the same bytes.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

import polars as pl

from contract.analysis.sweep import Sweep
from contract.lang import text

FORMATS = ("csv", "parquet", "json", "md", "html")
SAMPLE_ROWS = 21


def to_csv(sweep: Sweep) -> str:
    return sweep.table.write_csv(line_terminator="\n")


def to_parquet(sweep: Sweep) -> bytes:
    out = io.BytesIO()
    sweep.table.write_parquet(out)
    return out.getvalue()


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def to_json(sweep: Sweep) -> str:
    neutral = sweep.cost_neutral
    document = {
        "version": sweep.version, "against": sweep.against, "as_of": sweep.as_of.isoformat(),
        "varied": sweep.params, "variants": sweep.variants, "method": sweep.method, "notes": sweep.notes,
        "cost_neutral": None if neutral is None else {k: _plain(v) for k, v in vars(neutral).items()},
        "rows": [{k: _plain(v) for k, v in row.items()} for row in sweep.table.iter_rows(named=True)],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def neutral_sentence(sweep: Sweep) -> str:
    """The cost-neutral finding in words."""
    if sweep.against is None:
        return "No base version (--against): no cost-neutral value to find."
    if len(sweep.params) != 1:
        return "Several parameters vary: the cost-neutral value is found for one varied parameter only."
    found = sweep.cost_neutral
    name = sweep.params[0]
    if found is None:
        return f"No variant of {name} costs what {sweep.against} costs: the change never reaches zero in this range."
    if found.exact is not None:
        return (f"Cost-neutral against {sweep.against}: {name} = {found.exact} "
                "(the total equals the base's to the penny).")
    return (f"Cost-neutral against {sweep.against} between {name} = {found.below} and {found.above}; "
            f"the nearest variant, {found.nearest}, changes the total by {text.gbp(found.nearest_delta, signed=True)}.")


def _sample(totals: pl.DataFrame) -> pl.DataFrame:
    if totals.height <= SAMPLE_ROWS:
        return totals
    step = (totals.height - 1) / (SAMPLE_ROWS - 1)
    picks = sorted({round(i * step) for i in range(SAMPLE_ROWS)})
    return totals[picks]


def chart_svg(sweep: Sweep) -> str:
    """Total cost (£m) and, with a base, losers against the varied parameter (or the variant number)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    totals = sweep.totals()
    x_name = sweep.params[0] if len(sweep.params) == 1 else "variant"
    xs = [float(v) for v in totals[x_name].to_list()]
    cost = [float(v) / 1e6 for v in totals["amount_gbp"].to_list()]
    with plt.rc_context({"svg.hashsalt": "contract-sweep", "svg.fonttype": "none", "font.size": 9}):
        fig, ax = plt.subplots(figsize=(7, 3.6))
        ax.plot(xs, cost, color="#1f5f8b", linewidth=1.4, label="total cost (£m)")
        ax.set_xlabel(x_name)
        ax.set_ylabel("total, £ million")
        if sweep.against is not None:
            losers = totals["losers"].to_list()
            twin = ax.twinx()
            twin.plot(xs, losers, color="#b5472f", linewidth=1.0, linestyle="--", label="losers")
            twin.set_ylabel(f"practices and networks losing against {sweep.against}")
        ax.set_title(f"{sweep.version}: total payments by {x_name}")
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    svg = out.getvalue()
    return svg[svg.index("<svg"):]


def _rows(sweep: Sweep) -> tuple[list[str], list[list[str]]]:
    sample = _sample(sweep.totals())
    head = [*sweep.params, "total"] + (["change", "gainers", "losers", "unknown"] if sweep.against else [])
    rows = []
    for r in sample.iter_rows(named=True):
        row = [str(r[p]) for p in sweep.params] + [text.gbp(r["amount_gbp"])]
        if sweep.against:
            row += [text.gbp(r["delta_gbp"], signed=True), text.number(r["gainers"]), text.number(r["losers"]),
                    text.number(r["unknown"])]
        rows.append(row)
    return head, rows


def _facts(sweep: Sweep) -> list[str]:
    against = f" against {sweep.against}" if sweep.against else ""
    return [f"{text.plural(sweep.variants, 'variant')} of {', '.join(sweep.params)} "
            f"in {sweep.version}{against}, at {text.day(sweep.as_of)}.", f"Computed {sweep.method}.",
            neutral_sentence(sweep), *sweep.notes]


def to_markdown(sweep: Sweep) -> str:
    head, rows = _rows(sweep)
    lines = [f"# Sweep of {text.md(sweep.version)}", ""]
    lines += [f"- {text.md(f)}" for f in _facts(sweep)]
    lines += ["", "| " + " | ".join(text.md_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(text.md_cell(c) for c in row) + " |" for row in rows]
    lines += ["", chart_svg(sweep), ""]
    return "\n".join(lines)


def to_html(sweep: Sweep) -> str:
    head, rows = _rows(sweep)
    facts = "".join(f"<li>{text.html(f)}</li>" for f in _facts(sweep))
    header = "".join(f"<th>{text.html(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{text.html(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (f"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sweep of "
            f"{text.html(sweep.version)}</title></head><body>\n<h1>Sweep of {text.html(sweep.version)}</h1>\n"
            f"<ul>{facts}</ul>\n<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>\n"
            f"<figure>{chart_svg(sweep)}</figure>\n</body></html>\n")


def render(sweep: Sweep, fmt: str) -> str:
    """The sweep as text in `fmt` (csv, json, md or html; Parquet is bytes: :func:`to_parquet`)."""
    writers = {"csv": to_csv, "json": to_json, "md": to_markdown, "html": to_html}
    return writers[fmt](sweep)
