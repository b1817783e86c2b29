"""Watchlist administration and snapshot publication (watchlist administrators), snapshot download (kiosks)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from api import watchlist_admin
from api.deps import SessionDep, TrailDep, allow
from api.route_params import PathName, Position, RowId
from api.schemas import Role
from api.security import Principal
from edge.face.factory import configured_model_id
from watchlists.models import WatchlistCreate

router = APIRouter(tags=["watchlists"])
Admin = Annotated[Principal, allow(Role.WATCHLIST_ADMIN)]


class WatchlistCreateRequest(WatchlistCreate):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=1000, description="why the list is created (kept in the chain)")


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Literal["suspend", "reactivate", "remove"]
    reason: str = Field(min_length=1, max_length=1000)


@router.get("/api/watchlists")
def list_watchlists(
    _: Annotated[Principal, allow(Role.WATCHLIST_ADMIN, Role.SUPERVISOR, Role.AUDITOR)], session: SessionDep
) -> list[dict]:
    """Every list's terms (name, category, authority, legal basis, status); no entries."""
    return watchlist_admin.list_all(session)


@router.post("/api/watchlists", status_code=201)
def create_watchlist(body: WatchlistCreateRequest, admin: Admin, session: SessionDep, trail: TrailDep) -> dict:
    """Create a list; its legal basis and owning authority are mandatory."""
    data = WatchlistCreate(**body.model_dump(exclude={"reason"}))
    return watchlist_admin.create(session, trail, admin.actor, data, body.reason)


@router.get("/api/watchlists/{name}/subjects")
def list_subjects(name: PathName, admin: Admin, session: SessionDep, trail: TrailDep) -> list[dict]:
    """A list's entries (personal data: the read is audited)."""
    return watchlist_admin.subjects(session, trail, admin.actor, name)


@router.post("/api/watchlists/subjects/{subject_id}/status")
def change_subject_status(
    subject_id: RowId, body: StatusChange, admin: Admin, session: SessionDep, trail: TrailDep
) -> dict:
    """Suspend, reactivate or remove (delist) an entry, with the reason."""
    return watchlist_admin.set_subject_status(session, trail, admin.actor, subject_id, body.action, body.reason)


@router.post("/api/snapshots", status_code=201)
def publish_snapshot(request: Request, admin: Admin, session: SessionDep, trail: TrailDep) -> dict:
    """Sign and publish the next snapshot of everything matchable today, with the face templates of the model the
    kiosks run (the configured embedder's, as `checkpoint watchlist snapshot` does); 409 when a listed face has
    no template of that model."""
    settings = request.app.state.settings
    model_id = configured_model_id(settings.embedder, settings.face_alignment, **settings.embedder_options())
    return watchlist_admin.publish_snapshot(
        session, trail, admin.actor, settings.snapshot_private_key_path, settings.published_snapshots_dir, model_id
    )


@router.get("/api/snapshots/latest", response_model=None)
def download_snapshot(
    request: Request,
    kiosk: Annotated[Principal, allow(Role.KIOSK)],
    session: SessionDep,
    trail: TrailDep,
    newer_than: Position = 0,
) -> FileResponse | Response:
    """The newest signed bundle (204 if not newer than `newer_than`); kiosks verify its signature before use."""
    found = watchlist_admin.latest_snapshot(
        session, trail, kiosk.actor, request.app.state.settings.published_snapshots_dir, newer_than
    )
    if found is None:
        return Response(status_code=204)
    path, info = found
    headers = {"X-Snapshot-Version": str(info["version"])}
    return FileResponse(path, media_type="application/octet-stream", headers=headers)
