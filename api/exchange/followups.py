"""Follow-ups: after a hit, the requesting side's supervisor asks for details under a legal basis; the answering
side's supervisor approves or refuses; an approved answer carries only the fields the agreement allows.

Both sides keep a row per follow-up (`outgoing` here, `incoming` there, the same follow-up id) and audit every
request, decision and answer with the other side's signed message hash.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlmodel import Session, col, select

from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.errors import Conflict, NotFound
from api.exchange.asking import sent_query
from api.exchange.client import PartnerClient
from api.exchange.envelope import message_hash, seal
from api.exchange.errors import NotAgreed, PartnerRefusal
from api.exchange.identity import ExchangeIdentity
from api.exchange.inbound import authenticate, body_as, partner_actor
from api.exchange.models import ExchangeFollowUp, ExchangeHitReference
from api.exchange.partners import active_partner, agreement_in_force
from api.exchange.wire import (
    FollowUpAnswerBody,
    FollowUpBody,
    FollowUpCreate,
    FollowUpDecision,
    FollowUpPublic,
    FollowUpStatusBody,
)
from checkpoint.i18n import _
from watchlists.models import Document, Subject, Watchlist

FOLLOWUP_PATH = "/exchange/v1/followups"
STATUS_PATH = "/exchange/v1/followups/status"


# --- requesting side -------------------------------------------------------------------------------------------


def send_followup(
    session: Session, trail: AuditTrail, identity: ExchangeIdentity, client: PartnerClient, actor: Actor,
    body: FollowUpCreate,
) -> ExchangeFollowUp:  # fmt: skip
    """Ask the partner that answered `body.query_id` with a hit for its details; the partner's people decide."""
    sent = sent_query(session, str(body.query_id))
    if sent.outcome != "hit" or not sent.hit_reference:
        raise Conflict(
            _("query %(query_id)s was not answered with a hit") % {"query_id": sent.query_id},
            _("a follow-up needs a hit reference"),
        )
    partner = active_partner(session, sent.partner_id)
    request = FollowUpBody(
        followup_id=uuid.uuid4(),
        hit_reference=sent.hit_reference,
        legal_basis=body.legal_basis,
        purpose=body.purpose,
        requested_by=actor.name,
    )
    sealed = seal(identity.key, identity.centre_id, request.model_dump(mode="json"))
    reply = client.send(partner, FOLLOWUP_PATH, sealed)
    if reply.refusal_code is not None:
        raise PartnerRefusal(
            _("%(partner_id)s refused the follow-up (%(refusal_code)s: %(refusal_message)s)")
            % {
                "partner_id": partner.partner_id,
                "refusal_code": reply.refusal_code,
                "refusal_message": reply.refusal_message,
            },
            _("check the legal basis and the agreement"),
        )
    row = ExchangeFollowUp(
        followup_id=str(request.followup_id),
        direction="outgoing",
        partner_id=partner.partner_id,
        hit_reference=sent.hit_reference,
        legal_basis=body.legal_basis,
        purpose=body.purpose,
        requested_by=actor.name,
        request_hash=message_hash(sealed),
        answer_hash=reply.answer_hash,
    )
    session.add(row)
    payload = {
        "partner_id": partner.partner_id,
        "query_id": sent.query_id,
        "hit_reference": sent.hit_reference,
        "legal_basis": body.legal_basis,
        "purpose": body.purpose,
        "request_hash": row.request_hash,
        "answer_hash": reply.answer_hash,
    }
    trail.record(session, actor, "exchange.followup.sent", f"followup:{row.followup_id}", payload)
    session.commit()
    return row


def refresh_followup(
    session: Session, trail: AuditTrail, identity: ExchangeIdentity, client: PartnerClient, actor: Actor,
    followup_id: str,
) -> ExchangeFollowUp:  # fmt: skip
    """Ask the partner what became of our follow-up; record its signed answer when the decision is new."""
    row = _followup(session, "outgoing", followup_id)
    if row.status != "pending":
        return row
    partner = active_partner(session, row.partner_id)
    sealed = seal(
        identity.key, identity.centre_id, FollowUpStatusBody(followup_id=uuid.UUID(followup_id)).model_dump(mode="json")
    )
    reply = client.send(partner, STATUS_PATH, sealed)
    if reply.refusal_code is not None:
        raise PartnerRefusal(
            _("%(partner_id)s refused to say (%(refusal_code)s)")
            % {"partner_id": partner.partner_id, "refusal_code": reply.refusal_code},
            _("ask its supervisor"),
        )
    answer = FollowUpAnswerBody.model_validate(reply.body)
    if answer.status == "pending":
        return row
    row.status, row.decision_reason, row.details = answer.status, answer.decision_reason, answer.details
    row.answer_hash, row.decided_at = reply.answer_hash, dt.datetime.now(dt.UTC)
    session.add(row)
    payload = {
        "partner_id": row.partner_id,
        "status": answer.status,
        "decision_reason": answer.decision_reason,
        "fields": sorted(answer.details or {}),
        "request_hash": message_hash(sealed),
        "answer_hash": reply.answer_hash,
    }
    trail.record(session, actor, "exchange.followup.answer_received", f"followup:{followup_id}", payload)
    session.commit()
    return row


