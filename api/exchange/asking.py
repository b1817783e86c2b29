"""The requesting side: queue a query to a partner, send it signed, record what we asked and what we were told.

A query is first stored (an outbox row) and its sending audited; then it is delivered. A partner that cannot be
reached leaves the row to retry with backoff; the query's own data is erased once the partner has answered.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from api.audit.canonical import canonical, sha256_hex
from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.errors import NotFound
from api.exchange.client import PartnerClient
from api.exchange.envelope import message_hash, seal
from api.exchange.errors import PartnerUnreachable, UnknownPartner
from api.exchange.identity import ExchangeIdentity
from api.exchange.models import ExchangeSent
from api.exchange.partners import active_partner
from api.exchange.wire import AnswerBody, QueryBody, QueryTerms, SentPublic
from checkpoint.i18n import _

RETRY_FIRST = dt.timedelta(seconds=5)
RETRY_MAX = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 20


def queue_query(
    session: Session, partner_id: str, terms: QueryTerms, transaction_id: int | None = None, by_outbox: bool = False
) -> ExchangeSent:
    """Store a query for `partner_id` (committed): the caller delivers it now, or with `by_outbox` the retry loop
    does (a query is never in both hands at once)."""
    active_partner(session, partner_id)
    query_id = str(uuid.uuid4())
    body = QueryBody(query_id=uuid.UUID(query_id), **terms.model_dump(exclude={"partner_id"}, exclude_none=True))
    row = ExchangeSent(
        query_id=query_id,
        partner_id=partner_id,
        kind=terms.kind.value,
        transaction_id=transaction_id,
        query=body.model_dump(mode="json", exclude_none=True),
        next_attempt_at=dt.datetime.now(dt.UTC) if by_outbox else None,
    )
    session.add(row)
    session.commit()
    return row


def deliver(
    session: Session,
    trail: AuditTrail,
    identity: ExchangeIdentity,
    client: PartnerClient,
    row: ExchangeSent,
    actor: Actor,
) -> ExchangeSent:
    """Send the queued query once and record the outcome: answered, refused by the partner, or unreachable."""
    try:
        partner = active_partner(session, row.partner_id)
    except UnknownPartner as exc:  # revoked while the query waited: it is never sent
        row.status, row.detail, row.query, row.next_attempt_at = "refused", exc.problem[:500], None, None
        payload = {"partner_id": row.partner_id, "problem": exc.problem}
        trail.record(session, actor, "exchange.query.dropped", f"exchange:{row.query_id}", payload)
        session.add(row)
        session.commit()
        return row
    query = row.query or {}
    sealed = seal(identity.key, identity.centre_id, query)
    row.request_hash = message_hash(sealed)
    row.attempts += 1
    sent = {
        "partner_id": row.partner_id,
        "kind": row.kind,
        "attempt": row.attempts,
        "request_hash": row.request_hash,
        "query_hash": sha256_hex(canonical(query)),
        "transaction_id": row.transaction_id,
    }
    trail.record(session, actor, "exchange.query.sent", f"exchange:{row.query_id}", sent)
    session.add(row)
    session.commit()
    now = dt.datetime.now(dt.UTC)
    try:
        reply = client.send(partner, "/exchange/v1/queries", sealed)
        answer = _answer(reply.body, row) if reply.refusal_code is None else None
    except PartnerUnreachable as exc:
        row.status, row.detail = "unreachable", exc.problem[:500]
        delay = min(RETRY_FIRST * 2 ** (row.attempts - 1), RETRY_MAX)
        row.next_attempt_at = now + delay if row.attempts < MAX_ATTEMPTS else None
        if row.next_attempt_at is None:  # given up: the query's data is not kept for a query never to be sent
            row.query, row.detail = None, f"given up after {row.attempts} attempts: {row.detail}"[:500]
        payload = {"request_hash": row.request_hash, "problem": row.detail, "retry_at": _iso(row.next_attempt_at)}
        trail.record(session, actor, "exchange.query.unreachable", f"exchange:{row.query_id}", payload)
        session.add(row)
        session.commit()
        return row
    row.query, row.next_attempt_at, row.answered_at = None, None, now  # answered or refused: nothing more to send
    if reply.refusal_code is not None:
        row.status, row.detail = "refused", f"{reply.refusal_code}: {reply.refusal_message}"[:500]
        payload = {"request_hash": row.request_hash, "code": reply.refusal_code, "message": reply.refusal_message}
        trail.record(session, actor, "exchange.query.refused_by_partner", f"exchange:{row.query_id}", payload)
    elif answer is not None:
        row.status, row.outcome = "answered", answer.outcome.value
        row.hit_reference, row.band, row.detail, row.answer_hash = (
            answer.hit_reference,
            answer.band,
            answer.detail,
            reply.answer_hash,
        )
        payload = {
            "request_hash": row.request_hash,
            "answer_hash": reply.answer_hash,
            "outcome": row.outcome,
            "hit_reference": row.hit_reference,
            "band": row.band,
            "detail": row.detail,
        }
        trail.record(session, actor, "exchange.answer.received", f"exchange:{row.query_id}", payload)
    session.add(row)
    session.commit()
    return row


def _answer(body: dict[str, Any] | None, row: ExchangeSent) -> AnswerBody:
    try:
        answer = AnswerBody.model_validate(body)
    except ValidationError as exc:
        raise PartnerUnreachable(
            _("%(partner_id)s's signed answer is not an answer (%(error_count)s errors)")
            % {"partner_id": row.partner_id, "error_count": exc.error_count()},
            _("report it to the partner"),
        ) from exc
    if str(answer.query_id) != row.query_id:
        raise PartnerUnreachable(
            _("%(partner_id)s answered another query") % {"partner_id": row.partner_id}, _("report it to the partner")
        )
    return answer


def due_queries(session: Session, now: dt.datetime, limit: int = 50) -> list[ExchangeSent]:
    """Queued or unreachable queries whose next attempt is due, oldest first."""
    return list(
        session.exec(
            select(ExchangeSent)
            .where(col(ExchangeSent.status).in_(["pending", "unreachable"]), col(ExchangeSent.next_attempt_at) <= now)
            .order_by(col(ExchangeSent.id))
            .limit(limit)
        )
    )


def sent_query(session: Session, query_id: str) -> ExchangeSent:
    row = session.exec(select(ExchangeSent).where(ExchangeSent.query_id == query_id)).first()
    if row is None:
        raise NotFound(
            _("there is no query %(query_id)s") % {"query_id": query_id}, _("list them at GET /api/exchange/queries")
        )
    return row


def sent_public(row: ExchangeSent) -> SentPublic:
    return SentPublic.model_validate(row, from_attributes=True)


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def recent_queries(session: Session, limit: int = 500) -> list[ExchangeSent]:
    """The queries this centre sent, newest first."""
    return list(session.exec(select(ExchangeSent).order_by(col(ExchangeSent.id).desc()).limit(limit)))
