"""Write an evaluation as CSV (long format), JSON or Markdown (the workbook: contract.render.workbook)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from contract.evaluation.results import Evaluation, Finding, Status
from contract.lang.text import md, plain_money, spreadsheet_safe
from contract.render.vocab import STATUS_WORDS

CSV_COLUMNS = [
    "version", "as_of", "entity_type", "entity_code", "entity_name", "commissioner_code", "term_id",
    "term_kind", "status", "payable_gbp", "withheld_gbp", "amount_gbp", "maximum_gbp", "due", "confidence", "missing",
    "explanation",
    "source_url",
]


TEXT_COLUMNS = ("entity_code", "entity_name", "commissioner_code", "missing", "explanation", "source_url")
"""Columns that may carry text from the input files: quoted so that a spreadsheet never runs them."""


def finding_row(f: Finding) -> dict[str, str]:
    """One finding as CSV cells: money plain (20652.40, numbers stay numbers), text spreadsheet-safe.
    `payable_gbp` is what is paid or due (£0.00 for a line withheld in full), beside `withheld_gbp`;
    `amount_gbp` is the full-year amount before anything is withheld."""
    row = {
        "version": f.version, "as_of": f.as_of.isoformat(), "entity_type": f.entity_type,
        "entity_code": f.entity_code, "entity_name": f.entity_name or "",
        "commissioner_code": f.commissioner_code or "", "term_id": f.term_id, "term_kind": f.term_kind,
        "status": f.status.value, "payable_gbp": plain_money(f.payable), "withheld_gbp": plain_money(f.withheld),
        "amount_gbp": plain_money(f.amount), "maximum_gbp": plain_money(f.maximum),
        "due": f.due.isoformat() if f.due else "",
        "confidence": f.confidence.value, "missing": "; ".join(f.missing), "explanation": f.explanation,
        "source_url": f.citations[0].url if f.citations else "",
    }
    for column in TEXT_COLUMNS:
        row[column] = spreadsheet_safe(row[column])
    return row


def to_csv(evaluation: Evaluation) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for f in evaluation.findings:
        writer.writerow(finding_row(f))
    return out.getvalue()


def to_json(evaluation: Evaluation) -> str:
    return json.dumps(evaluation.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"


def status_counts(evaluation: Evaluation) -> dict[tuple[str, str], tuple[dict[str, int], Decimal, Decimal]]:
    """Per term: how many findings have each status, the sum paid or due, and the sum withheld (one pass)."""
    counts: dict[tuple[str, str], tuple[dict[str, int], Decimal, Decimal]] = {}
    for f in evaluation.findings:
        row, paid, withheld = counts.setdefault((f.term_id, f.title), ({}, Decimal(0), Decimal(0)))
        row[f.status.value] = row.get(f.status.value, 0) + 1
        counts[(f.term_id, f.title)] = (row, paid + (f.payable or 0), withheld + (f.withheld or 0))
    return counts


def _budget_lines(evaluation: Evaluation) -> list[str]:
    """Claims-based lines (additional roles): the most the entities could claim, summed per term
    (a term is listed when any of its findings has a maximum; the others are counted as without)."""
    budgeted = {f.term_id for f in evaluation.findings if f.maximum is not None}
    claims: dict[tuple[str, str], list[Finding]] = {}
    for f in evaluation.findings:
        if f.term_id in budgeted:
            claims.setdefault((f.term_id, f.title), []).append(f)
    if not claims:
        return []
    lines = ["", "## Most that could be claimed", "",
             "Claims-based lines: the most each network could claim for the year, computed without the posts "
             "claimed.", "", "| term | with a maximum | without | maximum (£) |", "|---|---:|---:|---:|"]
    for (term_id, title), found in claims.items():
        known = [f.maximum for f in found if f.maximum is not None]
        lines.append(f"| {title} (`{term_id}`) | {len(known):,} | {len(found) - len(known):,} | "
                     f"{sum(known, Decimal(0)):,.2f} |")
    return lines


def to_markdown(evaluation: Evaluation, detail_limit: int = 200) -> str:
    """A summary a commissioner can file: totals per term, then the findings that need attention."""
    statuses = [s.value for s in Status]
    lines = [f"# {evaluation.version} evaluation at {evaluation.as_of.isoformat()}", "",
             *([f"Area: {md(evaluation.scope)}.", ""] if evaluation.scope else []),
             f"{len({(f.entity_type, f.entity_code) for f in evaluation.findings}):,} entities, "
             f"{len(evaluation.findings):,} findings, engine: {evaluation.engine}.", "",
             "| term | " + " | ".join(STATUS_WORDS[s] for s in Status) + " | paid or due (£) | withheld (£) |",
             "|---|" + "---:|" * (len(statuses) + 2)]
    for (term_id, title), (row, paid, withheld) in status_counts(evaluation).items():
        cells = " | ".join(f"{row.get(s, 0):,}" for s in statuses)
        lines.append(f"| {title} (`{term_id}`) | {cells} | {paid:,.2f} | {withheld:,.2f} |")
    lines += _budget_lines(evaluation)
    attention = [f for f in evaluation.findings if f.status.value in ("not_met", "input_missing")]
    if attention:
        lines += ["", f"## Needs attention ({len(attention):,})", ""]
        for f in attention[:detail_limit]:
            lines.append(f"- **{f.entity_type} {f.entity_code}** {f.title}: {f.status.value.replace('_', ' ')}. "
                         f"{f.explanation}")
        if len(attention) > detail_limit:
            lines.append(f"- … and {len(attention) - detail_limit:,} more (see the CSV or JSON output).")
    if evaluation.gaps:
        lines += ["", "## Inputs missing", "",
                  "Findings that need these inputs say *input missing*; none is counted as zero.", "",
                  "| input | level | missing | of | first codes |", "|---|---|---:|---:|---|"]
        for gap in evaluation.gaps:
            lines.append(f"| `{gap.field}` | {gap.level} | {gap.missing:,} | {gap.of:,} | "
                         f"{', '.join(gap.codes[:8])}{' …' if gap.missing > 8 else ''} |")
    if evaluation.issues:
        lines += ["", f"## Input issues ({len(evaluation.issues):,})", ""]
        lines += [f"- {issue}" for issue in evaluation.issues]
    return "\n".join(lines) + "\n"


def render(evaluation: Evaluation, fmt: str) -> str:
    if fmt == "csv":
        return to_csv(evaluation)
    if fmt == "json":
        return to_json(evaluation)
    if fmt == "md":
        return to_markdown(evaluation)
    raise ValueError(f"unknown format {fmt!r}")
