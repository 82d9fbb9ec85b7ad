"""The tip store the tips benchmarks share: the large world's tips bulk-imported once per world seed
and database, kept between runs (an SQLite file under the cache directory, or a PostgreSQL database
named after the seed), so the intake benchmark does not rebuild a million tips every time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

PG_ADMIN = os.environ.get("PATHWAYS_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
CACHE = Path(os.environ.get("PATHWAYS_BENCH_CACHE", "/tmp/pathways-bench-cache"))


def world_dir(seed: int, scale: str = "large") -> Path:
    """The world of this seed and scale (generated when missing): the large one holds 1,000,000 tips,
    the medium one 100,000 and takes a minute to generate instead of five."""
    out = CACHE / f"world-{scale}-{seed}"
    if not (out / "tips.jsonl").exists():
        subprocess.run([sys.executable, "-m", "pathways.cli", "world", "generate", "--seed", str(seed), "--scale",
                        scale, "--out", str(out), "--format", "csv"], check=True)
    return out


def store_url(database: str, seed: int) -> str:
    if database == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{CACHE / f'tips-store-{seed}.db'}"
    return PG_ADMIN.rsplit("/", 1)[0] + f"/pathways_tips_store_{seed}"


def tip_count(url: str) -> int:
    """Tips in the store, 0 when it does not exist yet."""
    if url.startswith("sqlite") and not Path(url.split("///", 1)[1]).exists():
        return 0
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM tips")).scalar_one())
    except Exception:  # no database or no tables yet: an empty store
        return 0
    finally:
        engine.dispose()


def recreate(url: str) -> None:
    """An empty database at ``url`` (the old store, if any, is dropped)."""
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            p.unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def prepared(url: str, var_dir: Path) -> Any:
    """The database at ``url`` migrated, with the offices loaded (routing needs them), as the bulk
    import and the intake benchmark both start; returns the operator viewer that imports."""
    os.environ["PATHWAYS_DATABASE_URL"] = url
    os.environ["PATHWAYS_VAR_DIR"] = str(var_dir)
    from pathways.core.policy import system_viewer
    from pathways.core.settings import reset_settings
    from pathways.identity import service as identity
    from pathways.store import migrate
    from pathways.store.engine import dispose_engines
    from pathways.store.session import unit_of_work

    reset_settings()
    dispose_engines()
    migrate.upgrade()
    with unit_of_work(system_viewer("bench")) as s:
        viewer = system_viewer("bench", identity.agency(s).id)
        identity.load_offices(s, viewer)
    return viewer
