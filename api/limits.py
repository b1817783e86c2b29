"""ASGI middleware that refuses oversized bodies and non-JSON bodies on the JSON API before any work is done."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_BODY_METHODS = {"POST", "PUT", "PATCH"}


async def _send_error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"code": code, "message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestLimits:
    """413 for bodies over `max_bytes` (declared or streamed), 415 for non-JSON bodies under /api/."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
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
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen
            message: dict[str, Any] = dict(await receive())
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, too_large)
            return message

        await self.app(scope, counted_receive, send)
