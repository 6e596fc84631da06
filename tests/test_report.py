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


# --- published JSON schemas (contract/published/evaluate.schema.json, coverage.schema.json) --------

def test_the_evaluate_and_coverage_schemas_are_the_models_schemas():
    from contract.render.schemas import PUBLISHED, SCHEMAS

    for name, make in SCHEMAS.items():
        assert (PUBLISHED / name).read_text(encoding="utf-8") == make(), \
            f"{name} is stale: regenerate it with contract.render.schemas.write_schemas()"


def _networks_and_practices(tmp_path) -> list[str]:
    networks = tmp_path / "networks.csv"
    networks.write_text("pcn_code,registered\nU00001,yes\n", encoding="utf-8")
    practices = tmp_path / "practices.csv"
    practices.write_text("practice_code,pcn_code,registered_list,signed_up,opted_out_on\n"
                         "A81001,U00001,30000,yes,\nA81002,U00001,12000,no,2020-05-20\n", encoding="utf-8")
    return ["--networks", str(networks), "--practices", str(practices)]


def test_the_command_lines_json_validates_and_money_is_a_string(tmp_path, capsys):
    import json

    import jsonschema

    from contract.cli.app import main
    from contract.render.schemas import PUBLISHED

    inputs = _networks_and_practices(tmp_path)
    runs = {"evaluate.schema.json": ["evaluate", "2020-21", "--as-of", "2020-12-31", *inputs, "--format", "json"],
            "coverage.schema.json": ["coverage", "2020-21", "--as-of", "2020-12-31", *inputs, "--format", "json"]}
    for name, argv in runs.items():
        assert main(argv) == 0
        document = json.loads(capsys.readouterr().out)
        schema = json.loads((PUBLISHED / name).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate(document)
        if name == "evaluate.schema.json":
            core = next(f for f in document["findings"] if f["term_id"] == "payment.core_pcn_funding")
            # 30,000 + 12,000 = 42,000 patients (no list from the one who opted out is dropped here) × £1.50
            assert core["amount"] == "63000.00"
            money = [f[k] for f in document["findings"] for k in ("amount", "withheld") if f[k] is not None]
            money += [i["amount"] for f in document["findings"] for i in f["schedule"]]
            assert money
            assert all(isinstance(m, str) for m in money)


# --- running totals (contract.render.tally): what the Markdown report and the workbook's Summary read --


def test_the_tally_sums_each_term_as_findings_are_added():
    from decimal import Decimal

    from contract.evaluation.results import Finding, Status
    from contract.render.tally import Tally
    from contract.spec.schema import Citation, Confidence

    cite = Citation(title="Network Contract DES specification", url="https://example.org/des",
                    confidence=Confidence.official)

    def finding(code: str, term: str, status: Status, amount=None, withheld=None, maximum=None, kind="entitlement"):
        return Finding(version="2019-20", as_of=date(2019, 12, 31), entity_type="network", entity_code=code,
                       term_id=term, term_kind=kind, title=term.title(), status=status,
                       amount=None if amount is None else Decimal(amount),
                       withheld=None if withheld is None else Decimal(withheld),
                       maximum=None if maximum is None else Decimal(maximum), explanation="why", citations=[cite],
                       confidence=Confidence.official)

    tally = Tally(attention_limit=1)
    for f in [finding("U2", "size", Status.not_met, kind="obligation"),
              finding("U1", "core", Status.met, "300.00"),
              finding("U2", "core", Status.not_met, "150.00", "150.00"),
              finding("U3", "core", Status.input_missing),
              finding("U1", "roles", Status.input_missing, maximum="53942.25"),
              finding("U2", "roles", Status.met, "100.00", maximum="107884.50"),
              finding("U3", "roles", Status.input_missing)]:
        tally.add(f)
    size, core, roles = tally.terms.values()
    # core: 1 met, 1 not met, 1 input missing; full year 300 + 150 = 450; withheld 150; paid or due 300 + 0 = 300.
    assert (core.count(Status.met), core.count(Status.not_met), core.count(Status.input_missing)) == (1, 1, 1)
    assert (core.amount, core.withheld, core.payable) == (Decimal("450.00"), Decimal("150.00"), Decimal("300.00"))
    # roles: two of three findings carry a maximum, 53,942.25 + 107,884.50 = 161,826.75.
    assert (roles.with_maximum, roles.findings, roles.maximum) == (2, 3, Decimal("161826.75"))
    assert tally.claims_based() == [roles]
    assert [t.term_id for t in tally.payment_lines_first()] == ["core", "roles", "size"]
    assert (tally.findings, tally.entities(), tally.entities("network"), tally.entities("practice")) == (7, 3, 3, 0)
    # Not met or input missing: U2 size, U2 core, U3 core, U1 roles, U3 roles = 5; only the first is kept.
    assert tally.attention_count == 5
    assert [(f.entity_code, f.term_id) for f in tally.attention] == [("U2", "size")]
    assert size.paying is False
