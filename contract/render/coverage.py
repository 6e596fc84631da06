"""The coverage report (contract.analysis.coverage) as Markdown, CSV or JSON.

Every name, code and reason is written through contract.lang.text: in Markdown, a practice called
`<script>` or `[x](javascript:…)` stays text; in CSV, a cell a spreadsheet would run is quoted.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from contract.analysis.coverage import CoverageReport
from contract.lang.text import gbp, md_cell, plain_money, plural, spreadsheet_safe

FORMATS = ("md", "csv", "json")


def _money(value: Decimal | None) -> str:
    return "unknown" if value is None else gbp(value)


def _who(code: str, name: str | None) -> str:
    return md_cell(f"{code} {name or ''}")


def to_markdown(report: CoverageReport) -> str:
    out = [f"# Coverage: {md_cell(report.version)} at {report.as_of.isoformat()}", ""]
    unknown = report.unknown_losses
    out.append(f"{plural(len(report.leavers), 'practice')} leaving the DES "
               f"({sum(1 for x in report.leavers if x.out_at_as_of):,} out at the as-of date); "
               f"{plural(len(report.networks), 'network')} losing members; {plural(len(report.uncovered), 'practice')} "
               f"whose patients no network covers; payments lost {_money(report.total_lost)}"
               + (f" plus {plural(unknown, 'line')} that cannot be computed" if unknown else "") + ".")
    out += ["", "## Practices leaving", ""]
    if report.leavers:
        out += ["| practice | network | leaves on | out at as-of | registered list | covered by | how |",
                "|---|---|---|---|---|---|---|"]
        for x in report.leavers:
            leaves = x.leaves_on.isoformat() if x.leaves_on else "whole year"
            size = f"{x.registered_list:,}" if x.registered_list is not None else ""
            out.append(f"| {_who(x.code, x.name)} | {md_cell(x.pcn_code or '')} | {leaves} | "
                       f"{'yes' if x.out_at_as_of else 'no'} | {size} | {md_cell(x.covered_by or 'nobody')} | "
                       f"{md_cell(x.how)} |")
    else:
        out.append("None.")
    out += ["", "## Networks losing members", ""]
    if report.networks:
        out += ["| network | members before | leaving | members after | registered list | obligations changed |",
                "|---|---|---|---|---|---|"]
        for n in report.networks:
            before = f"{n.registered_list_before:,}" if n.registered_list_before is not None else "?"
            after = f"{n.registered_list_after:,}" if n.registered_list_after is not None else "?"
            out.append(f"| {_who(n.code, n.name)} | {len(n.members_before)} | {md_cell(', '.join(n.leaving))} | "
                       f"{len(n.members_after)} | {before} → {after} | "
                       f"{md_cell('; '.join(n.obligations_changed) or 'none')} |")
    else:
        out.append("None.")
    out += ["", "## Patients not covered by any network", ""]
    if report.uncovered:
        out += ["| practice | from | reason |", "|---|---|---|"]
        for u in report.uncovered:
            out.append(f"| {_who(u.code, u.name)} | {u.from_date.isoformat() if u.from_date else ''} | "
                       f"{md_cell(u.reason)} |")
    else:
        out.append("None.")
    out += ["", "## Payments lost", ""]
    if report.losses:
        out += ["| entity | payment | from | if staying | if leaving | lost | note |", "|---|---|---|---|---|---|---|"]
        for x in report.losses:
            out.append(f"| {x.entity_type} {md_cell(x.entity_code)} | {md_cell(x.title, prose=True)} "
                       f"(`{x.term_id}`) | {x.from_date.isoformat()} | {_money(x.if_staying)} | "
                       f"{_money(x.if_leaving)} | {_money(x.lost)} | {md_cell(x.note or '')} |")
    else:
        out.append("None.")
    if report.notes:
        out += ["", "## Notes", ""] + [f"- {md_cell(n)}" for n in report.notes]
    return "\n".join(out) + "\n"


CSV_COLUMNS = ["section", "entity_type", "entity_code", "entity_name", "network", "from", "detail", "term_id",
               "if_staying_gbp", "if_leaving_gbp", "lost_gbp"]

TEXT_COLUMNS = ("entity_code", "entity_name", "network", "detail")
"""Columns holding text from the input files: quoted where a spreadsheet would run them."""


def to_csv(report: CoverageReport) -> str:
    """One row per leaver, network, uncovered practice and payment line lost; an empty amount is unknown."""
    rows = []
    for x in report.leavers:
        rows.append({"section": "leaver", "entity_type": "practice", "entity_code": x.code, "entity_name": x.name or "",
                     "network": x.pcn_code or "", "from": x.leaves_on.isoformat() if x.leaves_on else "",
                     "detail": f"{x.how}; covered by {x.covered_by or 'nobody'}"})
    for n in report.networks:
        rows.append({"section": "network", "entity_type": "network", "entity_code": n.code, "entity_name": n.name or "",
                     "network": n.code, "detail": f"members {len(n.members_before)} → {len(n.members_after)} "
                     f"(leaving {', '.join(n.leaving)}); list {n.registered_list_before} → {n.registered_list_after}"
                     + (f"; {'; '.join(n.obligations_changed)}" if n.obligations_changed else "")})
    for u in report.uncovered:
        rows.append({"section": "uncovered", "entity_type": "practice", "entity_code": u.code,
                     "entity_name": u.name or "", "from": u.from_date.isoformat() if u.from_date else "",
                     "detail": u.reason})
    for x in report.losses:
        rows.append({"section": "payment", "entity_type": x.entity_type, "entity_code": x.entity_code,
                     "from": x.from_date.isoformat(), "detail": f"{x.title}" + (f" ({x.note})" if x.note else ""),
                     "term_id": x.term_id, "if_staying_gbp": plain_money(x.if_staying),
                     "if_leaving_gbp": plain_money(x.if_leaving), "lost_gbp": plain_money(x.lost)})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n", restval="")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_safe(v) if k in TEXT_COLUMNS else v for k, v in row.items()})
    return out.getvalue()


def to_json(report: CoverageReport) -> str:
    data = report.model_dump(mode="json")
    data["total_lost"] = plain_money(report.total_lost)
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def render(report: CoverageReport, fmt: str) -> str:
    """The report in one of FORMATS."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return {"md": to_markdown, "csv": to_csv, "json": to_json}[fmt](report)
