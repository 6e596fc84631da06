"""The JSON API: versions and terms, evaluate, explain, diff, impact and sweep, each answer the CLI's
JSON model under `result` beside `population` (contract.serve.models.Answer)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request

from contract.analysis.diff import AVERAGE_NETWORK_PATIENTS, MultiDiff, VersionDiff, diff, diff_many
from contract.analysis.impact import Impact, impact
from contract.analysis.sweep import SweepError, sweep
from contract.analysis.sweep import Vary as SweepVary
from contract.evaluation.evaluate import evaluate
from contract.evaluation.results import Evaluation
from contract.evaluation.values import national
from contract.render.sweep import render as render_sweep
from contract.serve import requests
from contract.serve.models import (
    Answer,
    DiffRequest,
    EvaluateRequest,
    ExplainRequest,
    Explanation,
    ImpactRequest,
    ParameterValue,
    SweepRequest,
    TermAcrossVersions,
    VersionDetail,
    VersionSummary,
)
from contract.serve.requests import FieldError
from contract.serve.state import State
from contract.spec.facts import Population
from contract.spec.loader import read_meta, version_ids
from contract.spec.schema import EntityLevel, Parameter

router = APIRouter(prefix="/api", tags=["api"])


def state_of(request: Request) -> State:
    return request.app.state.contract


def _answer(request: Request, result: Any) -> dict[str, Any]:
    return {"population": state_of(request).served.info, "result": result}


@router.get("/versions", response_model=Answer[list[VersionSummary]])
def list_versions(request: Request):
    """Every version (contract years, drafts, proposals), oldest first."""
    root = state_of(request).specs
    rows = [read_meta(v, root) for v in version_ids(root)]
    return _answer(request, [VersionSummary(id=m.id, title=m.title, status=m.status.value,
                                            in_force_start=m.in_force.start, in_force_end=m.in_force.end,
                                            base=m.base) for m in rows])


@router.get("/versions/{version_id}", response_model=Answer[VersionDetail])
def get_version(version_id: str, request: Request):
    """A version materialised: its metadata, every term with its dated values and citations."""
    v = state_of(request).version(version_id, ("version_id",))
    return _answer(request, VersionDetail(meta=v.meta, terms=list(v.terms.values()), files=v.files))


@router.get("/terms/{term_id}", response_model=Answer[TermAcrossVersions])
def get_term(term_id: str, request: Request):
    """One term in every version (null where a version lacks it); 404 when no version has it."""
    st = state_of(request)
    found = {v: st.version(v, ("version",)).terms.get(term_id) for v in version_ids(st.specs)}
    if not any(found.values()):
        raise FieldError(("term_id",), f"no version has a term {term_id!r}", 404)
    return _answer(request, TermAcrossVersions(id=term_id, versions=found))


@router.post("/evaluate", response_model=Answer[Evaluation])
def post_evaluate(body: EvaluateRequest, request: Request):
    """Every practice and network of the area asked for against a version at a date (the engine of record)."""
    st = state_of(request)
    v = st.version(body.version, ("version",))
    day = requests.as_of(body.as_of, v, ("as_of",))
    sets = requests.national_sets(body.set, v)
    population = requests.area(st.served.population, body.commissioner, body.pcn)
    with st.lock:
        result = evaluate(v, population, day, overrides=sets)
    return _answer(request, result)


@router.post("/explain", response_model=Answer[Explanation | ParameterValue])
def post_explain(body: ExplainRequest, request: Request):
    """One decision for one practice or network, or a parameter's value at the date with its source."""
    st = state_of(request)
    v = st.version(body.version, ("version",))
    day = requests.as_of(body.as_of, v, ("as_of",))
    sets = requests.national_sets(body.set, v)
    term = v.terms.get(body.term)
    if term is None:
        raise FieldError(("term",), f"{v.id} has no term {body.term!r}", 404)
    if isinstance(term, Parameter) and (term.level is EntityLevel.national or body.entity is None):
        values = national(v, day, sets)
        raw = values.values.get(term.id)
        dated = values.dated.get(term.id)
        return _answer(request, ParameterValue(
            version=v.id, as_of=day, term=term, value=None if raw is None else str(raw),
            source=values.source_of(term.id) or ("formula" if term.formula else ""), dated_value=dated,
            citations=list(dated.citations if dated else term.citations)))
    if body.entity is None:  # the term itself: its rule and sources (give an entity for a decision)
        return _answer(request, ParameterValue(
            version=v.id, as_of=day, term=term, value=None, citations=list(term.citations),
            source=f"a {term.kind} of {v.id}: give a practice or network code (entity) for its decision"))
    population = _around(st.served.population, body.entity.strip().upper())
    with st.lock:
        result = evaluate(v, population, day, overrides=sets)
    finding = next((f for f in result.for_entity(body.entity.strip().upper()) if f.term_id == term.id), None)
    if finding is None:
        raise FieldError(("term",), f"{term.id} makes no decision of its own for {body.entity} at {day} "
                                    "(a table or ladder the other terms read)")
    return _answer(request, Explanation(version=v.id, as_of=day, term=term, finding=finding))


