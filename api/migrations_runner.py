"""Run the Alembic migrations from code (`checkpoint serve` on PostgreSQL, and the migration tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for `url` using the migrations shipped in this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest schema."""
    command.upgrade(alembic_config(url), "head")


def upgrade_if_postgres(url: str) -> None:
    """PostgreSQL schemas are owned by Alembic; the SQLite default is created directly by the app."""
    if make_url(url).get_backend_name() == "postgresql":
        upgrade(url)
