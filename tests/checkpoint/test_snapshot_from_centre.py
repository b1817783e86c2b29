"""A kiosk polls the centre for the snapshot a watchlist administrator published, installs it only after
verifying it, downloads nothing when it is up to date, and screens on with what it has when the centre is gone."""

from __future__ import annotations

import httpx
from sqlmodel import Session, select

from api.db import make_engine
from api.models import AuditEvent
from checkpoint.cli.demo import provision_centre
from checkpoint.outbox.sender import CentreAccount, Sender
from checkpoint.outbox.snapshot_sync import SnapshotSync
from checkpoint.outbox.store import Outbox
from checkpoint.settings import Settings
from tests.api.live_server import free_port
from tests.checkpoint.centre import Centre
from watchlists.signing import generate_keypair, load_public_key
from watchlists.snapshot import SnapshotStore


def test_kiosk_installs_the_published_snapshot_from_the_centre(tmp_path) -> None:
    data = tmp_path / "centre"
    settings = Settings(data_dir=data, argon2_time_cost=1, argon2_memory_kib=64)
    secret, passwords = provision_centre(settings, "kiosk-9", "post-9", {"amina": "watchlist_admin"})
    generate_keypair(settings.snapshot_private_key_path, settings.snapshot_public_key_path)
    centre = Centre(data, free_port(), "kiosk-9", secret, passwords)
    centre.start()
    try:
        admin = {"Authorization": f"Bearer {centre.token('amina')}"}
        body = {"name": "alerts", "category": "security_alert", "owning_authority": "Border Police",
                "legal_basis": "Decree 12/2026", "reason": "set-up"}  # fmt: skip
        assert httpx.post(f"{centre.url}/api/watchlists", json=body, headers=admin).status_code == 201
        # Publishing builds and signs a bundle: seconds on a busy 2-core machine, more than httpx's 5 s default.
        assert httpx.post(f"{centre.url}/api/snapshots", headers=admin, timeout=60).status_code == 201

        store = SnapshotStore(tmp_path / "kiosk", load_public_key(settings.snapshot_public_key_path))
        sender = Sender(Outbox(tmp_path / "outbox.sqlite3"), CentreAccount(centre.url, "kiosk-9", secret))
        sync = SnapshotSync(store, tmp_path / "inbox", sender.fetch_snapshot)
        assert sync.poll_once() == 1 and store.version == 1 and sync.last_error is None
        assert sync.poll_once() is None, "up to date: the centre answers 204 and nothing is downloaded"
    finally:
        centre.stop()
    assert sync.poll_once() is None
    assert "unreachable" in sync.last_error and store.version == 1, "offline: keep screening with version 1"
    with Session(make_engine(settings.database_url_or_default)) as session:
        actions = list(session.exec(select(AuditEvent.action)))
    assert actions.count("snapshot.publish") == 1 and actions.count("snapshot.download") == 1
