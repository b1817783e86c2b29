"""Fixtures: the real app on a real database (SQLite file and a real PostgreSQL server), and logged-in principals."""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, select

from api.accounts import create_user
from api.app import create_app
from api.audit.chain import SYSTEM
from api.db import create_schema, make_engine
from api.deps import allowed_roles_of
from api.models import Kiosk, User, api_metadata, api_tables
from api.schemas import Role, UserCreate
from api.security import issue_token
from benchmarks.postgres_server import start_postgres
from checkpoint.settings import Settings
from watchlists.db import watchlist_tables
from watchlists.models import Category, SubjectCreate, WatchlistCreate
from watchlists.store import add_subject, add_template, create_watchlist

PASSWORD = "correct horse battery staple"
STAFF_ROLES = [r for r in Role if r != Role.KIOSK]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the session; on CI a server that cannot start is a failure, not a skip."""
    given = os.environ.get("CHECKPOINT_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    try:
        server = start_postgres()
    except (RuntimeError, OSError, Exception) as exc:  # noqa: B014 - any failure to start means the same
        # scripts/test.sh installs PostgreSQL and sets CHECKPOINT_REQUIRE_POSTGRES: there, no server is a failure.
        if os.environ.get("CI", "").lower() == "true" or os.environ.get("CHECKPOINT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL tests cannot run on CI: {exc}")
        pytest.skip(f"PostgreSQL not available here: {exc}")
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    api_metadata().drop_all(engine)
    create_schema(engine)
    SQLModel.metadata.create_all(engine, tables=watchlist_tables())  # as create_app does on every database
    yield engine
    engine.dispose()


def _truncate(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in [*api_tables(), *watchlist_tables()])
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    """The database under test: a fresh SQLite file, or the session's PostgreSQL emptied."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'central.sqlite3'}")
        create_schema(eng)
        yield eng
        eng.dispose()
    else:
        pg = request.getfixturevalue("postgres_engine")
        _truncate(pg)
        yield pg


@pytest.fixture
def settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    """Settings for a test: everything under tmp_path, cheap argon2 so logins stay fast."""
    return Settings(
        data_dir=tmp_path / "data",
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        max_request_bytes=256 * 1024,
        max_face_image_bytes=64 * 1024,
        tree_head_every_events=1000,
        retention_interval_minutes=0,
        tree_head_interval_minutes=0,
    )


@pytest.fixture
def app(settings: Settings, engine: Engine):  # type: ignore[no-untyped-def]
    return create_app(settings, engine)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        yield c


def add_user(app, username: str, role: Role, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    """Create a user straight through the service layer (the route is tested separately)."""
    with Session(app.state.engine, expire_on_commit=False) as session:
        create_user(
            session,
            app.state.trail,
            app.state.auth_policy,
            SYSTEM,
            UserCreate(username=username, password=password, role=role),
        )


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def register_kiosk(client: TestClient, admin: dict[str, str], kiosk_id: str = "kiosk-1") -> dict[str, str]:
    """Register a kiosk through the API and log it in; returns its auth header."""
    response = client.post("/api/kiosks", json={"kiosk_id": kiosk_id, "post_id": "post-a"}, headers=admin)
    assert response.status_code == 201, response.text
    secret = response.json()["secret"]
    token = client.post("/api/auth/kiosk-login", json={"kiosk_id": kiosk_id, "secret": secret})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


@pytest.fixture
def headers(app, client: TestClient) -> dict[Role, dict[str, str]]:  # type: ignore[no-untyped-def]
    """One logged-in principal per role (users named after their role, kiosk 'kiosk-1')."""
    result: dict[Role, dict[str, str]] = {}
    for role in STAFF_ROLES:
        add_user(app, role.value, role)
        result[role] = login(client, role.value)
    result[Role.KIOSK] = register_kiosk(client, result[Role.ADMIN])
    return result


def declared_roles(route: APIRoute) -> frozenset[Role] | None:
    """The roles the route's `allow(...)` dependency admits; None for a route anyone may call."""
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        if dependant.call is not None and allowed_roles_of(dependant.call) is not None:
            return allowed_roles_of(dependant.call)
        stack.extend(dependant.dependencies)
    return None


def api_routes(routes) -> list[APIRoute]:  # type: ignore[no-untyped-def]
    """Every APIRoute of an app, those of included routers too."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):  # FastAPI's included router (our routers carry their own prefix)
            found.extend(api_routes(route.original_router.routes))
    return found


def fresh_token(app, role: Role) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A new token for the principal of `role` (so token-revoking routes cannot spoil later checks)."""
    with Session(app.state.engine, expire_on_commit=False) as session:
        if role == Role.KIOSK:
            kiosk = session.exec(select(Kiosk).where(Kiosk.kiosk_id == "kiosk-1")).one()
            token, _ = issue_token(session, app.state.auth_policy, role, kiosk.kiosk_id, kiosk_pk=kiosk.id)
        else:
            user = session.exec(select(User).where(User.username == role.value)).one()
            token, _ = issue_token(session, app.state.auth_policy, role, user.username, user_id=user.id)
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def transaction_body(**overrides: Any) -> dict[str, Any]:
    """A realistic REFER transaction from kiosk-1 as the kiosk would send it."""
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "client_uuid": str(uuid.uuid4()),
        "kiosk_id": "kiosk-1",
        "post_id": "post-a",
        "started_at": (now - timedelta(seconds=20)).isoformat(),
        "completed_at": now.isoformat(),
        "document": {
            "document_type": "P",
            "issuing_state": "UTO",
            "document_number": "L898902C3",
            "surname": "ERIKSSON",
            "given_names": "ANNA MARIA",
            "nationality": "UTO",
            "birth_date": "1974-08-12",
            "sex": "F",
            "expiry_date": "2032-04-15",
        },
        "document_checks": [{"name": "COMPOSITE_CHECK_DIGIT", "passed": True}],
        "quality": {"score": 81.5, "inter_eye_px": 64.0},
        "face_match_score": 0.82,
        "recommendation": "REFER",
        "reason_codes": ["WATCHLIST_FACE_HIT"],
        "candidates": [
            {
                "watchlist_id": "wl-interpol",
                "entry_ref": "E-1001",
                "kind": "face",
                "score": 0.71,
                "threshold": 0.62,
                "rank": 1,
            }
        ],
        "model_ids": ["dlib-resnet-v1-0123456789ab"],
        "snapshot_version": "2026-11-20.1",
        "policy_hash": "a" * 64,
    }
    body.update(overrides)
    return body


