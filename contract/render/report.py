"""Write an evaluation as CSV (long format), JSON, JSON lines or Markdown, as its findings come.

Every writer takes a :class:`~contract.render.produced.Produced` evaluation (a streamed one, or a
collected one through :func:`~contract.render.produced.stream_of`) and reads
its findings once, writing or tallying each and keeping none: a national run's report costs no more
memory than a county's. The header's input issues are complete only after the last finding, so
every writer takes them at the end. Parquet: contract.render.parquet; the workbook:
contract.render.workbook.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, TextIO

from contract.evaluation.results import Evaluation, EvaluationHeader, Finding, Status
from contract.lang.text import md, plain_money, spreadsheet_safe
from contract.render.json_stream import write_json, write_jsonl
from contract.render.produced import Produced, stream_of
from contract.render.tally import Tally
from contract.render.vocab import STATUS_WORDS

TEXT_FORMATS = ("csv", "json", "jsonl", "md")
"""The formats :func:`write_report` writes to a text stream (Parquet and the workbook need a file)."""

CSV_COLUMNS = [
    "version", "as_of", "entity_type", "entity_code", "entity_name", "commissioner_code", "term_id",
    "term_kind", "status", "payable_gbp", "withheld_gbp", "amount_gbp", "maximum_gbp", "due", "confidence", "missing",
    "explanation",
    "source_url",
]


TEXT_COLUMNS = ("entity_code", "entity_name", "commissioner_code", "missing", "explanation", "source_url")
"""Columns that may carry text from the input files: quoted so that a spreadsheet never runs them."""


MONEY_COLUMNS = ("payable_gbp", "withheld_gbp", "amount_gbp", "maximum_gbp")


def finding_values(f: Finding) -> dict[str, Any]:
    """One finding's cells of :data:`CSV_COLUMNS`, typed (money Decimal, dates date, None where
    there is no value): the CSV writes them as text, the Parquet file as they are.
    `payable_gbp` is what is paid or due (£0.00 for a line withheld in full), beside `withheld_gbp`;
    `amount_gbp` is the full-year amount before anything is withheld."""
    return {
        "version": f.version, "as_of": f.as_of, "entity_type": f.entity_type, "entity_code": f.entity_code,
        "entity_name": f.entity_name, "commissioner_code": f.commissioner_code, "term_id": f.term_id,
        "term_kind": f.term_kind, "status": f.status.value, "payable_gbp": f.payable, "withheld_gbp": f.withheld,
        "amount_gbp": f.amount, "maximum_gbp": f.maximum, "due": f.due, "confidence": f.confidence.value,
        "missing": "; ".join(f.missing), "explanation": f.explanation,
        "source_url": f.citations[0].url if f.citations else None,
    }


def finding_row(f: Finding) -> dict[str, str]:
    """One finding as CSV cells: money plain (20652.40, numbers stay numbers), dates ISO, empty for
    no value, text spreadsheet-safe."""
    row = {}
    for column, value in finding_values(f).items():
        if column in MONEY_COLUMNS:
            row[column] = plain_money(value)
        elif isinstance(value, date):
            row[column] = value.isoformat()
        else:
            row[column] = "" if value is None else value
    for column in TEXT_COLUMNS:
        row[column] = spreadsheet_safe(row[column])
    return row


def write_csv(produced: Produced, out: TextIO) -> None:
    """The header row, then one row per finding as it comes."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for f in produced:
        writer.writerow(finding_row(f))


def write_markdown(produced: Produced, out: TextIO, detail_limit: int = 200) -> None:
    """Tally the findings as they come, then write the summary (:func:`markdown_summary`)."""
    tally = Tally(attention_limit=detail_limit)
    for f in produced:
        tally.add(f)
    out.write(markdown_summary(produced.header, tally, detail_limit))


def markdown_summary(header: EvaluationHeader, tally: Tally, detail_limit: int = 200) -> str:
    """A summary a commissioner can file: totals per term, then the findings that need attention."""
    statuses = list(Status)
    lines = [f"# {header.version} evaluation at {header.as_of.isoformat()}", "",
             *([f"Area: {md(header.scope)}.", ""] if header.scope else []),
             f"{tally.entities():,} entities, {tally.findings:,} findings, engine: {header.engine}.", "",
             "| term | " + " | ".join(STATUS_WORDS[s] for s in Status) + " | paid or due (£) | withheld (£) |",
             "|---|" + "---:|" * (len(statuses) + 2)]
    for term in tally.terms.values():
        cells = " | ".join(f"{term.count(s):,}" for s in statuses)
        lines.append(f"| {term.title} (`{term.term_id}`) | {cells} | {term.payable:,.2f} | {term.withheld:,.2f} |")
    lines += _claims_lines(tally)
    if tally.attention_count:
        lines += ["", f"## Needs attention ({tally.attention_count:,})", ""]
        for f in tally.attention[:detail_limit]:
            lines.append(f"- **{f.entity_type} {f.entity_code}** {f.title}: {STATUS_WORDS[f.status]}. "
                         f"{f.explanation}")
        if tally.attention_count > detail_limit:
            lines.append(f"- … and {tally.attention_count - detail_limit:,} more (see the CSV or JSON output).")
    if header.gaps:
        lines += ["", "## Inputs missing", "",
                  "Findings that need these inputs say *input missing*; none is counted as zero.", "",
                  "| input | level | missing | of | first codes |", "|---|---|---:|---:|---|"]
        for gap in header.gaps:
            lines.append(f"| `{gap.field}` | {gap.level} | {gap.missing:,} | {gap.of:,} | "
                         f"{', '.join(gap.codes[:8])}{' …' if gap.missing > 8 else ''} |")
    if header.issues:
        lines += ["", f"## Input issues ({len(header.issues):,})", ""]
        lines += [f"- {issue}" for issue in header.issues]
    return "\n".join(lines) + "\n"


def _claims_lines(tally: Tally) -> list[str]:
    """Claims-based lines (additional roles): the most the entities could claim, summed per term
    (a term is listed when any of its findings has a maximum; the others are counted as without)."""
    claims = tally.claims_based()
    if not claims:
        return []
    lines = ["", "## Most that could be claimed", "",
             "Claims-based lines: the most each network could claim for the year, computed without the posts "
             "claimed.", "", "| term | with a maximum | without | maximum (£) |", "|---|---:|---:|---:|"]
    for term in claims:
        lines.append(f"| {term.title} (`{term.term_id}`) | {term.with_maximum:,} | "
                     f"{term.findings - term.with_maximum:,} | {term.maximum:,.2f} |")
    return lines


WRITERS = {"csv": write_csv, "json": write_json, "jsonl": write_jsonl, "md": write_markdown}


def write_report(produced: Produced, fmt: str, out: TextIO) -> None:
    """Write `produced` to `out` in one of :data:`TEXT_FORMATS`, reading its findings once."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}") from None
    writer(produced, out)


def render(evaluation: Evaluation, fmt: str) -> str:
    """A collected evaluation as text in one of :data:`TEXT_FORMATS` (the same writers, into memory)."""
    out = io.StringIO()
    write_report(stream_of(evaluation), fmt, out)
    return out.getvalue()


def to_csv(evaluation: Evaluation) -> str:
    return render(evaluation, "csv")


def to_json(evaluation: Evaluation) -> str:
    return render(evaluation, "json")


def to_markdown(evaluation: Evaluation, detail_limit: int = 200) -> str:
    out = io.StringIO()
    write_markdown(stream_of(evaluation), out, detail_limit)
    return out.getvalue()
