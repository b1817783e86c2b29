"""User administration (administrators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api import accounts
from api.deps import AuthPolicyDep, SessionDep, TrailDep, allow
from api.models import User
from api.route_params import PathName
from api.schemas import Role, UserCreate, UserLanguage, UserPublic
from api.security import Principal

router = APIRouter(prefix="/api/users", tags=["users"])
Admin = Annotated[Principal, allow(Role.ADMIN)]


def _public(user: User) -> UserPublic:
    return UserPublic(
        id=user.id or 0, username=user.username, role=Role(user.role), active=user.active, language=user.language
    )


@router.post("", status_code=201)
def create_user(
    body: UserCreate, admin: Admin, session: SessionDep, trail: TrailDep, policy: AuthPolicyDep
) -> UserPublic:
    """Create a user with a role."""
    return _public(accounts.create_user(session, trail, policy, admin.actor, body))


@router.get("")
def list_users(admin: Admin, session: SessionDep) -> list[UserPublic]:
    """Every user and their role."""
    return [_public(u) for u in accounts.list_users(session)]


@router.post("/{username}/revoke-tokens")
def revoke_tokens(username: PathName, admin: Admin, session: SessionDep, trail: TrailDep) -> dict[str, int]:
    """Revoke every live token of a user."""
    return {"revoked": accounts.revoke_user_tokens(session, trail, admin.actor, username)}


@router.put("/{username}/language")
def set_language(
    username: PathName, body: UserLanguage, admin: Admin, session: SessionDep, trail: TrailDep
) -> UserPublic:
    """Set the language a user reads the pages in (null: follow their browser)."""
    return _public(accounts.set_language(session, trail, admin.actor, username, body.language))
