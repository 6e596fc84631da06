"""The loader refuses malformed specs with an error naming the file and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from contract.spec.loader import SPECS_ROOT, load_version, version_ids
from contract.spec.schema import Entitlement, Obligation, Parameter
from contract.spec.yamlio import SpecError, load_yaml

GOOD_TERM = """
terms:
  - id: rate.example
    kind: parameter
    title: Example rate
    summary: An example.
    service: Payments
    unit: gbp
    per: registered_patient
    period: year
    values:
      - effective: 2019-04-01
        value: 1.50
        citations: [{title: T, url: "https://example.org/a", confidence: official}]
    citations: [{title: T, url: "https://example.org/a", confidence: official}]
"""


def _tree(tmp_path: Path, term_yaml: str) -> Path:
    """A specs root holding a copy of fields and one version with one term file."""
    root = tmp_path / "specs"
    (root / "v").mkdir(parents=True)
    shutil.copy(SPECS_ROOT / "fields.yaml", root / "fields.yaml")
    (root / "2019-20").mkdir()
    (root / "2019-20" / "version.yaml").write_text((SPECS_ROOT / "2019-20" / "version.yaml").read_text())
    (root / "2019-20" / "terms.yaml").write_text(term_yaml)
    return root


def _load(root: Path):
    load_version.cache_clear()
    try:
        return load_version("2019-20", root)
    finally:
        load_version.cache_clear()


def test_a_good_spec_loads(tmp_path):
    version = _load(_tree(tmp_path, GOOD_TERM))
    param = version.terms["rate.example"]
    assert isinstance(param, Parameter)
    assert str(param.values[0].value) == "1.50"  # exact text, never a float


@pytest.mark.parametrize(("mutation", "key", "message"), [
    (("    unit: gbp", "    unit: gbp\n    colour: blue"), "terms.0.parameter.colour", "Extra inputs"),
    (("    unit: gbp", "    unit: guineas"), "terms.0.parameter.unit", "Input should be"),
    (("        value: 1.50", "        value: 1.50\n        value: 2.00"), "value", "duplicate key"),
    (("        citations: [{title: T", "        citations: []\n        x: [{title: T"), "terms.0.parameter", ""),
    (("      - effective: 2019-04-01", "      - effective: 2019-02-30"), "effective", "date"),
    (("confidence: official}]\n    citations", "confidence: secondary}]\n    citations"), "caveat", "caveat"),
])
def test_malformed_specs_name_file_and_key(tmp_path, mutation, key, message):
    old, new = mutation
    assert old in GOOD_TERM
    root = _tree(tmp_path, GOOD_TERM.replace(old, new, 1))
    with pytest.raises(SpecError) as err:
        _load(root)
    text = str(err.value)
    assert "terms.yaml" in text
    assert key.split(".")[-1] in text
    assert message in text


def test_a_term_without_citations_is_refused(tmp_path):
    text = GOOD_TERM.replace('    citations: [{title: T, url: "https://example.org/a", confidence: official}]\n', "", 1)
    text = text.rstrip() + "\n    citations: []\n"
    with pytest.raises(SpecError, match="citations"):
        _load(_tree(tmp_path, text))


OBLIGATION = """
  - id: rule.example
    kind: obligation
    title: Example
    summary: An example obligation.
    service: Registration
    level: network
    who: the network
    requirement: {requirement}
    citations: [{{title: T, url: "https://example.org/a", confidence: official}}]
"""


@pytest.mark.parametrize(("requirement", "message"), [
    ("registered_list >= 'many'", "compares a number with a text"),
    ("registered_list >= rate.example and colour", "unknown name"),
    ("__import__('os').system('true')", "Call is not a condition"),
    ("registered_list >= 1 if True else 2", "not a condition"),
    ("registration_submitted_on <= 30000", "compares a date with a number"),
    ("signed_up", "practice field"),
    ("registered_list", "not a yes/no flag"),
])
def test_bad_expressions_are_spec_errors(tmp_path, requirement, message):
    root = _tree(tmp_path, GOOD_TERM + OBLIGATION.format(requirement=f'"{requirement}"'))
    with pytest.raises(SpecError, match=message) as err:
        _load(root)
    assert "rule.example" in str(err.value)


def test_every_version_in_the_repository_loads_and_cites_every_term():
    assert "2019-20" in version_ids()
    for vid in version_ids():
        version = load_version(vid)
        for term in version.terms.values():
            assert term.citations, term.id
            assert term.summary.strip(), term.id
            if isinstance(term, Parameter) and term.values:
                assert all(v.citations for v in term.values), term.id
                assert term.unit is not None


def test_obligations_and_entitlements_say_who_and_how():
    for vid in version_ids():
        for term in load_version(vid).terms.values():
            if isinstance(term, Obligation):
                assert term.who, term.id
                assert term.requirement, term.id
            if isinstance(term, Entitlement):
                assert term.payer, term.id
                assert term.payee, term.id
                assert term.schedule.description, term.id


def test_an_unknown_version_is_a_usage_error_not_a_spec_error(capsys):
    from contract.cli.app import main

    assert main(["show", "2099-00"]) == 2
    assert "no version '2099-00'" in capsys.readouterr().err


def test_an_overlay_on_a_missing_base_is_a_spec_error_naming_the_base_key(tmp_path):
    root = _tree(tmp_path, GOOD_TERM)
    meta = root / "2019-20" / "version.yaml"
    meta.write_text(meta.read_text().replace("status: superseded", "status: draft\nbase: 2018-19"))
    with pytest.raises(SpecError, match="base") as err:
        _load(root)
    assert "no version '2018-19'" in str(err.value)


def test_yaml_keeps_dates_and_decimals_as_their_text(tmp_path):
    # 0.147 must reach Decimal without passing through a float (0.147 has no exact binary form), and
    # a date stays text for pydantic to judge.
    path = tmp_path / "t.yaml"
    path.write_text("rate: 0.147\neffective: 2019-02-30\ncount: 7\n", encoding="utf-8")
    assert load_yaml(path) == {"rate": "0.147", "effective": "2019-02-30", "count": 7}


def test_a_decimal_tag_on_a_list_is_a_spec_error_naming_the_file_and_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("a: 1\nrate: !!float [1, 2]\n", encoding="utf-8")
    with pytest.raises(SpecError, match="line 2") as caught:
        load_yaml(path)
    assert caught.value.file == str(path)
