"""Route dependencies: the session, the audit trail, the caller, and the roles each route allows."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlmodel import Session

from api.audit.trail import AuditTrail
from api.errors import NotAuthenticated, RoleNotAllowed
from api.schemas import Role
from api.security import AuthPolicy, Principal, principal_for_token
from checkpoint.i18n import _

TOKEN_COOKIE = "checkpoint_token"


# Dependencies that do no I/O are `async def` so FastAPI runs them inline instead of hopping to its thread pool
# (each hop costs more than the work; the ingest benchmark showed it). Database work stays in sync functions.


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; it opens a connection only when first used (in a worker thread)."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


async def get_trail(request: Request) -> AuditTrail:
    """The process's audit trail."""
    return request.app.state.trail


async def get_auth_policy(request: Request) -> AuthPolicy:
    """The process's authentication knobs."""
    return request.app.state.auth_policy


async def client_address(request: Request) -> str:
    """The socket peer's address; X-Forwarded-For is not trusted (any client can write it)."""
    # No peer is possible on some servers (e.g. a Unix socket): those callers share one throttling bucket.
    return request.client.host if request.client else "unknown"


SessionDep = Annotated[Session, Depends(get_session)]
ClientAddressDep = Annotated[str, Depends(client_address)]
TrailDep = Annotated[AuditTrail, Depends(get_trail)]
AuthPolicyDep = Annotated[AuthPolicy, Depends(get_auth_policy)]


def bearer_token(request: Request) -> str | None:
    """The token from `Authorization: Bearer ...`; on pages (/ui/) also from their same-site cookie."""
    header = request.headers.get("authorization")
    if header:
        scheme, _space, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise NotAuthenticated(
                _("the Authorization header is not 'Bearer <token>'"), _("send the token from /api/auth/login")
            )
        return value.strip()
    # The cookie only counts on pages: the JSON API never acts on ambient browser credentials.
    return request.cookies.get(TOKEN_COOKIE) if request.url.path.startswith("/ui/") else None


def current_principal(request: Request, session: SessionDep) -> Principal:
    """The caller, from its bearer token; 401 when there is none or it is not valid."""
    token = bearer_token(request)
    if not token:
        raise NotAuthenticated(
            _("this needs a login"), _("log in at /api/auth/login and send the token as a Bearer header")
        )
    return principal_for_token(session, token)


def allow(*roles: Role) -> Any:
    """A dependency admitting only `roles`; its `allowed_roles` lets tests enumerate every route's policy."""

    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in roles:
            raise RoleNotAllowed(principal.name, principal.role.value, [r.value for r in roles])
        return principal

    check.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
    return Depends(check)


def allowed_roles_of(call: Callable[..., Any]) -> frozenset[Role] | None:
    """The roles an `allow(...)` dependency admits, or None for any other callable."""
    return getattr(call, "allowed_roles", None)


ANY_ROLE = tuple(Role)
