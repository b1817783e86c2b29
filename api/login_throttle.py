"""Login throttling per client address, and per account from that address.

Two sliding windows over the `login_failure` table:
- an address that failed `address_max_failures` times within `address_window` (any names, known or not) gets
  429 on every login route until the oldest of those failures leaves the window;
- an account that failed `account_max_failures` times from one address within `account_window` gets 429 for
  logins *from that address*; the same account from any other address is unaffected, so failing on purpose
  cannot lock an officer out of their own kiosk or desk.

Counts live in the database so every API process sees the same ones. Refused (429) attempts are not counted:
they check no password, and counting them would let a client keep itself (or a shared post) blocked forever.
Callers write (record, clear) only after appending the login's audit event, i.e. under the chain lock.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from api.db import lock_login_address
from api.errors import LoginThrottled
from api.models import LoginFailure, as_utc, utcnow
from checkpoint.i18n import _


@dataclass(frozen=True)
class LoginLimits:
    """How many failures each window tolerates, and the clock the windows are measured with."""

    address_max_failures: int
    address_window: timedelta
    account_max_failures: int
    account_window: timedelta
    clock: Callable[[], datetime] = utcnow


def account_digest(kind: str, name: str) -> str:
    """What the table keeps of the name typed (`kind` is "user" or "kiosk"): its SHA-256, never the text."""
    return hashlib.sha256(f"{kind}:{name}".encode()).hexdigest()


def _blocked_until(session: Session, limit: int, window: timedelta, now: datetime, *where: object) -> datetime | None:
    """When the `limit`-th most recent failure matching `where` leaves the window, if that is still ahead."""
    nth_latest = session.exec(
        select(LoginFailure.failed_at)
        .where(col(LoginFailure.failed_at) > now - window, *where)  # type: ignore[arg-type]
        .order_by(col(LoginFailure.failed_at).desc())
        .offset(limit - 1)
        .limit(1)
    ).first()
    if nth_latest is None:
        return None
    return as_utc(nth_latest) + window  # type: ignore[operator]


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def check_login_allowed(session: Session, limits: LoginLimits, address: str, digest: str, shown_name: str) -> None:
    """Raise LoginThrottled when `address`, or the account `digest` from `address`, failed too often lately.

    Call first in the login's transaction: on PostgreSQL it takes a per-address lock (SQLite's write lock does
    the same for every login), so parallel attempts from one address cannot all pass before any is counted.
    """
    lock_login_address(session, address)
    now = limits.clock()
    by_address = _blocked_until(
        session, limits.address_max_failures, limits.address_window, now, LoginFailure.address == address
    )
    if by_address is not None:
        seconds = _seconds_until(by_address, now)
        raise LoginThrottled(
            _("too many failed logins from your address (%(address)s) in the last %(window)s s")
            % {"address": address, "window": int(limits.address_window.total_seconds())},
            _(
                "wait %(seconds)s s before any login from it, and check the name and password (or the kiosk's "
                "configured credential) first; logins from other addresses are not affected"
            )
            % {"seconds": seconds},
            seconds,
        )
    by_account = _blocked_until(
        session,
        limits.account_max_failures,
        limits.account_window,
        now,
        LoginFailure.address == address,
        LoginFailure.account_digest == digest,
    )
    if by_account is not None:
        seconds = _seconds_until(by_account, now)
        raise LoginThrottled(
            _("too many failed logins for %(name)s from your address") % {"name": shown_name},
            _("wait %(seconds)s s before trying this account again from here, or ask an administrator to check it")
            % {"seconds": seconds},
            seconds,
        )


def record_login_failure(session: Session, limits: LoginLimits, address: str, digest: str) -> None:
    """Count a failure (in the caller's transaction), and drop failures too old for either window to see."""
    now = limits.clock()
    oldest_seen = now - max(limits.address_window, limits.account_window)
    session.exec(delete(LoginFailure).where(col(LoginFailure.failed_at) <= oldest_seen))  # type: ignore[call-overload]
    session.add(LoginFailure(address=address, account_digest=digest, failed_at=now))


def clear_account_failures(session: Session, address: str, digest: str) -> None:
    """After a good login the account starts afresh from this address; the address keeps its count."""
    session.exec(
        update(LoginFailure)  # type: ignore[call-overload]
        .where(col(LoginFailure.address) == address, col(LoginFailure.account_digest) == digest)
        .values(account_digest=None)
    )
