"""The one canonical byte encoding that event hashes, payload hashes and tree-head signatures are computed over."""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64

# The fields an event's own hash covers, in the order an auditor reads them.
EVENT_FIELDS = ("sequence", "time", "actor", "role", "action", "object", "payload_hash", "prev_hash")


def canonical(value: Any) -> bytes:
    """JSON with sorted keys, no whitespace, UTF-8: the same value always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def sha256_hex(data: bytes) -> str:
    """SHA-256 as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def payload_hash(payload: Any) -> str:
    """SHA-256 of a payload's canonical encoding."""
    return sha256_hex(canonical(payload))


def event_hash(event: dict[str, Any]) -> str:
    """SHA-256 over the canonical encoding of an event's chained fields."""
    return sha256_hex(canonical({name: event[name] for name in EVENT_FIELDS}))