# --- answering side --------------------------------------------------------------------------------------------


def receive_followup(
    session: Session, trail: AuditTrail, identity: ExchangeIdentity, sealed: Any, window: dt.timedelta
) -> dict[str, Any]:
    """Queue a partner's follow-up for our supervisors; the signed receipt says "pending"."""
    envelope, partner = authenticate(session, sealed, window)
    request = body_as(FollowUpBody, envelope)
    agreement = agreement_in_force(session, partner.partner_id)
    if not agreement.followup_fields:
        raise NotAgreed(
            _("the agreement with %(partner_id)s allows no follow-up") % {"partner_id": partner.partner_id},
            _("agree follow-up fields first"),
        )
    hit = _hit(session, partner.partner_id, request.hit_reference)
    if _incoming(session, partner.partner_id, str(request.followup_id)) is not None:
        raise Conflict(
            _("follow-up %(followup_id)s was already received") % {"followup_id": request.followup_id},
            _("ask for its status instead"),
        )
    row = ExchangeFollowUp(
        followup_id=str(request.followup_id),
        direction="incoming",
        partner_id=partner.partner_id,
        hit_reference=hit.reference,
        legal_basis=request.legal_basis,
        purpose=request.purpose,
        requested_by=request.requested_by,
        request_hash=message_hash(sealed),
    )
    session.add(row)
    receipt = FollowUpAnswerBody(followup_id=request.followup_id, status="pending")
    sealed_receipt = seal(
        identity.key, identity.centre_id, receipt.model_dump(mode="json"), in_reply_to=row.request_hash
    )
    payload = {
        "partner_id": partner.partner_id,
        "hit_reference": hit.reference,
        "legal_basis": request.legal_basis,
        "purpose": request.purpose,
        "requested_by": request.requested_by,
        "request_hash": row.request_hash,
        "answer_hash": message_hash(sealed_receipt),
    }
    trail.record(
        session, partner_actor(partner.partner_id), "exchange.followup.received", f"followup:{row.followup_id}", payload
    )
    session.commit()
    return sealed_receipt


def followup_status(
    session: Session, trail: AuditTrail, identity: ExchangeIdentity, sealed: Any, window: dt.timedelta
) -> dict[str, Any]:
    """The signed state of a partner's follow-up: pending, refused with the reason, or approved with the details."""
    envelope, partner = authenticate(session, sealed, window)
    question = body_as(FollowUpStatusBody, envelope)
    row = _incoming(session, partner.partner_id, str(question.followup_id))
    if row is None:
        raise NotFound(
            _("%(partner_id)s sent no follow-up %(followup_id)s")
            % {"partner_id": partner.partner_id, "followup_id": question.followup_id},
            _("send the follow-up first"),
        )
    answer = FollowUpAnswerBody(
        followup_id=question.followup_id,
        status=row.status,  # type: ignore[arg-type]
        decision_reason=row.decision_reason,
        details=row.details if row.status == "approved" else None,
    )
    request_hash = message_hash(sealed)
    sealed_answer = seal(identity.key, identity.centre_id, answer.model_dump(mode="json"), in_reply_to=request_hash)
    if row.status != "pending":
        row.answer_hash = message_hash(sealed_answer)
        session.add(row)
        payload = {
            "partner_id": partner.partner_id,
            "status": row.status,
            "fields": sorted(row.details or {}),
            "request_hash": request_hash,
            "answer_hash": row.answer_hash,
        }
        trail.record(
            session,
            partner_actor(partner.partner_id),
            "exchange.followup.answer_sent",
            f"followup:{row.followup_id}",
            payload,
        )
    session.commit()  # the nonce, at least
    return sealed_answer


