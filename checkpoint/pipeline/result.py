"""The records one screening produces: checks, reasons, candidates and the recommendation with its evidence."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from api.schemas import (
    Candidate,
    DocumentCheck,
    DocumentFields,
    Quality,
    Recommendation,
    TransactionCreate,
)

CheckStatus = Literal["passed", "failed", "not_done"]


@dataclass(frozen=True)
class CheckOutcome:
    """One of the policy's checks: whether it passed, failed or could not be done, in a sentence."""

    check: str
    status: CheckStatus
    detail: str


@dataclass(frozen=True)
class Reason:
    """Why a traveller is referred: the code, the policy's meaning of it, and what this screening found."""

    code: str
    meaning: str
    detail: str


@dataclass(frozen=True)
class WatchCandidate:
    """A watchlist hit as the officer sees it: who is listed, on which list, why, and the score."""

    kind: Literal["face", "name", "document"]
    entry: str  # the subject key (or document entry id) in the snapshot, never an authority's reference
    watchlist: str
    category: str
    listed_name: str
    listing_reason: str
    score: float
    threshold: float
    rank: int
    has_thumbnail: bool = False
    explanation: str = ""


@dataclass
class ScreeningResult:
    """Everything one screening decided and why; `to_transaction` is what the centre receives."""

    client_uuid: uuid.UUID
    started_at: dt.datetime
    completed_at: dt.datetime
    recommendation: Recommendation
    reasons: list[Reason]
    checks: list[CheckOutcome]
    document: dict | None  # MRZ fields as read (ISO dates), None when unreadable
    document_checks: list[DocumentCheck]
    quality: dict | None  # the chosen live face's quality components
    capture: dict  # frames seen / passed / rejections
    face_match_score: float | None
    face_match_threshold: float | None
    watchlist_threshold: float | None
    candidates: list[WatchCandidate]
    model_ids: list[str]
    snapshot_version: str
    policy_sha256: str
    timings_ms: dict[str, float]
    notes: list[str] = field(default_factory=list)
    live_frame: np.ndarray | None = field(default=None, repr=False)
    live_chip: np.ndarray | None = field(default=None, repr=False)
    portrait: np.ndarray | None = field(default=None, repr=False)
    live_template: np.ndarray | None = field(default=None, repr=False)

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def to_dict(self) -> dict:
        """JSON-ready view for the CLI and the officer page (no pixels, no template)."""
        return {
            "client_uuid": str(self.client_uuid),
            "recommendation": self.recommendation.value,
            "reasons": [r.__dict__ for r in self.reasons],
            "checks": [c.__dict__ for c in self.checks],
            "document": self.document,
            "document_checks": [c.model_dump() for c in self.document_checks],
            "quality": self.quality,
            "capture": self.capture,
            "face_match_score": _round(self.face_match_score),
            "face_match_threshold": _round(self.face_match_threshold),
            "watchlist_threshold": _round(self.watchlist_threshold),
            "candidates": [c.__dict__ for c in self.candidates],
            "model_ids": self.model_ids,
            "snapshot_version": self.snapshot_version,
            "policy_sha256": self.policy_sha256,
            "started_at": self.started_at.isoformat(),
            "completed_at": self.completed_at.isoformat(),
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "notes": self.notes,
        }

    def to_transaction(self, kiosk_id: str, post_id: str, keep_face: bool = False) -> TransactionCreate:
        """The wire record for the centre; face data only when `keep_face` (the retention policy) allows."""
        doc = self.document
        fields = DocumentFields(
            document_type=(doc or {}).get("document_code", "")[:4],
            issuing_state=_state((doc or {}).get("issuing_state")),
            document_number=((doc or {}).get("document_number") or "UNREADABLE")[:20],
            surname=((doc or {}).get("surname") or "")[:100],
            given_names=((doc or {}).get("given_names") or "")[:100],
            nationality=_state((doc or {}).get("nationality")),
            birth_date=(doc or {}).get("birth_date"),
            sex=_sex((doc or {}).get("sex")),
            expiry_date=(doc or {}).get("expiry_date"),
        )
        q = self.quality or {}
        face_image = None
        if keep_face and self.live_chip is not None:
            ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(self.live_chip, cv2.COLOR_RGB2BGR))
            face_image = base64.b64encode(jpeg.tobytes()).decode("ascii") if ok else None
        return TransactionCreate(
            client_uuid=self.client_uuid,
            kiosk_id=kiosk_id,
            post_id=post_id,
            started_at=self.started_at,
            completed_at=self.completed_at,
            document=fields,
            document_checks=self.document_checks,
            quality=Quality(
                score=float(np.clip(q.get("score", 0.0), 0, 100)),
                inter_eye_px=q.get("inter_eye_distance_px"),
                yaw_deg=q.get("yaw_deg"),
                pitch_deg=q.get("pitch_deg"),
                roll_deg=q.get("roll_deg"),
                sharpness=q.get("sharpness"),
            ),
            face_match_score=self.face_match_score,
            recommendation=self.recommendation,
            reason_codes=self.reason_codes,
            candidates=[
                Candidate(
                    watchlist_id=c.watchlist[:64],
                    entry_ref=c.entry[:128],
                    kind=c.kind,
                    score=c.score,
                    threshold=c.threshold,
                    rank=c.rank,
                )
                for c in self.candidates
            ],
            model_ids=self.model_ids,
            snapshot_version=self.snapshot_version,
            policy_hash=self.policy_sha256,
            face_template=[float(v) for v in self.live_template]
            if keep_face and self.live_template is not None
            else None,
            face_image_jpeg_b64=face_image,
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _state(code: str | None) -> str:
    # The wire contract wants three characters; one-letter ICAO codes (D = Germany) keep their MRZ filler.
    # An unreadable document is sent as XXX (unspecified) with the DOCUMENT_UNREADABLE reason beside it.
    return (code or "XXX").ljust(3, "<")[:3]


def _sex(value: str | None) -> Literal["M", "F", "X"] | None:
    return value if value in ("M", "F", "X") else None  # type: ignore[return-value]
