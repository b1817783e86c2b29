"""Snapshot sync from the inbox folder: a newer verified bundle is swapped in; a tampered or older one is refused
and the kiosk keeps screening with what it has."""

from __future__ import annotations

from checkpoint.outbox.snapshot_sync import SnapshotSync
from tests.checkpoint.conftest import build_bundle, random_templates
from watchlists.snapshot import SnapshotStore


def test_newer_bundle_is_installed_tampered_and_older_ones_refused(tmp_path):
    centre = tmp_path / "centre"
    centre.mkdir()
    first, key = build_bundle(centre, random_templates(5))
    store = SnapshotStore(tmp_path / "kiosk", key.public_key())
    store.install(first)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sync = SnapshotSync(store, inbox)
    second, _ = build_bundle(centre, random_templates(3, seed=8, prefix="Q"), key=key, delist=("R0",))

    data = bytearray(second.read_bytes())
    data[len(data) // 2] ^= 0xFF
    (inbox / "a-tampered.snapshot").write_bytes(bytes(data))
    assert sync.poll_once() is None
    assert store.version == 1 and sync.last_error.startswith("a-tampered.snapshot")

    (inbox / "b-old.snapshot").write_bytes(first.read_bytes())
    assert sync.poll_once() is None and "not newer" in sync.last_error and store.version == 1

    (inbox / "c-new.snapshot").write_bytes(second.read_bytes())
    assert sync.poll_once() == 2 and store.version == 2 and sync.last_error is None
    assert len(store.current.gallery) == 5 - 1 + 3  # R0 delisted, Q0-Q2 added
