"""One ASGI middleware in front of both services: form posts from other sites are refused, and every answer
carries the headers that stop framing (clickjacking), referrer leaks, MIME sniffing and any script."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The pages are server-rendered HTML with one stylesheet from the service itself and no script at all; images
# are the service's own or inline JPEGs (the centre shows a live face as a data: URL).
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# A file served as it is (an HTML benchmark report): its own inline style and images, no script, sandboxed.
SERVED_FILE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; sandbox"
)
CROSS_SITE_MESSAGE = (
    "this service accepts forms only from its own pages: open the page on this server and submit it there"
)


def is_cross_site(headers: Headers) -> bool:
    """A browser's request made by another site's page."""
    # Browsers say where a request comes from in Sec-Fetch-Site ("none": the person typed or bookmarked it).
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    # Without it, Origin must name the host the request was sent to. "null" is refused: it comes from sandboxed
    # frames of any site (and, under "Referrer-Policy: no-referrer", from a page of this one: Chromium does so,
    # but sends Sec-Fetch-Site too).
    origin = headers.get("origin")
    return bool(origin) and urlsplit(origin).netloc != headers.get("host")


class BrowserGuard:
    """403 for cross-site POSTs (login CSRF included); security headers on every answer.

    `policies` gives other Content-Security-Policies to paths starting with a prefix (first match wins); an answer
    that sets its own policy keeps it.
    """

    def __init__(self, app: ASGIApp, policies: Sequence[tuple[str, str]] = ()) -> None:
        self.app = app
        self.policies = tuple(policies)

    def _policy(self, path: str) -> str:
        return next((policy for prefix, policy in self.policies if path.startswith(prefix)), PAGE_POLICY)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "POST" and is_cross_site(Headers(scope=scope)):
            await _refuse_cross_site(send)
            return
        policy = self._policy(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add_security_headers(MutableHeaders(scope=message), policy)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _add_security_headers(headers: MutableHeaders, policy: str) -> None:
    headers.setdefault("Content-Security-Policy", policy)
    headers.setdefault("X-Frame-Options", "DENY")  # for browsers older than CSP's frame-ancestors
    headers.setdefault("Referrer-Policy", "no-referrer")  # page URLs carry transaction and screening ids
    headers.setdefault("X-Content-Type-Options", "nosniff")


async def _refuse_cross_site(send: Send) -> None:
    body = json.dumps({"code": "cross_site_request", "message": CROSS_SITE_MESSAGE}).encode()
    headers = MutableHeaders({"content-type": "application/json", "content-length": str(len(body))})
    _add_security_headers(headers, PAGE_POLICY)
    await send({"type": "http.response.start", "status": 403, "headers": headers.raw})
    await send({"type": "http.response.body", "body": body})
