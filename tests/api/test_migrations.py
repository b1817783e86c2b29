"""Alembic migrations build exactly the schema the models describe, on a real PostgreSQL server; a SQLite file
from an older version gets the columns added since (SQLite databases are not migrated by Alembic)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from api.db import create_schema, make_engine
from api.migrations_runner import upgrade
from api.models import Disposition, User, api_metadata


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


def _old_sqlite_file(path: Path, script: str) -> Engine:
    """A SQLite file as an earlier version left it (`script`), opened as the service opens it at start-up."""
    old = sqlite3.connect(path)
    old.executescript(script)
    old.close()
    engine = make_engine(f"sqlite:///{path}")
    create_schema(engine)
    return engine


def test_sqlite_file_from_before_dispositions_named_their_kiosk_gets_the_column(tmp_path):
    engine = _old_sqlite_file(
        tmp_path / "central.sqlite3",
        "CREATE TABLE disposition (id INTEGER PRIMARY KEY, transaction_id INTEGER NOT NULL UNIQUE, "
        "officer VARCHAR(64) NOT NULL, outcome VARCHAR(32) NOT NULL, reason_code VARCHAR(64), note TEXT, "
        "decided_at DATETIME NOT NULL, recorded_at DATETIME NOT NULL);"
        "INSERT INTO disposition VALUES (1, 7, 'olga', 'CLEAR', NULL, NULL, '2026-01-01', '2026-01-01');",
    )
    create_schema(engine)  # a second start changes nothing
    with Session(engine) as session:
        [row] = session.exec(select(Disposition)).all()
    engine.dispose()
    assert (row.officer, row.kiosk_id) == ("olga", None)  # the old decision kept, its way in unknown


def test_sqlite_file_from_before_stored_languages_gets_the_column(tmp_path):
    engine = _old_sqlite_file(
        tmp_path / "central.sqlite3",
        "CREATE TABLE user (id INTEGER PRIMARY KEY, username VARCHAR(64) NOT NULL UNIQUE, role VARCHAR(32) NOT NULL, "
        "active BOOLEAN NOT NULL, password_hash VARCHAR(255) NOT NULL, created_at DATETIME NOT NULL, "
        "failed_logins INTEGER NOT NULL, locked_until DATETIME);"
        "INSERT INTO user VALUES (1, 'awa', 'supervisor', 1, 'x', '2026-01-01', 0, NULL);",
    )
    with Session(engine) as session:
        [user] = session.exec(select(User)).all()
    engine.dispose()
    assert (user.username, user.language) == ("awa", None)  # follows the browser until the person chooses
