"""The wire contract between kiosks, people and the central service (pydantic models, unknown fields refused).

Kiosks (`checkpoint/`) import this module; it imports nothing else from the project but the canonical encoding
(a leaf module) so that stays cheap.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from api.audit.canonical import canonical, sha256_hex
from checkpoint.i18n import _, lazy_gettext


class Contract(BaseModel):
    """Base of every wire model: unknown fields are an error, never silently dropped; no infinite or NaN numbers."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(_("time must carry a UTC offset, e.g. 2026-05-01T10:00:00Z"))
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:  # e.g. 0001-01-01T00:00+00:01: before the first UTC instant Python can hold
        raise ValueError(_("time is outside the years 1 to 9999 once converted to UTC")) from exc


AwareDatetime = Annotated[datetime, AfterValidator(_utc)]
# Ids, audit sequence numbers, tree sizes and snapshot versions are INTEGER columns (PostgreSQL int4): a larger
# number names nothing stored, so it is refused at the edge (a number past 2**63 made SQLite's driver raise: 500).
MAX_STORED_INT = 2**31 - 1
# The kiosk's face crop is held to CHECKPOINT_MAX_FACE_IMAGE_BYTES and the body to CHECKPOINT_MAX_REQUEST_BYTES;
# this bound only keeps the contract itself finite (base64 of 12 MiB).
MAX_FACE_IMAGE_B64_CHARS = 16 * 1024 * 1024
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Z][A-Z0-9_]*$")]
Username = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")]
# The languages of the pages and messages (checkpoint.i18n.LANGUAGES); a person's choice, or None for the browser's.
Language = Literal["fr", "en"]


