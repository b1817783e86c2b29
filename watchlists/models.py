"""Watchlist tables (SQLModel; SQLite and PostgreSQL): watchlists, subjects, face templates, documents, change log.

Every entry (subject, document) carries its lifecycle: who created it and when, a review-by date, and a status
(active, suspended, removed) with the reason for the last change. Only active entries whose review date has not
passed, on active watchlists, are ever matched (`is_matchable`). Every change is a row in `ChangeLog` saying
who, why and when; the log names the fields that changed, not their values, so it holds no personal data
beyond the entry id.

Families as in FastAPI's template: `*Create` is what an administrator supplies, the `table=True` class is the
stored row; the service layer (`watchlists/store.py`) turns one into the other and fills the lifecycle.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Column, DateTime, LargeBinary, MetaData, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

# Watchlist tables live in their own metadata, not SQLModel's process-wide one: a process that also holds the
# central service's tables (tests, a future admin API) then creates, migrates or truncates each set on purpose.
_registry = registry()


class WatchlistModel(SQLModel, registry=_registry):
    """Base of every watchlist model (tables and the `*Create` families)."""


def watchlist_metadata() -> MetaData:
    """The metadata holding exactly the watchlist tables."""
    return _registry.metadata


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Category(StrEnum):
    """What kind of list it is; it decides what a hit means to an officer."""

    wanted_person = "wanted_person"
    missing_person = "missing_person"
    security_alert = "security_alert"
    lost_stolen_documents = "lost_stolen_documents"


class EntryStatus(StrEnum):
    active = "active"
    suspended = "suspended"  # kept, not matched; may be reactivated
    removed = "removed"  # delisted: biometric templates erased, never matched again


class ChangeAction(StrEnum):
    create = "create"
    update = "update"
    suspend = "suspend"
    reactivate = "reactivate"
    remove = "remove"
    add_template = "add_template"
    remove_template = "remove_template"


# --- watchlists ------------------------------------------------------------------------------------------------


class WatchlistCreate(WatchlistModel):
    """What an administrator states when creating a watchlist."""

    name: str = Field(min_length=1, max_length=100)
    category: Category
    owning_authority: str = Field(min_length=1, max_length=200)
    legal_basis: str = Field(min_length=1, max_length=500, description="the law or decision the list rests on")
    officer_thumbnail: bool = Field(
        default=False, description="kiosks may show officers a small face thumbnail of a hit on this list"
    )


class Watchlist(WatchlistCreate, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(min_length=1, max_length=100, unique=True, index=True)
    status: EntryStatus = EntryStatus.active
    status_reason: str = ""
    created_by: str
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=DateTime(timezone=True))
    updated_at: dt.datetime = Field(default_factory=utc_now, sa_type=DateTime(timezone=True))


# --- subjects (people) -----------------------------------------------------------------------------------------


class SubjectCreate(WatchlistModel):
    """A person on a list, as an administrator describes them."""

    external_ref: str = Field(min_length=1, max_length=100, description="the owning authority's reference")
    name_latin: str = Field(min_length=1, max_length=300, description="name in Latin script, as in passports")
    name_original: str = Field(default="", max_length=300, description="name in its original script, if any")
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    birth_date: str | None = Field(default=None, max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD")
    nationality: str | None = Field(default=None, max_length=3, description="ICAO 9303 / ISO 3166 alpha-3")
    sex: str | None = Field(default=None, max_length=1, description="F, M or X as in ICAO 9303")
    reason: str = Field(min_length=1, max_length=1000, description="what an officer needs to know about a hit")
    review_by: dt.date


class Subject(SubjectCreate, table=True):
    __table_args__ = (UniqueConstraint("watchlist_id", "external_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    watchlist_id: int = Field(foreign_key="watchlist.id", index=True)
    status: EntryStatus = Field(default=EntryStatus.active, index=True)
    status_reason: str = ""
    created_by: str
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=DateTime(timezone=True))
    updated_at: dt.datetime = Field(default_factory=utc_now, sa_type=DateTime(timezone=True))


class FaceTemplate(WatchlistModel, table=True):
    """One face template of a subject; the source photo is kept only if the site configured it."""

    __table_args__ = (UniqueConstraint("subject_id", "model_id", "source_sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", index=True)
    model_id: str = Field(max_length=100, index=True)
    dim: int
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False), description="float32, L2-normalised")
    quality: float
    source_sha256: str = Field(max_length=64, description="SHA-256 of the source image file")
    source_name: str = Field(default="", max_length=300, description="file name within the subject's folder")
    thumbnail_jpeg: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    source_image: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_by: str
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=DateTime(timezone=True))


# --- documents -------------------------------------------------------------------------------------------------


class DocumentCreate(WatchlistModel):
    """A lost or stolen travel document as reported."""

    issuing_state: str = Field(min_length=1, max_length=3, description="ICAO 9303 code, e.g. MLI, NER, BFA, D")
    doc_type: str = Field(default="P", max_length=2, description="ICAO document code: P, I, AC, ...")
    number: str = Field(min_length=1, max_length=40, description="as reported")
    check_digit: str | None = Field(default=None, max_length=1, description="ICAO 9303 check digit, if reported")
    reported_on: dt.date
    reason: str = Field(default="reported lost or stolen", max_length=500)
    review_by: dt.date


class Document(DocumentCreate, table=True):
    __table_args__ = (UniqueConstraint("watchlist_id", "issuing_state", "number_normalised"),)

    id: int | None = Field(default=None, primary_key=True)
    watchlist_id: int = Field(foreign_key="watchlist.id", index=True)
    number_normalised: str = Field(max_length=40, index=True)
    status: EntryStatus = Field(default=EntryStatus.active, index=True)
    status_reason: str = ""
    created_by: str
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=DateTime(timezone=True))
    updated_at: dt.datetime = Field(default_factory=utc_now, sa_type=DateTime(timezone=True))


# --- change log ------------------------------------------------------------------------------------------------


class ChangeLog(WatchlistModel, table=True):
    """One change to a watchlist, entry or template: who, why, when, what kind, which fields."""

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utc_now, sa_type=DateTime(timezone=True), index=True)
    actor: str = Field(min_length=1, max_length=100)
    reason: str = Field(min_length=1, max_length=1000)
    action: ChangeAction
    object_type: str = Field(max_length=20)  # watchlist | subject | document | face_template
    object_id: int = Field(index=True)
    watchlist_id: int | None = Field(default=None, index=True)
    fields: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    from_status: EntryStatus | None = None
    to_status: EntryStatus | None = None


class SnapshotIssued(WatchlistModel, table=True):
    """Every snapshot bundle built, so versions only ever grow and an auditor can tie a kiosk's bundle to a date."""

    version: int = Field(primary_key=True)
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=DateTime(timezone=True))
    created_by: str
    sha256: str = Field(max_length=64)
    subjects: int
    templates: int
    names: int
    documents: int


def is_matchable(status: EntryStatus, review_by: dt.date, today: dt.date, watchlist_status: EntryStatus) -> bool:
    """An entry may produce a hit only when it and its list are active and its review date has not passed."""
    return status == EntryStatus.active and watchlist_status == EntryStatus.active and review_by >= today
