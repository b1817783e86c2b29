"""Credentials: argon2id password hashes, bearer tokens that expire and can be revoked, throttled logins."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.errors import NotAuthenticated
from api.login_throttle import (
    LoginLimits,
    account_digest,
    check_login_allowed,
    clear_account_failures,
    record_login_failure,
)
from api.models import AccessToken, Kiosk, User, as_utc, utcnow
from api.schemas import Role
from checkpoint.i18n import _

# Audit actions of failed logins: their payloads are the names typed and the address, which retention erases.
USER_LOGIN_FAILED = "auth.login_failed"
KIOSK_LOGIN_FAILED = "auth.kiosk_login_failed"
FAILED_LOGIN_ACTIONS = (USER_LOGIN_FAILED, KIOSK_LOGIN_FAILED)
ANONYMOUS = Actor("anonymous", "none")


@dataclass(frozen=True)
class AuthPolicy:
    """The knobs of authentication, taken from Settings by the app factory."""

    token_ttl: timedelta
    limits: LoginLimits
    hasher: PasswordHasher


def make_hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    """An argon2id hasher with the configured cost."""
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)


def token_digest(token: str) -> str:
    """Tokens are stored only as SHA-256: high-entropy secrets need no slow hash."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user or a kiosk, with the role it acts in."""

    name: str
    role: Role
    token_id: int

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role.value)


def _password_ok(hasher: PasswordHasher, stored: str | None, given: str) -> bool:
    # Unknown accounts are checked against a throw-away hash so timing does not reveal which names exist.
    target = stored if stored is not None else _dummy_hash(hasher)
    try:
        return hasher.verify(target, given) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASHES: dict[tuple[int, int], str] = {}


def _dummy_hash(hasher: PasswordHasher) -> str:
    params = (hasher.time_cost, hasher.memory_cost)
    if params not in _DUMMY_HASHES:
        _DUMMY_HASHES[params] = hasher.hash(secrets.token_hex(16))
    return _DUMMY_HASHES[params]


def issue_token(
    session: Session, policy: AuthPolicy, role: Role, subject: str, **owner: int | None
) -> tuple[str, AccessToken]:
    """Create a bearer token for a principal; returns the secret (shown once) and its stored row."""
    token = secrets.token_urlsafe(32)
    row = AccessToken(
        token_hash=token_digest(token),
        role=role.value,
        subject=subject,
        expires_at=utcnow() + policy.token_ttl,
        **owner,
    )
    session.add(row)
    return token, row


def _record_failure(
    session: Session,
    trail: AuditTrail,
    policy: AuthPolicy,
    action: str,
    obj: str,
    typed: dict[str, str],
    address: str,
    digest: str,
) -> None:
    """Audit a failed login and count it against the address and the account, then commit."""
    # The payload is personal (a password typed as a name ends up here): retention erases it later.
    trail.record(session, ANONYMOUS, action, obj, {**typed, "address": address})
    # After the event on purpose: every write to login_failure happens under the chain lock the event took, so
    # the prune of old rows (any address) and a login's own writes cannot wait on each other's rows (deadlock).
    record_login_failure(session, policy.limits, address, digest)
    session.commit()


def login_user(
    session: Session, trail: AuditTrail, policy: AuthPolicy, username: str, password: str, address: str
) -> tuple[str, AccessToken, User]:
    """Check a user's password and issue a token; failures are counted, audited and throttled per address."""
    digest = account_digest("user", username)
    check_login_allowed(session, policy.limits, address, digest, username)
    user = session.exec(select(User).where(User.username == username)).first()
    password_ok = _password_ok(policy.hasher, user.password_hash if user else None, password)
    if user is None or not user.active or not password_ok:
        _record_failure(session, trail, policy, USER_LOGIN_FAILED, "user", {"username": username}, address, digest)
        raise NotAuthenticated(_("unknown username or wrong password"), _("check both and try again"))
    token, row = issue_token(session, policy, Role(user.role), user.username, user_id=user.id)
    trail.record(session, Actor(user.username, user.role), "auth.login", f"user:{user.id}", {})
    clear_account_failures(session, address, digest)  # after the event: see _record_failure
    session.commit()
    return token, row, user


