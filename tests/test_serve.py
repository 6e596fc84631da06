"""`contract serve`: the JSON API and the console's scenario and exports, through FastAPI's test client
over a small seeded synthetic population (and, realdata-marked, over the real NHS Digital files)."""

from __future__ import annotations

import functools
import io
import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from contract.evaluation.evaluate import evaluate
from contract.spec.loader import SPECS_ROOT, catalogue, check_version, load_version, version_ids

fastapi_testclient = pytest.importorskip("fastapi.testclient")

PUBLISHED = Path(__file__).resolve().parents[1] / "contract" / "published"


@functools.cache
def _served():
    from contract.serve.population import synthetic

    return synthetic(scale=0.02, seed=2019)


@pytest.fixture(scope="module")
def client():
    from contract.serve.app import create_app

    return fastapi_testclient.TestClient(create_app(_served()))


def _field(response, *loc) -> str:
    """The message of the error at `loc` (["body", *loc]) in a 4xx answer; fails when there is none."""
    assert 400 <= response.status_code < 500, response.text
    for error in response.json()["detail"]:
        if list(error["loc"]) == ["body", *loc]:
            return error["msg"]
    raise AssertionError(f"no error at {loc}: {response.text}")


def _network(population) -> str:
    """A network with member practices in the population."""
    return next(code for code, n in sorted(population.networks.items())
                if any(m in population.practices for m in n.member_codes))


# --- every answer says what it was computed over -------------------------------------------------


def test_versions_lists_every_version_and_says_the_population_is_synthetic(client):
    response = client.get("/api/versions")
    assert response.status_code == 200
    body = response.json()
    assert [v["id"] for v in body["result"]] == version_ids()
    assert body["population"]["source"] == "synthetic"
    assert body["population"]["practices"] == len(_served().population.practices)
    assert "SYNTHETIC" in body["population"]["note"]
    assert response.headers["X-Contract-Population"] == "synthetic"


