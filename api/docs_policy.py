"""The Content-Security-Policy of FastAPI's API documentation pages (/docs, /redoc): their CDN, and of inline
code only the script and style FastAPI itself writes there, by hash, so an injected script runs nowhere."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html

CDN = "https://cdn.jsdelivr.net"
_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def _documentation_pages(app: FastAPI) -> list[str]:
    """The pages exactly as FastAPI serves them for this app (same arguments as its own docs routes)."""
    openapi_url = app.openapi_url or ""
    return [
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
        ).body.decode(),
        get_swagger_ui_oauth2_redirect_html().body.decode(),
        get_redoc_html(openapi_url=openapi_url, title=f"{app.title} - ReDoc").body.decode(),
    ]


def docs_policy(app: FastAPI) -> str:
    """The policy for the documentation pages of `app`."""
    hashes: dict[str, set[str]] = {"script": set(), "style": set()}
    for page in _documentation_pages(app):
        for kind, body in _INLINE.findall(page):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            hashes[kind].add(f"'sha256-{digest}'")
    scripts = " ".join(sorted(hashes["script"]))
    styles = " ".join(sorted(hashes["style"]))
    return (
        f"default-src 'none'; script-src {CDN} {scripts}; style-src {CDN} https://fonts.googleapis.com {styles}; "
        f"font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com; "
        "connect-src 'self'; worker-src blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
