"""The FastAPI application, built from one Settings object."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel

from api.audit.signing import load_or_create_private_key
from api.audit.trail import AuditTrail
from api.browser_guard import BrowserGuard
from api.db import create_schema, is_sqlite, make_engine
from api.docs_policy import docs_policy
from api.exchange.context import exchange_context
from api.exchange.outbox import exchange_outbox_loop
from api.http_errors import install_error_handlers
from api.limits import RequestLimits
from api.login_throttle import LoginLimits
from api.page_language import default_language, stored_language
from api.retention import RetentionPolicy, run_retention
from api.routes import audit, auth, complaint_pages, exchange, kiosks, pages, public, transactions, users, watchlists
from api.security import AuthPolicy, make_hasher
from checkpoint.i18n import LanguageMiddleware, require_catalogs
from checkpoint.settings import Settings
from watchlists.db import make_engine as make_watchlist_engine
from watchlists.db import watchlist_tables

log = logging.getLogger("api")
STATIC_DIR = Path(__file__).resolve().parent / "static"


def auth_policy(settings: Settings) -> AuthPolicy:
    """Authentication knobs from settings."""
    return AuthPolicy(
        token_ttl=timedelta(minutes=settings.token_ttl_minutes),
        limits=LoginLimits(
            address_max_failures=settings.login_address_max_failures,
            address_window=timedelta(seconds=settings.login_address_window_seconds),
            account_max_failures=settings.login_max_failures,
            account_window=timedelta(seconds=settings.login_lockout_seconds),
        ),
        hasher=make_hasher(settings.argon2_time_cost, settings.argon2_memory_kib),
    )


def retention_policy(settings: Settings) -> RetentionPolicy:
    """Retention periods from settings."""
    return RetentionPolicy(
        cleared_biometrics_days=settings.retention_cleared_biometrics_days,
        cleared_days=settings.retention_cleared_days,
        referred_days=settings.retention_referred_days,
        failed_login_days=settings.retention_failed_login_days,
    )


@asynccontextmanager
async def _background_tasks(app: FastAPI) -> AsyncIterator[None]:
    """Timers while the service runs: retention purges and signed tree heads (both also available on demand)."""
    settings = app.state.settings
    tasks = []
    if settings.retention_interval_minutes > 0:
        tasks.append(asyncio.create_task(retention_loop(app, settings.retention_interval_minutes * 60)))
    if settings.tree_head_interval_minutes > 0:
        tasks.append(asyncio.create_task(tree_head_loop(app, settings.tree_head_interval_minutes * 60)))
    if app.state.exchange.identity is not None:
        tasks.append(asyncio.create_task(exchange_outbox_loop(app, _every)))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()


async def _every(seconds: float, what: str, work: Callable[[], None]) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await asyncio.to_thread(work)
        except Exception:  # a failed round must not stop the service; the next period retries
            log.exception("periodic %s failed", what)


async def retention_loop(app: FastAPI, seconds: float) -> None:
    """Run the retention policy every `seconds` until cancelled."""
    policy = retention_policy(app.state.settings)

    def once() -> None:
        with Session(app.state.engine, expire_on_commit=False) as session:
            run_retention(session, app.state.trail, policy)

    await _every(seconds, "retention run", once)


async def tree_head_loop(app: FastAPI, seconds: float) -> None:
    """Sign a tree head every `seconds` when events arrived since the last one, until cancelled."""

    def once() -> None:
        with Session(app.state.engine, expire_on_commit=False) as session:
            app.state.trail.sign_head(session)  # idempotent per tree size: a quiet period adds nothing
            session.commit()

    await _every(seconds, "tree head", once)


def create_app(settings: Settings, engine: Engine | None = None) -> FastAPI:
    """The central service. SQLite databases get their tables created; PostgreSQL is migrated by Alembic."""
    engine = engine or make_engine(settings.database_url_or_default)
    if is_sqlite(engine):
        create_schema(engine)
    # Watchlist tables live in the same database so a change and its audit event commit together.
    SQLModel.metadata.create_all(engine, tables=watchlist_tables())
    app = FastAPI(
        lifespan=_background_tasks,
        title="Checkpoint central service",
        description="Screening transactions, decisions, reviews and a verifiable audit trail.",
        version="0.1.0",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.trail = AuditTrail(load_or_create_private_key(settings.audit_key_path), settings.tree_head_every_events)
    app.state.auth_policy = auth_policy(settings)
    watchlist_engine = make_watchlist_engine(settings.watchlists_url) if settings.watchlists_db_url else None
    app.state.exchange = exchange_context(settings, watchlist_engine)
    with Session(engine, expire_on_commit=False) as session:
        # Events written while no head was due (a stop before the Nth event) are covered from the start.
        app.state.trail.sign_head_at_start(session)
    install_error_handlers(app)
    require_catalogs()  # a missing compiled catalog fails here, not on the first French page
    app.add_middleware(
        LanguageMiddleware, default=default_language(settings.default_language), preferred=stored_language(engine)
    )
    app.add_middleware(RequestLimits, max_bytes=settings.max_request_bytes)
    # Outermost: a cross-site form post is refused before its body is read.
    documentation = docs_policy(app)
    app.add_middleware(BrowserGuard, policies=[("/docs", documentation), ("/redoc", documentation)])
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (auth, users, kiosks, transactions, watchlists, audit, pages, complaint_pages, public, exchange):
        app.include_router(module.router)
    app.include_router(exchange.partner_router)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, str]:
        """Liveness probe (no login needed, no data returned)."""
        return {"status": "ok"}

    return app