class Role(StrEnum):
    """Who a principal is; each route names the roles it allows."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    WATCHLIST_ADMIN = "watchlist_admin"
    ADMIN = "admin"
    KIOSK = "kiosk"


class Recommendation(StrEnum):
    """What the machine recommends; it never refuses anyone, it only refers to an officer."""

    CLEAR = "CLEAR"
    REFER = "REFER"


class Outcome(StrEnum):
    """What the officer decided."""

    CLEAR = "CLEAR"
    CLEAR_AFTER_CHECK = "CLEAR_AFTER_CHECK"
    SECONDARY_INSPECTION = "SECONDARY_INSPECTION"
    REFUSE_ENTRY = "REFUSE_ENTRY"


class Verdict(StrEnum):
    """A supervisor's view of an officer's disposition."""

    UPHELD = "UPHELD"
    OVERTURNED = "OVERTURNED"
    ESCALATED = "ESCALATED"


# What a code means to the person reading it, in their language (both services' pages); the codes themselves are on
# the wire and in the audit trail and never change.
OUTCOME_MEANINGS = {
    Outcome.CLEAR: lazy_gettext("Cleared"),
    Outcome.CLEAR_AFTER_CHECK: lazy_gettext("Cleared after a check"),
    Outcome.SECONDARY_INSPECTION: lazy_gettext("Sent to secondary inspection"),
    Outcome.REFUSE_ENTRY: lazy_gettext("Entry refused"),
}
CANDIDATE_KIND_MEANINGS = {
    "face": lazy_gettext("face"),
    "name": lazy_gettext("name"),
    "document": lazy_gettext("document"),
}


# ---- screening transaction (kiosk -> centre) ----


class DocumentCheck(Contract):
    """One document check (a check digit, expiry, lost/stolen lookup) and whether it passed."""

    name: Code
    passed: bool
    detail: str | None = Field(None, max_length=200)


class DocumentFields(Contract):
    """ICAO 9303 fields read from the MRZ (personal data)."""

    document_type: str = Field(max_length=4)
    issuing_state: str = Field(min_length=3, max_length=3)
    document_number: str = Field(min_length=1, max_length=20)
    surname: str = Field(max_length=100)
    given_names: str = Field("", max_length=100)
    nationality: str = Field(min_length=3, max_length=3)
    birth_date: date | None = None
    sex: Literal["M", "F", "X"] | None = None
    expiry_date: date | None = None


class Quality(Contract):
    """Face capture quality the pipeline measured (ISO/IEC 29794-5 component names)."""

    score: float = Field(ge=0, le=100)
    inter_eye_px: float | None = Field(None, ge=0)
    yaw_deg: float | None = None
    pitch_deg: float | None = None
    roll_deg: float | None = None
    sharpness: float | None = Field(None, ge=0)


class Candidate(Contract):
    """One watchlist candidate the 1:N search or name screening returned."""

    watchlist_id: str = Field(min_length=1, max_length=64)
    entry_ref: str = Field(min_length=1, max_length=128, description="watchlist entry reference, not a name")
    kind: Literal["face", "name", "document"]
    score: float
    threshold: float
    rank: int = Field(ge=1, le=MAX_STORED_INT)


class TransactionCreate(Contract):
    """A screening transaction a kiosk sends; `client_uuid` makes retries idempotent."""

    client_uuid: UUID
    kiosk_id: str = Field(min_length=1, max_length=64)
    post_id: str = Field(min_length=1, max_length=64)
    started_at: AwareDatetime
    completed_at: AwareDatetime
    document: DocumentFields
    document_checks: list[DocumentCheck] = Field(default_factory=list, max_length=50)
    quality: Quality
    face_match_score: float | None = Field(None, description="1:1 live vs document portrait")
    recommendation: Recommendation
    reason_codes: list[Code] = Field(default_factory=list, max_length=20)
    candidates: list[Candidate] = Field(default_factory=list, max_length=50)
    model_ids: list[Annotated[str, Field(min_length=1, max_length=128)]] = Field(min_length=1, max_length=10)
    snapshot_version: str = Field(min_length=1, max_length=64)
    policy_hash: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")
    face_template: list[float] | None = Field(None, max_length=1024, description="only if retention allows")
    face_image_jpeg_b64: str | None = Field(
        None, max_length=MAX_FACE_IMAGE_B64_CHARS, description="only if retention allows; size-limited"
    )

    @model_validator(mode="after")
    def _consistent(self) -> TransactionCreate:
        if self.completed_at < self.started_at:
            raise ValueError(_("completed_at is before started_at"))
        if self.recommendation == Recommendation.REFER and not self.reason_codes:
            raise ValueError(_("a REFER recommendation needs at least one reason code"))
        return self


class TransactionPublic(Contract):
    """A stored transaction as the centre returns it; personal fields are null once retention erased them."""

    id: int
    client_uuid: UUID
    kiosk_id: str
    post_id: str
    started_at: datetime
    completed_at: datetime
    received_at: datetime
    recommendation: Recommendation
    reason_codes: list[str]
    model_ids: list[str]
    snapshot_version: str
    policy_hash: str
    quality_score: float
    face_match_score: float | None
    document: DocumentFields | None
    document_checks: list[DocumentCheck] | None
    candidates: list[Candidate] | None
    has_face_data: bool
    erased_at: datetime | None
    audit_sequence: int


class TransactionSummary(Contract):
    """One line of the referral queue: no personal data."""

    id: int
    client_uuid: UUID
    kiosk_id: str
    post_id: str
    completed_at: datetime
    recommendation: Recommendation
    reason_codes: list[str]
    outcome: Outcome | None
    officer: str | None


# ---- traveller receipt (kiosk -> centre: the reference and the commitment; the salt stays on the paper) ----

ReceiptReference = Annotated[str, Field(min_length=22, max_length=22, pattern=r"^[A-Za-z0-9_-]{22}$")]
ReceiptSalt = Annotated[str, Field(min_length=32, max_length=32, pattern=r"^[0-9a-f]{32}$")]
Sha256Hex = Annotated[str, Field(min_length=64, max_length=64, pattern=r"^[0-9a-f]{64}$")]


class ReceiptFields(Contract):
    """What a traveller's receipt states (no name, no document number, no biometric data)."""

    reference: ReceiptReference = Field(description="random (secrets.token_urlsafe(16)), never a database id")
    post_id: str = Field(min_length=1, max_length=64)
    screening_date: date = Field(description="the day of the screening (UTC)")
    recommendation: Recommendation
    outcome: Outcome

    def commitment(self, salt: str) -> str:
        """SHA-256(salt || canonical fields): what the centre's chain holds; without the salt it reveals nothing."""
        return sha256_hex(salt.encode() + canonical(self.model_dump(mode="json")))


