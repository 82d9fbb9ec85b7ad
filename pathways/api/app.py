"""The FastAPI app factory: mounts every module's API router and the web pages."""

from __future__ import annotations

import gc

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from sqlalchemy import text

from pathways import __version__
from pathways.api.problems import install_problem_handlers
from pathways.store.engine import get_engine

DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pathways API</title>
<link rel="stylesheet" href="/assets/swagger-ui-dist/swagger-ui.css">
<link rel="icon" href="/assets/swagger-ui-dist/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/assets/swagger-ui-dist/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script></body></html>
"""

API_ROUTERS = [
    "pathways.identity.api",
    "pathways.audit.api",
    "pathways.registry.api",
    "pathways.screening.api",
    "pathways.tips.api",
    "pathways.seizures.api",
    "pathways.resolve.api",
]


def create_app() -> FastAPI:
    import importlib

    app = FastAPI(
        title="Pathways",
        version=__version__,
        description="Investigative platform for customs-and-border criminal investigations.",
        docs_url=None,  # served below from local assets: FastAPI's default page loads them from a CDN
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_problem_handlers(app)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    @app.get("/api/health", tags=["health"], summary="Liveness and database reachability")
    def health() -> dict[str, str]:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "database": get_engine().dialect.name}

    for module in API_ROUTERS:
        app.include_router(importlib.import_module(module).router)

    from pathways.web.app import mount_web

    mount_web(app)
    app.router.on_startup.append(_settle)  # after every module's own warm-up
    return app


def _settle() -> None:
    """What start-up loaded (modules, the ZIP and city tables) lives as long as the process: moved out
    of the collector's reach, so its full passes stay short instead of stalling requests."""
    gc.collect()
    gc.freeze()
