"""Named failures an administrator or a kiosk can cause with watchlists; each says what was wrong and what to do."""

from __future__ import annotations


class WatchlistError(Exception):
    """Base of every input error raised by `watchlists`; `str()` is one line: problem, then remedy."""

    code = "watchlist_error"

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(f"{problem}. {remedy}")
        self.problem = problem
        self.remedy = remedy


class UnknownWatchlist(WatchlistError):
    """No watchlist has that name."""

    code = "unknown_watchlist"


class DuplicateWatchlist(WatchlistError):
    """A watchlist with that name exists already."""

    code = "duplicate_watchlist"


class UnknownEntry(WatchlistError):
    """No subject or document has that id."""

    code = "unknown_entry"


class InvalidEntry(WatchlistError):
    """An entry's fields break a rule (no legal basis, review date in the past, bad date of birth...)."""

    code = "invalid_entry"


class ForbiddenTransition(WatchlistError):
    """A lifecycle change that is not allowed (e.g. reviving a removed entry by re-import)."""

    code = "forbidden_transition"


class ManifestError(WatchlistError):
    """An enrolment manifest that cannot be read, or a row in it that cannot be used."""

    code = "manifest_error"


class SnapshotRejected(WatchlistError):
    """A snapshot bundle the kiosk refuses: bad signature, older version, tampered or truncated."""

    code = "snapshot_rejected"


class SnapshotIncomplete(WatchlistError):
    """A snapshot the centre will not build: kiosks loading it would pass people it cannot screen."""

    code = "snapshot_incomplete"


class SigningKeyError(WatchlistError):
    """A signing or verification key that is missing or unreadable."""

    code = "signing_key_error"
