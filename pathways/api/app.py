"""The FastAPI app factory: mounts every module's API router and the web pages."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text

from pathways import __version__
from pathways.api.problems import install_problem_handlers
from pathways.store.engine import get_engine

API_ROUTERS = [
    "pathways.identity.api",
    "pathways.audit.api",
    "pathways.registry.api",
]


def create_app() -> FastAPI:
    import importlib

    app = FastAPI(
        title="Pathways",
        version=__version__,
        description="Investigative platform for customs-and-border criminal investigations.",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    install_problem_handlers(app)

    @app.get("/api/health", tags=["health"], summary="Liveness and database reachability")
    def health() -> dict[str, str]:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "database": get_engine().dialect.name}

    for module in API_ROUTERS:
        app.include_router(importlib.import_module(module).router)

    from pathways.web.app import mount_web

    mount_web(app)
    return app
