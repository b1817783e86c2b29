"""Snapshot sync: watch an inbox folder for newer signed bundles, verify, and swap the kiosk's snapshot.

The swap is atomic for screenings: `SnapshotStore.install` verifies the whole bundle before replacing
`store.current`, and each screening reads `store.current` once, so a screening never sees half of two bundles.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from checkpoint.outbox.sender import Unreachable
from watchlists.errors import WatchlistError
from watchlists.snapshot import SnapshotStore

log = logging.getLogger(__name__)


class SnapshotSync:
    """Poll `inbox` for `*.snapshot` files; install each new one that is newer than the one in use.

    With `fetch` (the sender's `fetch_snapshot`), each poll first asks the centre for a newer bundle and drops
    it in the inbox (temp file + rename), so the same verify-then-swap path installs it; a centre that cannot be
    reached only leaves `last_error` set, and the kiosk screens on with the bundle it has.
    """

    def __init__(
        self,
        store: SnapshotStore,
        inbox: Path,
        fetch: Callable[[int], tuple[int, bytes] | None] | None = None,
    ) -> None:
        self.store = store
        self.inbox = Path(inbox)
        self.fetch = fetch
        self._seen: set[tuple[str, int, int]] = set()
        self._stop = threading.Event()
        self.last_error: str | None = None

    def poll_once(self) -> int | None:
        """Install the newest acceptable bundle in the inbox; returns the version installed, if any."""
        if self.fetch is not None:
            self._fetch_from_centre()
        if not self.inbox.is_dir():
            return None
        installed = None
        for path in sorted(self.inbox.glob("*.snapshot"), key=lambda p: p.stat().st_mtime):
            stat = path.stat()
            marker = (path.name, stat.st_size, stat.st_mtime_ns)
            if marker in self._seen:
                continue
            self._seen.add(marker)
            try:
                installed = self.store.install(path).version
                self.last_error = None
            except WatchlistError as exc:
                self.last_error = f"{path.name}: {exc.problem}"  # kept: the kiosk goes on with its bundle
        return installed

    def _fetch_from_centre(self) -> None:
        current = self.store.version or 0
        try:
            fetched = self.fetch(current) if self.fetch else None
        except Unreachable as exc:
            self.last_error = f"snapshot poll: {exc}"
            return
        if fetched is None:
            return
        version, data = fetched
        self.inbox.mkdir(parents=True, exist_ok=True)
        tmp = self.inbox / f".centre-v{version}.part"
        tmp.write_bytes(data)
        os.replace(tmp, self.inbox / f"centre-v{version}.snapshot")

    def start(self, every_seconds: float) -> threading.Thread:
        def loop() -> None:
            while not self._stop.is_set():
                try:
                    self.poll_once()
                except OSError:
                    log.exception("snapshot inbox poll failed")
                self._stop.wait(every_seconds)

        thread = threading.Thread(target=loop, name="snapshot-sync", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
