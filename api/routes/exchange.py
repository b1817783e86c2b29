"""The exchange's routes: `/exchange/v1/...` for partner centres (authenticated by their signature, not a token),
and `/api/exchange/...` for this centre's administrators (partners, agreements) and supervisors (queries,
follow-ups and the queue of partners' follow-ups)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request

from api.deps import SessionDep, TrailDep, allow
from api.errors import ApiError, Forbidden
from api.exchange import answering, asking, followups, partners, screenings
from api.exchange.context import ExchangeContext
from api.exchange.inbound import record_refusal
from api.exchange.wire import (
    AgreementPublic,
    AgreementSet,
    FollowUpCreate,
    FollowUpDecision,
    FollowUpPublic,
    PartnerAnswerPublic,
    PartnerCreate,
    PartnerPublic,
    QueryCreate,
    SentPublic,
)
from api.route_params import PathName, RowId
from api.schemas import Role
from api.screening import get_transaction
from api.security import Principal
from checkpoint.i18n import _

partner_router = APIRouter(prefix="/exchange/v1", tags=["exchange (partner centres)"])
router = APIRouter(prefix="/api/exchange", tags=["exchange"])
Admin = Annotated[Principal, allow(Role.ADMIN)]
Supervisor = Annotated[Principal, allow(Role.SUPERVISOR)]
Sealed = Annotated[dict[str, Any], Body(description="{envelope, signature}: see api/README.md, Exchange")]


async def get_exchange(request: Request) -> ExchangeContext:
    return request.app.state.exchange


ExchangeDep = Annotated[ExchangeContext, Depends(get_exchange)]


# --- partner centres -------------------------------------------------------------------------------------------


@partner_router.post("/queries")
def partner_query(sealed: Sealed, session: SessionDep, trail: TrailDep, exchange: ExchangeDep) -> dict[str, Any]:
    """A partner's signed query; the signed answer says hit (opaque reference, band), no hit, or cannot search."""
    try:
        return answering.answer_query(session, trail, exchange.me, exchange.search, sealed, exchange.window)
    except ApiError as refusal:
        record_refusal(session, trail, "exchange.query.refused", sealed, refusal)
        raise


@partner_router.post("/followups")
def partner_followup(sealed: Sealed, session: SessionDep, trail: TrailDep, exchange: ExchangeDep) -> dict[str, Any]:
    """A partner's signed follow-up on a hit we gave it; queued for our supervisors, the receipt says pending."""
    try:
        return followups.receive_followup(session, trail, exchange.me, sealed, exchange.window)
    except ApiError as refusal:
        record_refusal(session, trail, "exchange.followup.refused", sealed, refusal)
        raise


@partner_router.post("/followups/status")
def partner_followup_status(
    sealed: Sealed, session: SessionDep, trail: TrailDep, exchange: ExchangeDep
) -> dict[str, Any]:
    """The signed state of a partner's follow-up: pending, refused, or approved with the agreed fields."""
    try:
        return followups.followup_status(session, trail, exchange.me, sealed, exchange.window)
    except ApiError as refusal:
        record_refusal(session, trail, "exchange.followup.refused", sealed, refusal)
        raise


# --- administrators --------------------------------------------------------------------------------------------


@router.post("/partners", status_code=201)
def add_partner(body: PartnerCreate, admin: Admin, session: SessionDep, trail: TrailDep) -> PartnerPublic:
    """Register a partner centre: id, base URL (HTTPS), Ed25519 public key."""
    return partners.partner_public(partners.add_partner(session, trail, admin.actor, body))


@router.get("/partners")
def list_partners(admin: Admin, session: SessionDep) -> list[PartnerPublic]:
    """Every partner centre, revoked ones too."""
    return [partners.partner_public(p) for p in partners.list_partners(session)]


@router.post("/partners/{partner_id}/revoke")
def revoke_partner(partner_id: PathName, admin: Admin, session: SessionDep, trail: TrailDep) -> PartnerPublic:
    """Stop exchanging with a partner (its history stays)."""
    return partners.partner_public(partners.revoke_partner(session, trail, admin.actor, partner_id))


