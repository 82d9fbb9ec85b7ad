"""Every module's tables, imported so ``Base.metadata`` is complete (Alembic, tests)."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from pathways.store.base import Base

MODEL_MODULES = [
    "pathways.store.audit",
    "pathways.store.policy",
    "pathways.store.numbers",
    "pathways.identity.models",
    "pathways.registry.models",
    "pathways.resolve.models",
    "pathways.resolve.entity_models",
    "pathways.seizures.models",
    "pathways.seizures.tables",
    "pathways.screening.models",
    "pathways.tips.models",
]


def load_all_models() -> MetaData:
    for module in MODEL_MODULES:
        importlib.import_module(module)
    return Base.metadata
