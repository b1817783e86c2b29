"""Database tables (SQLModel). What the API accepts and returns is never a table: see `api/schemas.py`.

The families follow the FastAPI template: `*Base` holds the columns a table shares with its wire form,
the `table=True` class adds storage-only columns; `*Create` / `*Public` are the wire models in schemas.py
(kept there so kiosks can import the contract without SQLModel).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, MetaData, Table, Text
from sqlmodel import Field, SQLModel

from api.exchange.models import EXCHANGE_TABLE_MODELS


def utcnow() -> datetime:
    """Now, timezone-aware UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes (every time we store is UTC); PostgreSQL may use its session zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# ---- identity ----


class UserBase(SQLModel):
    username: str = Field(max_length=64, unique=True, index=True)
    role: str = Field(max_length=32)
    active: bool = True


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    # No longer written: failures are counted per (account, address) in `login_failure`. Kept because they are
    # NOT NULL without a server default, so databases made by earlier versions still need a value on insert.
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    # The language the person reads pages in ("fr" | "en"); None follows the browser's Accept-Language.
    language: str | None = Field(default=None, max_length=8)


class KioskBase(SQLModel):
    kiosk_id: str = Field(max_length=64, unique=True, index=True)
    post_id: str = Field(max_length=64)
    active: bool = True


class Kiosk(KioskBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    secret_hash: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    # No longer written (see User).
    failed_logins: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class AccessToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 is stored, so a database leak does not leak live tokens."""

    __tablename__ = "access_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    role: str = Field(max_length=32)
    subject: str = Field(max_length=64, description="username or kiosk id")
    user_id: int | None = Field(default=None, foreign_key="user.id", index=True)
    kiosk_pk: int | None = Field(default=None, foreign_key="kiosk.id", index=True)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class LoginFailure(SQLModel, table=True):
    """One failed login, counted against the client address and the account typed (api/login_throttle.py).

    In the database rather than in memory so every API process behind a load balancer sees the same counts.
    Rows older than the longest window are deleted as new failures arrive: addresses are personal data.
    """

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_address_failed_at", "address", "failed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    address: str = Field(max_length=64)
    # SHA-256 of "user:<name>" / "kiosk:<id>" as typed, known or not: the name may be a mistyped password.
    # NULL once a successful login of that account from that address has cleared it (the address count stays).
    account_digest: str | None = Field(default=None, max_length=64)
    failed_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)


# ---- screening ----


class TransactionBase(SQLModel):
    kiosk_id: str = Field(max_length=64, index=True)
    post_id: str = Field(max_length=64, index=True)
    started_at: datetime = Field(sa_type=DateTime(timezone=True))
    completed_at: datetime = Field(sa_type=DateTime(timezone=True), index=True)
    recommendation: str = Field(max_length=8, index=True)
    snapshot_version: str = Field(max_length=64)
    policy_hash: str = Field(max_length=64)
    quality_score: float
    face_match_score: float | None = None


class ScreeningTransaction(TransactionBase, table=True):
    """One traveller's screening. Personal data sits in `personal` / `face_data` so retention can null them."""

    __tablename__ = "screening_transaction"

    id: int | None = Field(default=None, primary_key=True)
    client_uuid: str = Field(max_length=36, unique=True, index=True)
    content_hash: str = Field(max_length=64, description="SHA-256 of the canonical request: retries must match")
    received_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    reason_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    model_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    watchlist_ids: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False), description="lists that produced candidates"
    )
    personal: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    face_data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    erased_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    biometrics_erased_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    audit_sequence: int = 0


class Disposition(SQLModel, table=True):
    """The officer's decision; one per transaction."""

    id: int | None = Field(default=None, primary_key=True)
    transaction_id: int = Field(
        sa_column=Column(Integer, ForeignKey("screening_transaction.id"), unique=True, nullable=False)
    )
    officer: str = Field(max_length=64, index=True)
    outcome: str = Field(max_length=32)
    reason_code: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_at: datetime = Field(sa_type=DateTime(timezone=True))
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    kiosk_id: str | None = Field(
        default=None, max_length=64, description="the kiosk the officer decided on; None: through the API directly"
    )


