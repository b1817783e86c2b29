"""Alembic migrations build exactly the schema the models describe, on a real PostgreSQL server."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.migrations_runner import upgrade
from api.models import api_metadata


def test_upgrade_head_matches_models_on_postgres(postgres_url):
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS migration_check"))
        conn.execute(text("CREATE DATABASE migration_check"))
    url = make_url(postgres_url).set(database="migration_check").render_as_string(hide_password=False)
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), api_metadata())
        tables = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname='public'")).scalars())
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"
    assert {"audit_event", "audit_payload", "screening_transaction", "alembic_version"} <= tables
