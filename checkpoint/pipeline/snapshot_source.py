"""The kiosk's snapshot store from the settings (None when no signing key is configured yet)."""

from __future__ import annotations

from checkpoint.settings import Settings
from watchlists.snapshot import SnapshotStore


def open_snapshot_store(settings: Settings) -> SnapshotStore | None:
    """The installed, verified snapshot; None when the kiosk has no public key to verify one with."""
    from watchlists.signing import load_public_key

    if not settings.snapshot_public_key_path.is_file():
        return None
    return SnapshotStore(settings.snapshot_path, load_public_key(settings.snapshot_public_key_path))
