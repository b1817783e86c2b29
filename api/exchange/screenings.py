"""Partner queries for screenings: the centre, on receiving a transaction an agreement asks it to (every
screening, or referrals only), queues queries for that partner; the outbox loop sends them, so a partner that is
down never holds a screening up. Their answers are shown with the transaction as "partner hit (state,
reference)", "no partner hit", "partner unreachable", ... — never read as a clearance when there is none."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from api.exchange.asking import queue_query
from api.exchange.models import ExchangeAgreement, ExchangePartner, ExchangeSent
from api.exchange.wire import QueryKind, QueryTerms
from api.schemas import Recommendation, TransactionCreate
from checkpoint.i18n import _


def queue_for_screening(session: Session, transaction_id: int, body: TransactionCreate) -> int:
    """Queue the queries the agreements ask for on this screening (committed); returns how many."""
    refer = body.recommendation == Recommendation.REFER
    asks = {"every", "refer"} if refer else {"every"}
    partners = {p.partner_id for p in session.exec(select(ExchangePartner).where(ExchangePartner.active == True))}  # noqa: E712
    queued = 0
    for agreement in session.exec(select(ExchangeAgreement).where(col(ExchangeAgreement.kiosk_queries).in_(asks))):
        if agreement.partner_id not in partners:
            continue
        for terms in _terms(body, agreement.query_kinds):
            queue_query(session, agreement.partner_id, terms, transaction_id, by_outbox=True)
            queued += 1
    return queued


def _terms(body: TransactionCreate, kinds: list[str]) -> list[QueryTerms]:
    """One query per agreed kind the screening has data for (the agreement's kinds are taken as reciprocal)."""
    document = body.document
    terms = []
    if QueryKind.document in kinds:
        terms.append(QueryTerms(kind=QueryKind.document, issuing_state=document.issuing_state,
                                document_number=document.document_number))  # fmt: skip
    name = " ".join(part for part in (document.given_names, document.surname) if part).strip()
    if QueryKind.name in kinds and name:
        birth = document.birth_date.isoformat() if document.birth_date else None
        terms.append(QueryTerms(kind=QueryKind.name, name=name[:300], birth_date=birth))
    if QueryKind.face in kinds and body.face_template and body.model_ids:
        import base64

        import numpy as np

        raw = np.asarray(body.face_template, dtype="<f4").tobytes()
        terms.append(
            QueryTerms(kind=QueryKind.face, model_id=body.model_ids[0], template_b64=base64.b64encode(raw).decode())
        )
    return terms


@dataclass(frozen=True)
class PartnerAnswer:
    """What one partner said about one screening, as an officer or supervisor reads it."""

    partner_id: str
    kind: str
    state: str  # hit | no_hit | cannot_search | refused | unreachable | waiting
    reference: str | None
    text: str


def partner_answers(session: Session, transaction_id: int) -> list[PartnerAnswer]:
    """Every partner query of a screening with its state, hits first."""
    rows = session.exec(
        select(ExchangeSent).where(ExchangeSent.transaction_id == transaction_id).order_by(col(ExchangeSent.id))
    )
    answers = [_answer(row) for row in rows]
    return sorted(answers, key=lambda a: a.state != "hit")


def _answer(row: ExchangeSent) -> PartnerAnswer:
    state = row.outcome if row.status == "answered" and row.outcome else row.status
    state = "waiting" if state == "pending" else state
    words = {
        "hit": _("partner hit (%(state)s, reference %(reference)s)"),
        "no_hit": _("no partner hit (%(state)s)"),
        "cannot_search": _("partner could not search (%(state)s): not a clearance"),
        "refused": _("partner refused the query (%(state)s)"),
        "unreachable": _("partner unreachable (%(state)s): retried later, not a clearance"),
        "waiting": _("waiting for the partner (%(state)s)"),
    }
    text = words.get(state, state) % {"state": row.partner_id, "reference": row.hit_reference}
    return PartnerAnswer(row.partner_id, row.kind, state, row.hit_reference, text)
