"""The evaluation's writers read a stream of findings once and keep none of them (issue 13).

Each format, streamed from ``evaluate_stream``, is checked against the collected evaluation by an
independent route (pydantic's dump of the whole document, the findings' own fields, sums worked out
here), on a generated population at 0.05 × national; a stream that watches its findings with weak
references shows that no writer holds them; Parquet reads back with exact money.
"""

from __future__ import annotations

import csv
import io
import json
import weakref
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from contract.cli.app import main
from contract.evaluation.evaluate import evaluate, evaluate_stream
from contract.evaluation.results import Evaluation, EvaluationHeader, Finding, Status
from contract.evaluation.stream import FindingStream
from contract.io.generate import GeneratedFiles, generate
from contract.io.readers import read_population
from contract.render.parquet import write_parquet
from contract.render.report import CSV_COLUMNS, finding_row, finding_values, write_report
from contract.render.workbook import write_workbook
from contract.spec.facts import Population
from contract.spec.loader import load_version
from contract.spec.schema import Citation, Confidence

VERSION, AS_OF = "2019-20", date(2019, 12, 31)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> GeneratedFiles:
    return generate(tmp_path_factory.mktemp("population"), scale=0.05, seed=2019)


@pytest.fixture(scope="module")
def population(files: GeneratedFiles) -> Population:
    return read_population(register=files.epcn, lists=[files.qof], practices=files.practices,
                           networks=files.networks, staff=files.staff, as_of=AS_OF)


@pytest.fixture(scope="module")
def collected(population: Population) -> Evaluation:
    return evaluate(load_version(VERSION), population, AS_OF)


def _stream(population: Population) -> FindingStream:
    return evaluate_stream(load_version(VERSION), population, AS_OF, batch=37)


def _text(population: Population, fmt: str) -> str:
    out = io.StringIO()
    write_report(_stream(population), fmt, out)
    return out.getvalue()


def test_the_population_gives_a_varied_evaluation(collected: Evaluation):
    """The checks below mean something only if the findings vary: statuses, money, schedules, gaps."""
    assert len({(f.entity_type, f.entity_code) for f in collected.findings}) > 300
    assert {f.status for f in collected.findings} >= {Status.met, Status.input_missing, Status.not_met}
    assert any(f.schedule for f in collected.findings)
    assert any(f.maximum for f in collected.findings)
    assert collected.gaps


def test_csv_streamed_is_one_row_per_finding_in_order(population: Population, collected: Evaluation):
    rows = list(csv.DictReader(io.StringIO(_text(population, "csv"))))
    assert list(rows[0]) == CSV_COLUMNS
    assert rows == [finding_row(f) for f in collected.findings]


def test_the_typed_cells_are_the_csv_columns_in_order(collected: Evaluation):
    """Parquet writes finding_values' cells against the CSV's columns by position."""
    assert list(finding_values(collected.findings[0])) == CSV_COLUMNS


def test_json_streamed_is_the_collected_evaluations_document(population: Population, collected: Evaluation):
    assert json.loads(_text(population, "json")) == collected.model_dump(mode="json")


def test_json_of_no_findings_is_still_the_document():
    header = EvaluationHeader(version=VERSION, as_of=AS_OF, scope="nothing")
    out = io.StringIO()
    write_report(FindingStream(header, lambda: iter(())), "json", out)
    assert json.loads(out.getvalue()) == Evaluation(**dict(header), findings=[]).model_dump(mode="json")


def test_jsonl_is_a_finding_a_line_then_the_summary(population: Population, collected: Evaluation):
    lines = _text(population, "jsonl").splitlines()
    assert len(lines) == len(collected.findings) + 1
    assert [json.loads(line) for line in lines[:-1]] == [f.model_dump(mode="json") for f in collected.findings]
    assert json.loads(lines[-1]) == {"summary": collected.header.model_dump(mode="json")}