def _around(population: Population, code: str) -> Population:
    """The entity asked for with its network and the network's members (what its findings read)."""
    if code in population.networks:
        return requests.area(population, [], [code])
    practice = population.practices.get(code)
    if practice is None:
        raise FieldError(("entity",), f"no practice or network {code!r} in the population served", 404)
    network = next((n for n, net in population.networks.items() if code in net.member_codes), practice.pcn_code)
    if network and network in population.networks:
        return requests.area(population, [], [network])
    return population.model_copy(update={"practices": {code: practice}, "networks": {}, "staff": []})


@router.post("/diff", response_model=Answer[VersionDiff | MultiDiff])
def post_diff(body: DiffRequest, request: Request):
    """What changed between two versions (or each term across three or more), with the money for the
    average network; `set` applies to the last version."""
    st = state_of(request)
    versions = [st.version(v, ("versions", i)) for i, v in enumerate(body.versions)]
    sets = requests.national_sets(body.set, versions[-1])
    average = body.average_patients or AVERAGE_NETWORK_PATIENTS
    if average <= 0:
        raise FieldError(("average_patients",), "must be above zero")
    with st.lock:
        result = diff(*versions, average_patients=average, overrides=sets) if len(versions) == 2 else \
            diff_many(versions, average_patients=average, overrides=sets)
    return _answer(request, result)


@router.post("/impact", response_model=Answer[Impact])
def post_impact(body: ImpactRequest, request: Request):
    """The money effect of the proposal against the base on the area's practices and networks
    (the `contract impact --format json` report, impact.schema.json)."""
    st = state_of(request)
    a, b = st.version(body.base, ("base",)), st.version(body.proposal, ("proposal",))
    day_a = requests.as_of(body.as_of_base, a, ("as_of_base",))
    day_b = requests.as_of(body.as_of_proposal, b, ("as_of_proposal",))
    sets = requests.national_sets(body.set, b)
    population = requests.area(st.served.population, body.commissioner, body.pcn)
    with st.lock:
        result = impact(a, b, population, day_a, day_b, body.attribute_networks, top=body.top, overrides=sets)
    return _answer(request, result)


@router.post("/sweep", response_model=Answer[dict[str, Any]])
def post_sweep(body: SweepRequest, request: Request):
    """Every combination of the varied national parameters priced over the area (the `contract sweep
    --format json` document)."""
    st = state_of(request)
    v = st.version(body.version, ("version",))
    base = st.version(body.against, ("against",)) if body.against else None
    day = requests.as_of(body.as_of, v, ("as_of",))
    sets = requests.national_sets(body.set, v)
    varies = []
    for i, x in enumerate(body.vary):
        requests.national_sets({x.param: x.start}, v, "vary")
        if x.step <= 0 or x.stop < x.start:
            raise FieldError(("vary", i), "needs step above zero and stop at or above start")
        varies.append(SweepVary(x.param, x.start, x.stop, x.step))
    population = requests.area(st.served.population, body.commissioner, body.pcn)
    try:
        with st.lock:
            result = sweep(v, population, day, varies, sets=sets, against=base)
    except SweepError as exc:
        raise FieldError(("vary",), str(exc)) from None
    return _answer(request, json.loads(render_sweep(result, "json"), parse_float=Decimal))
