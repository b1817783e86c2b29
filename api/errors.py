"""Named failures of the central service; each becomes HTTP status + JSON `{code, message}` at the edge."""

from __future__ import annotations

from checkpoint.i18n import _


class ApiError(Exception):
    """Base of every error the service reports to a caller; `str()` is one line: problem, then remedy."""

    code = "api_error"
    status = 400

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(f"{problem}. {remedy}")
        self.problem = problem
        self.remedy = remedy

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the response must carry besides the body (none for most errors)."""
        return {}

    @property
    def details(self) -> dict[str, object]:
        """Fields the JSON body carries besides `code` and `message` (none for most errors)."""
        return {}


class NotAuthenticated(ApiError):
    """No credential, or one that is unknown, expired or revoked."""

    code = "not_authenticated"
    status = 401

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(ApiError):
    """The caller's role may not do this."""

    code = "forbidden"
    status = 403


class RoleNotAllowed(Forbidden):
    """The caller is signed in, but in a role this route does not admit; pages say which roles it needs."""

    def __init__(self, name: str, role: str, allowed: list[str]) -> None:
        super().__init__(
            _("the %(role)s role may not do this") % {"role": role},
            _("ask someone with one of these roles: %(roles)s") % {"roles": ", ".join(allowed)},
        )
        self.name = name
        self.role = role
        self.allowed = allowed


class RateLimited(ApiError):
    """Too many requests from this address recently; `Retry-After` says when to come back."""

    code = "rate_limited"
    status = 429

    def __init__(self, problem: str, remedy: str, retry_after_seconds: int) -> None:
        super().__init__(problem, remedy)
        self.retry_after_seconds = retry_after_seconds

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class LoginThrottled(RateLimited):
    """Too many failed logins from this address, or for this account from this address, recently."""

    code = "login_throttled"


class NotFound(ApiError):
    """The object asked for does not exist."""

    code = "not_found"
    status = 404


class Conflict(ApiError):
    """The request contradicts what is already stored (e.g. a client UUID reused with other content)."""

    code = "conflict"
    status = 409


class ConflictingDisposition(Conflict):
    """A decision on a transaction that already has a different one; the body says which decision the centre holds."""

    code = "disposition_conflict"

    def __init__(self, problem: str, remedy: str, held: dict[str, object]) -> None:
        super().__init__(problem, remedy)
        self.held = held

    @property
    def details(self) -> dict[str, object]:
        return {"held": self.held}


class PayloadTooLarge(ApiError):
    """A request body or an embedded image is larger than allowed."""

    code = "payload_too_large"
    status = 413


class InvalidInput(ApiError):
    """The request is well-formed but its content cannot be accepted."""

    code = "invalid_input"
    status = 422


class AuditKeyUnavailable(ApiError):
    """The audit signing or verification key cannot be read."""

    code = "audit_key_unavailable"
    status = 500


class AuditExportInvalid(ApiError):
    """An audit export file cannot be read as an export at all (not JSON lines, wrong record types)."""

    code = "audit_export_invalid"
    status = 400