def run_retention_cli(settings: Settings, engine: Engine, monkeypatch: pytest.MonkeyPatch, **env: str):  # type: ignore[no-untyped-def]
    """`checkpoint retention run` against this test's data directory and database, with CHECKPOINT_<KEY> = value
    for each `env` entry; the CLI's result."""
    from click.testing import CliRunner

    from checkpoint.cli.retention import retention
    from checkpoint.settings import get_settings

    monkeypatch.setenv("CHECKPOINT_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CHECKPOINT_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    for key, value in env.items():
        monkeypatch.setenv(f"CHECKPOINT_{key.upper()}", value)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(retention, ["run"])
    finally:
        get_settings.cache_clear()


def run_retention_loop_briefly(app, seconds: float = 1.0) -> None:  # type: ignore[no-untyped-def]
    """The service's periodic retention task, ticking every 50 ms, for `seconds`."""
    import asyncio

    from api.app import retention_loop

    async def run_briefly() -> None:
        try:
            await asyncio.wait_for(retention_loop(app, 0.05), timeout=seconds)
        except TimeoutError:
            pass

    asyncio.run(run_briefly())


@pytest.fixture
def populated(app, client, headers) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Two referrals (one decided and reviewed), one clearance, another post."""
    from tests.api.browser_pages import jpeg_b64

    def post(**kw) -> int:  # type: ignore[no-untyped-def]
        return client.post("/api/transactions", json=transaction_body(**kw), headers=headers[Role.KIOSK]).json()["id"]

    decided = post(face_image_jpeg_b64=jpeg_b64())
    undecided = post(post_id="post-b", candidates=[])
    post(recommendation="CLEAR", reason_codes=[])
    client.post(
        f"/api/transactions/{decided}/disposition",
        headers=headers[Role.OFFICER],
        json={
            "outcome": "CLEAR_AFTER_CHECK",
            "reason_code": "FALSE_MATCH",
            "note": "different person",
            "decided_at": datetime.now(UTC).isoformat(),
        },
    )
    client.post(
        f"/api/transactions/{decided}/reviews",
        headers=headers[Role.SUPERVISOR],
        json={"verdict": "UPHELD", "reason_code": "CORRECT_CALL"},
    )
    client.post("/api/audit/tree-heads", headers=headers[Role.AUDITOR])
    return {"decided": decided, "undecided": undecided}


ARABIC_NAME = "عبد الله الحسن"


@pytest.fixture
def listed_hit(app, client, headers) -> int:  # type: ignore[no-untyped-def]
    """A decided REFER whose face candidate is a subject the centre's watchlist holds, with a thumbnail."""
    from tests.api.browser_pages import jpeg_b64

    with Session(app.state.engine, expire_on_commit=False) as session:
        watchlist = create_watchlist(
            session,
            WatchlistCreate(
                name="wl-interpol",
                category=Category.wanted_person,
                owning_authority="Interpol NCB Bamako",
                legal_basis="Red notice 2026/123",
            ),
            "admin",
            "test set-up",
        )
        subject = add_subject(
            session,
            watchlist,
            SubjectCreate(
                external_ref="RN-123",
                name_latin="ABDALLAH ALHASSAN",
                name_original=ARABIC_NAME,
                reason="wanted for armed robbery",
                review_by=date(2030, 1, 1),
            ),
            "admin",
            "test set-up",
        )
        thumbnail = base64.b64decode(jpeg_b64((48, 64), (90, 60, 40)))
        add_template(
            session, subject, "m", np.ones(8), 90.0, "0" * 64, "admin", "test set-up", thumbnail_jpeg=thumbnail
        )
        session.commit()
        key = f"s{subject.id}"
    body = transaction_body(face_image_jpeg_b64=jpeg_b64())
    body["candidates"][0]["entry_ref"] = key
    tx = client.post("/api/transactions", json=body, headers=headers[Role.KIOSK]).json()["id"]
    decided = client.post(
        f"/api/transactions/{tx}/disposition",
        headers=headers[Role.OFFICER],
        json={
            "outcome": "SECONDARY_INSPECTION",
            "reason_code": "WATCHLIST_HIT",
            "decided_at": datetime.now(UTC).isoformat(),
        },
    )
    assert decided.status_code in (200, 201), decided.text
    return tx
