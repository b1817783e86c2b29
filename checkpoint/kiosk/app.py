"""The kiosk's officer page: screen a traveller, see why, record a disposition; works with the centre down.

Every screening is committed to the outbox before its page is shown, and every disposition before "saved".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError

from api.schemas import DispositionCreate, Outcome
from checkpoint.kiosk.dispositions import OFFICER_REASONS
from checkpoint.kiosk.sessions import RecentScreenings, jpeg
from checkpoint.outbox.sender import Sender
from checkpoint.outbox.store import Outbox
from checkpoint.pipeline.frames import frames_from
from checkpoint.pipeline.screening import Screener
from checkpoint.policy.errors import KioskError
from checkpoint.settings import Settings
from edge.errors import EdgeError
from edge.image import ImageLimits, load_image
from watchlists.snapshot import SnapshotStore

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")


class ScreenByPath(BaseModel):
    """Screen files already on the kiosk machine (the camera's frame folder, a scanned page)."""

    document: str
    frames: str


def create_kiosk_app(
    settings: Settings,
    screener: Screener,
    store: SnapshotStore | None,
    outbox: Outbox,
    sender: Sender | None = None,
) -> FastAPI:
    """The officer page and its small JSON API, over an already-built screener, snapshot store and outbox."""
    app = FastAPI(title="Checkpoint kiosk", docs_url=None, redoc_url=None)
    recent = RecentScreenings()
    limits = ImageLimits(max_pixels=settings.max_image_pixels, max_bytes=settings.max_image_bytes)
    keep_face = settings.retention_cleared_biometrics_days > 0

    def context(request: Request, **extra: Any) -> dict[str, Any]:
        snapshot = store.current if store else None
        return {
            "request": request,
            "kiosk_id": settings.kiosk_id,
            "backlog": outbox.backlog(),
            "centre_error": sender.last_error if sender else "not configured",
            "snapshot_version": snapshot.version if snapshot else None,
            "policy_sha": screener.policy.sha256[:12],
            **extra,
        }

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

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, error: str = "") -> HTMLResponse:
        return templates.TemplateResponse(request, "kiosk_home.html", context(request, error=error))

    @app.post("/screen")
    async def screen_upload(
        request: Request,
        document: Annotated[UploadFile, File()],
        frames: Annotated[list[UploadFile] | None, File()] = None,
        frame_source: Annotated[str, Form()] = "",
    ) -> Response:
        try:
            document_rgb = load_image(await document.read(), limits)
            if frame_source.strip():
                frame_iter = frames_from(frame_source.strip(), limits)
            else:
                uploads = [await f.read() for f in frames or [] if f.filename]
                frame_iter = iter([load_image(data, limits) for data in uploads])
        except (EdgeError, KioskError) as exc:
            page = context(request, error=str(exc))
            return templates.TemplateResponse(request, "kiosk_home.html", page, status_code=400)
        key = run(document_rgb, frame_iter)
        return RedirectResponse(f"/screening/{key}", status_code=303)

    @app.post("/api/screen")
    def screen_paths(body: ScreenByPath) -> JSONResponse:
        try:
            document_rgb = load_image(Path(body.document), limits)
            frame_iter = frames_from(body.frames, limits)
        except (EdgeError, KioskError) as exc:
            return JSONResponse({"code": exc.code, "message": str(exc)}, status_code=400)
        key = run(document_rgb, frame_iter)
        return JSONResponse(recent.get(key).to_dict())  # type: ignore[union-attr]

    @app.get("/screening/{key}", response_class=HTMLResponse)
    def screening_page(request: Request, key: str, saved: int = 0, error: str = "") -> HTMLResponse:
        result = _found(recent.get(key))
        decided = outbox.disposition_of(key)
        extra = dict(
            r=result.to_dict(),
            key=key,
            outcomes=[o.value for o in Outcome],
            officer_reasons=OFFICER_REASONS,
            decided=decided,
            saved=saved,
            error=error,
            has_frame=result.live_frame is not None,
            has_portrait=result.portrait is not None,
        )
        return templates.TemplateResponse(request, "kiosk_screening.html", context(request, **extra))

    @app.post("/screening/{key}/disposition")
    def dispose(
        request: Request,
        key: str,
        outcome: Annotated[str, Form()],
        reason_code: Annotated[str, Form()] = "",
        note: Annotated[str, Form(max_length=1000)] = "",
    ) -> Response:
        _found(recent.get(key))
        if outbox.disposition_of(key) is not None:
            return RedirectResponse(f"/screening/{key}?error=already+decided", status_code=303)
        try:
            body = DispositionCreate(
                outcome=outcome,
                reason_code=reason_code or None,
                note=note or None,
                decided_at=dt.datetime.now(dt.UTC),
            )
        except ValidationError as exc:
            message = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
            return RedirectResponse(f"/screening/{key}?error={_q(message)}", status_code=303)
        outbox.add_disposition(key, body)  # committed before the page says "saved"
        if sender:
            sender.nudge()
        return RedirectResponse(f"/screening/{key}?saved=1", status_code=303)

    @app.get("/screening/{key}/frame.jpg")
    def frame(key: str) -> Response:
        return _image(jpeg(_found(recent.get(key)).live_frame))

    @app.get("/screening/{key}/portrait.jpg")
    def portrait(key: str) -> Response:
        return _image(jpeg(_found(recent.get(key)).portrait, 240))

    @app.get("/thumbnail/{entry}.jpg")
    def thumbnail(entry: str) -> Response:
        snapshot = store.current if store else None
        return _image(snapshot.thumbnails.get(entry) if snapshot else None)

    @app.get("/api/backlog")
    def backlog() -> dict[str, Any]:
        return {**outbox.backlog().__dict__, "centre_error": sender.last_error if sender else None}

    return app


def _found(result):  # type: ignore[no-untyped-def]
    if result is None:
        raise HTTPException(404, "no such screening on this kiosk (screenings are kept in memory until restart)")
    return result


def _image(data: bytes | None) -> Response:
    if data is None:
        raise HTTPException(404, "no image")
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


def _q(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(text[:300])
