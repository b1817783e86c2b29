"""The watchlist database engine, made in one place: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

from watchlists import models


def sqlite_url(path: Path) -> str:
    """The URL of a SQLite file, creating its directory."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def make_engine(url: str, create: bool = True) -> Engine:
    """An engine for `url`; with `create`, the watchlist tables are created when missing."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    if create:
        models.watchlist_metadata().create_all(engine)
    return engine


def watchlist_tables() -> list:
    """The tables this package owns (the central service's database holds others too)."""
    return list(models.watchlist_metadata().sorted_tables)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # SQLite ignores foreign keys unless asked
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (snapshot builds) do not block an import
    cursor.close()
