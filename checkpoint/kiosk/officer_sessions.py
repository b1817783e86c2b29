"""Who is signed in on the kiosk page: random session tokens (the browser holds them in an HttpOnly cookie),
ended by sign-out, by the idle timeout and by a maximum length. Kept in memory: a restart signs everyone out."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field


@dataclass
class OfficerSession:
    """One officer's sign-in on this kiosk."""

    username: str
    offline: bool
    started: float
    last_seen: float
    viewed: set[str] = field(default_factory=set)  # screenings whose opening is already audited in this session
    language: str | None = None  # the officer's choice (from the centre, or the page's FR | EN switch)

    @property
    def sign_in(self) -> str:
        """How the officer signed in, as the centre's audit records it."""
        return "offline" if self.offline else "online"


class OfficerSessions:
    def __init__(self, idle_seconds: float, max_seconds: float) -> None:
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self._sessions: dict[str, OfficerSession] = {}
        self._lock = threading.Lock()

    def start(self, username: str, offline: bool, language: str | None = None) -> str:
        """A new session for a signed-in officer; returns its token (for the cookie only)."""
        token = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self._lock:
            self._drop_expired(now)
            self._sessions[token] = OfficerSession(username, offline, now, now, language=language)
        return token

    def language(self, token: str) -> str | None:
        """The language of `token`'s live session, without counting as activity (None: no such session or no
        choice)."""
        with self._lock:
            session = self._sessions.get(token)
            if session is None or self._expired(session, time.monotonic()):
                return None
            return session.language

    def current(self, token: str) -> OfficerSession | None:
        """The live session of `token`, its idle clock restarted; None when unknown, idle too long or too old."""
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[token]
                return None
            session.last_seen = now
            return session

    def end(self, token: str) -> None:
        """Sign out."""
        with self._lock:
            self._sessions.pop(token, None)

    def _expired(self, session: OfficerSession, now: float) -> bool:
        return now - session.last_seen >= self.idle_seconds or now - session.started >= self.max_seconds

    def _drop_expired(self, now: float) -> None:
        for token in [t for t, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[token]
