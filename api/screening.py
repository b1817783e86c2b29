"""Screening transactions: idempotent ingest from kiosks, audited reads, the referral queue."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.audit.canonical import payload_hash
from api.audit.chain import Actor, next_sequence
from api.audit.trail import AuditTrail
from api.db import lock_chain
from api.errors import Conflict, Forbidden, InvalidInput, NotFound, PayloadTooLarge
from api.models import Disposition, ScreeningTransaction, as_utc, utcnow
from api.schemas import (
    Candidate,
    DocumentCheck,
    DocumentFields,
    Recommendation,
    Role,
    TransactionCreate,
    TransactionPublic,
    TransactionSummary,
)
from checkpoint.i18n import _


class FaceImageTooLarge(PayloadTooLarge):
    code = "image_too_large"


def _checked_face_image(encoded: str, max_bytes: int) -> None:
    # base64 inflates by 4/3: refuse before decoding anything absurd.
    if len(encoded) > (max_bytes * 4) // 3 + 4:
        raise FaceImageTooLarge(
            _("the face image is larger than %(limit)s bytes") % {"limit": max_bytes},
            _("send a smaller JPEG (crop to the face)"),
        )
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput(
            _("face_image_jpeg_b64 is not valid base64"), _("send the JPEG bytes base64-encoded")
        ) from exc
    if not raw.startswith(b"\xff\xd8"):
        raise InvalidInput(_("face_image_jpeg_b64 is not a JPEG"), _("send the face crop as JPEG"))


def ingest(
    session: Session,
    trail: AuditTrail,
    kiosk: Actor,
    body: TransactionCreate,
    max_face_image_bytes: int,
    keep_cleared_face_data: bool = True,
) -> tuple[TransactionPublic, bool]:
    """Store a kiosk's transaction once; a retry with the same client UUID returns the first record (created=False).

    With `keep_cleared_face_data` False (a retention of zero days), cleared travellers' face data is never stored.
    """
    if kiosk.role == Role.KIOSK.value and body.kiosk_id != kiosk.name:
        raise Forbidden(
            _("kiosk %(kiosk)s may not send transactions as %(named)s") % {"kiosk": kiosk.name, "named": body.kiosk_id},
            _("send its own kiosk_id"),
        )
    if body.face_image_jpeg_b64 is not None:
        _checked_face_image(body.face_image_jpeg_b64, max_face_image_bytes)
    wire = body.model_dump(mode="json")
    content_hash = payload_hash(wire)
    lock_chain(session)  # serialises racing retries of the same UUID on PostgreSQL (SQLite: BEGIN IMMEDIATE)
    if _uuid_known(session, body.client_uuid):
        existing = find_by_uuid(session, body.client_uuid)
        return to_public(_same_or_conflict(existing, content_hash)), False  # type: ignore[arg-type]
    face_data = None
    keep_face = body.recommendation == Recommendation.REFER or keep_cleared_face_data
    if keep_face and (body.face_template is not None or body.face_image_jpeg_b64 is not None):
        face_data = {"template": body.face_template, "image_jpeg_b64": body.face_image_jpeg_b64}
    personal = {key: wire[key] for key in ("document", "document_checks", "candidates", "quality")}
    received_at = utcnow()
    # The chain is locked, so the ingest event will be the next one: store its sequence with the row.
    reserved = next_sequence(session)
    sequence = reserved[0]
    values = {
        "client_uuid": str(body.client_uuid),
        "content_hash": content_hash,
        "kiosk_id": body.kiosk_id,
        "post_id": body.post_id,
        "started_at": body.started_at,
        "completed_at": body.completed_at,
        "received_at": received_at,
        "recommendation": body.recommendation.value,
        "snapshot_version": body.snapshot_version,
        "policy_hash": body.policy_hash,
        "quality_score": body.quality.score,
        "face_match_score": body.face_match_score,
        "reason_codes": list(body.reason_codes),
        "model_ids": list(body.model_ids),
        "watchlist_ids": sorted({c.watchlist_id for c in body.candidates}),
        "personal": personal,
        "face_data": face_data,
        "audit_sequence": sequence,
    }
    try:
        row_id = session.connection().execute(_TRANSACTIONS.insert().returning(_TRANSACTIONS.c.id), values).scalar_one()
    except IntegrityError:
        # Another process stored the same UUID between our check and insert (only possible without the lock).
        session.rollback()
        existing = find_by_uuid(session, body.client_uuid)
        if existing is None:
            raise
        return to_public(_same_or_conflict(existing, content_hash)), False
    audit_payload = {k: v for k, v in wire.items() if k not in ("face_template", "face_image_jpeg_b64")}
    audit_payload["face_data_hash"] = payload_hash(face_data) if face_data else None
    trail.record(session, kiosk, "transaction.ingest", f"transaction:{row_id}", audit_payload, reserved)
    session.commit()
    return (
        TransactionPublic(
            id=row_id,
            client_uuid=body.client_uuid,
            kiosk_id=body.kiosk_id,
            post_id=body.post_id,
            started_at=body.started_at,
            completed_at=body.completed_at,
            received_at=received_at,
            recommendation=body.recommendation,
            reason_codes=list(body.reason_codes),
            model_ids=list(body.model_ids),
            snapshot_version=body.snapshot_version,
            policy_hash=body.policy_hash,
            quality_score=body.quality.score,
            face_match_score=body.face_match_score,
            document=body.document,
            document_checks=body.document_checks,
            candidates=body.candidates,
            has_face_data=face_data is not None,
            erased_at=None,
            audit_sequence=sequence,
        ),
        True,
    )


def _same_or_conflict(existing: ScreeningTransaction, content_hash: str) -> ScreeningTransaction:
    if existing.content_hash != content_hash:
        raise Conflict(
            _("client UUID %(uuid)s was already used for a different transaction") % {"uuid": existing.client_uuid},
            _("give every new transaction a fresh UUID; resend retries byte-for-byte"),
        )
    return existing


_TRANSACTIONS = ScreeningTransaction.__table__  # type: ignore[attr-defined]


def _uuid_known(session: Session, client_uuid: UUID) -> bool:
    query = select(_TRANSACTIONS.c.id).where(_TRANSACTIONS.c.client_uuid == str(client_uuid))
    return session.connection().execute(query).first() is not None


def find_by_uuid(session: Session, client_uuid: UUID) -> ScreeningTransaction | None:
    """The transaction a kiosk sent with this client UUID, if any."""
    return session.exec(
        select(ScreeningTransaction).where(ScreeningTransaction.client_uuid == str(client_uuid))
    ).first()


def get_transaction(session: Session, transaction_id: int) -> ScreeningTransaction:
    """A transaction by id, or 404."""
    row = session.get(ScreeningTransaction, transaction_id)
    if row is None:
        raise NotFound(
            _("there is no transaction %(id)s") % {"id": transaction_id}, _("check the id in the referral queue")
        )
    return row


def read_transaction(session: Session, trail: AuditTrail, reader: Actor, transaction_id: int) -> ScreeningTransaction:
    """Fetch a transaction with its personal data; the read itself is an audit event."""
    row = get_transaction(session, transaction_id)
    trail.record(session, reader, "transaction.read", f"transaction:{row.id}", {})
    session.commit()
    return row


def to_public(row: ScreeningTransaction) -> TransactionPublic:
    """A stored transaction in its wire form (personal fields None once erased)."""
    personal = row.personal or {}
    return TransactionPublic(
        id=row.id or 0,
        client_uuid=UUID(row.client_uuid),
        kiosk_id=row.kiosk_id,
        post_id=row.post_id,
        started_at=as_utc(row.started_at),  # type: ignore[arg-type]
        completed_at=as_utc(row.completed_at),  # type: ignore[arg-type]
        received_at=as_utc(row.received_at),  # type: ignore[arg-type]
        recommendation=Recommendation(row.recommendation),
        reason_codes=row.reason_codes,
        model_ids=row.model_ids,
        snapshot_version=row.snapshot_version,
        policy_hash=row.policy_hash,
        quality_score=row.quality_score,
        face_match_score=row.face_match_score,
        document=DocumentFields(**personal["document"]) if "document" in personal else None,
        document_checks=[DocumentCheck(**c) for c in personal["document_checks"]] if personal else None,
        candidates=[Candidate(**c) for c in personal["candidates"]] if personal else None,
        has_face_data=row.face_data is not None,
        erased_at=as_utc(row.erased_at),
        audit_sequence=row.audit_sequence,
    )


@dataclass(frozen=True)
class QueueFilter:
    """Filters of the supervisors' queue; None means 'any'."""

    recommendation: Recommendation | None = Recommendation.REFER
    post_id: str | None = None
    kiosk_id: str | None = None
    officer: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    undecided_only: bool = False
    limit: int = 100
    offset: int = 0


