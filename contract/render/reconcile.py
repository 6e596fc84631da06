"""Write a reconciliation (contract.analysis.reconcile) as CSV, a Markdown summary, or JSON."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from contract.analysis.reconcile import CSV_COLUMNS, ReconcileRow, Reconciliation, StreamSummary
from contract.lang.text import day, gbp, md_cell, number, plain_money, plural, spreadsheet_safe


def _ratio(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.4f}"


def csv_row(row: ReconcileRow) -> list[str]:
    """One row, columns in :data:`~contract.analysis.reconcile.CSV_COLUMNS` order; text cells made spreadsheet-safe."""
    return [
        row.version, row.entity_type, row.entity_code, row.commissioner_code or "", row.stream,
        plain_money(row.computed_gbp), plain_money(row.paid_gbp), plain_money(row.difference_gbp),
        _ratio(row.ratio), row.status.value, spreadsheet_safe(row.reason),
    ]


def to_csv(reconciliation: Reconciliation) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in reconciliation.rows:
        writer.writerow(csv_row(row))
    return out.getvalue()


def to_json(reconciliation: Reconciliation) -> str:
    return json.dumps(reconciliation.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"


def _money(value: Decimal | None) -> str:
    return "" if value is None else gbp(value)


def _summary_line(s: StreamSummary) -> str:
    statuses = ", ".join(f"{status.replace('_', ' ')} {n:,}" for status, n in s.statuses.items())
    return (f"| {md_cell(s.stream)} | {s.rows:,} | {s.with_ratio:,} | {_ratio(s.lower_quartile)} | "
            f"{_ratio(s.median)} | {_ratio(s.upper_quartile)} | {gbp(s.computed_total)} | {gbp(s.paid_total)} | "
            f"{md_cell(statuses)} |")


def to_markdown(reconciliation: Reconciliation) -> str:
    """Per stream: how many rows, the median and quartiles of paid ÷ due, totals, and the largest
    differences no reason explains."""
    r = reconciliation
    lines = [
        f"# Reconciliation: {md_cell(r.version)} against {md_cell(r.payments_file)}",
        "",
        f"Due as evaluated on {day(r.as_of)}; paid as the payments file records it. Ratio = paid ÷ due; "
        "participation per practice, every other stream per network (paid summed over the network's "
        "practices in the file).",
        "",
        "| stream | rows | with a ratio | lower quartile | median | upper quartile | due "
        "| paid | statuses |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        *[_summary_line(s) for s in r.summaries],
        "",
    ]
    if r.streams_not_in_file:
        lines += [f"Not in the payments file: {', '.join(map(md_cell, r.streams_not_in_file))}.", ""]
    if r.streams_without_lines:
        lines += [f"Headings no payment line of {md_cell(r.version)} maps to (not compared): "
                  f"{', '.join(map(md_cell, r.streams_without_lines))}.", ""]
    for s in r.summaries:
        if not s.largest_unexplained:
            continue
        lines += [f"## {md_cell(s.stream)}: the {plural(len(s.largest_unexplained), 'largest unexplained difference')}",
                  "", "| entity | commissioner | due | paid | difference | ratio |", "|---|---|---:|---:|---:|---:|"]
        lines += [f"| {md_cell(row.entity_code)} | {md_cell(row.commissioner_code or '')} | "
                  f"{_money(row.computed_gbp)} | {_money(row.paid_gbp)} | {_money(row.difference_gbp)} | "
                  f"{_ratio(row.ratio)} |"
                  for row in s.largest_unexplained]
        lines.append("")
    lines.append(f"{number(len(r.rows))} rows in all; the CSV lists each with its reason.")
    return "\n".join(lines) + "\n"