def test_markdown_totals_are_the_sums_of_the_findings(population: Population, collected: Evaluation):
    text = _text(population, "md")
    entities = {(f.entity_type, f.entity_code) for f in collected.findings}
    assert f"{len(entities):,} entities, {len(collected.findings):,} findings" in text
    core = [f for f in collected.findings if f.term_id == "payment.core_pcn_funding"]
    paid = sum((f.amount - (f.withheld or 0) for f in core if f.amount is not None), Decimal(0))
    withheld = sum((f.withheld for f in core if f.withheld is not None), Decimal(0))
    row = next(line for line in text.splitlines() if line.startswith("| ") and "`payment.core_pcn_funding`" in line)
    assert row.endswith(f"| {paid:,.2f} | {withheld:,.2f} |")
    roles = [f for f in collected.findings if f.term_id == "payment.additional_roles"]
    budget = sum((f.maximum for f in roles if f.maximum is not None), Decimal(0))
    assert f"| {sum(1 for f in roles if f.maximum is not None):,} | " \
           f"{sum(1 for f in roles if f.maximum is None):,} | {budget:,.2f} |" in text
    attention = [f for f in collected.findings if f.status in (Status.not_met, Status.input_missing)]
    assert f"## Needs attention ({len(attention):,})" in text
    if len(attention) > 200:
        assert f"… and {len(attention) - 200:,} more" in text


def test_parquet_reads_back_with_money_exact_and_dates_as_dates(population: Population, collected: Evaluation,
                                                                 tmp_path: Path):
    import polars as pl

    path = tmp_path / "findings.parquet"
    assert write_parquet(_stream(population), path, batch_rows=500) == len(collected.findings)
    table = pl.read_parquet(path)
    assert table.columns == CSV_COLUMNS
    assert table.schema["amount_gbp"] == pl.Decimal(38, 2)
    assert table.schema["as_of"] == pl.Date
    assert table["amount_gbp"].to_list() == [f.amount for f in collected.findings]
    assert table["payable_gbp"].to_list() == [f.payable for f in collected.findings]
    assert table["maximum_gbp"].to_list() == [f.maximum for f in collected.findings]
    assert table["due"].to_list() == [f.due for f in collected.findings]
    assert table["entity_name"].to_list() == [f.entity_name for f in collected.findings]
    # Exact to the penny over the whole file: a sum of decimals, not of floats.
    known = [f.amount for f in collected.findings if f.amount is not None]
    assert table["amount_gbp"].sum() == sum(known, Decimal(0))


def test_the_workbook_streamed_holds_the_collected_totals(population: Population, collected: Evaluation,
                                                          tmp_path: Path):
    streamed, whole = tmp_path / "streamed.xlsx", tmp_path / "whole.xlsx"
    write_workbook(_stream(population), streamed)
    write_workbook(collected, whole)
    assert streamed.read_bytes() == whole.read_bytes()  # one implementation, either way in
    book = openpyxl.load_workbook(streamed, read_only=True)
    assert book["Findings"].max_row == len(collected.findings) + 1
    networks = {r[0]: r for r in book["Networks"].iter_rows(min_row=2, values_only=True)}
    assert len(networks) == len(population.networks)
    code = next(iter(networks))
    header = next(book["Networks"].iter_rows(max_row=1, values_only=True))
    mine = [f for f in collected.findings if f.entity_code == code and f.term_kind == "entitlement"]
    known = [f.payable for f in mine if f.payable is not None]
    total = networks[code][header.index("Total paid or due")]
    assert total == (float(sum(known, Decimal(0))) if known else None)
    schedule = list(book["Schedule"].iter_rows(values_only=True))
    assert len(schedule) - 1 == sum(1 for f in collected.findings if f.schedule)
    months = sorted({i.month for f in collected.findings for i in f.schedule})
    assert list(schedule[0][5:5 + len(months)]) == [f"{m:%b %Y}" for m in months]


# --- no writer keeps the findings ---------------------------------------------------------------

CITE = Citation(title="Network Contract DES specification", url="https://example.org/des",
                confidence=Confidence.official)


