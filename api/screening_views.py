"""Screening views a kiosk reports: an officer opened a screening on the kiosk page (a read of personal data).

Each becomes a `screening.view` event on the transaction (actor: the officer; payload: the kiosk, the
transaction's client UUID, when, how the officer signed in: no names, no images). A resend of the same view
(a kiosk outbox retrying after a lost response) is recognised by its payload hash and recorded once.
"""

from __future__ import annotations

from sqlmodel import Session, select

from api.acting_officer import acting_officer
from api.audit.canonical import payload_hash
from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.db import lock_chain
from api.errors import InvalidInput
from api.models import AuditEvent
from api.schemas import ScreeningViewCreate, ScreeningViewRecorded
from api.screening import get_transaction
from checkpoint.i18n import _

ACTION = "screening.view"


def record_view(
    session: Session, trail: AuditTrail, kiosk: Actor, transaction_id: int, body: ScreeningViewCreate
) -> tuple[ScreeningViewRecorded, bool]:
    """Append the view's audit event once; returns it and whether it is new (False: an identical resend)."""
    transaction = get_transaction(session, transaction_id)
    if transaction.client_uuid != str(body.transaction_uuid):
        raise InvalidInput(
            _("transaction %(id)s does not have client UUID %(uuid)s")
            % {"id": transaction_id, "uuid": body.transaction_uuid},
            _("send the view to the centre id of the transaction it names"),
        )
    # A view is a read that already happened: recorded even if the officer's account was disabled since.
    officer, kiosk_id = acting_officer(session, kiosk, transaction, body.officer, require_active=False)
    payload = {**body.model_dump(mode="json"), "kiosk_id": kiosk_id}
    obj = f"transaction:{transaction_id}"
    lock_chain(session)  # a racing identical resend waits here and then finds the first
    known = session.exec(
        select(AuditEvent.sequence).where(
            AuditEvent.object == obj, AuditEvent.action == ACTION, AuditEvent.payload_hash == payload_hash(payload)
        )
    ).first()
    if known is not None:
        return ScreeningViewRecorded(transaction_id=transaction_id, audit_sequence=known), False
    event = trail.record(session, officer, ACTION, obj, payload)
    session.commit()
    return ScreeningViewRecorded(transaction_id=transaction_id, audit_sequence=event.sequence), True
