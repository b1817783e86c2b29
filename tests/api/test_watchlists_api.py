"""Watchlist administration over HTTP: every change and every read of entries lands in the audit chain, and kiosks
download the signed snapshot a watchlist administrator published."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tarfile

import numpy as np
import pytest
from sqlmodel import Session, select

from api.models import AuditEvent
from api.schemas import Role
from edge.face.factory import configured_model_id
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


def _add_subject(app, name: str = "MAHAMADOU TRAORE", face: tuple[str, np.ndarray] | None = None) -> int:
    """A listed subject; `face` = (model id, template) enrols a face too, as `checkpoint watchlist import` does."""
    with Session(app.state.engine) as session:
        watchlist = store.get_watchlist(session, LIST["name"])
        subject = store.add_subject(
            session,
            watchlist,
            SubjectCreate(external_ref="E-1", name_latin=name, reason="arrest warrant", review_by=dt.date(2030, 1, 1)),
            "cli-admin",
            "warrant 2026/114",
        )
        if face is not None:
            store.add_template(session, subject, face[0], face[1], 90.0, "ab" * 32, "cli-admin", "enrolment")
        session.commit()
        return subject.id


def _template(seed: int = 5) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=128).astype(np.float32)
    return vector / np.linalg.norm(vector)


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


def test_a_snapshot_published_through_the_api_screens_the_listed_faces(client, headers, app, settings) -> None:
    """Regression: the API once published bundles with no face gallery, and kiosks cleared listed people."""
    generate_keypair(settings.snapshot_private_key_path, settings.snapshot_public_key_path)
    client.post("/api/watchlists", json=LIST, headers=headers[Role.WATCHLIST_ADMIN])
    model = configured_model_id(settings.embedder, **settings.embedder_options())  # what the kiosks make
    face = _template()
    _add_subject(app, face=(model, face))
    published = client.post("/api/snapshots", headers=headers[Role.WATCHLIST_ADMIN])
    assert published.status_code == 201, published.text
    assert published.json()["templates"] == 1
    bundle = client.get("/api/snapshots/latest", headers=headers[Role.KIOSK])
    snapshot = read_bundle(bundle.content, load_public_key(settings.snapshot_public_key_path))
    assert snapshot.model_id == model and snapshot.in_force(dt.date.today()).faces == 1
    [hit] = snapshot.screen_face(face, model, threshold=0.9)
    assert hit.subject.name_latin == "MAHAMADOU TRAORE"


def test_a_snapshot_that_would_lose_listed_faces_is_refused_and_nothing_published(
    client, headers, app, settings
) -> None:
    generate_keypair(settings.snapshot_private_key_path, settings.snapshot_public_key_path)
    client.post("/api/watchlists", json=LIST, headers=headers[Role.WATCHLIST_ADMIN])
    _add_subject(app, face=("arcface-arcface-0123456789ab", _template()))  # enrolled with another face model
    refused = client.post("/api/snapshots", headers=headers[Role.WATCHLIST_ADMIN])
    assert refused.status_code == 409 and refused.json()["code"] == "snapshot_incomplete"
    message = refused.json()["message"]
    assert "1 subject(s) with only arcface-arcface-0123456789ab templates" in message and "Re-enrol" in message
    assert client.get("/api/snapshots/latest", headers=headers[Role.KIOSK]).status_code == 404
    assert "snapshot.publish" not in _actions(app)


def test_the_cli_and_the_api_publish_the_same_snapshot(client, headers, app, settings, engine, tmp_path) -> None:
    """`checkpoint watchlist snapshot` (a bundle carried on a USB stick) and POST /api/snapshots hold the same
    subjects, names, documents and face gallery, byte for byte; only the version and signature differ."""
    generate_keypair(settings.snapshot_private_key_path, settings.snapshot_public_key_path)
    client.post("/api/watchlists", json=LIST, headers=headers[Role.WATCHLIST_ADMIN])
    _add_subject(app, face=(configured_model_id(settings.embedder, **settings.embedder_options()), _template()))
    assert client.post("/api/snapshots", headers=headers[Role.WATCHLIST_ADMIN]).status_code == 201
    env = {
        **os.environ,
        "CHECKPOINT_DATA_DIR": str(settings.data_dir),
        "CHECKPOINT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
    }
    usb = tmp_path / "usb.snapshot"
    cli = [sys.executable, "-m", "checkpoint", "watchlist", "snapshot", str(usb)]
    done = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "1 face templates" in done.stdout

    def members(path):
        """The model id and every member's hash; the gallery's manifest without the time it was saved."""
        with tarfile.open(path) as tar:
            manifest = json.loads(tar.extractfile("manifest.json").read())
            gallery = json.loads(tar.extractfile("faces/gallery.json").read())
        del manifest["members"]["faces/gallery.json"], gallery["saved_at"]
        return manifest["model_id"], manifest["members"], gallery

    [api_bundle] = settings.published_snapshots_dir.glob("snapshot-v1.bundle")
    assert members(usb) == members(api_bundle)
