"""The commissioner's reports: totals per term, input gaps, and the CSV's long format."""

from __future__ import annotations

import csv
import io
from datetime import date

from contract.evaluation.evaluate import evaluate
from contract.render.report import CSV_COLUMNS, to_csv, to_markdown
from contract.spec.facts import Network, Population, Provenance
from contract.spec.loader import load_version


def _two_networks() -> Population:
    pop = Population()
    for code, size in (("U00001", 40000), ("U00002", 20000)):
        n = Network(code=code)
        n.set("registered", True, Provenance(file="networks.csv", row=2))
        n.set("registered_list", size, Provenance(file="networks.csv", row=2))
        pop.networks[code] = n
    pop.networks["U00003"] = Network(code="U00003")  # nothing known about it
    return pop


def test_markdown_totals_each_term_over_its_known_amounts():
    result = evaluate(load_version("2019-20"), _two_networks(), date(2019, 12, 31))
    text = to_markdown(result)
    # (40,000 + 20,000) × £1.50 = £90,000.00; U00003 is input missing, not £0.
    row = next(line for line in text.splitlines() if "`payment.core_pcn_funding`" in line)
    assert row.endswith("| 90,000.00 | 0.00 |")
    assert "| 2 | 0 | 0 | 0 | 1 |" in row
    assert "`registered_list` | network | 1 | 3 | U00003" in text


def test_csv_is_long_format_one_row_per_entity_and_term():
    result = evaluate(load_version("2019-20"), _two_networks(), date(2019, 12, 31))
    rows = list(csv.DictReader(io.StringIO(to_csv(result))))
    assert list(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(result.findings)
    core = {r["entity_code"]: r["amount_gbp"] for r in rows if r["term_id"] == "payment.core_pcn_funding"}
    assert core == {"U00001": "60000.00", "U00002": "30000.00", "U00003": ""}


def test_a_blank_opt_out_date_is_an_answer_not_a_missing_input():
    """specs/fields.yaml: opted_out_on `blank_means: absent` (no notice given). A practice that signed up
    and gave no notice lacks nothing about opting out; one without signed_up still lacks that."""
    from contract.spec.facts import Practice

    pop = Population()
    for code, signed in (("A81001", True), ("A81002", None)):
        p = Practice(code=code)
        if signed is not None:
            p.set("signed_up", signed, Provenance(file="practices.csv", row=2))
        pop.practices[code] = p
    result = evaluate(load_version("2020-21"), pop, date(2020, 12, 31))
    gaps = {g.field: g.codes for g in result.gaps}
    assert "opted_out_on" not in gaps
    assert gaps["signed_up"] == ["A81002"]
