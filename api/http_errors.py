"""Every 4xx/5xx leaves the service as JSON `{code, message}` with a sentence a person can act on."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import ApiError, RoleNotAllowed
from api.page_templates import templates
from checkpoint.i18n import _
from checkpoint.validation_words import describe_validation
from watchlists.errors import WatchlistError

log = logging.getLogger("api")

_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, details: dict[str, Any] | None = None
) -> JSONResponse:
    """The one error body shape: `{code, message}`, plus the few fields some errors add (`details`)."""
    return JSONResponse({"code": code, "message": message, **(details or {})}, status_code=status, headers=headers)


def _wants_page(request: Request) -> bool:
    """A person's browser on a page (not an API client): send them to the login form instead of JSON."""
    return request.url.path.startswith("/ui/") and "text/html" in request.headers.get("accept", "")


_WATCHLIST_STATUS = {
    "unknown_watchlist": 404,
    "unknown_entry": 404,
    "duplicate_watchlist": 409,
    "snapshot_incomplete": 409,
}


def install_error_handlers(app: FastAPI) -> None:
    """Turn every failure the app can meet into a JSON `{code, message}` response."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        if exc.status == 401 and _wants_page(request):
            return RedirectResponse("/ui/login", status_code=303)
        if isinstance(exc, RoleNotAllowed) and request.url.path.startswith("/ui/"):
            # A person on a page reads a page: which role it needs, and the way back to their own pages.
            return templates.TemplateResponse(request, "forbidden.html", {"refusal": exc}, status_code=403)
        return error_response(exc.status, exc.code, str(exc), exc.headers or None, exc.details)

    @app.exception_handler(WatchlistError)
    async def _watchlist_error(_request: Request, exc: WatchlistError) -> JSONResponse:
        status = _WATCHLIST_STATUS.get(exc.code, 400)
        return error_response(status, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        status, code, message = describe_validation(list(exc.errors()))
        return error_response(status, code, message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "http_error")
        if exc.status_code == 404 and exc.detail == "Not Found":
            message = _("there is no endpoint at %(path)s; see /docs for the API") % {"path": request.url.path}
        elif exc.status_code == 405:
            message = _("%(method)s is not allowed on %(path)s; see /docs for the methods") % {
                "method": request.method,
                "path": request.url.path,
            }
        else:
            message = str(exc.detail)
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        # The traceback goes to the log (no request body: it may hold personal data).
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_response(
            500,
            "internal_error",
            _("the service failed to handle this request; try again, and report it if it persists"),
        )
