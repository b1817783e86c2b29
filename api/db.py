"""The engine and sessions, made in one place from one URL (SQLite by default, PostgreSQL via psycopg)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, create_engine

from api import models  # noqa: F401  (registers the tables on SQLModel.metadata)

# The chain lock key for PostgreSQL advisory locks: any constant the rest of the database does not use.
_CHAIN_LOCK_KEY = 7_201_917
# Login locks use the two-key form (a separate key space from the chain's one-key lock): this class, and a
# 32-bit digest of the client address.
_LOGIN_LOCK_CLASS = 7_201_918


def is_sqlite(engine: Engine) -> bool:
    """Whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, foreign keys and write-serialising transactions."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # One connection per process: every SQLite transaction takes the write lock anyway, and waiting in the
        # pool's queue hands over at once, where SQLite's busy handler would sleep and poll (long tails).
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=1, max_overflow=0, pool_timeout=60
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Take transaction control from the sqlite3 module so BEGIN IMMEDIATE below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # NORMAL in WAL mode survives a killed process (not a power cut), which is the promise we test.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # Every transaction takes the write lock up front: audit appends (read head, insert next) are then
        # serialised across threads and processes, and no transaction fails half-way on a lock upgrade.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# Columns added after the first release, as (table, column, SQL type). PostgreSQL gets them from Alembic; a
# SQLite file made by an older version gets them here (create_all adds tables, never columns). Nullable only.
_ADDED_COLUMNS = (("disposition", "kiosk_id", "VARCHAR(64)"), ("user", "language", "VARCHAR(8)"))


def create_schema(engine: Engine) -> None:
    """Create every table that is missing (tests and the zero-set-up SQLite default; PostgreSQL uses Alembic)."""
    SQLModel.metadata.create_all(engine, tables=models.api_tables())
    if is_sqlite(engine):
        _add_missing_sqlite_columns(engine)


def _add_missing_sqlite_columns(engine: Engine) -> None:
    with engine.begin() as conn:
        for table, column, sql_type in _ADDED_COLUMNS:
            present = {row[1] for row in conn.exec_driver_sql(f"PRAGMA table_info({table})")}
            if column not in present:
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")


def lock_chain(session: Session) -> None:
    """Serialise writers of the audit chain until this transaction ends."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})
    # SQLite: the transaction already holds the database write lock (BEGIN IMMEDIATE).


def lock_login_address(session: Session, address: str) -> None:
    """Serialise login attempts from one client address until this transaction ends."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(address.encode()).digest()[:4], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:cls, :key)"), {"cls": _LOGIN_LOCK_CLASS, "key": key})
    # SQLite: the transaction already holds the database write lock (BEGIN IMMEDIATE).
