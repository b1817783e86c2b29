"""A sliding-window request counter per client address, for the routes anyone may call without an account.

Each process counts its own requests (no database round trip on a public read); behind several API replicas the
proxy in front should limit too. A refused request is not counted, so waiting `Retry-After` always works.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from api.errors import RateLimited
from checkpoint.i18n import _


class SlidingWindow:
    """At most `limit` requests per `window_seconds` for each key (an address, or a route and an address)."""

    def __init__(self, limit: int, window_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, key: str, what: str) -> None:
        """Count one request for `key`, or raise RateLimited (nothing counted) when the window is full."""
        now = self.clock()
        with self._lock:
            times = self._seen.setdefault(key, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                wait = max(1, math.ceil(times[0] + self.window - now))
                raise RateLimited(
                    _("too many %(what)s from your address (%(limit)s per %(seconds)s s)")
                    % {"what": what, "limit": self.limit, "seconds": int(self.window)},
                    _("wait %(wait)s s and try again") % {"wait": wait},
                    wait,
                )
            times.append(now)
            if len(self._seen) > 100_000:  # forget idle addresses so the table stays bounded
                self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - self.window}
