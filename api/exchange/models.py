"""The exchange's tables: partners, agreements, seen nonces, queries received and sent, hit references, follow-ups.

No table holds a received face template or the personal data of a listed person: a received query keeps only the
hash of what it asked, a hit keeps an opaque reference mapped to the entry key at the answering side.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _stamp() -> Any:
    return Field(default_factory=_now, sa_type=DateTime(timezone=True), index=True)


class ExchangePartner(SQLModel, table=True):
    """A partner centre: its id, where it answers and the Ed25519 key its requests and answers are signed with."""

    __tablename__ = "exchange_partner"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: str = Field(max_length=16, unique=True, index=True)
    base_url: str = Field(max_length=300)
    public_key_pem: str = Field(sa_column=Column(Text, nullable=False))
    active: bool = True
    created_at: dt.datetime = _stamp()
    revoked_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ExchangeAgreement(SQLModel, table=True):
    """What a partner may ask of this centre (kinds, categories searched, quota, FPIR, follow-up fields, expiry), and
    when this centre asks that partner from its own screenings."""

    __tablename__ = "exchange_agreement"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: str = Field(max_length=16, unique=True, index=True)
    query_kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    daily_quota: int
    legal_basis: str = Field(max_length=500)
    expires_on: dt.date
    max_fpir: float
    followup_fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    kiosk_queries: str = Field(default="off", max_length=8)  # off | refer | every
    updated_at: dt.datetime = _stamp()


class ExchangeNonce(SQLModel, table=True):
    """A nonce seen in a signed request: the same one again from the same sender is a replay."""

    __tablename__ = "exchange_nonce"
    __table_args__ = (UniqueConstraint("sender", "nonce"),)

    id: int | None = Field(default=None, primary_key=True)
    sender: str = Field(max_length=16)
    nonce: str = Field(max_length=64)
    seen_at: dt.datetime = _stamp()


class ExchangeReceived(SQLModel, table=True):
    """A query a partner sent us and what we answered (the quota counts these): hashes only, never the query."""

    __tablename__ = "exchange_received"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: str = Field(max_length=16, index=True)
    kind: str = Field(max_length=16)
    request_hash: str = Field(max_length=64)
    query_hash: str = Field(max_length=64)
    outcome: str = Field(max_length=16)  # hit | no_hit | cannot_search
    received_at: dt.datetime = _stamp()


class ExchangeHitReference(SQLModel, table=True):
    """The opaque reference a hit answer carries, mapped here (and only here) to the entry it hit."""

    __tablename__ = "exchange_hit_reference"

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=64, unique=True, index=True)
    partner_id: str = Field(max_length=16, index=True)
    kind: str = Field(max_length=16)
    entry_key: str = Field(max_length=32)  # s<subject id> | d<document id>
    band: str = Field(max_length=16)
    created_at: dt.datetime = _stamp()


class ExchangeSent(SQLModel, table=True):
    """A query this centre sent (or must still send) to a partner, and the answer it got."""

    __tablename__ = "exchange_sent"

    id: int | None = Field(default=None, primary_key=True)
    query_id: str = Field(max_length=36, unique=True, index=True)
    partner_id: str = Field(max_length=16, index=True)
    kind: str = Field(max_length=16)
    status: str = Field(default="pending", max_length=16, index=True)  # pending | answered | refused | unreachable
    outcome: str | None = Field(default=None, max_length=16)  # hit | no_hit | cannot_search
    hit_reference: str | None = Field(default=None, max_length=64)
    band: str | None = Field(default=None, max_length=16)
    detail: str = Field(default="", max_length=500)  # the partner's refusal or the transport error
    request_hash: str | None = Field(default=None, max_length=64)
    answer_hash: str | None = Field(default=None, max_length=64)
    transaction_id: int | None = Field(default=None, index=True)
    # The query to send, kept only until it is answered or refused (a screening's query holds personal data).
    query: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    attempts: int = 0
    next_attempt_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: dt.datetime = _stamp()
    answered_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


class ExchangeFollowUp(SQLModel, table=True):
    """A follow-up request for details on a hit: `outgoing` as we asked it, `incoming` as a partner asked us."""

    __tablename__ = "exchange_followup"
    __table_args__ = (UniqueConstraint("direction", "partner_id", "followup_id"),)

    id: int | None = Field(default=None, primary_key=True)
    followup_id: str = Field(max_length=36, index=True)
    direction: str = Field(max_length=8)  # outgoing | incoming
    partner_id: str = Field(max_length=16, index=True)
    hit_reference: str = Field(max_length=64)
    legal_basis: str = Field(max_length=500)
    purpose: str = Field(max_length=500)
    requested_by: str = Field(max_length=64)
    status: str = Field(default="pending", max_length=16, index=True)  # pending | approved | refused
    decided_by: str | None = Field(default=None, max_length=64)
    decision_reason: str = Field(default="", max_length=500)
    # The minimum data the agreement allows, only on an approved follow-up.
    details: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    request_hash: str | None = Field(default=None, max_length=64)
    answer_hash: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime = _stamp()
    decided_at: dt.datetime | None = Field(default=None, sa_type=DateTime(timezone=True))


EXCHANGE_TABLE_MODELS = (
    ExchangePartner,
    ExchangeAgreement,
    ExchangeNonce,
    ExchangeReceived,
    ExchangeHitReference,
    ExchangeSent,
    ExchangeFollowUp,
)
