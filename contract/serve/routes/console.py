"""The console: the page at `/` (static HTML, JS and CSS served by the app), its fast scenario
endpoint, and the exports (the scenario as a spec overlay; the proposal's evaluation as the finance
workbook)."""

from __future__ import annotations

import html
import tempfile
import time
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from contract.evaluation.evaluate import evaluate
from contract.render.workbook import write_workbook
from contract.serve import requests
from contract.serve.models import Answer, ExportRequest, ScenarioRequest
from contract.serve.overlay import overlay_id, overlay_meta, overlay_yaml, overlay_zip
from contract.serve.requests import FieldError
from contract.serve.routes.api import state_of
from contract.serve.scenario import ScenarioResult, Slider

STATIC = Path(__file__).resolve().parents[1] / "static"

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def console(request: Request) -> HTMLResponse:
    """The console page, with what the population is written into it (before any script runs)."""
    info = state_of(request).served.info
    page = (STATIC / "console.html").read_text(encoding="utf-8")
    banner = html.escape(info.note) + f" · {info.practices:,} practices, {info.networks:,} networks"
    page = page.replace("{{population_source}}", info.source).replace("{{population_note}}", banner)
    return HTMLResponse(page)


class ScenarioAnswer(BaseModel):
    sliders: list[Slider]
    scenario: ScenarioResult


@router.post("/api/scenario", response_model=Answer[ScenarioAnswer], tags=["console"])
def post_scenario(body: ScenarioRequest, request: Request):
    """The proposal with its national £ parameters moved (`set`), priced per practice and network
    against the base through the vectorised path: national cost, gainers and losers, the practices'
    distribution of change, the biggest movers. The first call for a pair builds its plan."""
    st = state_of(request)
    base, proposal = st.version(body.base, ("base",)), st.version(body.proposal, ("proposal",))
    moved = requests.national_sets(body.set, proposal)
    requests.area(st.served.population, body.commissioner, [])  # names an unknown commissioner
    with st.lock:
        scenario = st.scenario(base, proposal)
        started = time.perf_counter()
        unmovable = sorted(set(moved) - {s.id for s in scenario.sliders})
        if unmovable:
            raise FieldError(("set", unmovable[0]), f"{unmovable[0]} is not a national £ parameter the console "
                                                    f"can move in {proposal.id}")
        result = scenario.price(moved, body.commissioner, body.bins)
    result.seconds = round(time.perf_counter() - started, 4)
    return {"population": st.served.info, "result": ScenarioAnswer(sliders=scenario.sliders, scenario=result)}


@router.post("/api/export/overlay", tags=["console"],
             responses={200: {"content": {"application/zip": {}, "application/yaml": {}}}})
def export_overlay(body: ExportRequest, request: Request, format: str = Query("zip", pattern="^(zip|yaml)$"),
                   published: date | None = None) -> Response:
    """The scenario as a spec overlay on the proposal: a zip of `<id>/version.yaml` (or the YAML
    alone) with op `set_values` for every moved parameter. `published`: the date written into it
    (default: the proposal's publication date, so that the same scenario gives the same bytes)."""
    st = state_of(request)
    proposal = st.version(body.proposal, ("proposal",))
    moved = requests.national_sets(body.set, proposal)
    for name in moved:
        if not getattr(proposal.terms[name], "values", None):
            raise FieldError(("set", name), f"{name} is a formula: an overlay can set only a parameter with values")
    version_id = overlay_id(proposal, body.id)
    if (st.specs / version_id).exists():
        raise FieldError(("id",), f"{version_id} is already a version: choose another id")
    meta = overlay_meta(proposal, moved, version_id, published or proposal.meta.published)
    if format == "yaml":
        return Response(overlay_yaml(meta), media_type="application/yaml",
                        headers={"Content-Disposition": f'attachment; filename="{version_id}-version.yaml"'})
    return Response(overlay_zip(meta), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{version_id}.zip"'})


@router.post("/api/export/workbook", tags=["console"],
             responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def export_workbook(body: ExportRequest, request: Request) -> Response:
    """The proposal, with the moved parameters, evaluated over the area asked for by the engine of
    record and written as the finance workbook (contract.render.workbook)."""
    st = state_of(request)
    proposal = st.version(body.proposal, ("proposal",))
    moved = requests.national_sets(body.set, proposal)
    day = requests.as_of(body.as_of, proposal, ("as_of",))
    population = requests.area(st.served.population, body.commissioner, [])
    assumptions = [f"{k} = {v} (set in the negotiation console)" for k, v in moved.items()]
    assumptions.append(st.served.info.note)
    with st.lock, tempfile.TemporaryDirectory(prefix="contract-serve-") as folder:
        result = evaluate(proposal, population, day, overrides=moved)
        path = Path(folder) / "workbook.xlsx"
        write_workbook(result, path, inputs=st.served.info.files, assumptions=assumptions)
        data = path.read_bytes()
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{proposal.id}-scenario.xlsx"'})