class ReceiptCommitment(Contract):
    """What a kiosk sends of a receipt it printed: the public reference and the salted commitment."""

    reference: ReceiptReference
    commitment: Sha256Hex


# ---- officer disposition and supervisor review ----


class DispositionCreate(Contract):
    """An officer's decision on a transaction; anything but CLEAR needs a reason code.

    `officer` names the officer who decided: required when a kiosk sends it on behalf of the officer signed in
    on its page; an officer calling the API directly may leave it out (or name themselves).
    """

    outcome: Outcome
    reason_code: Code | None = None
    note: str | None = Field(None, max_length=1000)
    decided_at: AwareDatetime
    officer: Username | None = None
    receipt: ReceiptCommitment | None = Field(None, description="the traveller's receipt printed for this decision")

    @model_validator(mode="after")
    def _reason_unless_clear(self) -> DispositionCreate:
        if self.outcome != Outcome.CLEAR and not self.reason_code:
            raise ValueError(_("outcome %(outcome)s needs a reason_code") % {"outcome": self.outcome.value})
        return self


class DispositionPublic(Contract):
    id: int
    transaction_id: int
    officer: str
    outcome: Outcome
    reason_code: str | None
    note: str | None
    decided_at: datetime
    recorded_at: datetime
    kiosk_id: str | None = Field(None, description="the kiosk the officer decided on; None: through the API")


class ScreeningViewCreate(Contract):
    """A kiosk reports that the officer signed in on its page opened a screening (a read of personal data)."""

    view_uuid: UUID = Field(description="unique per view: a resend after a lost response is recorded once")
    transaction_uuid: UUID = Field(description="the client UUID of the screening that was opened")
    officer: Username
    viewed_at: AwareDatetime
    sign_in: Literal["online", "offline"] = Field(description="how the officer signed in on the kiosk")


class ScreeningViewRecorded(Contract):
    transaction_id: int
    audit_sequence: int


class ReviewCreate(Contract):
    """A supervisor's review of a transaction and its disposition."""

    verdict: Verdict
    reason_code: Code
    comment: str | None = Field(None, max_length=2000)


class ReviewPublic(Contract):
    id: int
    transaction_id: int
    supervisor: str
    verdict: Verdict
    reason_code: str
    comment: str | None
    recorded_at: datetime


# ---- identity ----


class LoginRequest(Contract):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class KioskLoginRequest(Contract):
    kiosk_id: str = Field(min_length=1, max_length=64)
    secret: str = Field(min_length=1, max_length=256)


class TokenPublic(Contract):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    role: Role
    language: Language | None = Field(None, description="the person's stored language; null follows the browser")


class UserCreate(Contract):
    username: Username
    password: str = Field(min_length=12, max_length=256)
    role: Role
    language: Language | None = None

    @model_validator(mode="after")
    def _not_kiosk(self) -> UserCreate:
        if self.role == Role.KIOSK:
            raise ValueError(_("kiosks are registered under /kiosks, not as users"))
        return self


class UserPublic(Contract):
    id: int
    username: str
    role: Role
    active: bool
    language: Language | None = None


class UserLanguage(Contract):
    """The language a person reads pages in; null follows their browser."""

    language: Language | None


class KioskCreate(Contract):
    kiosk_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    post_id: str = Field(min_length=1, max_length=64)


class KioskRegistered(Contract):
    """Returned once at registration: the secret is never shown again."""

    kiosk_id: str
    post_id: str
    secret: str


# ---- audit ----


class AuditEventPublic(Contract):
    sequence: int
    time: str
    actor: str
    role: str
    action: str
    object: str
    payload_hash: str
    prev_hash: str
    hash: str
    payload_erased: bool


class TreeHeadPublic(Contract):
    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str
    signature: str


class InclusionProofPublic(Contract):
    sequence: int
    tree_size: int
    leaf_hash: str
    path: list[str]


class ConsistencyProofPublic(Contract):
    first: int
    second: int
    path: list[str]


class ErrorBody(Contract):
    """Every 4xx/5xx body: a machine code and a sentence for a person."""

    code: str
    message: str