def queue(session: Session, flt: QueueFilter) -> list[TransactionSummary]:
    """Transactions (newest first) with their disposition, no personal data."""
    query = select(ScreeningTransaction, Disposition).join(
        Disposition, col(Disposition.transaction_id) == col(ScreeningTransaction.id), isouter=True
    )
    if flt.recommendation is not None:
        query = query.where(ScreeningTransaction.recommendation == flt.recommendation.value)
    if flt.post_id:
        query = query.where(ScreeningTransaction.post_id == flt.post_id)
    if flt.kiosk_id:
        query = query.where(ScreeningTransaction.kiosk_id == flt.kiosk_id)
    if flt.officer:
        query = query.where(Disposition.officer == flt.officer)
    if flt.since:
        query = query.where(col(ScreeningTransaction.completed_at) >= flt.since)
    if flt.until:
        query = query.where(col(ScreeningTransaction.completed_at) <= flt.until)
    if flt.undecided_only:
        query = query.where(col(Disposition.id).is_(None))
    query = query.order_by(col(ScreeningTransaction.completed_at).desc(), col(ScreeningTransaction.id).desc())
    rows = session.exec(query.offset(flt.offset).limit(flt.limit)).all()
    return [
        TransactionSummary(
            id=t.id or 0,
            client_uuid=UUID(t.client_uuid),
            kiosk_id=t.kiosk_id,
            post_id=t.post_id,
            completed_at=as_utc(t.completed_at),  # type: ignore[arg-type]
            recommendation=Recommendation(t.recommendation),
            reason_codes=t.reason_codes,
            outcome=d.outcome if d else None,
            officer=d.officer if d else None,
        )
        for t, d in rows
    ]
