"""Offline verification of an audit export: needs only the JSONL file and the Ed25519 public key.

Checks, in order, every event (sequence continuity, own hash, link to the previous hash), then every
signed tree head (signature, size, Merkle root over the events it covers), and reports the first failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from api.audit import merkle
from api.audit.canonical import EVENT_FIELDS, GENESIS_HASH, event_hash
from api.audit.signing import TREE_HEAD_FIELDS, signed_by
from api.errors import AuditExportInvalid
from checkpoint.i18n import _

EXPORT_FORMAT = "checkpoint-audit-export/1"


@dataclass(frozen=True)
class VerificationReport:
    """The verdict; when not ok, `problem` names the first bad event or tree head."""

    ok: bool
    events: int
    tree_heads: int
    latest_tree_size: int | None = None
    first_bad_sequence: int | None = None
    first_bad_line: int | None = None
    problem: str | None = None


def _fail(
    events: int, heads: int, problem: str, sequence: int | None = None, line: int | None = None
) -> VerificationReport:
    return VerificationReport(False, events, heads, None, sequence, line, problem)


def verify_records(
    events: Iterable[tuple[int, dict[str, Any]]],
    tree_heads: list[tuple[int, dict[str, Any]]],
    public_key: Ed25519PublicKey,
) -> VerificationReport:
    """Verify (line, event) pairs in file order and (line, tree head) pairs against `public_key`."""
    previous = GENESIS_HASH
    leaves: list[bytes] = []
    for line, event in events:
        expected = len(leaves) + 1
        sequence = event.get("sequence")
        if sequence != expected:
            return _fail(
                len(leaves),
                len(tree_heads),
                f"line {line}: event has sequence {sequence} where {expected} was expected "
                "(an event was deleted, inserted or moved)",
                sequence if isinstance(sequence, int) else None,
                line,
            )
        try:
            recomputed = event_hash(event)
        except KeyError as exc:
            return _fail(
                len(leaves), len(tree_heads), f"line {line}: event {sequence} lacks field {exc}", sequence, line
            )
        if recomputed != event.get("hash"):
            return _fail(
                len(leaves),
                len(tree_heads),
                f"line {line}: event {sequence} does not match its own hash (its content was edited)",
                sequence,
                line,
            )
        if event["prev_hash"] != previous:
            return _fail(
                len(leaves),
                len(tree_heads),
                f"line {line}: event {sequence} does not link to the event before it "
                "(an event was deleted, inserted or moved)",
                sequence,
                line,
            )
        previous = event["hash"]
        leaves.append(bytes.fromhex(event["hash"]))
    count = len(leaves)
    if not tree_heads:
        return _fail(count, 0, "the export has no signed tree head, so nothing proves the events are complete")
    for line, head in tree_heads:
        size = head.get("tree_size")
        if not signed_by(public_key, head):
            return _fail(
                count,
                len(tree_heads),
                f"line {line}: tree head of size {size} is not signed by this key (forged or altered)",
                None,
                line,
            )
        if not isinstance(size, int) or size > count:
            return _fail(
                count,
                len(tree_heads),
                f"line {line}: tree head covers {size} events but the export holds {count} (events were deleted)",
                None,
                line,
            )
    roots = merkle.roots_at_sizes(
        [merkle.leaf_hash(leaf) for leaf in leaves], [h["tree_size"] for _line, h in tree_heads]
    )
    for line, head in tree_heads:
        size = head["tree_size"]
        if roots[size].hex() != head["root_hash"]:
            # The chain links, yet the signed root differs: the chain was re-hashed after signing.
            return _fail(
                count,
                len(tree_heads),
                f"line {line}: the signed Merkle root over the first {size} events "
                "does not match them (events were rewritten and re-chained)",
                None,
                line,
            )
    latest = max(h["tree_size"] for _line, h in tree_heads)
    if latest != count:
        return _fail(
            count,
            len(tree_heads),
            f"the last {count - latest} events are not covered by a signed tree head (appended after signing)",
            latest + 1,
            None,
        )
    return VerificationReport(True, count, len(tree_heads), latest)


def read_export(
    path: Path,
) -> tuple[dict[str, Any], list[tuple[int, dict[str, Any]]], list[tuple[int, dict[str, Any]]]]:
    """Split an export into its header, events and tree heads (each with its line number)."""
    header: dict[str, Any] | None = None
    events: list[tuple[int, dict[str, Any]]] = []
    heads: list[tuple[int, dict[str, Any]]] = []
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise AuditExportInvalid(
            _("cannot read %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror},
            _("pass the file `checkpoint audit export` wrote"),
        ) from exc
    with handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as exc:
                raise AuditExportInvalid(
                    _("line %(number)s of %(path)s is not JSON") % {"number": number, "path": path},
                    _("pass an unmodified export"),
                ) from exc
            kind = record.pop("type", None) if isinstance(record, dict) else None
            if kind == "header" and header is None:
                header = record
            elif kind == "event":
                events.append((number, {k: record.get(k) for k in (*EVENT_FIELDS, "hash") if k in record}))
            elif kind == "tree_head":
                heads.append((number, {k: record.get(k) for k in (*TREE_HEAD_FIELDS, "signature") if k in record}))
            else:
                raise AuditExportInvalid(
                    _("line %(number)s of %(path)s is not a header, event or tree head")
                    % {"number": number, "path": path},
                    _("pass an unmodified export"),
                )
    if header is None or header.get("format") != EXPORT_FORMAT:
        raise AuditExportInvalid(
            _("%(path)s has no %(format)s header") % {"path": path, "format": EXPORT_FORMAT},
            _("pass a file made by `checkpoint audit export`"),
        )
    return header, events, heads


def verify_export(path: Path, public_key: Ed25519PublicKey) -> VerificationReport:
    """Verify an export file end to end."""
    _header, events, heads = read_export(path)
    return verify_records(events, heads, public_key)
