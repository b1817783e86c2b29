"""Centres for the exchange demo and benchmark: each with its own data directory, database and keys, linked to
its partners by registrations and agreements, served by a real `checkpoint serve` process on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from checkpoint.cli import demo_services as services

# The face model whose calibration ships with the project (matcher/calibrations/): the demo's templates are fixed
# vectors of that model, not faces, so the exchange runs without loading a face model.
DEMO_MODEL_ID = "dlib-resnet-v1-55533b28a958"
DEMO_DIM = 128


@dataclass
class Centre:
    """One demo centre: its id, folder, port, and (once started) its process."""

    centre_id: str
    folder: Path
    port: int
    service: services.Service | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self):  # type: ignore[no-untyped-def]
        from checkpoint.settings import Settings

        return Settings(
            data_dir=self.folder, exchange_centre_id=self.centre_id, argon2_time_cost=1, argon2_memory_kib=8192
        )

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CHECKPOINT_DATA_DIR": str(self.folder),
            "CHECKPOINT_EXCHANGE_CENTRE_ID": self.centre_id,
            "CHECKPOINT_ARGON2_TIME_COST": "1",
            "CHECKPOINT_ARGON2_MEMORY_KIB": "8192",
        }


@contextmanager
def centre_session(settings):  # type: ignore[no-untyped-def]
    """A session on the centre's database (tables created) and its audit trail."""
    from sqlmodel import Session

    from api.audit.signing import load_or_create_private_key
    from api.audit.trail import AuditTrail
    from api.db import create_schema, is_sqlite, make_engine
    from api.migrations_runner import upgrade_if_postgres
    from watchlists.db import watchlist_tables

    upgrade_if_postgres(settings.database_url_or_default)
    engine = make_engine(settings.database_url_or_default)
    if is_sqlite(engine):
        create_schema(engine)
    from sqlmodel import SQLModel

    SQLModel.metadata.create_all(engine, tables=watchlist_tables())
    trail = AuditTrail(load_or_create_private_key(settings.audit_key_path), settings.tree_head_every_events)
    try:
        with Session(engine, expire_on_commit=False) as session:
            yield session, trail
    finally:
        engine.dispose()


def public_pem(centre: Centre) -> str:
    """The centre's exchange public key (made on first use)."""
    from api.exchange.identity import exchange_identity

    identity = exchange_identity(centre.settings())
    assert identity is not None  # settings() always names the centre
    return identity.public_pem


def link(centre: Centre, partner: Centre, terms: dict) -> None:  # type: ignore[type-arg]
    """At `centre`: register `partner` and the terms under which it may query `centre`."""
    from api.audit.chain import Actor
    from api.exchange.partners import add_partner, set_agreement
    from api.exchange.wire import AgreementSet, PartnerCreate

    actor = Actor("exchange-demo", "admin")
    with centre_session(centre.settings()) as (session, trail):
        add_partner(
            session,
            trail,
            actor,
            PartnerCreate(partner_id=partner.centre_id, base_url=partner.url, public_key_pem=public_pem(partner)),
        )
        set_agreement(session, trail, actor, AgreementSet(partner_id=partner.centre_id, **terms))


def demo_terms(**changes) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The demo's agreement: every kind, wanted persons and lost/stolen documents (not security alerts)."""
    terms = {
        "query_kinds": ["face", "document", "name"],
        "categories": ["wanted_person", "lost_stolen_documents"],
        "daily_quota": 1000,
        "legal_basis": "Demo bilateral agreement (fictional), art. 3",
        "expires_on": dt.date.today() + dt.timedelta(days=365),
        "max_fpir": 0.01,
        "followup_fields": ["category", "reason", "name_latin", "birth_date", "nationality"],
    }
    return {**terms, **changes}


def demo_vector(seed: int) -> np.ndarray:
    """A fixed unit vector standing in for a face template of DEMO_MODEL_ID."""
    vector = np.random.default_rng(seed).standard_normal(DEMO_DIM).astype(np.float32)
    return vector / np.linalg.norm(vector)


