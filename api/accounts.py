"""Creating users and registering kiosks (each kiosk gets its own secret, shown once)."""

from __future__ import annotations

import secrets

from sqlmodel import Session, col, select

from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.errors import Conflict, NotFound
from api.models import Kiosk, User
from api.schemas import KioskCreate, KioskRegistered, UserCreate
from api.security import AuthPolicy, revoke_all_for_user
from checkpoint.i18n import _


def create_user(session: Session, trail: AuditTrail, policy: AuthPolicy, actor: Actor, body: UserCreate) -> User:
    """Add a user with an argon2id password hash; the event records who created whom, never the password."""
    if session.exec(select(User).where(User.username == body.username)).first() is not None:
        raise Conflict(_("user %(name)s already exists") % {"name": body.username}, _("choose another username"))
    user = User(
        username=body.username,
        role=body.role.value,
        password_hash=policy.hasher.hash(body.password),
        language=body.language,
    )
    session.add(user)
    session.flush()
    trail.record(session, actor, "user.create", f"user:{user.id}", {"username": user.username, "role": user.role})
    session.commit()
    return user


def list_users(session: Session) -> list[User]:
    """Every user, oldest first."""
    return list(session.exec(select(User).order_by(col(User.id))))


def set_language(session: Session, trail: AuditTrail, actor: Actor, username: str, language: str | None) -> User:
    """Store the language `username` reads pages in (None: follow their browser); audited like other changes."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or user.id is None:
        raise NotFound(_("there is no user %(name)s") % {"name": username}, _("check the username"))
    user.language = language
    session.add(user)
    trail.record(session, actor, "user.set_language", f"user:{user.id}", {"language": language})
    session.commit()
    return user


def revoke_user_tokens(session: Session, trail: AuditTrail, actor: Actor, username: str) -> int:
    """Revoke every live token of `username` (e.g. a lost device, a leaving officer)."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or user.id is None:
        raise NotFound(_("there is no user %(name)s") % {"name": username}, _("check the username"))
    count = revoke_all_for_user(session, user.id)
    trail.record(session, actor, "user.revoke_tokens", f"user:{user.id}", {"revoked": count})
    session.commit()
    return count


def register_kiosk(
    session: Session, trail: AuditTrail, policy: AuthPolicy, actor: Actor, body: KioskCreate
) -> KioskRegistered:
    """Register a kiosk device and return its secret, which is stored only as an argon2id hash."""
    if session.exec(select(Kiosk).where(Kiosk.kiosk_id == body.kiosk_id)).first() is not None:
        raise Conflict(
            _("kiosk %(kiosk)s is already registered") % {"kiosk": body.kiosk_id}, _("choose another kiosk id")
        )
    secret = secrets.token_urlsafe(32)
    kiosk = Kiosk(kiosk_id=body.kiosk_id, post_id=body.post_id, secret_hash=policy.hasher.hash(secret))
    session.add(kiosk)
    session.flush()
    trail.record(session, actor, "kiosk.register", f"kiosk:{kiosk.id}", {"kiosk_id": kiosk.kiosk_id})
    session.commit()
    return KioskRegistered(kiosk_id=kiosk.kiosk_id, post_id=kiosk.post_id, secret=secret)
