"""Mount the web UI: templates, static files, local npm assets, every module's pages, HTML errors.

Later modules add their pages by appending to ``PAGE_MODULES``. A pages module exports ``router``
and may export ``NAV`` (header entries, see ``pathways.web.nav``) and ``dashboard(session, viewer)``
returning ``DashboardCard``s for the home page.
"""

from __future__ import annotations

import importlib
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import Scope

from pathways.core.settings import get_settings
from pathways.web.errors import install_html_errors
from pathways.web.nav import NavItem
from pathways.web.templating import WEB_DIR, build_environment

PAGE_MODULES = [
    "pathways.web.pages",
    "pathways.identity.pages",
    "pathways.audit.pages",
    "pathways.registry.pages",
    "pathways.seizures.pages",  # before screening: /seizures/report is not a seizure id
    "pathways.screening.pages",
    "pathways.tips.pages",
    "pathways.resolve.pages",
]

# Only the built files of the packages we ship are served from node_modules.
ASSET_PREFIXES = ("htmx.org/dist/", "swagger-ui-dist/swagger-ui", "swagger-ui-dist/favicon")


class AssetFiles(StaticFiles):
    """Files from npm packages, limited to their ``dist`` folders."""

    async def get_response(self, path: str, scope: Scope) -> Any:
        clean = posixpath.normpath(path.replace("\\", "/"))
        if clean.startswith("..") or not clean.startswith(ASSET_PREFIXES):
            raise HTTPException(status_code=404)
        response = await super().get_response(clean, scope)
        response.headers.setdefault("Cache-Control", "public, max-age=86400")
        return response


def mount_web(app: FastAPI) -> None:
    app.state.jinja = build_environment()
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    assets: Path = get_settings().assets_dir
    if assets.is_dir():
        app.mount("/assets", AssetFiles(directory=assets), name="assets")
        app.state.assets_dir = assets
    else:
        app.state.assets_dir = None  # pages still work: HTMX only enhances them

    nav: list[NavItem] = []
    cards: list[Callable[..., Any]] = []
    for name in PAGE_MODULES:
        module = importlib.import_module(name)
        app.include_router(module.router, include_in_schema=False)
        nav.extend(getattr(module, "NAV", []))
        if hasattr(module, "dashboard"):
            cards.append(module.dashboard)
    app.state.nav = sorted(nav, key=lambda item: item.order)
    app.state.dashboard = cards
    install_html_errors(app)
