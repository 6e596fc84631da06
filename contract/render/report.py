"""Write an evaluation as CSV (long format), JSON, Markdown or XLSX."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from contract.evaluation.results import Evaluation, Finding

CSV_COLUMNS = [
    "version", "as_of", "entity_type", "entity_code", "entity_name", "commissioner_code", "term_id",
    "term_kind", "status", "amount_gbp", "withheld_gbp", "maximum_gbp", "due", "confidence", "missing", "explanation",
    "source_url",
]


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def finding_row(f: Finding) -> dict[str, str]:
    return {
        "version": f.version, "as_of": f.as_of.isoformat(), "entity_type": f.entity_type,
        "entity_code": f.entity_code, "entity_name": f.entity_name or "",
        "commissioner_code": f.commissioner_code or "", "term_id": f.term_id, "term_kind": f.term_kind,
        "status": f.status.value, "amount_gbp": _money(f.amount), "withheld_gbp": _money(f.withheld),
        "maximum_gbp": _money(f.maximum),
        "due": f.due.isoformat() if f.due else "", "confidence": f.confidence.value,
        "missing": "; ".join(f.missing), "explanation": f.explanation, "source_url": f.citations[0].url,
    }


def to_csv(evaluation: Evaluation) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for f in evaluation.findings:
        writer.writerow(finding_row(f))
    return out.getvalue()


def to_json(evaluation: Evaluation) -> str:
    return json.dumps(evaluation.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"


def status_counts(evaluation: Evaluation) -> dict[tuple[str, str], tuple[dict[str, int], Decimal]]:
    """Per term: how many findings have each status, and the sum of their amounts (one pass)."""
    counts: dict[tuple[str, str], tuple[dict[str, int], Decimal]] = {}
    for f in evaluation.findings:
        row, total = counts.setdefault((f.term_id, f.title), ({}, Decimal(0)))
        row[f.status.value] = row.get(f.status.value, 0) + 1
        if f.amount is not None:
            counts[(f.term_id, f.title)] = (row, total + f.amount)
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
    statuses = ["met", "not_met", "not_yet_due", "not_applicable", "input_missing"]
    lines = [f"# {evaluation.version} evaluation at {evaluation.as_of.isoformat()}", "",
             f"{len({(f.entity_type, f.entity_code) for f in evaluation.findings}):,} entities, "
             f"{len(evaluation.findings):,} findings, engine: {evaluation.engine}.", "",
             "| term | " + " | ".join(s.replace("_", " ") for s in statuses) + " | amount (£) |",
             "|---|" + "---:|" * (len(statuses) + 1)]
    for (term_id, title), (row, total) in status_counts(evaluation).items():
        cells = " | ".join(f"{row.get(s, 0):,}" for s in statuses)
        lines.append(f"| {title} (`{term_id}`) | {cells} | {total:,.2f} |")
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


def write_xlsx(evaluation: Evaluation, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("findings")
    ws.append(CSV_COLUMNS)
    for f in evaluation.findings:
        row = finding_row(f)
        ws.append([Decimal(row[c]) if c.endswith("_gbp") and row[c] else row[c] for c in CSV_COLUMNS])
    issues = wb.create_sheet("input issues")
    issues.append(["file", "row", "field", "message"])
    for i in evaluation.issues:
        issues.append([i.file, i.row, i.field, i.message])
    wb.save(path)


def render(evaluation: Evaluation, fmt: str) -> str:
    if fmt == "csv":
        return to_csv(evaluation)
    if fmt == "json":
        return to_json(evaluation)
    if fmt == "md":
        return to_markdown(evaluation)
    raise ValueError(f"unknown format {fmt!r}")
