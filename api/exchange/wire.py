"""What travels: the bodies inside signed envelopes between centres, and the admin/supervisor API of this centre.

Every field is bounded (tests/api/test_wire_bounds.py walks the schema). A query names its kind and only the
fields that kind needs; an answer says hit, no hit or "cannot search", never who or what was hit.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from enum import StrEnum
from typing import Literal
from uuid import UUID

from pydantic import Field, model_validator

from api.schemas import Contract
from watchlists.models import Category

PARTNER_ID = r"^[A-Z0-9][A-Z0-9-]{1,15}$"
MAX_TEMPLATE_DIM = 1024
MAX_TEMPLATE_B64 = (MAX_TEMPLATE_DIM * 4 + 2) // 3 * 4


class QueryKind(StrEnum):
    """What a partner may ask about: a face template, a document (number + issuing state), a name (+ birth date)."""

    face = "face"
    document = "document"
    name = "name"


class Outcome(StrEnum):
    """The whole machine answer: a hit, no hit, or a search that could not run (never a silent "no hit")."""

    hit = "hit"
    no_hit = "no_hit"
    cannot_search = "cannot_search"


class FollowUpField(StrEnum):
    """Fields an agreement may let an approved follow-up carry; nothing else about an entry ever crosses."""

    category = "category"
    reason = "reason"
    name_latin = "name_latin"
    name_original = "name_original"
    birth_date = "birth_date"
    nationality = "nationality"
    sex = "sex"
    issuing_state = "issuing_state"
    document_number = "document_number"
    owning_authority = "owning_authority"
    legal_basis = "legal_basis"


KioskQueries = Literal["off", "refer", "every"]


def template_bytes(template_b64: str) -> bytes:
    """The raw float32 bytes of a base64 template (ValueError when it is not one)."""
    try:
        raw = base64.b64decode(template_b64, validate=True)
    except binascii.Error as exc:
        raise ValueError("template_b64 is not base64") from exc
    if not raw or len(raw) % 4:
        raise ValueError("template_b64 is not a whole number of float32 values")
    return raw


class QueryTerms(Contract):
    """The kind of query and the fields it needs; `categories` narrows the search (it can never widen it)."""

    kind: QueryKind
    categories: list[Category] | None = Field(None, max_length=4)
    model_id: str | None = Field(None, min_length=1, max_length=128)
    template_b64: str | None = Field(None, max_length=MAX_TEMPLATE_B64, description="float32 little-endian, base64")
    issuing_state: str | None = Field(None, min_length=1, max_length=3)
    document_number: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=300)
    birth_date: str | None = Field(None, min_length=4, max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")

    @model_validator(mode="after")
    def _fields_of_kind(self) -> QueryTerms:
        needed = {
            QueryKind.face: ("model_id", "template_b64"),
            QueryKind.document: ("issuing_state", "document_number"),
            QueryKind.name: ("name",),
        }[self.kind]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind.value} query needs {', '.join(missing)}")
        others = {"model_id", "template_b64", "issuing_state", "document_number", "name", "birth_date"}
        others -= set(needed) | ({"birth_date"} if self.kind == QueryKind.name else set())
        extra = sorted(name for name in others if getattr(self, name) is not None)
        if extra:
            raise ValueError(f"a {self.kind.value} query does not carry {', '.join(extra)}")
        if self.template_b64 is not None:
            template_bytes(self.template_b64)
        return self


class QueryBody(QueryTerms):
    """The body of a signed query."""

    type: Literal["query"] = "query"
    query_id: UUID


class AnswerBody(Contract):
    """The body of a signed answer: outcome, and on a hit an opaque reference and a coarse score band only."""

    type: Literal["answer"] = "answer"
    query_id: UUID
    outcome: Outcome
    hit_reference: str | None = Field(None, max_length=64)
    band: str | None = Field(None, max_length=16)
    detail: str = Field("", max_length=500)


class FollowUpBody(Contract):
    """The body of a signed follow-up request: which hit, under which legal basis, for what purpose, by whom."""

    type: Literal["followup"] = "followup"
    followup_id: UUID
    hit_reference: str = Field(min_length=1, max_length=64)
    legal_basis: str = Field(min_length=1, max_length=500)
    purpose: str = Field(min_length=1, max_length=500)
    requested_by: str = Field(min_length=1, max_length=64)


class FollowUpStatusBody(Contract):
    """The body of a signed question: what became of our follow-up?"""

    type: Literal["followup_status"] = "followup_status"
    followup_id: UUID


class FollowUpAnswerBody(Contract):
    """The body of a signed follow-up answer: pending, refused (with the reason) or approved (with the details)."""

    type: Literal["followup_answer"] = "followup_answer"
    followup_id: UUID
    status: Literal["pending", "approved", "refused"]
    decision_reason: str = Field("", max_length=500)
    details: dict[str, str | None] | None = None


# --- this centre's own API (admin and supervisor) ---------------------------------------------------------------


class PartnerCreate(Contract):
    """A partner centre as an administrator registers it."""

    partner_id: str = Field(pattern=PARTNER_ID, max_length=16, description="e.g. NER")
    base_url: str = Field(min_length=8, max_length=300, description="https://..., or http://127.0.0.1:port for tests")
    public_key_pem: str = Field(min_length=40, max_length=1000, description="its exchange Ed25519 public key, PEM")


class PartnerPublic(Contract):
    partner_id: str
    base_url: str
    active: bool
    key_id: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class AgreementSet(Contract):
    """The terms under which a partner may query this centre (replaces the previous terms, audited)."""

    partner_id: str = Field(pattern=PARTNER_ID, max_length=16)
    query_kinds: list[QueryKind] = Field(min_length=1, max_length=3)
    categories: list[Category] = Field(min_length=1, max_length=4)
    daily_quota: int = Field(ge=1, le=1_000_000)
    legal_basis: str = Field(min_length=1, max_length=500)
    expires_on: dt.date
    max_fpir: float = Field(0.01, gt=0, lt=1, description="face searches alarm for at most this share of non-listed")
    followup_fields: list[FollowUpField] = Field(default_factory=list, max_length=len(FollowUpField))
    kiosk_queries: KioskQueries = Field("off", description="when our screenings query this partner")


class AgreementPublic(AgreementSet):
    updated_at: dt.datetime


class QueryCreate(QueryTerms):
    """A query a supervisor asks this centre to send to a partner."""

    partner_id: str = Field(pattern=PARTNER_ID, max_length=16)


class SentPublic(Contract):
    """A query this centre sent and the partner's answer (never the query's own data)."""

    query_id: str
    partner_id: str
    kind: str
    status: str
    outcome: str | None
    hit_reference: str | None
    band: str | None
    detail: str
    request_hash: str | None
    answer_hash: str | None
    transaction_id: int | None
    created_at: dt.datetime
    answered_at: dt.datetime | None


class FollowUpCreate(Contract):
    """A supervisor's follow-up on a hit this centre was told of."""

    query_id: UUID
    legal_basis: str = Field(min_length=1, max_length=500)
    purpose: str = Field(min_length=1, max_length=500)


class FollowUpDecision(Contract):
    """A supervisor's decision on a partner's follow-up."""

    approve: bool
    reason: str = Field(min_length=1, max_length=500)


class FollowUpPublic(Contract):
    followup_id: str
    direction: str
    partner_id: str
    hit_reference: str
    legal_basis: str
    purpose: str
    requested_by: str
    status: str
    decided_by: str | None
    decision_reason: str
    details: dict[str, str | None] | None
    request_hash: str | None
    answer_hash: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


class PartnerAnswerPublic(Contract):
    """A partner's answer about one screening, with the sentence an officer or supervisor reads."""

    partner_id: str
    kind: str
    state: str
    reference: str | None
    text: str
