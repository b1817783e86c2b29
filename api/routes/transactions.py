"""Screening transactions: ingest from kiosks, the referral queue, detail, dispositions and reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api import decisions, screening, screening_views
from api.deps import SessionDep, TrailDep, allow
from api.exchange.screenings import queue_for_screening
from api.route_params import NameFilter, Position, RowId
from api.schemas import (
    DispositionCreate,
    DispositionPublic,
    Recommendation,
    ReviewCreate,
    ReviewPublic,
    Role,
    ScreeningViewCreate,
    ScreeningViewRecorded,
    TransactionCreate,
    TransactionPublic,
    TransactionSummary,
)
from api.security import Principal

router = APIRouter(prefix="/api/transactions", tags=["transactions"])


@router.post("", status_code=201, response_model=TransactionPublic)
def ingest(
    body: TransactionCreate,
    kiosk: Annotated[Principal, allow(Role.KIOSK)],
    session: SessionDep,
    trail: TrailDep,
    request: Request,
) -> Response:
    """Store a kiosk's transaction; a retry with the same client UUID returns the first result with 200."""
    settings = request.app.state.settings
    keep_cleared_face = settings.retention_cleared_biometrics_days > 0
    public, created = screening.ingest(
        session, trail, kiosk.actor, body, settings.max_face_image_bytes, keep_cleared_face
    )
    if created and request.app.state.exchange.identity is not None:
        queue_for_screening(session, public.id, body)  # sent by the exchange outbox: never waits for a partner
    # Serialised once here: the hot path skips FastAPI's dump-validate-dump of the response model.
    return Response(public.model_dump_json(), status_code=201 if created else 200, media_type="application/json")


@router.get("")
def referral_queue(
    supervisor: Annotated[Principal, allow(Role.SUPERVISOR)],
    session: SessionDep,
    recommendation: Recommendation | None = Recommendation.REFER,
    post_id: NameFilter = None,
    kiosk_id: NameFilter = None,
    officer: NameFilter = None,
    since: datetime | None = None,
    until: datetime | None = None,
    undecided_only: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Position = 0,
) -> list[TransactionSummary]:
    """Transactions newest first (referrals by default), without personal data."""
    flt = screening.QueueFilter(recommendation, post_id, kiosk_id, officer, since, until, undecided_only, limit, offset)
    return screening.queue(session, flt)


@router.get("/{transaction_id}")
def detail(
    transaction_id: RowId,
    reader: Annotated[Principal, allow(Role.SUPERVISOR, Role.OFFICER)],
    session: SessionDep,
    trail: TrailDep,
) -> TransactionPublic:
    """One transaction with its personal data; the read is audited."""
    return screening.to_public(screening.read_transaction(session, trail, reader.actor, transaction_id))


@router.post("/{transaction_id}/disposition", status_code=201)
def dispose(
    transaction_id: RowId,
    body: DispositionCreate,
    caller: Annotated[Principal, allow(Role.OFFICER, Role.KIOSK)],
    session: SessionDep,
    trail: TrailDep,
    response: Response,
) -> DispositionPublic:
    """Record an officer's decision (reason code required unless CLEAR); an identical resend gets 200.

    An officer records their own; a kiosk records the decision of the officer signed in on its page, named in
    `officer`, for a transaction it sent itself."""
    row, created = decisions.record_disposition(session, trail, caller.actor, transaction_id, body)
    if not created:
        response.status_code = 200
    return decisions.disposition_public(row)


@router.post("/{transaction_id}/views", status_code=201)
def screening_view(
    transaction_id: RowId,
    body: ScreeningViewCreate,
    kiosk: Annotated[Principal, allow(Role.KIOSK)],
    session: SessionDep,
    trail: TrailDep,
    response: Response,
) -> ScreeningViewRecorded:
    """Audit that the officer signed in on the kiosk opened this screening; an identical resend gets 200."""
    recorded, created = screening_views.record_view(session, trail, kiosk.actor, transaction_id, body)
    if not created:
        response.status_code = 200
    return recorded


@router.post("/{transaction_id}/reviews", status_code=201)
def review(
    transaction_id: RowId,
    body: ReviewCreate,
    supervisor: Annotated[Principal, allow(Role.SUPERVISOR)],
    session: SessionDep,
    trail: TrailDep,
) -> ReviewPublic:
    """Record a supervisor's review."""
    return decisions.review_public(decisions.record_review(session, trail, supervisor.actor, transaction_id, body))
