"""Offline sign-in: after an officer signs in online, the kiosk keeps a slow salted hash of the password
(scrypt, a fresh salt per entry) so the same officer can sign in while the centre is unreachable, for a
limited window. The password itself is never stored; a changed password or a disabled account stops working
offline as soon as the kiosk sees the centre refuse it, and in any case when the window ends."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS officer_credential (
    username TEXT PRIMARY KEY,
    salt BLOB NOT NULL,
    digest BLOB NOT NULL,
    n INTEGER NOT NULL,
    r INTEGER NOT NULL,
    p INTEGER NOT NULL,
    verified_at REAL NOT NULL,
    language TEXT
);
"""


@dataclass(frozen=True)
class ScryptCost:
    """scrypt parameters (RFC 7914); 2**14, 8, 1 takes ~16 MiB and tens of milliseconds per guess."""

    n: int = 2**14
    r: int = 8
    p: int = 1

    def digest(self, password: str, salt: bytes) -> bytes:
        """The 32-byte scrypt hash of `password` with `salt`."""
        return hashlib.scrypt(
            password.encode(), salt=salt, n=self.n, r=self.r, p=self.p, maxmem=256 * self.n * self.r, dklen=32
        )


class OfflineCredentials:
    """One SQLite file of (username, salt, scrypt hash, when the centre last accepted it); thread-safe."""

    def __init__(self, path: Path, valid_hours: float, cost: ScryptCost | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.valid_seconds = valid_hours * 3600
        self.cost = cost or ScryptCost()
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(officer_credential)")}
        if "language" not in columns:  # a file from before officers had a language: keep its credentials
            self._db.execute("ALTER TABLE officer_credential ADD COLUMN language TEXT")
        self.path.chmod(0o600)  # slow hashes still deserve to stay private
        # Checked for unknown names too, so the time taken does not tell which usernames are cached.
        self._dummy = (secrets.token_bytes(16), self.cost.digest(secrets.token_hex(16), b"0" * 16))

    def close(self) -> None:
        self._db.close()

    def remember(self, username: str, password: str, now: float | None = None, language: str | None = None) -> None:
        """Keep a fresh salted hash of a password the centre has just accepted for an officer, and the officer's
        language as the centre stores it (so an offline sign-in keeps it)."""
        if self.valid_seconds <= 0:
            return
        salt = secrets.token_bytes(16)
        digest = self.cost.digest(password, salt)
        now = time.time() if now is None else now
        with self._lock:
            # Expired entries are useless and still a target for guessing: drop them.
            self._db.execute("DELETE FROM officer_credential WHERE verified_at <= ?", (now - self.valid_seconds,))
            self._db.execute(
                "INSERT OR REPLACE INTO officer_credential (username, salt, digest, n, r, p, verified_at, language) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (username, salt, digest, self.cost.n, self.cost.r, self.cost.p, now, language),
            )

    def matches(self, username: str, password: str, now: float | None = None) -> bool:
        """Whether `password` is the one the centre last accepted for `username`, within the offline window."""
        now = time.time() if now is None else now
        with self._lock:
            row = self._db.execute(
                "SELECT salt, digest, n, r, p, verified_at FROM officer_credential WHERE username = ?", (username,)
            ).fetchone()
        if row is None:
            hmac.compare_digest(self.cost.digest(password, self._dummy[0]), self._dummy[1])
            return False
        salt, digest, n, r, p, verified_at = row
        same = hmac.compare_digest(ScryptCost(n, r, p).digest(password, salt), digest)
        return same and now - verified_at < self.valid_seconds

    def language(self, username: str) -> str | None:
        """The language the centre last gave for `username` (None: none chosen, or not cached here)."""
        with self._lock:
            row = self._db.execute("SELECT language FROM officer_credential WHERE username = ?", (username,)).fetchone()
        return row[0] if row else None

    def forget(self, username: str) -> None:
        """Drop an officer's cached credential (the centre no longer accepts it)."""
        with self._lock:
            self._db.execute("DELETE FROM officer_credential WHERE username = ?", (username,))

    def usernames(self) -> list[str]:
        """Who may currently sign in offline here (for tests and the operator)."""
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT username FROM officer_credential ORDER BY username")]
