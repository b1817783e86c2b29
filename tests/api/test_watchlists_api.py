"""Watchlist administration over HTTP: every change and every read of entries lands in the audit chain, and kiosks
download the signed snapshot a watchlist administrator published."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from api.models import AuditEvent
from api.schemas import Role
from watchlists import store
from watchlists.models import SubjectCreate
from watchlists.signing import generate_keypair, load_public_key
from watchlists.snapshot import read_bundle

LIST = {
    "name": "wanted-sahel",
    "category": "wanted_person",
    "owning_authority": "National Police",
    "legal_basis": "Code of Criminal Procedure art. 12",
    "reason": "new list ordered by the prosecutor",
}


def _actions(app) -> list[str]:
    with Session(app.state.engine) as session:
        return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.sequence))]


def _add_subject(app, name: str = "MAHAMADOU TRAORE") -> int:
    with Session(app.state.engine) as session:
        watchlist = store.get_watchlist(session, LIST["name"])
        subject = store.add_subject(
            session,
            watchlist,
            SubjectCreate(external_ref="E-1", name_latin=name, reason="arrest warrant", review_by=dt.date(2030, 1, 1)),
            "cli-admin",
            "warrant 2026/114",
        )
        session.commit()
        return subject.id


def test_create_list_is_audited_with_its_legal_basis(client, headers, app) -> None:
    response = client.post("/api/watchlists", json=LIST, headers=headers[Role.WATCHLIST_ADMIN])
    assert response.status_code == 201, response.text
    assert response.json()["legal_basis"] == LIST["legal_basis"]
    assert "watchlist.create" in _actions(app)
    listed = client.get("/api/watchlists", headers=headers[Role.SUPERVISOR]).json()
    assert [w["name"] for w in listed] == ["wanted-sahel"]


def test_list_without_legal_basis_is_refused(client, headers) -> None:
    body = {k: v for k, v in LIST.items() if k != "legal_basis"}
    response = client.post("/api/watchlists", json=body, headers=headers[Role.WATCHLIST_ADMIN])
    assert response.status_code == 422 and "legal_basis" in response.json()["message"]


def test_duplicate_list_is_a_conflict(client, headers) -> None:
    client.post("/api/watchlists", json=LIST, headers=headers[Role.WATCHLIST_ADMIN])
    again = client.post("/api/watchlists", json=LIST, headers=headers[Role.WATCHLIST_ADMIN])
    assert again.status_code == 409 and again.json()["code"] == "duplicate_watchlist"


def test_reading_entries_and_delisting_are_audited(client, headers, app) -> None:
    client.post("/api/watchlists", json=LIST, headers=headers[Role.WATCHLIST_ADMIN])
    subject_id = _add_subject(app)
    entries = client.get("/api/watchlists/wanted-sahel/subjects", headers=headers[Role.WATCHLIST_ADMIN]).json()
    assert [e["name_latin"] for e in entries] == ["MAHAMADOU TRAORE"]
    removed = client.post(
        f"/api/watchlists/subjects/{subject_id}/status",
        json={"action": "remove", "reason": "warrant withdrawn"},
        headers=headers[Role.WATCHLIST_ADMIN],
    )
    assert removed.status_code == 200 and removed.json()["status"] == "removed"
    assert {"watchlist.read", "watchlist.subject.remove"} <= set(_actions(app))


def test_entries_are_not_for_supervisors(client, headers) -> None:
    client.post("/api/watchlists", json=LIST, headers=headers[Role.WATCHLIST_ADMIN])
    response = client.get("/api/watchlists/wanted-sahel/subjects", headers=headers[Role.SUPERVISOR])
    assert response.status_code == 403


def test_unknown_list_is_404(client, headers) -> None:
    response = client.get("/api/watchlists/nope/subjects", headers=headers[Role.WATCHLIST_ADMIN])
    assert response.status_code == 404 and response.json()["code"] == "unknown_watchlist"


def test_kiosk_downloads_the_published_signed_snapshot(client, headers, app, settings) -> None:
    none_yet = client.get("/api/snapshots/latest", headers=headers[Role.KIOSK])
    assert none_yet.status_code == 404 and "published" in none_yet.json()["message"]
    generate_keypair(settings.snapshot_private_key_path, settings.snapshot_public_key_path)
    client.post("/api/watchlists", json=LIST, headers=headers[Role.WATCHLIST_ADMIN])
    _add_subject(app)
    published = client.post("/api/snapshots", headers=headers[Role.WATCHLIST_ADMIN])
    assert published.status_code == 201, published.text
    assert published.json()["version"] == 1 and published.json()["names"] >= 1
    bundle = client.get("/api/snapshots/latest", headers=headers[Role.KIOSK])
    assert bundle.status_code == 200 and bundle.headers["X-Snapshot-Version"] == "1"
    received = read_bundle(bundle.content, load_public_key(settings.snapshot_public_key_path))
    assert received.version == 1
    assert {"snapshot.publish", "snapshot.download"} <= set(_actions(app))


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.KIOSK])
def test_only_watchlist_admins_publish(client, headers, role) -> None:
    assert client.post("/api/snapshots", headers=headers[role]).status_code == 403
