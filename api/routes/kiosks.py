"""Kiosk device registration (administrators only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from api import accounts
from api.deps import AuthPolicyDep, SessionDep, TrailDep, allow
from api.schemas import KioskCreate, KioskRegistered, Role
from api.security import Principal

router = APIRouter(prefix="/api/kiosks", tags=["kiosks"])


@router.post("", status_code=201)
def register_kiosk(
    body: KioskCreate,
    admin: Annotated[Principal, allow(Role.ADMIN)],
    session: SessionDep,
    trail: TrailDep,
    policy: AuthPolicyDep,
) -> KioskRegistered:
    """Register a kiosk; the response carries its secret, shown only this once."""
    return accounts.register_kiosk(session, trail, policy, admin.actor, body)
