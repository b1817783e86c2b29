"""Which language the centre answers in: a page's signed-in person's stored choice, else the browser's, else the
post's default; the JSON API's messages default to English (programs read its `code`), but follow Accept-Language,
which the kiosks send with the post's language so that an officer reads a refusal in French."""

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


API_PREFIX = "/api/"
API_DEFAULT_LANGUAGE = "en"


def default_language(configured: str) -> Callable[[dict], str]:
    """For LanguageMiddleware: the post's configured language for pages, English for the JSON API."""

    def default(scope: dict) -> str:
        return API_DEFAULT_LANGUAGE if scope.get("path", "").startswith(API_PREFIX) else configured

    return default
