"""The kiosk's officer page: sign in, screen a traveller, see why, record a disposition; works with the centre down.

Every screening is committed to the outbox before its page is shown, every disposition before "saved", and
every opening of a screening by an officer (a read of personal data) before the page is sent. Everything but
/health, the sign-in page, its stylesheet and the FR | EN switch needs a signed-in officer. The home page lists the
screenings still awaiting a decision from the outbox, so a restart loses none of them (only their images, which never
go to disk). Every page is in its reader's language: the officer's (from the centre, or switched on the page), else
the browser's `lang` cookie or Accept-Language, else CHECKPOINT_DEFAULT_LANGUAGE.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, quote_plus, urlsplit

import numpy as np
from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.browser_guard import BrowserGuard
from api.schemas import CANDIDATE_KIND_MEANINGS, OUTCOME_MEANINGS, DispositionCreate, Outcome, ScreeningViewCreate
from checkpoint.i18n import COOKIE as LANGUAGE_COOKIE
from checkpoint.i18n import LANGUAGES, LanguageMiddleware, _, install_jinja, lazy_gettext, supported
from checkpoint.kiosk.dispositions import OFFICER_REASONS
from checkpoint.kiosk.officer_sessions import OfficerSession, OfficerSessions
from checkpoint.kiosk.officer_sign_in import OfficerSignIn
from checkpoint.kiosk.offline_credentials import OfflineCredentials
from checkpoint.kiosk.pending import PendingDecisions
from checkpoint.kiosk.receipts import commitment_of, new_receipt, qr_svg, receipt_json
from checkpoint.kiosk.sessions import RecentScreenings, jpeg
from checkpoint.kiosk.sign_in_throttle import SignInThrottle
from checkpoint.outbox.sender import Sender
from checkpoint.outbox.store import Outbox, QueuedTransaction
from checkpoint.pipeline.frames import captured_file, captured_frames
from checkpoint.pipeline.result import ScreeningResult
from checkpoint.pipeline.screening import Screener
from checkpoint.policy.errors import KioskError
from checkpoint.settings import Settings
from checkpoint.validation_words import field_name, problem
from edge.errors import EdgeError
from edge.image import ImageLimits, load_image
from watchlists.snapshot import SnapshotStore

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
install_jinja(templates.env)


def _as_date(value: dt.date | str | None) -> dt.date | None:
    """A document date as a date, whether the screening holds it as one or as ISO text (None when unread)."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


templates.env.filters["as_date"] = _as_date
STATIC_DIR = Path(__file__).resolve().parent / "static"
SESSION_COOKIE = "kiosk_session"
ALREADY_DECIDED = lazy_gettext(
    "This screening is already decided, so a second decision is not recorded: ask a supervisor at the centre to "
    "review the first one."
)
NO_IMAGE = lazy_gettext(
    "This kiosk holds no such image: a screening's images stay in memory only until a restart, and watchlist photos "
    "come only with lists that allow them."
)
NO_RECEIPT = lazy_gettext(
    "This kiosk holds no receipt for this screening: a receipt is made when the officer records a decision here, "
    "and erased with the decision once the centre has it."
)
NOT_ON_THIS_KIOSK = lazy_gettext(
    "No screening with this id is on this kiosk: open one from the list on the kiosk's home page."
)
# What the page says for the screening's own identifiers (they stay as they are on the wire).
CHECK_STATUSES = {
    "passed": lazy_gettext("passed"),
    "failed": lazy_gettext("failed"),
    "not_done": lazy_gettext("not done"),
}
SIGN_IN_FIRST = lazy_gettext("Sign in as an officer on the kiosk page first.")
NEEDS_REASON = lazy_gettext(
    "The decision was not recorded: outcome %(outcome)s needs a reason_code (why it was decided): choose one in the "
    "list and record the decision again."
)
NOT_RECORDED = lazy_gettext(
    "The decision was not recorded because %(problem)s: correct it and record the decision again."
)


class SignInRequired(Exception):
    """No live officer session: pages redirect to the sign-in page, the JSON API and images answer 401."""

    def __init__(self, ended: bool) -> None:
        super().__init__("sign in as an officer first")  # never shown: the handler answers in the reader's language
        self.ended = ended  # a session cookie came, but its session had ended (idle, too long, restart)


def signed_in(request: Request) -> OfficerSession:
    """The officer signed in on this browser (the session cookie), or SignInRequired."""
    token = request.cookies.get(SESSION_COOKIE)
    session = request.app.state.officer_sessions.current(token) if token else None
    if session is None:
        raise SignInRequired(ended=token is not None)
    return session


