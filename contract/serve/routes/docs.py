"""OpenAPI docs at /docs that work offline: Swagger UI's files served by the app from the
`swagger-ui-bundle` package when it is installed; otherwise a plain page listing the endpoints from
/openapi.json (no script from anywhere else either way)."""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_MOUNT = "/docs-assets"


def swagger_folder() -> Path | None:
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    folder = Path(swagger_ui_bundle.swagger_ui_path)
    return folder if (folder / "swagger-ui-bundle.js").exists() else None


def add_docs(app: FastAPI) -> None:
    router = APIRouter(include_in_schema=False)
    folder = swagger_folder()
    if folder is not None:
        app.mount(SWAGGER_MOUNT, StaticFiles(directory=folder), name="docs-assets")

        @router.get("/docs", response_class=HTMLResponse)
        def swagger() -> HTMLResponse:
            return get_swagger_ui_html(
                openapi_url="/openapi.json", title="contract serve: API",
                swagger_js_url=f"{SWAGGER_MOUNT}/swagger-ui-bundle.js",
                swagger_css_url=f"{SWAGGER_MOUNT}/swagger-ui.css",
                swagger_favicon_url=f"{SWAGGER_MOUNT}/favicon-32x32.png")
    else:
        @router.get("/docs", response_class=HTMLResponse)
        def plain(request: Request) -> HTMLResponse:
            rows = []
            for path, methods in request.app.openapi().get("paths", {}).items():
                for method, op in methods.items():
                    rows.append(f"<tr><td>{html.escape(method.upper())}</td><td><code>{html.escape(path)}</code></td>"
                                f"<td>{html.escape(op.get('summary', ''))}</td></tr>")
            return HTMLResponse("<!doctype html><meta charset=utf-8><title>contract serve: API</title>"
                                "<h1>contract serve: API</h1><p>Swagger UI is not installed (pip install "
                                "swagger-ui-bundle); the schema is at <a href='/openapi.json'>/openapi.json</a>.</p>"
                                f"<table>{''.join(rows)}</table>")
    app.include_router(router)
