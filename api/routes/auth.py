"""Logging in (users and kiosks), logging out, who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api.deps import ANY_ROLE, AuthPolicyDep, ClientAddressDep, SessionDep, TrailDep, allow
from api.schemas import KioskLoginRequest, LoginRequest, Role, TokenPublic
from api.security import Principal, expiry_of, login_kiosk, login_user, revoke_token

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login")
def login(
    body: LoginRequest, session: SessionDep, trail: TrailDep, policy: AuthPolicyDep, address: ClientAddressDep
) -> TokenPublic:
    """Exchange a username and password for a bearer token and the person's stored language (429 with Retry-After
    when throttled)."""
    token, row, user = login_user(session, trail, policy, body.username, body.password, address)
    return TokenPublic(access_token=token, expires_at=expiry_of(row), role=Role(row.role), language=user.language)


@router.post("/kiosk-login")
def kiosk_login(
    body: KioskLoginRequest, session: SessionDep, trail: TrailDep, policy: AuthPolicyDep, address: ClientAddressDep
) -> TokenPublic:
    """Exchange a kiosk id and its device secret for a bearer token (429 with Retry-After when throttled)."""
    token, row = login_kiosk(session, trail, policy, body.kiosk_id, body.secret, address)
    return TokenPublic(access_token=token, expires_at=expiry_of(row), role=Role.KIOSK)


@router.post("/logout", status_code=204)
def logout(principal: Annotated[Principal, allow(*ANY_ROLE)], session: SessionDep) -> None:
    """Revoke the token this request carries."""
    revoke_token(session, principal.token_id)
    session.commit()


@router.get("/me")
def me(principal: Annotated[Principal, allow(*ANY_ROLE)]) -> dict[str, str]:
    """Who the token belongs to."""
    return {"name": principal.name, "role": principal.role.value}
