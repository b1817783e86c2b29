"""ASGI middleware that refuses oversized bodies, non-JSON bodies on the JSON API and NUL characters anywhere in a
request before any work is done."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_BODY_METHODS = {"POST", "PUT", "PATCH"}
# How a NUL arrives: raw, as a JSON escape, URL-encoded (query strings and forms).
_NUL_IN_JSON = (b"\x00", b"\\u0000")
_NUL_URL_ENCODED = (b"\x00", b"%00")
NUL_MESSAGE = (
    "the request contains a NUL character (\\u0000 or %00), which no field accepts; "
    "remove it and send the request again"
)


async def _send_error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"code": code, "message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _has_nul(data: bytes, forms: tuple[bytes, ...]) -> bool:
    # PostgreSQL cannot hold NUL in text (its driver raises, a 500) and no field has a use for one.
    return any(form in data for form in forms)


class RequestLimits:
    """413 for bodies over `max_bytes` (declared or streamed), 415 for non-JSON bodies under /api/, 422 for a NUL
    character in the path, the query string or the body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or _has_nul(scope["query_string"], _NUL_URL_ENCODED):
            await _send_error(send, 422, "nul_character", NUL_MESSAGE)
            return
        if scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        too_large = f"the request body is larger than {self.max_bytes} bytes; send less (images: crop and compress)"
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _send_error(send, 413, "payload_too_large", too_large)
            return
        has_body = (declared is not None and declared != "0") or "transfer-encoding" in headers
        if scope["path"].startswith("/api/") and has_body:
            media = headers.get("content-type", "").split(";")[0].strip().lower()
            if media != "application/json":
                shown = media or "none"
                await _send_error(
                    send,
                    415,
                    "unsupported_media_type",
                    f"the body's content type is {shown}; send JSON with Content-Type: application/json",
                )
                return
        # The whole body is read here (the routes read it whole anyway) so that it can be refused before any work.
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await _send_error(send, 413, "payload_too_large", too_large)
                return
            if not message.get("more_body", False):
                break
        form = headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
        if _has_nul(bytes(body), _NUL_URL_ENCODED if form else _NUL_IN_JSON):
            await _send_error(send, 422, "nul_character", NUL_MESSAGE)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: a disconnect, when it comes
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)
