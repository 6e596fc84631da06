"""The FastAPI app factory: :func:`create_app`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from contract.evaluation.evaluate import DateOutOfRange
from contract.serve.population import Served
from contract.serve.routes import api, console
from contract.serve.routes.docs import add_docs
from contract.serve.state import State
from contract.spec.loader import SPECS_ROOT, UnknownVersion

STATIC = Path(__file__).resolve().parent / "static"


def create_app(served: Served, *, specs: Path = SPECS_ROOT) -> FastAPI:
    """The console and JSON API over `served` (read once), answering from the versions under `specs`."""
    app = FastAPI(title="contract serve", version="1",
                  description="The Network Contract DES as executable rules: JSON API and negotiation console. "
                              f"Population: {served.info.note}",
                  docs_url=None, redoc_url=None)
    app.state.contract = State(served, specs)

    @app.middleware("http")
    async def population_header(request: Request, call_next):
        response = await call_next(request)
        response.headers["X-Contract-Population"] = served.info.source
        return response

    @app.exception_handler(UnknownVersion)
    async def unknown_version(request: Request, exc: UnknownVersion) -> JSONResponse:
        return JSONResponse({"detail": [{"loc": ["body"], "msg": str(exc), "type": "value_error"}]}, 404)

    @app.exception_handler(DateOutOfRange)
    async def out_of_range(request: Request, exc: DateOutOfRange) -> JSONResponse:
        return JSONResponse({"detail": [{"loc": ["body", "as_of"], "msg": str(exc), "type": "value_error"}]}, 422)

    app.include_router(api.router)
    app.include_router(console.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    add_docs(app)
    return app
