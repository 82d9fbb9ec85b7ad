"""Web UI mounting (filled in by the pages of every module)."""

from __future__ import annotations

from fastapi import FastAPI


def mount_web(app: FastAPI) -> None:
    return None