def decide_followup(
    session: Session, trail: AuditTrail, actor: Actor, followup_id: str, decision: FollowUpDecision
) -> ExchangeFollowUp:
    """A supervisor approves (the agreement's fields of the hit entry, nothing more) or refuses a follow-up."""
    row = _followup(session, "incoming", followup_id)
    if row.status != "pending":
        raise Conflict(
            _("follow-up %(followup_id)s was already %(status)s") % {"followup_id": followup_id, "status": row.status},
            _("a decision is final"),
        )
    if decision.approve:
        agreement = agreement_in_force(session, row.partner_id)
        hit = _hit(session, row.partner_id, row.hit_reference)
        row.details = minimum_details(session, hit.entry_key, agreement.followup_fields)
    row.status = "approved" if decision.approve else "refused"
    row.decided_by, row.decision_reason, row.decided_at = actor.name, decision.reason, dt.datetime.now(dt.UTC)
    session.add(row)
    payload = {
        "partner_id": row.partner_id,
        "approve": decision.approve,
        "reason": decision.reason,
        "fields": sorted(row.details or {}),
    }
    trail.record(session, actor, "exchange.followup.decided", f"followup:{followup_id}", payload)
    session.commit()
    return row


def minimum_details(session: Session, entry_key: str, fields: list[str]) -> dict[str, str | None]:
    """The agreed fields of the hit entry (a listed person or document), and not one more."""
    kind, number = entry_key[0], int(entry_key[1:])
    entry = session.get(Subject if kind == "s" else Document, number)
    if entry is None:
        raise NotFound(
            _("the entry behind this hit (%(entry_key)s) no longer exists") % {"entry_key": entry_key},
            _("refuse the follow-up"),
        )
    watchlist = session.get(Watchlist, entry.watchlist_id)
    available: dict[str, str | None] = {
        "category": watchlist.category.value if watchlist else None,
        "owning_authority": watchlist.owning_authority if watchlist else None,
        "legal_basis": watchlist.legal_basis if watchlist else None,
        "reason": entry.reason,
    }
    if isinstance(entry, Subject):
        available |= {
            "name_latin": entry.name_latin,
            "name_original": entry.name_original or None,
            "birth_date": entry.birth_date,
            "nationality": entry.nationality,
            "sex": entry.sex,
        }
    else:
        available |= {"issuing_state": entry.issuing_state, "document_number": entry.number}
    return {name: available[name] for name in fields if name in available}


def list_followups(session: Session, direction: str | None = None, status: str | None = None) -> list[ExchangeFollowUp]:
    """Follow-ups, newest first; the supervisors' queue is direction=incoming, status=pending."""
    query = select(ExchangeFollowUp).order_by(col(ExchangeFollowUp.id).desc())
    if direction:
        query = query.where(ExchangeFollowUp.direction == direction)
    if status:
        query = query.where(ExchangeFollowUp.status == status)
    return list(session.exec(query.limit(500)))


def followup_public(row: ExchangeFollowUp) -> FollowUpPublic:
    return FollowUpPublic.model_validate(row, from_attributes=True)


def _followup(session: Session, direction: str, followup_id: str) -> ExchangeFollowUp:
    row = session.exec(
        select(ExchangeFollowUp).where(
            ExchangeFollowUp.direction == direction, ExchangeFollowUp.followup_id == followup_id
        )
    ).first()
    if row is None:
        raise NotFound(
            _("there is no %(direction)s follow-up %(followup_id)s")
            % {"direction": direction, "followup_id": followup_id},
            _("list them at GET /api/exchange/followups"),
        )
    return row


def _incoming(session: Session, partner_id: str, followup_id: str) -> ExchangeFollowUp | None:
    """The follow-up `partner_id` sent us under `followup_id`, if any (ids are the sender's: unique per partner)."""
    return session.exec(
        select(ExchangeFollowUp).where(
            ExchangeFollowUp.direction == "incoming",
            ExchangeFollowUp.partner_id == partner_id,
            ExchangeFollowUp.followup_id == followup_id,
        )
    ).first()


def _hit(session: Session, partner_id: str, reference: str) -> ExchangeHitReference:
    hit = session.exec(
        select(ExchangeHitReference).where(
            ExchangeHitReference.reference == reference, ExchangeHitReference.partner_id == partner_id
        )
    ).first()
    if hit is None:
        raise NotAgreed(
            _("hit reference %(reference)s was not given to %(partner_id)s")
            % {"reference": reference, "partner_id": partner_id},
            _("follow up only on your own hits"),
        )
    return hit
