"""Answering a partner's query: check it against the agreement and the quota, search only the agreed categories,
answer hit / no hit / cannot search with an opaque reference and a band, and keep hashes, never the query."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.audit.canonical import canonical, sha256_hex
from api.audit.trail import AuditTrail
from api.exchange.envelope import message_hash, seal
from api.exchange.errors import NotAgreed, QuotaExceeded
from api.exchange.identity import ExchangeIdentity
from api.exchange.inbound import authenticate, body_as, partner_actor
from api.exchange.models import ExchangeAgreement, ExchangeHitReference, ExchangeReceived
from api.exchange.partners import agreement_in_force
from api.exchange.search import WatchlistSearch
from api.exchange.wire import AnswerBody, Outcome, QueryBody, template_bytes
from checkpoint.i18n import _
from watchlists.models import Category


def answer_query(
    session: Session,
    trail: AuditTrail,
    identity: ExchangeIdentity,
    search: WatchlistSearch,
    sealed: Any,
    window: dt.timedelta,
) -> dict[str, Any]:
    """The signed answer to a signed query; raises the refusal otherwise (the caller records it)."""
    envelope, partner = authenticate(session, sealed, window)
    query = body_as(QueryBody, envelope)
    agreement = agreement_in_force(session, partner.partner_id)
    categories = agreed_categories(agreement, query)
    check_quota(session, agreement)
    result = search.search(session, query, categories, agreement.max_fpir)
    reference = None
    if result.outcome == Outcome.hit and result.entry_key is not None:
        reference = secrets.token_urlsafe(24)
        session.add(
            ExchangeHitReference(
                reference=reference,
                partner_id=partner.partner_id,
                kind=query.kind.value,
                entry_key=result.entry_key,
                band=result.band or "",
            )
        )
    request_hash = message_hash(sealed)
    body = envelope["body"]
    query_hash = sha256_hex(canonical(body))
    session.add(
        ExchangeReceived(
            partner_id=partner.partner_id,
            kind=query.kind.value,
            request_hash=request_hash,
            query_hash=query_hash,
            outcome=result.outcome.value,
        )
    )
    answer = AnswerBody(
        query_id=query.query_id, outcome=result.outcome, hit_reference=reference, band=result.band, detail=result.detail
    )
    sealed_answer = seal(identity.key, identity.centre_id, answer.model_dump(mode="json"), in_reply_to=request_hash)
    payload: dict[str, Any] = {
        "partner_id": partner.partner_id,
        "kind": query.kind.value,
        "categories": sorted(categories),
        "request_hash": request_hash,
        "query_hash": query_hash,
        "outcome": result.outcome.value,
        "hit_reference": reference,
        "band": result.band,
        "detail": result.detail,
        "answer_hash": message_hash(sealed_answer),
    }
    if query.template_b64 is not None:
        # The template itself was used for this one search and is kept nowhere; its hash proves which one it was.
        payload["template_sha256"] = sha256_hex(template_bytes(query.template_b64))
    trail.record(
        session, partner_actor(partner.partner_id), "exchange.query.answered", f"exchange:{query.query_id}", payload
    )
    session.commit()
    return sealed_answer


def agreed_categories(agreement: ExchangeAgreement, query: QueryBody) -> frozenset[Category]:
    """The categories to search: those the query names (all must be agreed), else every agreed one."""
    if query.kind.value not in agreement.query_kinds:
        raise NotAgreed(
            _("the agreement with %(partner_id)s does not cover %(kind)s queries")
            % {"partner_id": agreement.partner_id, "kind": query.kind.value},
            _("it covers: %(kinds)s") % {"kinds": ", ".join(agreement.query_kinds)},
        )
    agreed = frozenset(Category(c) for c in agreement.categories)
    if query.categories is None:
        return agreed
    outside = sorted(set(query.categories) - agreed)
    if outside:
        raise NotAgreed(
            _("category %(categories)s is outside the agreement with %(partner_id)s")
            % {"categories": ", ".join(outside), "partner_id": agreement.partner_id},
            _("ask only for: %(categories)s") % {"categories": ", ".join(sorted(agreed))},
        )
    return frozenset(query.categories)


def check_quota(session: Session, agreement: ExchangeAgreement) -> None:
    """QuotaExceeded when the partner's queries answered since midnight UTC reached its daily quota."""
    midnight = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    answered = session.exec(
        select(func.count())
        .select_from(ExchangeReceived)
        .where(ExchangeReceived.partner_id == agreement.partner_id, col(ExchangeReceived.received_at) >= midnight)
    ).one()
    if answered >= agreement.daily_quota:
        raise QuotaExceeded(
            _("%(partner_id)s used its quota of %(daily_quota)s queries today (UTC)")
            % {"partner_id": agreement.partner_id, "daily_quota": agreement.daily_quota},
            _("query again after midnight UTC, or agree a larger quota"),
        )