def list_demo_entries(centre: Centre, people: int = 1, documents: int = 1, seed: int = 0) -> None:
    """At `centre`: a wanted-person list of `people` fictional subjects with one demo template each, a security
    alert list with one more, and a lost/stolen list of `documents` documents (DM0000001, DM0000002, ...)."""
    from watchlists.models import Category, DocumentCreate, SubjectCreate, WatchlistCreate
    from watchlists.store import add_document, add_subject, add_template, create_watchlist

    review_by = dt.date.today() + dt.timedelta(days=365)
    with centre_session(centre.settings()) as (session, _trail):
        lists = {}
        for name, category in (("wanted", Category.wanted_person), ("alerts", Category.security_alert),
                               ("lost-stolen", Category.lost_stolen_documents)):  # fmt: skip
            lists[category] = create_watchlist(
                session,
                WatchlistCreate(
                    name=f"{centre.centre_id.lower()}-{name}",
                    category=category,
                    owning_authority=f"{centre.centre_id} demo authority",
                    legal_basis="Demonstration only, no real person",
                ),
                "exchange-demo",
                "demo set-up",
            )
        for number in range(people + 1):
            category = Category.wanted_person if number < people else Category.security_alert
            subject = add_subject(
                session,
                lists[category],
                SubjectCreate(
                    external_ref=f"{centre.centre_id}-{number}",
                    name_latin=demo_name(number),
                    birth_date="1980-01-01",
                    nationality=centre.centre_id,
                    reason="DEMO: wanted (fictional)",
                    review_by=review_by,
                ),
                "exchange-demo",
                "demo set-up",
            )
            vector = demo_vector(seed + number)
            add_template(
                session, subject, DEMO_MODEL_ID, vector, 80.0, f"{seed + number:064x}", "exchange-demo", "demo"
            )
        for number in range(1, documents + 1):
            add_document(
                session,
                lists[Category.lost_stolen_documents],
                DocumentCreate(
                    issuing_state=centre.centre_id,
                    number=f"DM{number:07d}",
                    reported_on=dt.date.today(),
                    review_by=review_by,
                ),
                "exchange-demo",
                "demo set-up",
            )
        session.commit()


def demo_name(number: int) -> str:
    """The made-up name of demo subject `number` (two words, each distinct per number, as real lists mostly are)."""
    return f"{_word(number * 7919 % 97_000 + 3000)} {_word(number)}"


def _word(number: int) -> str:
    """A distinct made-up surname per number (names of digits would look alike to the name screener)."""
    letters = "bcdfghjklmnprstvz"
    vowels = "aeiou"
    word, n = "", number + 1
    while n:
        word += letters[n % len(letters)] + vowels[(n // len(letters)) % len(vowels)]
        n //= len(letters) * len(vowels)
    return (word + "ra").capitalize()


def start(centres: list[Centre]) -> None:
    """Start every centre's `checkpoint serve` and wait until each answers."""
    from checkpoint.cli.demo import _wait_for

    for centre in centres:
        centre.service = services.start(centre.centre_id, ["serve", "--port", str(centre.port)], centre.env())
    for centre in centres:
        assert centre.service is not None
        _wait_for(f"{centre.url}/health", centre.service)


def stop(centres: list[Centre]) -> None:
    services.stop([c.service for c in centres if c.service is not None])


@contextmanager
def running(centres: list[Centre]) -> Iterator[list[Centre]]:
    """The centres' processes for the duration of the block."""
    try:
        start(centres)
        yield centres
    finally:
        stop(centres)


def add_supervisor(centre: Centre, username: str = "exchange-supervisor") -> str:
    """A supervisor account at `centre`; returns its fresh password."""
    return add_account(centre, username, "supervisor")


def add_account(centre: Centre, username: str, role: str) -> str:
    """An account of `role` at `centre`; returns its fresh password."""
    import secrets

    from api.accounts import create_user
    from api.app import auth_policy
    from api.audit.chain import Actor
    from api.schemas import Role, UserCreate

    password = secrets.token_urlsafe(16)
    settings = centre.settings()
    with centre_session(settings) as (session, trail):
        body = UserCreate(username=username, password=password, role=Role(role))
        create_user(session, trail, auth_policy(settings), Actor("exchange-demo", "admin"), body)
    return password