def test_the_console_page_says_the_population_is_synthetic_before_any_script_runs(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'class="population synthetic"' in page.text
    assert "SYNTHETIC population" in page.text
    for asset in ("/static/console.js", "/static/console.css"):
        assert client.get(asset).status_code == 200
    # no address outside the app in the page or its script
    script = client.get("/static/console.js").text
    assert "http://" not in page.text.replace("http://www.w3.org", "")
    assert "https://" not in page.text
    assert "http://" not in script
    assert "https://" not in script


def test_docs_are_served_with_local_assets_only(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower()
    assert "https://" not in page.text
    if "/docs-assets/swagger-ui-bundle.js" in page.text:
        assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/versions", "/api/versions/{version_id}", "/api/terms/{term_id}", "/api/evaluate",
                 "/api/explain", "/api/diff", "/api/impact", "/api/sweep", "/api/scenario"):
        assert path in paths


# --- versions and terms ---------------------------------------------------------------------------


def test_a_version_has_its_terms_values_and_citations(client):
    body = client.get("/api/versions/2019-20").json()["result"]
    assert body["meta"]["id"] == "2019-20"
    terms = {t["id"]: t for t in body["terms"]}
    core = terms["rate.core_pcn_funding"]
    # £1.50 per registered patient: Network Contract DES specification 2019/20 (cited in the spec)
    assert [Decimal(v["value"]) for v in core["values"]] == [Decimal("1.50")]
    assert core["values"][0]["citations"][0]["url"].startswith("http")


def test_an_unknown_version_is_404_naming_it(client):
    response = client.get("/api/versions/1999-00")
    assert response.status_code == 404
    assert "1999-00" in _field(response, "version_id")


def test_a_term_in_every_version(client):
    body = client.get("/api/terms/rate.core_pcn_funding").json()["result"]
    assert set(body["versions"]) == set(version_ids())
    assert body["versions"]["2019-20"]["values"][0]["value"] == "1.50"
    assert body["versions"]["2024-25-proposals"] is None  # the proposal removes the PCN DES lines
    missing = client.get("/api/terms/no.such_term")
    assert missing.status_code == 404
    assert "no.such_term" in _field(missing, "term_id")


# --- evaluate and explain -------------------------------------------------------------------------


def test_evaluate_one_network_with_a_set_rate(client):
    population = _served().population
    code = _network(population)
    response = client.post("/api/evaluate", json={"version": "2019-20", "pcn": [code], "as_of": "2020-03-31",
                                                  "set": {"rate.core_pcn_funding": "2.00"}})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    members = set(population.networks[code].member_codes) & set(population.practices)
    assert {f["entity_code"] for f in result["findings"]} == {code} | members
    assert result["overrides"] == {"rate.core_pcn_funding": "2.00"}
    line = next(f for f in result["findings"] if f["term_id"] == "payment.core_pcn_funding")
    expected = _engine_total("2019-20", "payment.core_pcn_funding", {"rate.core_pcn_funding": Decimal("2.00")},
                             pcn=code)
    assert Decimal(line["amount"]) == expected


@pytest.mark.parametrize(("body", "loc", "words"), [
    ({"version": "2019-20", "as_of": "2021-01-01"}, ("as_of",), "outside 2019-20"),
    ({"version": "2019-20", "set": {"rate.nothing": 1}}, ("set", "rate.nothing"), "not a national parameter"),
    ({"version": "2019-20", "set": {"rate.core_pcn_funding": "lots"}}, ("set", "rate.core_pcn_funding"), ""),
    ({"version": "2019-20", "set": {"rate.core_pcn_funding": "-1"}}, ("set", "rate.core_pcn_funding"),
     "never negative"),
    ({"version": "2019-20", "commissioner": ["ZZZ"]}, ("commissioner",), "ZZZ"),
    ({"version": "2019-20", "pcn": ["U00000"]}, ("pcn",), "U00000"),
    ({"version": "2019-20", "colour": "red"}, ("colour",), ""),
    ({}, ("version",), ""),
])
def test_bad_evaluate_requests_name_the_field(client, body, loc, words):
    response = client.post("/api/evaluate", json=body)
    assert response.status_code == 422
    assert words in _field(response, *loc)


def test_an_unknown_version_in_a_request_is_404_naming_the_field(client):
    response = client.post("/api/evaluate", json={"version": "2030-31"})
    assert response.status_code == 404
    assert "2030-31" in _field(response, "version")


def test_explain_a_parameter_with_its_source(client):
    body = client.post("/api/explain", json={"version": "2019-20", "term": "rate.core_pcn_funding"}).json()["result"]
    assert body["value"] == "1.50"
    assert body["citations"] == body["dated_value"]["citations"]
    assert body["citations"][0]["url"].startswith("http")
    moved = client.post("/api/explain", json={"version": "2019-20", "term": "rate.core_pcn_funding",
                                              "set": {"rate.core_pcn_funding": "1.75"}}).json()["result"]
    assert moved["value"] == "1.75"


def test_explain_a_decision_for_a_network(client):
    population = _served().population
    code = _network(population)
    response = client.post("/api/explain", json={"version": "2019-20", "term": "payment.core_pcn_funding",
                                                 "entity": code})
    assert response.status_code == 200, response.text
    finding = response.json()["result"]["finding"]
    assert finding["entity_code"] == code
    assert finding["term_id"] == "payment.core_pcn_funding"
    assert finding["citations"]
    # the same decision as the engine over the whole population
    whole = evaluate(load_version("2019-20"), population, load_version("2019-20").meta.in_force.end)
    assert finding["amount"] == str(whole.finding(code, "payment.core_pcn_funding").amount)


def test_explain_bad_requests(client):
    assert "nothing" in _field(client.post("/api/explain", json={"version": "2019-20", "term": "nothing"}), "term")
    response = client.post("/api/explain", json={"version": "2019-20", "term": "payment.core_pcn_funding",
                                                 "entity": "Q99999"})
    assert response.status_code == 404
    assert "Q99999" in _field(response, "entity")
    rule = client.post("/api/explain", json={"version": "2019-20", "term": "payment.core_pcn_funding"}).json()
    assert rule["result"]["value"] is None
    assert rule["result"]["citations"]


# --- diff, impact, sweep --------------------------------------------------------------------------


def test_diff_two_and_three_versions(client):
    two = client.post("/api/diff", json={"versions": ["2019-20", "2020-21"]})
    assert two.status_code == 200, two.text
    result = two.json()["result"]
    assert result["a"]["id"] == "2019-20"
    assert result["b"]["id"] == "2020-21"
    assert "money" in result
    assert "unfunded" in result
    three = client.post("/api/diff", json={"versions": ["2019-20", "2020-21-draft", "2020-21"]}).json()["result"]
    assert [v["id"] for v in three["versions"]] == ["2019-20", "2020-21-draft", "2020-21"]
    assert _field(client.post("/api/diff", json={"versions": ["2019-20"]}), "versions")
    unknown = client.post("/api/diff", json={"versions": ["2019-20", "2077-78"]})
    assert unknown.status_code == 404
    assert "2077-78" in _field(unknown, "versions", 1)


def _validate(document: dict, schema_file: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((PUBLISHED / schema_file).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_impact_of_one_commissioner_validates_against_the_published_schema(client):
    population = _served().population
    commissioner = population.networks[_network(population)].commissioner_code
    response = client.post("/api/impact", json={"base": "2019-20", "proposal": "2020-21",
                                                "commissioner": [commissioner]})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    _validate(result, "impact.schema.json")
    networks = {c for c, n in population.networks.items() if n.commissioner_code == commissioner}
    assert {e["code"] for e in result["entities"] if e["level"] == "network"} == networks


@pytest.mark.parametrize(("body", "status", "loc"), [
    ({"base": "2019-20", "proposal": "nope"}, 404, ("proposal",)),
    ({"base": "2019-20", "proposal": "2020-21", "as_of_proposal": "2019-06-01"}, 422, ("as_of_proposal",)),
    ({"base": "2019-20", "proposal": "2020-21", "set": {"rate.core_pcn_funding": None}}, 422, None),
    ({"base": "2019-20", "proposal": "2020-21", "top": -1}, 422, ("top",)),
])
def test_bad_impact_requests(client, body, status, loc):
    response = client.post("/api/impact", json=body)
    assert response.status_code == status, response.text
    if loc:
        assert _field(response, *loc)


def test_sweep_prices_each_variant(client):
    response = client.post("/api/sweep", json={"version": "2020-21", "against": "2020-21-draft",
                                               "vary": [{"param": "rate.core_pcn_funding", "start": "1.50",
                                                         "stop": "1.60", "step": "0.05"}]})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result["variants"] == 3  # 1.50, 1.55, 1.60
    rows = [r for r in result["rows"] if r["term_id"] == "payment.core_pcn_funding"]
    assert [Decimal(str(r["rate.core_pcn_funding"])) for r in rows] == [Decimal("1.50"), Decimal("1.55"),
                                                                          Decimal("1.60")]
    engine = _engine_total("2020-21", "payment.core_pcn_funding", {"rate.core_pcn_funding": Decimal("1.55")})
    assert Decimal(str(rows[1]["amount_gbp"])) == engine
    mismatched = client.post("/api/sweep", json={"version": "2020-21", "against": "2019-20", "vary": [{
        "param": "rate.core_pcn_funding", "start": 1, "stop": 2, "step": 1}]})
    assert "outside 2019-20" in _field(mismatched, "as_of")
    bad = client.post("/api/sweep", json={"version": "2020-21", "vary": [{"param": "rate.nothing", "start": 1,
                                                                          "stop": 2, "step": 1}]})
    assert "rate.nothing" in _field(bad, "vary", "rate.nothing")
    backwards = client.post("/api/sweep", json={"version": "2020-21", "vary": [{
        "param": "rate.core_pcn_funding", "start": 2, "stop": 1, "step": 1}]})
    assert _field(backwards, "vary", 0)


# --- the console's scenario -----------------------------------------------------------------------


def _scenario(client, **body):
    response = client.post("/api/scenario", json={"base": "2019-20", "proposal": "2020-21", **body})
    assert response.status_code == 200, response.text
    return response.json()["result"]


def _engine_total(version_id: str, term_id: str, overrides: dict[str, Decimal] | None = None,
                  pcn: str | None = None) -> Decimal:
    """The line's total over the population (or one network) by the engine of record, called directly
    (unknown amounts left out)."""
    from contract.io.select import select

    version = load_version(version_id)
    population = select(_served().population, networks=[pcn] if pcn else [])
    result = evaluate(version, population, version.meta.in_force.end, overrides=overrides)
    return sum((f.amount for f in result.findings if f.term_id == term_id and f.amount is not None
                and f.status.value not in ("input_missing",)), Decimal(0))


def test_scenario_lines_agree_with_the_engine_and_move_with_a_rate(client):
    answer = _scenario(client)
    sliders = {s["id"]: s for s in answer["sliders"]}
    # £1.50 per registered patient in 2020/21 (the spec's cited value), a plain rate
    assert sliders["rate.core_pcn_funding"]["value"] == "1.50"
    assert sliders["rate.core_pcn_funding"]["plain_rate"]
    lines = {x["term_id"]: x for x in answer["scenario"]["lines"]}
    line = "payment.core_pcn_funding"
    assert Decimal(lines[line]["proposal"]) == _engine_total("2020-21", line)
    assert Decimal(lines["payment.core_pcn_funding"]["base"]) == _engine_total("2019-20", "payment.core_pcn_funding")
    # Each line says over how many entities it is known: core funding for every network of the served
    # population with a registered list under both versions, out of all its networks.
    population = _served().population
    assert lines[line]["of"] == len(population.networks)
    with_list = sum(1 for n in population.networks.values()
                    if all("registered_list" in population.practices[c].values
                           for c in n.member_codes if c in population.practices) and n.member_codes)
    assert lines[line]["known"] == with_list

    moved = _scenario(client, set={"rate.core_pcn_funding": "2.00"})["scenario"]
    after = {x["term_id"]: x for x in moved["lines"]}
    engine = _engine_total("2020-21", "payment.core_pcn_funding", {"rate.core_pcn_funding": Decimal("2.00")})
    assert Decimal(after["payment.core_pcn_funding"]["proposal"]) == engine
    # 2.00 / 1.50 = 4/3 of the money, each network rounded once: within a penny a network
    old, new = Decimal(lines[line]["proposal"]), Decimal(after[line]["proposal"])
    networks = len(_served().population.networks)
    assert abs(new - old * 4 / 3) <= Decimal("0.01") * networks
    assert moved["path"] == "linear"
    # the national change moves by exactly the line's change; nothing else moved
    assert Decimal(moved["delta"]) - Decimal(answer["scenario"]["delta"]) == new - old


def test_scenario_for_a_commissioner_covers_only_its_entities(client):
    population = _served().population
    commissioner = population.networks[_network(population)].commissioner_code
    answer = _scenario(client, commissioner=[commissioner])["scenario"]
    counts = {x["level"]: x["entities"] for x in answer["levels"]}
    assert counts["network"] == sum(1 for n in population.networks.values() if n.commissioner_code == commissioner)
    assert counts["practice"] == sum(1 for p in population.practices.values() if p.commissioner_code == commissioner)
    assert _field(client.post("/api/scenario", json={"base": "2019-20", "proposal": "2020-21",
                                                     "commissioner": ["ZZZ"]}), "commissioner")


def test_scenario_bad_requests(client):
    assert _field(client.post("/api/scenario", json={"base": "2019-20", "proposal": "2020-21",
                                                     "set": {"rate.nothing": 1}}), "set", "rate.nothing")
    response = client.post("/api/scenario", json={"base": "1900-01", "proposal": "2020-21"})
    assert response.status_code == 404
    assert "1900-01" in _field(response, "base")


# --- exports --------------------------------------------------------------------------------------


def test_the_overlay_export_is_a_version_the_loader_accepts(client, tmp_path):
    response = client.post("/api/export/overlay?format=zip", json={"proposal": "2020-21",
                                                                   "set": {"rate.core_pcn_funding": "1.60"}})
    assert response.status_code == 200, response.text
    root = tmp_path / "specs"
    shutil.copytree(SPECS_ROOT, root)
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.namelist() == ["2020-21-scenario/version.yaml"]
        archive.extractall(root)
    version = load_version("2020-21-scenario", root)
    check_version(version, catalogue(root), root)
    assert version.meta.base == "2020-21"
    from contract.evaluation.values import national

    assert national(version, version.meta.in_force.end).values["rate.core_pcn_funding"] == Decimal("1.60")
    change = version.meta.changes[0]
    assert change.op.value == "set_values"
    assert change.values[0].citations[0].confidence.value == "derived"
    # the same bytes for the same scenario
    again = client.post("/api/export/overlay?format=zip", json={"proposal": "2020-21",
                                                                "set": {"rate.core_pcn_funding": "1.60"}})
    assert again.content == response.content
    text = client.post("/api/export/overlay?format=yaml", json={"proposal": "2020-21",
                                                                "set": {"rate.core_pcn_funding": "1.60"}}).text
    assert "op: set_values" in text
    assert "value: 1.60" in text


def test_overlay_export_bad_requests(client):
    assert "2019-20" in _field(client.post("/api/export/overlay", json={"proposal": "2020-21", "id": "2019-20"}),
                               "id")
    assert _field(client.post("/api/export/overlay", json={"proposal": "2020-21", "id": "Bad Id"}), "id")


def test_the_workbook_export_opens(client):
    openpyxl = pytest.importorskip("openpyxl")
    population = _served().population
    commissioner = population.networks[_network(population)].commissioner_code
    response = client.post("/api/export/workbook", json={"proposal": "2020-21", "commissioner": [commissioner],
                                                         "set": {"rate.core_pcn_funding": "1.60"}})
    assert response.status_code == 200, response.text
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert "Summary" in book.sheetnames
    assert "Networks" in book.sheetnames
    cells = " ".join(str(c) for row in book["Summary"].iter_rows(values_only=True) for c in row if c is not None)
    assert "rate.core_pcn_funding = 1.60" in cells


# --- the real files -------------------------------------------------------------------------------


@pytest.mark.realdata
def test_impact_for_sheffield_on_the_real_files():
    from contract.serve.app import create_app
    from contract.serve.population import from_files
    from tests.conftest import real_data

    served = from_files(register=real_data("epcn-2019-12.xlsx"), lists=[real_data("qof-prevalence-2019-20.csv")])
    assert served.info.source == "files"
    client = fastapi_testclient.TestClient(create_app(served))
    response = client.post("/api/impact", json={"base": "2019-20", "proposal": "2020-21", "commissioner": ["03N"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["population"]["source"] == "files"
    result = body["result"]
    _validate(result, "impact.schema.json")
    networks = [e for e in result["entities"] if e["level"] == "network"]
    assert len(networks) == 15  # NHS Sheffield CCG (03N) had 15 PCNs in the December 2019 ePCN register
    members = {m for n in networks for m in served.population.networks[n["code"]].member_codes}
    practices = {e["code"] for e in result["entities"] if e["level"] == "practice"}
    assert members & set(served.population.practices) <= practices
    unknown = client.post("/api/impact", json={"base": "2019-20", "proposal": "2099-00"})
    assert unknown.status_code == 404
    assert "2099-00" in unknown.text
