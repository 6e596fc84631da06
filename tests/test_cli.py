"""The command line: exit statuses, --version, python -m contract, explain for any term, --set.

Expected values are read from the spec YAML or worked out here; none is taken from the program.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
import yaml

import contract.cli.validate
import contract.cli.versions
from contract.cli.app import COMMANDS, click_app, main
from contract.spec.loader import SPECS_ROOT, load_version, version_ids

ROOT = Path(__file__).resolve().parents[1]
LIST_SIZE = 41_234  # one practice, the whole of network U00001


def spec_value(version_id: str, term_id: str) -> Decimal:
    """The first dated value of a parameter, read straight from the spec YAML."""
    for path in sorted((SPECS_ROOT / version_id).glob("*.yaml")):
        for term in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("terms", []):
            if term["id"] == term_id:
                return Decimal(str(term["values"][0]["value"]))
    raise AssertionError(f"{term_id} not found in specs/{version_id}")


@pytest.fixture
def inputs(tmp_path) -> list[str]:
    networks = tmp_path / "networks.csv"
    networks.write_text("pcn_code,registered,extended_hours_minutes_per_week\nU00001,yes,1000\n", encoding="utf-8")
    practices = tmp_path / "practices.csv"
    practices.write_text(f"practice_code,pcn_code,registered_list\nA81001,U00001,{LIST_SIZE}\n", encoding="utf-8")
    return ["--networks", str(networks), "--practices", str(practices)]


# --- --version and python -m contract ------------------------------------------------------------


def test_version_prints_the_distribution_and_its_version(capsys):
    try:
        expected = version("contract-rules")
    except PackageNotFoundError:
        expected = "unknown"
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"contract-rules {expected}\n"


def test_python_m_contract_runs_the_command_line():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "contract", "versions"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines()]
    assert listed == version_ids()


def test_every_command_is_there_and_every_argument_and_option_has_help():
    assert set(click_app.commands) == set(COMMANDS)
    for name, command in click_app.commands.items():
        assert command.help, name
        subcommands = getattr(command, "commands", {}) or {name: command}
        for sub_name, sub in subcommands.items():
            for param in sub.params:
                assert getattr(param, "help", None), f"{name} {sub_name}: {param.name} has no help"


# --- exit statuses ----------------------------------------------------------------------------------


def test_a_bad_spec_exits_1_naming_the_file_and_key(tmp_path, monkeypatch, capsys):
    # The command line has no --specs option: validate is pointed at a copy of the specs with one bad unit.
    root = tmp_path / "specs"
    shutil.copytree(SPECS_ROOT, root)
    path = root / "2019-20" / "extended_hours.yaml"
    text = path.read_text(encoding="utf-8")
    assert "unit: minutes" in text
    path.write_text(text.replace("unit: minutes", "unit: furlongs", 1), encoding="utf-8")
    monkeypatch.setattr(contract.cli.validate, "version_ids", functools.partial(version_ids, root))
    monkeypatch.setattr(contract.cli.validate, "load_version", functools.partial(load_version, root=root))
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("contract: spec error: ")
    assert "extended_hours.yaml" in err
    assert "unit" in err


@pytest.mark.parametrize(("argv", "named"), [
    (["show", "2099-00"], "no version '2099-00'"),
    (["show", "2019-20", "--term", "payment.nope"], "payment.nope"),
    (["evaluate", "2019-20", "--as-of", "2019-13-01", "--networks", "x.csv"], "'2019-13-01' is not a date"),
    (["evaluate", "2019-20", "--networks", "x.csv"], "--as-of"),
    (["evaluate", "2019-20", "--as-of", "2019-12-31", "--networks", "no-such-file.csv"], "no-such-file.csv"),
    (["evaluate", "2019-20", "--as-of", "2019-12-31", "--format", "pdf"], "pdf"),
    (["no-such-command"], "no-such-command"),
])
def test_bad_input_or_usage_exits_2_naming_it(argv, named, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert named in err
    assert "Traceback" not in err


def test_a_date_outside_the_version_exits_2(inputs, capsys):
    assert main(["evaluate", "2019-20", "--as-of", "2020-04-01", *inputs]) == 2
    assert "outside 2019-20" in capsys.readouterr().err


def _break_versions(monkeypatch, exc: BaseException) -> None:
    def broken(*args, **kwargs):
        raise exc

    monkeypatch.setattr(contract.cli.versions, "version_ids", broken)


def test_an_internal_error_is_one_line_and_exit_3(monkeypatch, capsys):
    _break_versions(monkeypatch, RuntimeError("the index is\nin a bad state"))
    assert main(["versions"]) == 3
    err = capsys.readouterr().err
    assert err == ("contract: internal error: RuntimeError: the index is in a bad state "
                   "(run with --debug for the traceback)\n")


def test_debug_prints_the_traceback_of_an_internal_error(monkeypatch, capsys):
    _break_versions(monkeypatch, KeyError("U00001"))
    assert main(["--debug", "versions"]) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "KeyError: 'U00001'" in err
    assert main(["versions"]) == 3  # --debug lasts one run
    assert "Traceback" not in capsys.readouterr().err


def test_a_closed_pipe_exits_0(monkeypatch, capsys):
    _break_versions(monkeypatch, BrokenPipeError(32, "Broken pipe"))
    assert main(["versions"]) == 0
    assert capsys.readouterr().err == ""


# --- explain, for any term ---------------------------------------------------------------------------


def test_explain_a_network_formula_parameter_computes_it_for_the_network(inputs, capsys):
    per_1000 = spec_value("2019-20", "extended_hours.minutes_per_1000")
    step = spec_value("2019-20", "extended_hours.rounding_minutes")
    # "30 minutes for every 1,000 registered patients, rounded to the nearest quarter hour"
    raw = Decimal(LIST_SIZE) / 1000 * per_1000
    expected = (raw / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    assert (per_1000, step, expected) == (30, 15, 1230)  # 41.234 × 30 = 1,237.02 → 82 quarter hours
    assert main(["explain", "2019-20", "U00001", "extended_hours.required_minutes", "--as-of", "2019-12-31",
                 *inputs]) == 0
    out = capsys.readouterr().out
    assert f"Value: {int(expected):,} minutes a week" in out
    assert "Formula: " in out
    assert "For network U00001: " in out
    assert "https://" in out  # its citation


def test_explain_a_national_parameter_needs_no_entity_and_shows_the_dated_value(capsys):
    rate = spec_value("2019-20", "rate.core_pcn_funding")
    assert main(["explain", "2019-20", "rate.core_pcn_funding", "--as-of", "2019-12-31"]) == 0
    out = capsys.readouterr().out
    assert f"Value: £{rate:.2f} per registered patient a year (in effect from 1 April 2019)" in out
    assert "Used by: payment.core_pcn_funding" in out


def test_explain_a_network_term_for_a_practice_exits_2_suggesting_its_network(inputs, capsys):
    assert main(["explain", "2019-20", "A81001", "payment.core_pcn_funding", "--as-of", "2019-12-31", *inputs]) == 2
    err = capsys.readouterr().err
    assert "payment.core_pcn_funding is a network term; ask for a network (e.g. U00001)" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("entity", "term", "named"), [
    ("U00001", "payment.no_such_term", "'payment.no_such_term'"),
    ("Z99999", "payment.core_pcn_funding", "'Z99999'"),
])
def test_explain_an_unknown_term_or_entity_exits_2_naming_it(inputs, capsys, entity, term, named):
    assert main(["explain", "2019-20", entity, term, "--as-of", "2019-12-31", *inputs]) == 2
    assert named in capsys.readouterr().err


# --- --set -------------------------------------------------------------------------------------------


def _core_funding(tmp_path, inputs, *extra: str) -> dict:
    out = tmp_path / "evaluation.json"
    assert main(["evaluate", "2019-20", "--as-of", "2019-12-31", *inputs, *extra, "--format", "json",
                 "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    [finding] = [f for f in data["findings"]
                 if f["term_id"] == "payment.core_pcn_funding" and f["entity_code"] == "U00001"]
    return {"amount": Decimal(finding["amount"]), "overrides": data["overrides"]}


def test_set_is_recorded_in_the_evaluation_and_printed_as_an_assumption(tmp_path, inputs, capsys):
    rate = spec_value("2019-20", "rate.core_pcn_funding")
    found = _core_funding(tmp_path, inputs, "--set", "rate.core_pcn_funding=1.60")
    assert found["overrides"] == {"rate.core_pcn_funding": "1.60"}
    assert f"assumed: rate.core_pcn_funding = 1.60 (instead of {rate:.2f}" in capsys.readouterr().err


def test_set_on_the_core_rate_changes_the_core_amount(tmp_path, inputs):
    # The whole contract year (12 months) of core funding: list × rate, to the penny.
    rate = spec_value("2019-20", "rate.core_pcn_funding")
    assert _core_funding(tmp_path, inputs)["amount"] == Decimal(LIST_SIZE) * rate == Decimal("61851.00")
    changed = _core_funding(tmp_path, inputs, "--set", "rate.core_pcn_funding=1.60")["amount"]
    assert changed == Decimal(LIST_SIZE) * Decimal("1.60") == Decimal("65974.40")


@pytest.mark.parametrize(("setting", "named"), [
    ("rate.no_such_rate=1", "rate.no_such_rate is not a national parameter of 2019-20"),
    ("rate.core_pcn_funding=£1.60", "is not a plain decimal number"),
    ("rate.core_pcn_funding", "write PARAM=VALUE"),
])
def test_a_bad_set_exits_2(inputs, capsys, setting, named):
    assert main(["evaluate", "2019-20", "--as-of", "2019-12-31", *inputs, "--set", setting]) == 2
    assert named in capsys.readouterr().err


def test_explain_a_roles_table_needs_no_entity_and_names_the_terms_that_use_it(capsys):
    # Which entitlement reads the table, from the spec YAML: the one whose `roles` is arrs.roles.
    readers = [term["id"] for path in sorted((SPECS_ROOT / "2019-20").glob("*.yaml"))
               for term in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("terms", [])
               if term.get("roles") == "arrs.roles"]
    assert readers == ["payment.additional_roles"]
    assert main(["explain", "2019-20", "arrs.roles", "--as-of", "2019-12-31"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Additional roles reimbursed in 2019/20 (arrs.roles), a roles table of 2019-20")
    assert f"Used by: {readers[0]}" in out


# --- the reference page ------------------------------------------------------------------------------


def test_mkdocs_click_documents_every_command_from_the_app():
    from mkdocs_click._docs import make_command_docs

    lines = list(make_command_docs("contract", click_app, depth=1, style="plain"))
    headings = {line for line in lines if line.startswith("#")}
    assert {f"### {name}" for name in COMMANDS} <= headings
    assert {"#### build", "#### generate"} <= headings  # contract docs build, contract docs generate
    page = "\n".join(lines)
    assert "--set PARAM=VALUE" in page
    assert "--as-of DATE" in page
    assert (ROOT / "docs" / "reference" / "cli.md").read_text(encoding="utf-8").count(":command: click_app") == 1
