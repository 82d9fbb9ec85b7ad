"""Settings: every knob is a ``PATHWAYS_*`` environment variable (see README, Configuration)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PATHWAYS_", env_file=None, extra="ignore")

    var_dir: Path = Field(default=ROOT / "var", description="Where the embedded database and files live.")
    database_url: str = Field(default="", description="Any SQLAlchemy URL; empty means SQLite in var_dir.")
    secret_key: str = Field(default="", description="Signs session cookies; generated into var_dir if empty.")
    host: str = "127.0.0.1"
    port: int = 8000
    cookie_secure: bool = Field(default=False, description="Set the Secure flag on cookies (behind HTTPS).")
    session_hours: int = 8
    lockout_threshold: int = Field(default=5, description="Failed logins in a row before an account locks.")
    lockout_minutes: int = 15
    offices_file: Path | None = Field(default=None, description="Offices data file; the shipped one if empty.")
    assets_dir: Path = Field(default=ROOT / "node_modules", description="Front-end packages installed by npm.")
    screening_rules: Path | None = Field(default=None, description="Risk rule weights (TOML); built in if empty.")
    tips_workers: int | None = Field(default=None, ge=1, description="Processes for tip file imports.")
    resolve_threshold: float = Field(default=0.6, gt=0, lt=1,
                                     description="Match probability at which two party records are one entity.")
    resolve_review_low: float = Field(default=0.3, gt=0, lt=1,
                                      description="Lowest match probability an analyst is asked to review.")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'pathways.db'}"

    def effective_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret.key"
        if not path.exists():
            import secrets

            self.var_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests change the environment)."""
    get_settings.cache_clear()