class DispositionConflict(SQLModel, table=True):
    """A decision the centre refused because the transaction already had a different one.

    Kept so the refusal reaches a person: the supervisors' queue lists it until a supervisor reviews the
    transaction (`reviewed_at`). The decision the centre holds is the transaction's `Disposition`.
    """

    __tablename__ = "disposition_conflict"

    id: int | None = Field(default=None, primary_key=True)
    transaction_id: int = Field(foreign_key="screening_transaction.id", index=True)
    officer: str = Field(max_length=64)
    kiosk_id: str | None = Field(default=None, max_length=64, description="None: sent through the API directly")
    outcome: str = Field(max_length=32)
    reason_code: str | None = Field(default=None, max_length=64)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_at: datetime = Field(sa_type=DateTime(timezone=True))
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    reviewed_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True), index=True)


class Review(SQLModel, table=True):
    """A supervisor's review of a transaction and its disposition."""

    id: int | None = Field(default=None, primary_key=True)
    transaction_id: int = Field(foreign_key="screening_transaction.id", index=True)
    supervisor: str = Field(max_length=64)
    verdict: str = Field(max_length=32)
    reason_code: str = Field(max_length=64)
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


# ---- traveller receipts and complaints (the public side) ----


class Receipt(SQLModel, table=True):
    """A receipt a kiosk printed: its public reference, the salted commitment in the chain, and the fields the centre
    itself holds for it (to check a complaint's salt without ever storing the salt)."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=22, unique=True, index=True)
    transaction_id: int = Field(foreign_key="screening_transaction.id", unique=True)
    commitment: str = Field(max_length=64)
    post_id: str = Field(max_length=64)
    screening_date: str = Field(max_length=10)
    recommendation: str = Field(max_length=8)
    outcome: str = Field(max_length=32)
    audit_sequence: int = Field(description="the receipt.commit event: the leaf the public inclusion proof is for")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class Complaint(SQLModel, table=True):
    """A traveller's complaint about a screening they hold the receipt of; followed with a secret status token."""

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=16, unique=True, index=True)
    token_hash: str = Field(max_length=64, description="SHA-256 of the status-page token; the token is never kept")
    receipt_id: int = Field(foreign_key="receipt.id", index=True)
    statement: str = Field(sa_column=Column(Text, nullable=False))
    filed_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    deadline: datetime = Field(sa_type=DateTime(timezone=True), index=True)
    evidence_attached_by: str | None = Field(default=None, max_length=64)
    evidence_attached_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    decision: str | None = Field(default=None, max_length=32, index=True)
    decision_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    flagged_entries: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


# ---- audit ----


class AuditEvent(SQLModel, table=True):
    """One link of the append-only chain. `time` is the exact string that was hashed."""

    __tablename__ = "audit_event"

    sequence: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    time: str = Field(max_length=40)
    actor: str = Field(max_length=64)
    role: str = Field(max_length=32)
    action: str = Field(max_length=64, index=True)
    object: str = Field(max_length=128, index=True)
    payload_hash: str = Field(max_length=64)
    prev_hash: str = Field(max_length=64, unique=True)
    hash: str = Field(max_length=64, unique=True)


class AuditPayload(SQLModel, table=True):
    """The (possibly personal) payload of an event, apart from the chain so retention can delete it."""

    __tablename__ = "audit_payload"

    sequence: int = Field(
        sa_column=Column(Integer, ForeignKey("audit_event.sequence"), primary_key=True, autoincrement=False)
    )
    payload: str = Field(sa_column=Column(Text, nullable=False))


class TreeHead(SQLModel, table=True):
    """A signed statement of the Merkle root over the first `tree_size` events."""

    __tablename__ = "tree_head"

    tree_size: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    root_hash: str = Field(max_length=64)
    timestamp: str = Field(max_length=40)
    key_id: str = Field(max_length=64)
    signature: str = Field(max_length=128)


API_TABLE_MODELS = (
    User,
    Kiosk,
    AccessToken,
    LoginFailure,
    ScreeningTransaction,
    Disposition,
    DispositionConflict,
    Review,
    Receipt,
    Complaint,
    AuditEvent,
    AuditPayload,
    TreeHead,
    *EXCHANGE_TABLE_MODELS,
)


def api_tables() -> list[Table]:
    """The central service's tables, in dependency order.

    SQLModel keeps one metadata for every table class imported in a process, watchlists' included; creating,
    dropping or migrating "everything" would touch watchlist tables in the central database and vice versa.
    """
    names = {model.__tablename__ for model in API_TABLE_MODELS}
    return [table for table in SQLModel.metadata.sorted_tables if table.name in names]


def api_metadata() -> MetaData:
    """A metadata holding only the central service's tables (Alembic's target)."""
    metadata = MetaData()
    for table in api_tables():
        table.to_metadata(metadata)
    return metadata
