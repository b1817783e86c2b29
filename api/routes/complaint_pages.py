"""Supervisors' complaint pages: the queue with its legal deadlines, one complaint with its evidence, the decision.
Auditors may read them; only supervisors act. Every step is an audit event (api/public/complaints.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep, TrailDep, allow
from api.page_templates import templates
from api.public import complaints
from api.public.receipts import receipt_fields
from api.route_params import RowId
from api.schemas import Role
from api.security import Principal

router = APIRouter(prefix="/ui/complaints", tags=["pages"])
Reader = Annotated[Principal, allow(Role.SUPERVISOR, Role.AUDITOR)]
Supervisor = Annotated[Principal, allow(Role.SUPERVISOR)]


def _page(request: Request, template: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context)


@router.get("", response_class=HTMLResponse)
def complaint_queue(request: Request, reader: Reader, session: SessionDep) -> HTMLResponse:
    """Open complaints by nearest deadline (overdue ones marked), then decided ones; no statement is shown here."""
    rows = [(c, r, complaints.overdue(c)) for c, r in complaints.complaint_queue(session)]
    return _page(request, "complaints.html", principal=reader, rows=rows)


@router.get("/{complaint_id}", response_class=HTMLResponse)
def complaint_page(
    request: Request, complaint_id: RowId, reader: Reader, session: SessionDep, trail: TrailDep
) -> HTMLResponse:
    """One complaint with the traveller's statement (an audited read), the receipt, and the decision form."""
    row, receipt = complaints.read_complaint(session, trail, reader.actor, complaint_id)
    return _page(
        request,
        "complaint.html",
        principal=reader,
        complaint=row,
        receipt=receipt_fields(receipt),
        transaction_id=receipt.transaction_id,
        overdue=complaints.overdue(row),
        decisions=list(complaints.ComplaintDecision),
    )


@router.post("/{complaint_id}/evidence")
def attach_evidence(complaint_id: RowId, supervisor: Supervisor, session: SessionDep, trail: TrailDep) -> Response:
    """Attach the screening's evidence to the complaint's file (audited), then open it."""
    complaints.attach_evidence(session, trail, supervisor.actor, complaint_id)
    return RedirectResponse(f"/ui/complaints/{complaint_id}#evidence", status_code=303)


@router.post("/{complaint_id}/decision")
def decide(
    complaint_id: RowId,
    supervisor: Supervisor,
    session: SessionDep,
    trail: TrailDep,
    decision: Annotated[complaints.ComplaintDecision, Form()],
    reason: Annotated[str, Form(min_length=1, max_length=2000)],
) -> Response:
    """Record the decision and its reason; the traveller's status page shows both."""
    complaints.decide(session, trail, supervisor.actor, complaint_id, decision, reason.strip())
    return RedirectResponse(f"/ui/complaints/{complaint_id}#decision", status_code=303)
