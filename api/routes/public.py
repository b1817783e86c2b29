"""The public side, no account: transparency (signed tree heads, proofs, statistics), receipt proofs, complaints.

Every answer is free of personal data (tests walk them), rate-limited per address, and cacheable where it can be.
JSON for tools (an NGO's script posts complaints as JSON: it sends no browser headers, so BrowserGuard lets it
through); HTML pages in French or English for people, whose forms post to this same site.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import ValidationError

from api.audit import tree_heads
from api.audit.status import events_total, next_tree_head
from api.deps import ClientAddressDep, SessionDep, TrailDep
from api.errors import ApiError, NotFound
from api.models import TreeHead
from api.page_templates import templates
from api.public import complaints, receipts, statistics, transparency
from api.public.offline_check import receipt_problem
from api.public.rate_limit import SlidingWindow
from api.public.suppression import SUPPRESSED, THRESHOLD
from api.public.wire import ComplaintCreate, ComplaintFiled, ComplaintStatus
from api.route_params import Position, SequenceNumber
from checkpoint.i18n import _

# As long as the stored values (a reference is 22 characters, a complaint number 12), with room for a typo's answer.
ReferenceInPath = Annotated[str, Path(min_length=1, max_length=64)]
ComplaintNumber = Annotated[str, Path(min_length=1, max_length=16)]

CACHE_SHORT = "public, max-age=60"
CACHE_FOREVER = "public, max-age=31536000, immutable"  # a proof between two signed heads never changes
NO_STORE = "no-store"  # answers that need a secret from the receipt or the filing


def _window(request: Request, name: str, limit: int, seconds: float) -> SlidingWindow:
    state = request.app.state
    if not hasattr(state, name):
        setattr(state, name, SlidingWindow(limit, seconds))
    return getattr(state, name)


def public_rate(request: Request, address: ClientAddressDep) -> None:
    """Each address may make `public_requests_per_minute` public requests a minute (429 + Retry-After after)."""
    limit = request.app.state.settings.public_requests_per_minute
    _window(request, "public_window", limit, 60).admit(address, _("requests"))


router = APIRouter(prefix="/public", tags=["public"], dependencies=[Depends(public_rate)])


def _complaint_rate(request: Request, address: str) -> None:
    limit = request.app.state.settings.complaints_per_hour
    _window(request, "complaint_window", limit, 3600).admit(address, _("complaints"))


def _json(body: Any, cache: str, status_code: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status_code, headers={"Cache-Control": cache})


def _page(request: Request, template: str, cache: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    response = templates.TemplateResponse(request, template, {"principal": None, **context}, status_code=http_status)
    response.headers["Cache-Control"] = cache
    return response


def _next_head(request: Request, session: SessionDep) -> dict[str, Any]:
    settings = request.app.state.settings
    latest = tree_heads.latest_tree_head(session)
    status = {
        "events_total": events_total(session),
        "latest_tree_head": tree_heads.tree_head_record(latest) if latest else None,
    }
    return next_tree_head(status, settings.tree_head_every_events, settings.tree_head_interval_minutes)


def transparency_report(request: Request, session: SessionDep) -> dict[str, Any]:
    """Everything the transparency page shows, as JSON-ready values."""
    settings = request.app.state.settings
    public_key = request.app.state.trail.key.public_key()
    latest = tree_heads.latest_tree_head(session)
    due = _next_head(request, session)
    return {
        "signed_tree_head": tree_heads.tree_head_record(latest) if latest else None,
        "public_key": transparency.public_key_record(public_key),
        "next_tree_head": {
            "at_event": due["at_event"],
            "by_time": due["by_time"].isoformat() if due["by_time"] else None,
        },
        "statistics": {
            "suppression": {
                "threshold": THRESHOLD,
                "marker": SUPPRESSED,
                "rule": 'counts below 10 are shown as "<10"; where parts add up to a shown total and one part is '
                "hidden, the next smallest part is hidden too; nothing is summed across posts or months",
            },
            "monthly_by_post": statistics.monthly_by_post(session),
            "watchlist_entries": statistics.watchlist_entries(session, datetime.now(UTC).date()),
            "match_rate_reports": [
                {**r, "ran_at": r["ran_at"].isoformat() if r["ran_at"] else None}
                for r in statistics.match_rate_headlines(settings.benchmark_results_dir)
            ],
        },
    }


@router.get("/transparency.json")
def transparency_json(request: Request, session: SessionDep) -> JSONResponse:
    """The latest signed tree head, the key that verifies it, and aggregate statistics (small counts suppressed)."""
    return _json(transparency_report(request, session), CACHE_SHORT)


@router.get("/transparency", response_class=HTMLResponse)
def transparency_page(request: Request, session: SessionDep) -> HTMLResponse:
    """The same, as a page anyone can read, with what to compare and how to check it."""
    report = transparency_report(request, session)
    history = transparency.recent_head_history(session, 10)
    return _page(request, "public_transparency.html", CACHE_SHORT, report=report, history=history)


@router.get("/public-key", response_class=PlainTextResponse)
def public_key(request: Request) -> PlainTextResponse:
    """The Ed25519 public key (PEM) that verifies every signed tree head."""
    pem = transparency.public_key_record(request.app.state.trail.key.public_key())["pem"]
    return PlainTextResponse(pem, headers={"Cache-Control": CACHE_SHORT})


@router.get("/tree-heads")
def tree_head_history(
    session: SessionDep, after: Position = 0, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> JSONResponse:
    """Signed tree heads larger than `after`, smallest first, each with the consistency proof from the one before
    (page on with `after` = the last size seen: each proof reads the whole tree, so pages are short)."""
    return _json(transparency.head_history(session, after, limit), CACHE_SHORT)


@router.get("/proofs/consistency")
def consistency_proof(session: SessionDep, first: SequenceNumber, second: SequenceNumber) -> JSONResponse:
    """RFC 9162 proof that the signed head of `first` events is a prefix of the signed head of `second` events."""
    heads = [session.get(TreeHead, size) for size in (first, second)]
    missing = [size for size, head in zip((first, second), heads, strict=True) if head is None]
    if missing:
        raise NotFound(
            _("no tree head of size %(missing)s was signed") % {"missing": missing[0]},
            _("pick two sizes from GET /public/tree-heads"),
        )
    path = tree_heads.consistency(session, first, second)
    body = {
        "first": tree_heads.tree_head_record(heads[0]),  # type: ignore[arg-type]
        "second": tree_heads.tree_head_record(heads[1]),  # type: ignore[arg-type]
        "path": [p.hex() for p in path],
    }
    return _json(body, CACHE_FOREVER)


@router.get("/receipts/{reference}")
def receipt_proof(request: Request, session: SessionDep, reference: ReferenceInPath) -> JSONResponse:
    """The inclusion proof of a receipt's commitment against the latest signed tree head (202 until one covers it,
    saying when the next is due)."""
    answer, complete = receipts.receipt_proof(session, reference, _next_head(request, session))
    return _json(answer, CACHE_SHORT, 200 if complete else 202)


@router.get("/receipt", response_class=HTMLResponse)
def receipt_check_page(request: Request) -> HTMLResponse:
    """The form where a traveller types the reference and code from their receipt."""
    return _page(request, "public_receipt.html", CACHE_SHORT)


@router.post("/receipt", response_class=HTMLResponse)
def receipt_check(
    request: Request,
    session: SessionDep,
    reference: Annotated[str, Form(max_length=64)],
    salt: Annotated[str, Form(max_length=64)],
) -> HTMLResponse:
    """What the centre committed to for this receipt (to compare with the paper) and where it is in the chain."""
    try:
        row = receipts.receipt_for_holder(session, reference.strip(), salt.strip().lower())
    except NotFound:
        error = _("No receipt matches this reference and code: copy both exactly from your receipt.")
        return _page(request, "public_receipt.html", NO_STORE, 404, error=error, reference=reference)
    answer, complete = receipts.receipt_proof(session, row.reference, _next_head(request, session))
    proof_ok = None
    if complete:
        held = {**receipts.receipt_fields(row).model_dump(mode="json"), "salt": salt.strip().lower()}
        proof_ok = receipt_problem(held, answer, request.app.state.trail.key.public_key()) is None
    return _page(
        request,
        "public_receipt.html",
        NO_STORE,
        fields=receipts.receipt_fields(row),
        answer=answer,
        complete=complete,
        proof_ok=proof_ok,
        reference=row.reference,
    )


@router.post("/complaints", status_code=201)
def file_complaint_json(
    request: Request, body: ComplaintCreate, session: SessionDep, trail: TrailDep, address: ClientAddressDep
) -> JSONResponse:
    """File a complaint (JSON, for a lawyer's or an NGO's tool): returns the number and the status token once."""
    _complaint_rate(request, address)
    row, token = complaints.file_complaint(
        session, trail, body.reference, body.salt, body.statement, request.app.state.settings.complaint_deadline_days
    )
    filed = ComplaintFiled(
        number=row.number,
        token=token,
        status_url=f"/public/complaints/{row.number}?token={token}",
        deadline=row.deadline,
    )
    return _json(filed.model_dump(mode="json"), NO_STORE, 201)


@router.get("/complaint", response_class=HTMLResponse)
def complaint_form(request: Request) -> HTMLResponse:
    """The complaint form."""
    return _page(request, "public_complaint.html", CACHE_SHORT)


@router.post("/complaint", response_class=HTMLResponse, response_model=None)
def file_complaint_form(
    request: Request,
    session: SessionDep,
    trail: TrailDep,
    address: ClientAddressDep,
    reference: Annotated[str, Form(max_length=64)],
    salt: Annotated[str, Form(max_length=64)],
    statement: Annotated[str, Form(max_length=8000)],
) -> Response:
    """The form's post (same site only): files the complaint and shows its number and status link once."""
    form = {"reference": reference.strip(), "salt": salt.strip().lower(), "statement": statement.strip()}
    try:
        body = ComplaintCreate(**form)
        _complaint_rate(request, address)
        row, token = complaints.file_complaint(
            session,
            trail,
            body.reference,
            body.salt,
            body.statement,
            request.app.state.settings.complaint_deadline_days,
        )
    except ValidationError:
        error = _(
            "Check the reference and code (as printed on the receipt) and write a statement of at most 4000 characters."
        )
        return _page(request, "public_complaint.html", NO_STORE, 422, error=error, form=form)
    except NotFound:
        error = _("No receipt matches this reference and code: copy both exactly from your receipt.")
        return _page(request, "public_complaint.html", NO_STORE, 404, error=error, form=form)
    except ApiError as exc:
        response = _page(request, "public_complaint.html", NO_STORE, exc.status, error=str(exc), form=form)
        response.headers.update(exc.headers)
        return response
    return _page(request, "public_complaint_filed.html", NO_STORE, 201, complaint=row, token=token)


@router.get("/complaints/{number}", response_model=None)
def complaint_status(
    request: Request, session: SessionDep, number: ComplaintNumber, token: Annotated[str, Query(max_length=64)] = ""
) -> Response:
    """The traveller's status page (HTML for a browser, JSON otherwise): deadline, and the decision once made."""
    try:
        row = complaints.complaint_for_holder(session, number, token)
    except NotFound:
        if "text/html" not in request.headers.get("accept", ""):
            raise
        error = _("No complaint matches this number and status code: use the link you got when filing.")
        return _page(request, "public_complaint_status.html", NO_STORE, 404, error=error)
    status = ComplaintStatus(
        number=row.number,
        filed_at=row.filed_at,
        deadline=row.deadline,
        status="open" if row.decision is None else "decided",
        evidence_attached=row.evidence_attached_at is not None,
        decision=row.decision,
        decision_reason=row.decision_reason,
        decided_at=row.decided_at,
    )
    if "text/html" in request.headers.get("accept", ""):
        return _page(request, "public_complaint_status.html", NO_STORE, complaint=status)
    return _json(status.model_dump(mode="json"), NO_STORE)
