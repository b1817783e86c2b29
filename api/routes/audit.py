"""The audit trail for auditors: events, signed tree heads, proofs, the public key, chain status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from api.audit import tree_heads
from api.audit.signing import public_key_pem
from api.audit.status import chain_status, list_events
from api.deps import SessionDep, TrailDep, allow
from api.errors import NotFound
from api.route_params import NameFilter, Position, SequenceNumber
from api.schemas import (
    AuditEventPublic,
    ConsistencyProofPublic,
    InclusionProofPublic,
    Role,
    TreeHeadPublic,
)
from api.security import Principal
from checkpoint.i18n import _

router = APIRouter(prefix="/api/audit", tags=["audit"])
Auditor = Annotated[Principal, allow(Role.AUDITOR)]


@router.get("/events")
def events(
    auditor: Auditor,
    session: SessionDep,
    after: Position = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    action: NameFilter = None,
) -> list[AuditEventPublic]:
    """Events in sequence order after `after` (payloads are not returned: they may be personal data)."""
    return list_events(session, after, limit, action)


@router.get("/tree-head")
def latest_tree_head(auditor: Auditor, session: SessionDep) -> TreeHeadPublic:
    """The most recent signed tree head."""
    head = tree_heads.latest_tree_head(session)
    if head is None:
        raise NotFound(_("no tree head has been signed yet"), _("POST /api/audit/tree-heads to sign one now"))
    return TreeHeadPublic(**tree_heads.tree_head_record(head))


@router.post("/tree-heads", status_code=201)
def sign_tree_head(auditor: Auditor, session: SessionDep, trail: TrailDep) -> TreeHeadPublic:
    """Sign a tree head over every event so far (on demand)."""
    head = trail.sign_head(session)
    session.commit()
    return TreeHeadPublic(**tree_heads.tree_head_record(head))


@router.get("/proofs/inclusion")
def inclusion_proof(
    auditor: Auditor, session: SessionDep, sequence: SequenceNumber, tree_size: SequenceNumber
) -> InclusionProofPublic:
    """RFC 9162 audit path of event `sequence` in the tree of `tree_size` events."""
    leaf, path = tree_heads.inclusion(session, sequence, tree_size)
    return InclusionProofPublic(
        sequence=sequence, tree_size=tree_size, leaf_hash=leaf.hex(), path=[p.hex() for p in path]
    )


@router.get("/proofs/consistency")
def consistency_proof(
    auditor: Auditor, session: SessionDep, first: SequenceNumber, second: SequenceNumber
) -> ConsistencyProofPublic:
    """RFC 9162 proof that the tree of `first` events is a prefix of the tree of `second` events."""
    path = tree_heads.consistency(session, first, second)
    return ConsistencyProofPublic(first=first, second=second, path=[p.hex() for p in path])


@router.get("/public-key", response_class=PlainTextResponse)
def public_key(auditor: Auditor, trail: TrailDep) -> str:
    """The Ed25519 public key (PEM) that verifies tree heads."""
    return public_key_pem(trail.key).decode()


@router.get("/status")
def status(auditor: Auditor, session: SessionDep, request: Request) -> dict[str, object]:
    """Verify the stored chain against the latest signed tree head and report."""
    return chain_status(session, request.app.state.trail.key.public_key())