Officer = Annotated[OfficerSession, Depends(signed_in)]


def officer_sign_in_from(settings: Settings) -> OfficerSignIn:
    """The sign-in checker for this kiosk: the centre's login route, the offline cache, the throttle."""
    return OfficerSignIn(
        settings.centre_url,
        settings.kiosk_sign_in_timeout_seconds,
        OfflineCredentials(settings.kiosk_credentials_path, settings.kiosk_offline_login_hours),
        SignInThrottle(settings.login_max_failures, settings.login_lockout_seconds),
    )


class ScreenByPath(BaseModel):
    """Screen files already on the kiosk machine, inside its capture folder (the camera's frames, a scanned page)."""

    document: str = Field(max_length=4096)
    frames: str = Field(max_length=4096)


def create_kiosk_app(
    settings: Settings,
    screener: Screener,
    store: SnapshotStore | None,
    outbox: Outbox,
    sender: Sender | None = None,
    sign_in: OfficerSignIn | None = None,
) -> FastAPI:
    """The officer page and its small JSON API, over an already-built screener, snapshot store and outbox."""
    app = FastAPI(title="Checkpoint kiosk", docs_url=None, redoc_url=None, openapi_url=None)
    recent = RecentScreenings()
    pending = PendingDecisions(outbox, settings.kiosk_pending_decision_hours)
    limits = ImageLimits(max_pixels=settings.max_image_pixels, max_bytes=settings.max_image_bytes)
    keep_face = settings.retention_cleared_biometrics_days > 0
    checker = sign_in or officer_sign_in_from(settings)
    sessions = OfficerSessions(settings.kiosk_session_idle_minutes * 60, settings.kiosk_session_max_hours * 3600)
    app.state.officer_sessions = sessions

    @app.middleware("http")
    async def no_caching(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        # Nothing personal stays in the browser's cache for "Back" to show after sign-out.
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    # The session cookie is SameSite=Strict; the guard also stops another site signing this browser in as someone
    # else (login CSRF), and sends the page's security headers.
    app.add_middleware(BrowserGuard)

    def officer_language(scope: dict) -> str | None:
        token = Request(scope).cookies.get(SESSION_COOKIE)
        return sessions.language(token) if token else None

    # Outermost: every answer, the guard's refusals and the error pages included, in the reader's language.
    app.add_middleware(LanguageMiddleware, default=settings.default_language, preferred=officer_language)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.exception_handler(SignInRequired)
    def sign_in_first(request: Request, exc: SignInRequired) -> Response:
        path = request.url.path
        response: Response
        if path.startswith("/api/") or path.endswith(".jpg"):
            response = JSONResponse({"code": "sign_in_required", "message": str(SIGN_IN_FIRST)}, status_code=401)
        else:
            ended = "&ended=1" if exc.ended else ""
            response = RedirectResponse(f"/signin?next={quote(page_of(request), safe='')}{ended}", status_code=303)
        if exc.ended:
            response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    def error_answer(request: Request, code: str, message: str, status: int) -> Response:
        # A page answers with a page an officer can read; the JSON API and the images with the project's error body.
        if request.url.path.startswith("/api/") or request.url.path.endswith(".jpg"):
            return JSONResponse({"code": code, "message": message}, status_code=status)
        page = context(request, None, message=message)
        return templates.TemplateResponse(request, "kiosk_error.html", page, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    def clear_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_answer(request, f"http_{exc.status_code}", str(exc.detail), exc.status_code)

    @app.exception_handler(RequestValidationError)
    def clear_invalid_request(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        values = {"field": field_name(first), "problem": problem(first)}
        if request.url.path.startswith("/api/"):
            message = _("This request has a missing or wrong %(field)s (%(problem)s): correct it and send it again.")
        else:
            message = _("This request has a missing or wrong %(field)s (%(problem)s): reload the page and retry.")
        message = message % values
        return error_answer(request, "invalid_request", message, 422)

    view_lock = threading.Lock()  # the page and its images arrive together: one view record between them

    def record_view(officer: OfficerSession, key: str) -> None:
        """Queue the audit record of this officer opening screening `key` (once per sign-in session)."""
        with view_lock:
            if key in officer.viewed:
                return
            view = ScreeningViewCreate(
                view_uuid=uuid.uuid4(),
                transaction_uuid=key,
                officer=officer.username,
                viewed_at=dt.datetime.now(dt.UTC),
                sign_in=officer.sign_in,
            )
            outbox.add_view(view)  # on disk before the page with the personal data is sent
            officer.viewed.add(key)
        if sender:
            sender.nudge()

    def context(request: Request, officer: OfficerSession | None = None, **extra: Any) -> dict[str, Any]:
        snapshot = store.current if store else None
        return {
            "request": request,
            "officer": officer,
            # The page leaves itself for the sign-in page once the session has idled out, so personal data does
            # not stay on an unattended screen (a little after the server's limit: that page load was activity).
            "idle_refresh_seconds": int(settings.kiosk_session_idle_minutes * 60) + 2,
            "kiosk_id": settings.kiosk_id,
            "backlog": outbox.backlog(),
            "centre_error": sender.last_error if sender else _("not configured"),
            "snapshot_version": snapshot.version if snapshot else None,
            "policy_sha": screener.policy.sha256[:12],
            "here": page_of(request),  # where the language switch and the idle sign-out come back to
            "languages": LANGUAGES,
            "kinds": CANDIDATE_KIND_MEANINGS,
            "statuses": CHECK_STATUSES,
            **extra,
        }

    def page_of(request: Request) -> str:
        """The page this answer is shown as, for coming back to it: a GET's own path, else the page whose form was
        posted (a decision: its screening; anything else: home), never a route only a POST reaches."""
        if request.method == "GET":
            return request.url.path + (f"?{request.url.query}" if request.url.query else "")
        found = re.match(r"^/screening/[0-9a-f-]+", request.url.path)
        return found.group(0) if found else "/"

    def page_after(target: str) -> str:
        """`target` if it is a page of this kiosk a browser can open (a local path answered to GET with a page),
        else the home page: never another site, never a POST-only route, never an image or the JSON API."""
        parts = urlsplit(target)
        if not target.startswith("/") or target.startswith("//") or "\\" in target or parts.scheme or parts.netloc:
            return "/"
        if parts.path.startswith(("/api/", "/static/", "/language/")) or parts.path.endswith(".jpg"):
            return "/"
        scope = {"type": "http", "method": "GET", "path": parts.path, "root_path": ""}
        for route in app.router.routes:
            match, _child = route.matches(scope)
            if match == Match.FULL and parts.path not in ("/health", "/signin"):
                return target
        return "/"

    def run(document_rgb: np.ndarray, frames) -> str:  # type: ignore[no-untyped-def]
        result = screener.screen(document_rgb, frames)
        wire = result.to_transaction(settings.kiosk_id, settings.kiosk_post_id, keep_face=keep_face)
        outbox.add_transaction(wire)  # on disk before anyone sees the recommendation
        if sender:
            sender.nudge()
        return recent.add(result)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"ok": True, "snapshot": store.version if store else 0}

    @app.get("/signin", response_class=HTMLResponse)
    def sign_in_page(request: Request, next: str = "/", ended: int = 0, signed_out: int = 0) -> HTMLResponse:
        notice = ""
        if ended:
            minutes = f"{settings.kiosk_session_idle_minutes:g}"
            notice = _("Your session ended (after %(minutes)s minutes without activity, or at the end of a shift).") % {
                "minutes": minutes
            }
        elif signed_out:
            notice = _("You are signed out.")
        page = context(request, next=page_after(next), notice=notice, error="", username="")
        return templates.TemplateResponse(request, "kiosk_signin.html", page)

    @app.post("/signin")
    def sign_in_submit(
        request: Request,
        username: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "/",
    ) -> Response:
        result = checker.sign_in(username, password)
        if not result.ok:
            typed = username.strip()[:64]
            page = context(request, next=page_after(next), notice="", error=result.message, username=typed)
            return templates.TemplateResponse(request, "kiosk_signin.html", page, status_code=result.status)
        previous = request.cookies.get(SESSION_COOKIE)
        if previous:
            sessions.end(previous)  # whoever was signed in on this browser before is signed out
        token = sessions.start(username.strip(), result.offline, result.language)
        response = RedirectResponse(page_after(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    @app.get("/language/{lang}")
    def choose_language(request: Request, lang: str, next: str = "/") -> Response:
        """The FR | EN switch: remember the choice in this browser (and the officer's session), back to the page."""
        chosen = supported(lang)
        if chosen is None:
            raise HTTPException(404, _("This kiosk speaks French (fr) and English (en) only."))
        token = request.cookies.get(SESSION_COOKIE)
        session = sessions.current(token) if token else None
        if session is not None:
            session.language = chosen
        # The sign-in page comes back as it was (its own `next`); any other page only if a browser can open it.
        back = next if urlsplit(next).path == "/signin" and next.startswith("/signin") else page_after(next)
        response = RedirectResponse(back, status_code=303)
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, samesite="lax", path="/")
        return response

    @app.post("/signout")
    def sign_out(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            sessions.end(token)
        response = RedirectResponse("/signin?signed_out=1", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    def home_page(request: Request, officer: OfficerSession, error: str = "", status: int = 200) -> HTMLResponse:
        """The home page: decisions the centre refused, a new screening, and the screenings still awaiting a
        decision (restored ones too)."""
        page = context(
            request,
            officer,
            error=error,
            refused=outbox.refused_dispositions(),
            pending=pending.listing(lambda key: recent.get(key) is not None),
            pending_hours=f"{pending.hours:g}",
        )
        return templates.TemplateResponse(request, "kiosk_home.html", page, status_code=status)

    def on_this_kiosk(key: str) -> tuple[ScreeningResult | None, QueuedTransaction]:
        """Screening `key` as this kiosk can show it: its result if this run made it (None after a restart) and
        its outbox record; 404 when the kiosk has neither."""
        result = recent.get(key)
        queued = outbox.transaction(key) if result is not None else pending.restorable(key)
        if queued is None and outbox.erased(key):
            raise HTTPException(410, pending.too_old_message)  # sent to the centre and erased here since
        if queued is None:
            raise HTTPException(404, NOT_ON_THIS_KIOSK)
        return result, queued

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, officer: Officer, error: str = "") -> HTMLResponse:
        return home_page(request, officer, error)

    @app.post("/screen")
    async def screen_upload(
        request: Request,
        officer: Officer,
        document: Annotated[UploadFile, File()],
        frames: Annotated[list[UploadFile] | None, File()] = None,
        frame_source: Annotated[str, Form(max_length=4096)] = "",
    ) -> Response:
        try:
            name = _('the document "%(file)s"') % {"file": document.filename or "?"}
            document_rgb = load_image(await document.read(), limits, name)
            if frame_source.strip():
                frame_iter = captured_frames(frame_source.strip(), settings.capture_folder, limits)
            else:
                uploads = [f for f in frames or [] if f.filename]
                frame_iter = []  # a list, so the screening counts every frame given, examined or not
                for number, upload in enumerate(uploads, start=1):
                    name = _('frame %(number)d "%(file)s"') % {"number": number, "file": upload.filename}
                    frame_iter.append(load_image(await upload.read(), limits, name))
        except (EdgeError, KioskError) as exc:
            return home_page(request, officer, _sentence(str(exc)), status=400)
        key = run(document_rgb, frame_iter)
        return RedirectResponse(f"/screening/{key}", status_code=303)

    @app.post("/api/screen")
    def screen_paths(body: ScreenByPath, officer: Officer) -> JSONResponse:
        try:
            document_rgb = load_image(captured_file(body.document, settings.capture_folder), limits)
            frame_iter = captured_frames(body.frames, settings.capture_folder, limits)
        except (EdgeError, KioskError) as exc:
            return JSONResponse({"code": exc.code, "message": str(exc)}, status_code=400)
        key = run(document_rgb, frame_iter)
        record_view(officer, key)  # the answer carries the screening's personal data
        return JSONResponse(recent.get(key).to_dict())  # type: ignore[union-attr]

    @app.get("/screening/{key}", response_class=HTMLResponse)
    def screening_page(request: Request, key: str, officer: Officer, saved: int = 0, error: str = "") -> HTMLResponse:
        result, queued = on_this_kiosk(key)
        decided = outbox.disposition_of(key)
        decide_here = pending.decidable(queued)
        if result is None and decided is None and not decide_here:
            raise HTTPException(410, pending.too_old_message)  # not offered here: nothing personal is shown
        record_view(officer, key)
        server_id = outbox.server_id_of(key)
        decision = dict(
            key=key,
            # Partner centres' hit/no-hit answers, once the centre holds the screening (None: centre unreachable).
            partners=sender.partner_answers(server_id) if sender and server_id is not None else [],
            recommendation=queued.body.recommendation.value,
            outcomes=[o.value for o in Outcome],
            officer_reasons=OFFICER_REASONS,
            outcome_labels=OUTCOME_MEANINGS,
            decided=decided,
            refusal=outbox.refusal_of(key) if decided else None,
            decide_here=decide_here,
            too_old_message=pending.too_old_message,
            saved=saved,
            error=error,
        )
        if result is None:
            t = queued.body
            snapshot = store.current if store else None
            page = context(
                request,
                officer,
                t=t,
                queued_at=queued.queued_at,
                # Today's policy explains the codes only if it is the one the screening ran under.
                meanings=(
                    {code: screener.policy.meaning(code) for code in screener.policy.reasons}
                    if t.policy_hash == screener.policy.sha256
                    else {}
                ),
                thumbnails=snapshot.thumbnails if snapshot else {},
                **decision,
            )
            return templates.TemplateResponse(request, "kiosk_restored.html", page)
        extra = dict(
            r=result.to_dict(),
            has_frame=result.live_frame is not None,
            has_portrait=result.portrait is not None,
            **decision,
        )
        return templates.TemplateResponse(request, "kiosk_screening.html", context(request, officer, **extra))

    @app.post("/screening/{key}/disposition")
    def dispose(
        request: Request,
        key: str,
        officer: Officer,
        outcome: Annotated[str, Form()],
        reason_code: Annotated[str, Form()] = "",
        note: Annotated[str, Form(max_length=1000)] = "",
    ) -> Response:
        _screening, queued = on_this_kiosk(key)
        if outbox.disposition_of(key) is not None:
            return RedirectResponse(f"/screening/{key}?error={_q(str(ALREADY_DECIDED))}", status_code=303)
        if not pending.decidable(queued):
            raise HTTPException(410, pending.too_old_message)
        try:
            receipt = new_receipt(queued.body, Outcome(outcome)) if outcome in Outcome.__members__ else None
            body = DispositionCreate(
                outcome=outcome,
                reason_code=reason_code or None,
                note=note or None,
                decided_at=dt.datetime.now(dt.UTC),
                officer=officer.username,
                receipt=commitment_of(receipt) if receipt else None,
            )
        except ValidationError as exc:
            if outcome in Outcome.__members__ and outcome != Outcome.CLEAR and not reason_code:
                message = NEEDS_REASON % {"outcome": outcome}
            else:
                problem = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
                message = NOT_RECORDED % {"problem": problem[:1].lower() + problem[1:]}
            return RedirectResponse(f"/screening/{key}?error={_q(message)}", status_code=303)
        if not outbox.add_disposition(key, body, receipt):  # committed before the page says "saved"
            # Another decision for this screening was queued between the check above and now: it stands.
            return RedirectResponse(f"/screening/{key}?error={_q(str(ALREADY_DECIDED))}", status_code=303)
        if sender:
            sender.nudge()
        return RedirectResponse(f"/screening/{key}?saved=1", status_code=303)

    @app.get("/screening/{key}/receipt", response_class=HTMLResponse)
    def receipt_page(request: Request, key: str, officer: Officer) -> HTMLResponse:
        """The traveller's receipt for the decision on this screening, to print (80 mm) and hand over."""
        printed = outbox.receipt_of(key)
        if printed is None:
            raise HTTPException(404, NO_RECEIPT)
        page = context(
            request,
            officer,
            receipt=printed,
            qr=qr_svg(receipt_json(printed)),
            outcome_labels=OUTCOME_MEANINGS,
            check_url=(settings.receipt_check_url or settings.centre_url.rstrip("/") + "/public/receipt"),
        )
        return templates.TemplateResponse(request, "kiosk_receipt.html", page)

    @app.get("/screening/{key}/frame.jpg")
    def frame(key: str, officer: Officer) -> Response:
        result = _found(recent.get(key))
        record_view(officer, key)  # fetched without opening the page: still a read of this screening
        return _image(jpeg(result.live_frame))

    @app.get("/screening/{key}/portrait.jpg")
    def portrait(key: str, officer: Officer) -> Response:
        result = _found(recent.get(key))
        record_view(officer, key)
        return _image(jpeg(result.portrait, 240))

    @app.get("/thumbnail/{entry}.jpg")
    def thumbnail(entry: str, officer: Officer) -> Response:
        snapshot = store.current if store else None
        return _image(snapshot.thumbnails.get(entry) if snapshot else None)

    @app.get("/api/backlog")
    def backlog(officer: Officer) -> dict[str, Any]:
        return {**outbox.backlog().__dict__, "centre_error": sender.last_error if sender else None}

    return app


def _found(result):  # type: ignore[no-untyped-def]
    if result is None:
        raise HTTPException(404, NO_IMAGE)
    return result


def _image(data: bytes | None) -> Response:
    if data is None:
        raise HTTPException(404, NO_IMAGE)
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


def _q(text: str) -> str:
    return quote_plus(text[:300])


def _sentence(message: str) -> str:
    """A message starting with a file's description ("the document ...") as a sentence."""
    return message[:1].upper() + message[1:]
