"""Fixtures: a real SQLite watchlist database per test, and a populated list."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlmodel import Session

from watchlists.db import make_engine, sqlite_url
from watchlists.models import Category, SubjectCreate, WatchlistCreate, watchlist_metadata
from watchlists.store import add_subject, create_watchlist

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
def engine(tmp_path):
    """SQLite in a temporary file; PostgreSQL instead when CHECKPOINT_TEST_POSTGRES_URL names a scratch database
    (its watchlist tables are dropped and recreated for every test)."""
    url = os.environ.get("CHECKPOINT_TEST_POSTGRES_URL")
    if url:
        engine = make_engine(url, create=False)
        watchlist_metadata().drop_all(engine)
        watchlist_metadata().create_all(engine)
    else:
        engine = make_engine(sqlite_url(tmp_path / "watchlists.sqlite"))
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        yield session


@pytest.fixture
def wanted(session):
    watchlist = create_watchlist(
        session,
        WatchlistCreate(
            name="wanted-ml",
            category=Category.wanted_person,
            owning_authority="Police nationale du Mali",
            legal_basis="Mandat d'arrêt international n° 12/2026",
            officer_thumbnail=True,
        ),
        actor="admin.kone",
        reason="new list for the 2026 warrants",
    )
    session.commit()
    return watchlist


def subject_data(ref: str = "ML-001", name: str = "Mohamed Ag Traoré", **extra) -> SubjectCreate:
    fields = dict(
        external_ref=ref,
        name_latin=name,
        aliases=["Hamma"],
        birth_date="1978-04",
        nationality="mli",
        sex="m",
        reason="International arrest warrant: armed robbery",
        review_by=TODAY + dt.timedelta(days=365),
    )
    fields.update(extra)
    return SubjectCreate(**fields)


@pytest.fixture
def listed_subject(session, wanted):
    subject = add_subject(session, wanted, subject_data(), actor="admin.kone", reason="warrant received", today=TODAY)
    session.commit()
    return subject
