"""The API documentation works air-gapped: every asset it needs comes from this server."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from pathways.api.app import create_app


def test_docs_page_loads_only_local_assets(database_url: str) -> None:
    with TestClient(create_app()) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        assert urls and all(u.startswith("/") for u in urls), urls
        for url in urls:
            assert client.get(url).status_code == 200, url
        spec = client.get("/openapi.json").json()
        assert "/api/health" in spec["paths"] and "/api/audit/verify" in spec["paths"]
