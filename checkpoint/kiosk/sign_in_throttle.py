"""Repeated failed sign-ins for one username lock that username out for a while, on the kiosk itself.

The centre throttles its own logins; this also covers offline sign-ins, where the only thing between a guesser
and an officer's cached hash is the kiosk page. Counted per username typed (known or not, so the lock-out
reveals nothing), kept in memory.
"""

from __future__ import annotations

import threading
import time


class SignInThrottle:
    def __init__(self, max_failures: int, lockout_seconds: float) -> None:
        self.max_failures = max_failures
        self.lockout_seconds = lockout_seconds
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, username: str) -> int:
        """Seconds until `username` may try again (0: now)."""
        with self._lock:
            left = self._locked_until.get(username, 0.0) - time.monotonic()
        return int(left) + 1 if left > 0 else 0

    def failed(self, username: str) -> None:
        """Count a failure; the Nth in a row starts a lock-out."""
        with self._lock:
            count = self._failures.get(username, 0) + 1
            if count >= self.max_failures:
                self._locked_until[username] = time.monotonic() + self.lockout_seconds
                count = 0
            self._failures[username] = count

    def succeeded(self, username: str) -> None:
        """A good sign-in clears the count."""
        with self._lock:
            self._failures.pop(username, None)
            self._locked_until.pop(username, None)
