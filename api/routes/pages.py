"""Server-rendered pages (Jinja2, no build step): supervisors' referral queue and detail, auditors' log."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api import accounts, decisions, disposition_conflicts, reports, screening
from api.audit.status import chain_status, list_events, next_tree_head
from api.browser_guard import SERVED_FILE_POLICY
from api.candidate_cards import candidate_cards
from api.deps import ANY_ROLE, TOKEN_COOKIE, AuthPolicyDep, ClientAddressDep, SessionDep, TrailDep, allow
from api.errors import ApiError, InvalidInput, LoginThrottled, NotAuthenticated
from api.exchange.screenings import partner_answers
from api.page_templates import templates
from api.route_params import NameFilter, PathName, Position, RowId
from api.schemas import Recommendation, ReviewCreate, Role, Verdict
from api.security import Principal, login_user, principal_for_token, revoke_token
from api.statistics import false_hit_rates
from checkpoint.i18n import COOKIE as LANGUAGE_COOKIE
from checkpoint.i18n import LANGUAGES, _

router = APIRouter(prefix="/ui", tags=["pages"])
HOME = {Role.SUPERVISOR: "/ui/referrals", Role.AUDITOR: "/ui/audit"}


def _page(request: Request, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, {"principal": None, **context}, status_code=http_status)


def _login_error(exc: ApiError) -> str:
    """What the sign-in page says about a refused login, in the reader's language."""
    if isinstance(exc, LoginThrottled):
        return _("Too many failed sign-ins from here: wait %(minutes)d minute(s), then try again.") % {
            "minutes": max(1, -(-exc.retry_after_seconds // 60))
        }
    if isinstance(exc, NotAuthenticated):
        return _("Unknown username or wrong password: check both and try again.")
    return str(exc)


def _year_seconds() -> int:
    return 365 * 24 * 3600


@router.post("/language")
def choose_language(
    request: Request,
    session: SessionDep,
    trail: TrailDep,
    language: Annotated[str, Form(max_length=8)],
    back: Annotated[str, Form(max_length=300)] = "/ui/",
) -> Response:
    """The FR | EN switch: stored for the signed-in person, a cookie before sign-in; back to the same page."""
    chosen = language if language in LANGUAGES else None
    if chosen is None:
        raise InvalidInput(
            _("%(language)r is not a language of these pages") % {"language": language},
            _("choose one of: %(languages)s") % {"languages": ", ".join(LANGUAGES)},
        )
    token = request.cookies.get(TOKEN_COOKIE)
    if token:
        try:
            principal = principal_for_token(session, token)
        except NotAuthenticated:
            principal = None
        if principal is not None and principal.role != Role.KIOSK:
            accounts.set_language(session, trail, principal.actor, principal.name, chosen)
    # Only a path on this site: the switch must not become a way to send people elsewhere.
    on_site = back.startswith(("/ui/", "/public/")) and "//" not in back and "\\" not in back
    target = back if on_site else "/ui/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=_year_seconds(), samesite="strict", path="/")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    """The login form."""
    return _page(request, "login.html")


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    session: SessionDep,
    trail: TrailDep,
    policy: AuthPolicyDep,
    address: ClientAddressDep,
) -> Response:
    """Log in and keep the token in an HttpOnly, same-site cookie."""
    try:
        token, row, user = login_user(session, trail, policy, username, password, address)
    except ApiError as exc:
        response = _page(request, "login.html", http_status=exc.status, error=_login_error(exc))
        response.headers.update(exc.headers)
        return response
    response = RedirectResponse("/ui/", status_code=303)
    max_age = int(policy.token_ttl.total_seconds())
    response.set_cookie(TOKEN_COOKIE, token, max_age=max_age, httponly=True, samesite="strict", path="/")
    if user.language:  # the stored choice also serves the sign-in page after this session ends
        response.set_cookie(LANGUAGE_COOKIE, user.language, max_age=_year_seconds(), samesite="strict", path="/")
    return response


@router.post("/logout")
def logout(principal: Annotated[Principal, allow(*ANY_ROLE)], session: SessionDep) -> Response:
    """Revoke the page token and forget the cookie."""
    revoke_token(session, principal.token_id)
    session.commit()
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(TOKEN_COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, principal: Annotated[Principal, allow(*ANY_ROLE)]) -> Response:
    """Send each role to its page."""
    if principal.role in HOME:
        return RedirectResponse(HOME[principal.role], status_code=303)
    return _page(request, "home.html", principal=principal)


def _day(value: str | None, name: str, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(
            _("%(name)s is not a date") % {"name": name}, _("use the date picker or YYYY-MM-DD")
        ) from exc
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start + timedelta(days=1) - timedelta(microseconds=1) if end else start


@router.get("/referrals", response_class=HTMLResponse)
def referrals(
    request: Request,
    supervisor: Annotated[Principal, allow(Role.SUPERVISOR)],
    session: SessionDep,
    recommendation: Annotated[str, Query(max_length=5, pattern="^(REFER|CLEAR|ALL)$")] = "REFER",
    post_id: NameFilter = None,
    kiosk_id: NameFilter = None,
    officer: NameFilter = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    undecided_only: bool = False,
) -> HTMLResponse:
    """The referral queue with filters, conflicting decisions awaiting review, and the false-hit rate per
    watchlist."""
    flt = screening.QueueFilter(
        recommendation=None if recommendation == "ALL" else Recommendation(recommendation),
        post_id=post_id or None,
        kiosk_id=kiosk_id or None,
        officer=officer or None,
        since=_day(since, "from"),
        until=_day(until, "to", end=True),
        undecided_only=undecided_only,
        limit=200,
    )
    filters = {
        "recommendation": recommendation,
        "post_id": post_id,
        "kiosk_id": kiosk_id,
        "officer": officer,
        "since": since,
        "until": until,
        "undecided_only": undecided_only,
    }
    return _page(
        request,
        "referrals.html",
        principal=supervisor,
        rows=screening.queue(session, flt),
        conflicts=disposition_conflicts.open_conflicts(session),
        filters=filters,
        hit_rates=false_hit_rates(session),
    )


@router.get("/transactions/{transaction_id}", response_class=HTMLResponse)
def transaction_page(
    request: Request,
    transaction_id: RowId,
    supervisor: Annotated[Principal, allow(Role.SUPERVISOR)],
    session: SessionDep,
    trail: TrailDep,
) -> HTMLResponse:
    """One transaction with the evidence the officer saw, the decision, different decisions the centre refused and
    reviews (an audited read)."""
    row = screening.read_transaction(session, trail, supervisor.actor, transaction_id)
    tx = screening.to_public(row)
    disposition = decisions.disposition_of(session, transaction_id)
    face_jpeg = (row.face_data or {}).get("image_jpeg_b64")
    return _page(
        request,
        "transaction.html",
        principal=supervisor,
        tx=tx,
        face_jpeg=face_jpeg,
        cards=candidate_cards(session, tx.candidates),
        verdicts=list(Verdict),
        disposition=decisions.disposition_public(disposition) if disposition else None,
        conflicts=disposition_conflicts.conflicts_of(session, transaction_id),
        reviews=[decisions.review_public(r) for r in decisions.reviews_of(session, transaction_id)],
        partner_answers=partner_answers(session, transaction_id),
    )


@router.post("/transactions/{transaction_id}/review")
def review_submit(
    transaction_id: RowId,
    supervisor: Annotated[Principal, allow(Role.SUPERVISOR)],
    session: SessionDep,
    trail: TrailDep,
    verdict: Annotated[Verdict, Form()],
    reason_code: Annotated[str, Form(min_length=1, max_length=64, pattern=r"^[A-Z][A-Z0-9_]*$")],
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """The review form on the transaction page: recorded as the API's review route records it."""
    body = ReviewCreate(verdict=verdict, reason_code=reason_code, comment=comment.strip() or None)
    decisions.record_review(session, trail, supervisor.actor, transaction_id, body)
    return RedirectResponse(f"/ui/transactions/{transaction_id}#reviews", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    auditor: Annotated[Principal, allow(Role.AUDITOR)],
    session: SessionDep,
    after: Position = 0,
    action: NameFilter = None,
) -> HTMLResponse:
    """The audit log browser with the chain's verification status and latest signed tree head."""
    limit = 100
    status = chain_status(session, request.app.state.trail.key.public_key())
    events = list_events(session, after, limit, action or None)
    settings = request.app.state.settings
    due = next_tree_head(status, settings.tree_head_every_events, settings.tree_head_interval_minutes)
    return _page(
        request,
        "audit.html",
        principal=auditor,
        status=status,
        next_head=due,
        events=events,
        after=after,
        action=action,
        limit=limit,
    )


@router.get("/benchmarks", response_class=HTMLResponse)
def benchmarks_page(
    request: Request, auditor: Annotated[Principal, allow(Role.AUDITOR)], session: SessionDep, trail: TrailDep
) -> HTMLResponse:
    """The benchmark reports on this server (each new one recorded in the chain as published)."""
    directory = request.app.state.settings.benchmark_results_dir
    reports.record_publications(session, trail, directory)
    return _page(request, "benchmarks.html", principal=auditor, reports=reports.list_reports(directory), content=None)


@router.get("/benchmarks/{name}", response_model=None)
def benchmark_report(
    request: Request, name: PathName, auditor: Annotated[Principal, allow(Role.AUDITOR)]
) -> HTMLResponse | FileResponse:
    """One report: JSON shown readable on the page, HTML and PNG reports served as they are."""
    directory = request.app.state.settings.benchmark_results_dir
    path = reports.report_path(directory, name)
    if path.suffix != ".json":
        return FileResponse(path, headers={"Content-Security-Policy": SERVED_FILE_POLICY})
    return _page(
        request,
        "benchmarks.html",
        principal=auditor,
        reports=reports.list_reports(directory),
        name=name,
        content=reports.pretty_json(path),
    )