def login_kiosk(
    session: Session, trail: AuditTrail, policy: AuthPolicy, kiosk_id: str, secret: str, address: str
) -> tuple[str, AccessToken]:
    """Check a kiosk's device secret and issue a token; failures are throttled like users'."""
    digest = account_digest("kiosk", kiosk_id)
    check_login_allowed(session, policy.limits, address, digest, kiosk_id)
    kiosk = session.exec(select(Kiosk).where(Kiosk.kiosk_id == kiosk_id)).first()
    secret_ok = _password_ok(policy.hasher, kiosk.secret_hash if kiosk else None, secret)
    if kiosk is None or not kiosk.active or not secret_ok:
        _record_failure(session, trail, policy, KIOSK_LOGIN_FAILED, "kiosk", {"kiosk_id": kiosk_id}, address, digest)
        raise NotAuthenticated(_("unknown kiosk or wrong secret"), _("check the kiosk's configured credential"))
    token, row = issue_token(session, policy, Role.KIOSK, kiosk.kiosk_id, kiosk_pk=kiosk.id)
    trail.record(session, Actor(kiosk.kiosk_id, Role.KIOSK.value), "auth.kiosk_login", f"kiosk:{kiosk.id}", {})
    clear_account_failures(session, address, digest)  # after the event: see _record_failure
    session.commit()
    return token, row


_TOKENS, _USERS, _KIOSKS = (m.__table__ for m in (AccessToken, User, Kiosk))  # type: ignore[attr-defined]
_TOKEN_LOOKUP = (
    sa_select(
        _TOKENS.c.id,
        _TOKENS.c.subject,
        _TOKENS.c.role,
        _TOKENS.c.expires_at,
        _TOKENS.c.revoked_at,
        _USERS.c.active,
        _KIOSKS.c.active,
    )
    .select_from(
        _TOKENS.outerjoin(_USERS, _USERS.c.id == _TOKENS.c.user_id).outerjoin(
            _KIOSKS, _KIOSKS.c.id == _TOKENS.c.kiosk_pk
        )
    )
    .where(_TOKENS.c.token_hash == bindparam("digest"))
)


_LANGUAGE_LOOKUP = (
    sa_select(_USERS.c.language)
    .select_from(_TOKENS.join(_USERS, _USERS.c.id == _TOKENS.c.user_id))
    .where(_TOKENS.c.token_hash == bindparam("digest"), _TOKENS.c.revoked_at.is_(None))
)


def stored_language_for_token(session: Session, token: str) -> str | None:
    """The stored language of the user a token belongs to (None when unset or the token is unknown or revoked)."""
    # Only chooses the language of a page; whether the token may see the page is decided by principal_for_token.
    return session.connection().execute(_LANGUAGE_LOOKUP, {"digest": token_digest(token)}).scalar()


def principal_for_token(session: Session, token: str) -> Principal:
    """The principal a bearer token stands for, if it is known, unexpired, unrevoked and its owner active."""
    # One query per request: the token with its owner's active flag (user or kiosk).
    row = session.connection().execute(_TOKEN_LOOKUP, {"digest": token_digest(token)}).first()
    if row is None:
        raise NotAuthenticated(_("the bearer token is not known"), _("log in again to get a new token"))
    token_id, subject, role, expires_at, revoked_at, user_active, kiosk_active = row
    if revoked_at is not None:
        raise NotAuthenticated(_("the bearer token was revoked"), _("log in again to get a new token"))
    if as_utc(expires_at) <= utcnow():  # type: ignore[operator]
        raise NotAuthenticated(_("the bearer token has expired"), _("log in again to get a new token"))
    if not (user_active or kiosk_active):
        raise NotAuthenticated(_("the account behind this token is disabled"), _("ask an administrator"))
    return Principal(subject, Role(role), token_id)


def revoke_token(session: Session, token_id: int) -> None:
    """Mark a token revoked (in the caller's transaction)."""
    row = session.get(AccessToken, token_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()


def revoke_all_for_user(session: Session, user_id: int) -> int:
    """Revoke every live token of a user; returns how many."""
    rows = session.exec(
        select(AccessToken).where(AccessToken.user_id == user_id, AccessToken.revoked_at == None)  # noqa: E711
    ).all()
    for row in rows:
        row.revoked_at = utcnow()
    return len(rows)


def expiry_of(row: AccessToken) -> datetime:
    """When a token expires, timezone-aware."""
    return as_utc(row.expires_at)  # type: ignore[return-value]
