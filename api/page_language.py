"""Which language a centre page is served in: the signed-in person's stored choice, found from the page cookie."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlmodel import Session
from starlette.requests import HTTPConnection

from api.deps import TOKEN_COOKIE
from api.security import stored_language_for_token


def _page_token(scope: dict) -> str | None:
    # Only pages carry the token in a cookie; JSON routes render no text and get no database round trip here.
    if not scope.get("path", "").startswith("/ui/"):
        return None
    return HTTPConnection(scope).cookies.get(TOKEN_COOKIE) or None


def stored_language(engine: Engine) -> Callable[[dict], str | None]:
    """For LanguageMiddleware: the stored language of the person whose page token the request carries."""

    def preferred(scope: dict) -> str | None:
        token = _page_token(scope)
        if token is None:
            return None
        with Session(engine) as session:
            return stored_language_for_token(session, token)

    return preferred