@router.put("/agreements")
def set_agreement(body: AgreementSet, admin: Admin, session: SessionDep, trail: TrailDep) -> AgreementPublic:
    """Put an agreement's terms in force for a partner (replaces its earlier terms)."""
    return partners.agreement_public(partners.set_agreement(session, trail, admin.actor, body))


@router.get("/agreements")
def list_agreements(admin: Admin, session: SessionDep) -> list[AgreementPublic]:
    """Every agreement in its current terms."""
    return [partners.agreement_public(a) for a in partners.list_agreements(session)]


# --- supervisors -----------------------------------------------------------------------------------------------


@router.post("/queries", status_code=201)
def send_query(
    body: QueryCreate, supervisor: Supervisor, session: SessionDep, trail: TrailDep, exchange: ExchangeDep
) -> SentPublic:
    """Send a query to a partner now; the answer (or "unreachable", retried later) is in the result."""
    row = asking.queue_query(session, body.partner_id, body)
    return asking.sent_public(asking.deliver(session, trail, exchange.me, exchange.client, row, supervisor.actor))


@router.get("/queries")
def list_queries(supervisor: Supervisor, session: SessionDep) -> list[SentPublic]:
    """The queries this centre sent, newest first (their answers, never their data)."""
    return [asking.sent_public(row) for row in asking.recent_queries(session)]


@router.post("/followups", status_code=201)
def send_followup(
    body: FollowUpCreate, supervisor: Supervisor, session: SessionDep, trail: TrailDep, exchange: ExchangeDep
) -> FollowUpPublic:
    """Ask the partner behind a hit for its details, under a legal basis and for a purpose."""
    row = followups.send_followup(session, trail, exchange.me, exchange.client, supervisor.actor, body)
    return followups.followup_public(row)


@router.get("/followups")
def list_followups(
    supervisor: Supervisor,
    session: SessionDep,
    direction: Annotated[Literal["incoming", "outgoing"] | None, Query()] = None,
    status: Annotated[Literal["pending", "approved", "refused"] | None, Query()] = None,
) -> list[FollowUpPublic]:
    """Follow-ups, newest first; the queue to decide is direction=incoming&status=pending."""
    return [followups.followup_public(r) for r in followups.list_followups(session, direction, status)]


@router.post("/followups/{followup_id}/refresh")
def refresh_followup(
    followup_id: PathName, supervisor: Supervisor, session: SessionDep, trail: TrailDep, exchange: ExchangeDep
) -> FollowUpPublic:
    """Ask the partner what became of one of our follow-ups."""
    row = followups.refresh_followup(session, trail, exchange.me, exchange.client, supervisor.actor, followup_id)
    return followups.followup_public(row)


@router.post("/followups/{followup_id}/decision")
def decide_followup(
    followup_id: PathName, body: FollowUpDecision, supervisor: Supervisor, session: SessionDep, trail: TrailDep
) -> FollowUpPublic:
    """Approve (the agreement's fields, nothing more) or refuse a partner's follow-up."""
    return followups.followup_public(followups.decide_followup(session, trail, supervisor.actor, followup_id, body))


@router.get("/screenings/{transaction_id}")
def screening_answers(
    transaction_id: RowId,
    reader: Annotated[Principal, allow(Role.KIOSK, Role.OFFICER, Role.SUPERVISOR)],
    session: SessionDep,
) -> list[PartnerAnswerPublic]:
    """What partners answered about one screening (a kiosk sees only its own screenings'), hits first."""
    row = get_transaction(session, transaction_id)
    if reader.role == Role.KIOSK and row.kiosk_id != reader.name:
        raise Forbidden(
            _("transaction %(transaction_id)s is not kiosk %(name)s's")
            % {"transaction_id": transaction_id, "name": reader.name},
            _("ask about your own screenings"),
        )
    answers = screenings.partner_answers(session, transaction_id)
    return [PartnerAnswerPublic.model_validate(a, from_attributes=True) for a in answers]