class Watched:
    """Findings made one at a time, each watched through a weak reference; `most_live` is the most
    of them still held by anyone while later ones were being made."""

    def __init__(self, count: int):
        self.count, self.refs, self.most_live = count, [], 0

    def __iter__(self) -> Iterator[Finding]:
        for i in range(self.count):
            f = Finding.model_construct(
                version=VERSION, as_of=AS_OF, entity_type="network", entity_code=f"U{i:05d}", entity_name="A PCN",
                commissioner_code="03N", term_id="payment.core", term_kind="entitlement", title="Core",
                status=Status.met, amount=Decimal("100.00"), withheld=None, maximum=None, schedule=[], due=None,
                explanation="why", missing=[], values={}, citations=[CITE], confidence=Confidence.official)
            self.refs.append(weakref.ref(f))
            if i % 50 == 0:
                self.most_live = max(self.most_live, sum(1 for r in self.refs if r() is not None))
            yield f
            del f

    def stream(self) -> FindingStream:
        return FindingStream(EvaluationHeader(version=VERSION, as_of=AS_OF), self.__iter__)


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "md", "parquet", "xlsx"])
def test_no_writer_holds_the_findings_it_has_written(fmt: str, tmp_path: Path):
    watched = Watched(2_000)
    if fmt == "parquet":
        write_parquet(watched.stream(), tmp_path / "out.parquet")
    elif fmt == "xlsx":
        write_workbook(watched.stream(), tmp_path / "out.xlsx")
    else:
        write_report(watched.stream(), fmt, io.StringIO())
    assert len(watched.refs) == 2_000
    assert watched.most_live <= 3, f"{fmt}: {watched.most_live} findings held at once"


def test_a_writer_that_kept_the_findings_would_be_caught():
    watched = Watched(200)
    kept = list(watched)
    assert watched.most_live > 100
    assert len(kept) == 200


# --- the command line ---------------------------------------------------------------------------


def _inputs(files: GeneratedFiles) -> list[str]:
    return ["--register", str(files.epcn), "--lists", str(files.qof), "--practices", str(files.practices),
            "--networks", str(files.networks), "--staff", str(files.staff), "--keep-going"]


def test_the_command_writes_jsonl_and_parquet(files: GeneratedFiles, collected: Evaluation, tmp_path: Path, capsys):
    import polars as pl

    assert main(["evaluate", VERSION, "--as-of", AS_OF.isoformat(), *_inputs(files), "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert json.loads(lines[-1])["summary"]["version"] == VERSION
    assert len(lines) == len(collected.findings) + 1
    out = tmp_path / "out" / "findings.parquet"
    assert main(["evaluate", VERSION, "--as-of", AS_OF.isoformat(), *_inputs(files), "--format", "parquet",
                 "-o", str(out)]) == 0
    assert pl.read_parquet(out).height == len(collected.findings)
    assert sorted(p.name for p in out.parent.iterdir()) == ["findings.parquet"]  # no partial file left


def test_parquet_needs_a_file(files: GeneratedFiles, capsys):
    assert main(["evaluate", VERSION, "--as-of", AS_OF.isoformat(), *_inputs(files), "--format", "parquet"]) == 2
    assert "--format parquet needs -o FILE" in capsys.readouterr().err


def test_a_report_stopped_part_way_leaves_no_file_and_a_link_is_written_through(tmp_path: Path):
    from contract.cli.errors import UsageError
    from contract.cli.evaluate import _destination

    def stopped_part_way(out: Path) -> None:
        with _destination(out) as partial:
            assert partial is not None
            partial.write_text("half a report", encoding="utf-8")
            raise UsageError("bad rows found after the first finding")

    with pytest.raises(UsageError, match="bad rows"):
        stopped_part_way(tmp_path / "report.csv")
    assert list(tmp_path.iterdir()) == []
    target = tmp_path / "target.csv"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    with _destination(link) as path:
        assert path == link
        link.write_text("new", encoding="utf-8")
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8") == "new"
