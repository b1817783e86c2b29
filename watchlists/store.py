"""Watchlist administration: create, update, suspend, reactivate, remove and list, always with an actor and a reason.

Plain functions over a SQLModel `Session`, free of HTTP and CLI concerns, so the central service and the CLI
call the same code. Each function validates, writes the entry and its `ChangeLog` row, and flushes; the caller
commits (one request or one imported subject = one transaction).

Removing a subject erases its face templates (the biometric data leaves the database); the subject row stays,
status `removed`, so the change log still points at something and a re-import cannot silently revive it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import numpy as np
from sqlmodel import Session, col, select

from checkpoint.i18n import _, lazy_gettext
from checkpoint.validation_words import sentence
from watchlists.documents import (
    check_digit_fits,
    icao_check_digit,
    is_plausible_number,
    mrz_number_field,
    normalise_number,
    normalise_state,
)
from watchlists.errors import (
    DuplicateWatchlist,
    ForbiddenTransition,
    InvalidEntry,
    UnknownEntry,
    UnknownWatchlist,
)
from watchlists.models import (
    ChangeAction,
    ChangeLog,
    Document,
    DocumentCreate,
    EntryStatus,
    FaceTemplate,
    Subject,
    SubjectCreate,
    Watchlist,
    WatchlistCreate,
    utc_now,
)
from watchlists.partial_date import PartialDate

_STATE_CODE = re.compile(r"^[A-Z]{1,3}$")
# What a refused status change calls the entry (object types stay codes in the change log).
_ENTRY_KINDS = {
    "watchlist": lazy_gettext("watchlist"),
    "subject": lazy_gettext("subject"),
    "document": lazy_gettext("document"),
}
_TRANSITIONS = {
    ChangeAction.suspend: ({EntryStatus.active}, EntryStatus.suspended),
    ChangeAction.reactivate: ({EntryStatus.suspended}, EntryStatus.active),
    ChangeAction.remove: ({EntryStatus.active, EntryStatus.suspended}, EntryStatus.removed),
}


# --- watchlists ------------------------------------------------------------------------------------------------


def create_watchlist(session: Session, data: WatchlistCreate, actor: str, reason: str) -> Watchlist:
    """A new, active watchlist; its name must be free."""
    _check_who(actor, reason)
    data = WatchlistCreate.model_validate(data.model_dump())
    if session.exec(select(Watchlist).where(Watchlist.name == data.name)).first() is not None:
        raise DuplicateWatchlist(
            _("a watchlist named %(name)r exists already") % {"name": data.name}, _("Choose another name")
        )
    watchlist = Watchlist(**data.model_dump(), created_by=actor)
    session.add(watchlist)
    session.flush()
    _log(session, actor, reason, ChangeAction.create, "watchlist", watchlist.id, watchlist.id, _fields(data))
    return watchlist


def get_watchlist(session: Session, name: str) -> Watchlist:
    """The watchlist called `name`."""
    watchlist = session.exec(select(Watchlist).where(Watchlist.name == name)).first()
    if watchlist is None:
        known = ", ".join(w.name for w in session.exec(select(Watchlist).order_by(Watchlist.name)).all()) or _("none")
        raise UnknownWatchlist(
            _("no watchlist named %(name)r (known: %(known)s)") % {"name": name, "known": known},
            _("Check the name, or create the watchlist first (`checkpoint watchlist create`)"),
        )
    return watchlist


def list_watchlists(session: Session) -> list[Watchlist]:
    return list(session.exec(select(Watchlist).order_by(Watchlist.name)).all())


def update_watchlist(session: Session, name: str, changes: dict, actor: str, reason: str) -> Watchlist:
    """Change the stated fields of a watchlist (legal basis, owning authority, thumbnail policy...)."""
    _check_who(actor, reason)
    watchlist = get_watchlist(session, name)
    merged = WatchlistCreate.model_validate({**_create_fields(watchlist, WatchlistCreate), **changes})
    changed = _apply(watchlist, merged)
    if changed:
        _log(session, actor, reason, ChangeAction.update, "watchlist", watchlist.id, watchlist.id, changed)
    return watchlist


def set_watchlist_status(session: Session, name: str, action: ChangeAction, actor: str, reason: str) -> Watchlist:
    """Suspend, reactivate or remove a whole list (its entries stop or resume matching together)."""
    _check_who(actor, reason)
    watchlist = get_watchlist(session, name)
    _transition(session, watchlist, action, actor, reason, "watchlist", watchlist.id)
    return watchlist


# --- subjects --------------------------------------------------------------------------------------------------


def add_subject(
    session: Session, watchlist: Watchlist, data: SubjectCreate, actor: str, reason: str, today: dt.date | None = None
) -> Subject:
    """A new active subject on `watchlist`; its reference must be new on that list."""
    _check_who(actor, reason)
    data = _valid_subject(data, today)
    if _subject_by_ref(session, watchlist.id, data.external_ref) is not None:
        raise InvalidEntry(
            _("watchlist %(watchlist)r already has a subject with reference %(ref)r")
            % {"watchlist": watchlist.name, "ref": data.external_ref},
            _("Update that subject instead, or use another reference"),
        )
    subject = Subject(**data.model_dump(), watchlist_id=watchlist.id, created_by=actor)
    session.add(subject)
    session.flush()
    _log(session, actor, reason, ChangeAction.create, "subject", subject.id, watchlist.id, _fields(data))
    return subject


def upsert_subject(
    session: Session, watchlist: Watchlist, data: SubjectCreate, actor: str, reason: str, today: dt.date | None = None
) -> tuple[Subject, str]:
    """Create the subject, or update the one with the same reference: returns (subject, created|updated|unchanged).

    A removed subject is never revived this way (ForbiddenTransition): delisting must stay delisted.
    """
    existing = _subject_by_ref(session, watchlist.id, data.external_ref)
    if existing is None:
        return add_subject(session, watchlist, data, actor, reason, today), "created"
    if existing.status == EntryStatus.removed:
        raise ForbiddenTransition(
            _("subject %(ref)r was removed from %(watchlist)r (%(why)s)")
            % {"ref": data.external_ref, "watchlist": watchlist.name, "why": existing.status_reason},
            _("A removed entry is not re-listed by import; list the person again under a new reference if lawful"),
        )
    changed = _update_subject(session, existing, data.model_dump(), actor, reason, today)
    return existing, "updated" if changed else "unchanged"


def update_subject(
    session: Session, subject_id: int, changes: dict, actor: str, reason: str, today: dt.date | None = None
) -> Subject:
    """Change the given fields of a subject (names, aliases, review date, reason...)."""
    subject = get_subject(session, subject_id)
    if subject.status == EntryStatus.removed:
        raise ForbiddenTransition(
            _("subject %(id)s was removed") % {"id": subject_id}, _("A removed entry cannot be edited")
        )
    _update_subject(session, subject, changes, actor, reason, today)
    return subject


def get_subject(session: Session, subject_id: int) -> Subject:
    subject = session.get(Subject, subject_id)
    if subject is None:
        raise UnknownEntry(
            _("no subject with id %(id)s") % {"id": subject_id}, _("Check the id (`checkpoint watchlist list`)")
        )
    return subject


def set_subject_status(session: Session, subject_id: int, action: ChangeAction, actor: str, reason: str) -> Subject:
    """Suspend, reactivate or remove a subject; removal also erases its face templates."""
    _check_who(actor, reason)
    subject = get_subject(session, subject_id)
    _transition(session, subject, action, actor, reason, "subject", subject.watchlist_id)
    if action == ChangeAction.remove:
        for template in templates_of(session, subject.id):
            session.delete(template)
            _log(session, actor, reason, ChangeAction.remove_template, "face_template", template.id,
                 subject.watchlist_id)  # fmt: skip
    return subject


def list_subjects(
    session: Session,
    watchlist: Watchlist | None = None,
    statuses: Sequence[EntryStatus] | None = None,
    matchable_on: dt.date | None = None,
) -> list[Subject]:
    """Subjects, optionally of one list, with given statuses, or only those matchable on a date."""
    query = select(Subject).join(Watchlist, col(Subject.watchlist_id) == col(Watchlist.id))
    if watchlist is not None:
        query = query.where(Subject.watchlist_id == watchlist.id)
    if statuses is not None:
        query = query.where(col(Subject.status).in_(list(statuses)))
    if matchable_on is not None:
        query = query.where(
            Subject.status == EntryStatus.active,
            Watchlist.status == EntryStatus.active,
            col(Subject.review_by) >= matchable_on,
        )
    return list(session.exec(query.order_by(Subject.id)).all())


# --- face templates --------------------------------------------------------------------------------------------


def add_template(
    session: Session,
    subject: Subject,
    model_id: str,
    vector: np.ndarray,
    quality: float,
    source_sha256: str,
    actor: str,
    reason: str,
    source_name: str = "",
    thumbnail_jpeg: bytes | None = None,
    source_image: bytes | None = None,
) -> tuple[FaceTemplate, bool]:
    """Store a template of `subject`; returns (template, created). The same source image and model is stored once."""
    _check_who(actor, reason)
    if subject.status == EntryStatus.removed:
        raise ForbiddenTransition(
            _("subject %(id)s was removed") % {"id": subject.id}, _("Templates cannot be added to it")
        )
    existing = session.exec(
        select(FaceTemplate).where(
            FaceTemplate.subject_id == subject.id,
            FaceTemplate.model_id == model_id,
            FaceTemplate.source_sha256 == source_sha256,
        )
    ).first()
    if existing is not None:
        return existing, False
    array = np.asarray(vector, dtype=np.float32).ravel()
    norm = float(np.linalg.norm(array))
    if not np.isfinite(array).all() or norm < 1e-6:
        raise InvalidEntry(_("the face template is empty or not finite"), _("Re-run the face pipeline on this image"))
    template = FaceTemplate(
        subject_id=subject.id,
        model_id=model_id,
        dim=array.size,
        vector=(array / norm).astype(np.float32).tobytes(),
        quality=float(quality),
        source_sha256=source_sha256,
        source_name=source_name,
        thumbnail_jpeg=thumbnail_jpeg,
        source_image=source_image,
        created_by=actor,
    )
    session.add(template)
    session.flush()
    _log(session, actor, reason, ChangeAction.add_template, "face_template", template.id, subject.watchlist_id)
    return template, True


def remove_template(session: Session, template_id: int, actor: str, reason: str) -> None:
    """Erase one face template (e.g. its photo was withdrawn); logged like every change."""
    _check_who(actor, reason)
    template = session.get(FaceTemplate, template_id)
    if template is None:
        raise UnknownEntry(_("no face template with id %(id)s") % {"id": template_id}, _("Check the id"))
    subject = get_subject(session, template.subject_id)
    session.delete(template)
    session.flush()
    _log(session, actor, reason, ChangeAction.remove_template, "face_template", template_id, subject.watchlist_id)


def templates_of(session: Session, subject_id: int) -> list[FaceTemplate]:
    return list(
        session.exec(select(FaceTemplate).where(FaceTemplate.subject_id == subject_id).order_by(FaceTemplate.id))
    )


def template_vector(template: FaceTemplate) -> np.ndarray:
    """The stored template as a float32 vector."""
    return np.frombuffer(template.vector, dtype=np.float32).copy()


# --- documents -------------------------------------------------------------------------------------------------


def add_document(
    session: Session, watchlist: Watchlist, data: DocumentCreate, actor: str, reason: str, today: dt.date | None = None
) -> Document:
    """A lost/stolen document entry; its number is normalised and its check digit (if given) must fit."""
    _check_who(actor, reason)
    data, normalised = _valid_document(data, today)
    duplicate = session.exec(
        select(Document).where(
            Document.watchlist_id == watchlist.id,
            Document.issuing_state == data.issuing_state,
            Document.number_normalised == normalised,
        )
    ).first()
    if duplicate is not None:
        raise InvalidEntry(
            _("document %(state)s %(number)s is already on %(watchlist)r (entry %(id)s)")
            % {"state": data.issuing_state, "number": normalised, "watchlist": watchlist.name, "id": duplicate.id},
            _("Update or reactivate that entry instead"),
        )
    document = Document(**data.model_dump(), watchlist_id=watchlist.id, number_normalised=normalised, created_by=actor)
    session.add(document)
    session.flush()
    _log(session, actor, reason, ChangeAction.create, "document", document.id, watchlist.id, _fields(data))
    return document


def upsert_document(
    session: Session, watchlist: Watchlist, data: DocumentCreate, actor: str, reason: str, today: dt.date | None = None
) -> tuple[Document, str]:
    """Add the document, or update the entry with the same state and number: (entry, created|updated|unchanged).

    A removed entry (the document was found) is not revived this way: ForbiddenTransition.
    """
    _check_who(actor, reason)
    checked, normalised = _valid_document(data, today)
    existing = session.exec(
        select(Document).where(
            Document.watchlist_id == watchlist.id,
            Document.issuing_state == checked.issuing_state,
            Document.number_normalised == normalised,
        )
    ).first()
    if existing is None:
        return add_document(session, watchlist, data, actor, reason, today), "created"
    if existing.status == EntryStatus.removed:
        raise ForbiddenTransition(
            _("document %(state)s %(number)s was removed from %(watchlist)r (%(why)s)")
            % {
                "state": checked.issuing_state,
                "number": normalised,
                "watchlist": watchlist.name,
                "why": existing.status_reason,
            },
            _("A removed entry is not re-listed by import; add it again deliberately if it was reported anew"),
        )
    changed = _apply(existing, checked)
    if changed:
        existing.updated_at = utc_now()
        session.add(existing)
        session.flush()
        _log(session, actor, reason, ChangeAction.update, "document", existing.id, watchlist.id, changed)
    return existing, "updated" if changed else "unchanged"


def get_document(session: Session, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None:
        raise UnknownEntry(_("no document entry with id %(id)s") % {"id": document_id}, _("Check the id"))
    return document


def set_document_status(session: Session, document_id: int, action: ChangeAction, actor: str, reason: str) -> Document:
    """Suspend, reactivate or remove a document entry (e.g. the document was found again)."""
    _check_who(actor, reason)
    document = get_document(session, document_id)
    _transition(session, document, action, actor, reason, "document", document.watchlist_id)
    return document


def list_documents(
    session: Session, watchlist: Watchlist | None = None, matchable_on: dt.date | None = None
) -> list[Document]:
    query = select(Document).join(Watchlist, col(Document.watchlist_id) == col(Watchlist.id))
    if watchlist is not None:
        query = query.where(Document.watchlist_id == watchlist.id)
    if matchable_on is not None:
        query = query.where(
            Document.status == EntryStatus.active,
            Watchlist.status == EntryStatus.active,
            col(Document.review_by) >= matchable_on,
        )
    return list(session.exec(query.order_by(Document.id)).all())


# --- change log ------------------------------------------------------------------------------------------------


def changes_of(session: Session, object_type: str, object_id: int) -> list[ChangeLog]:
    """The change history of one watchlist, subject, document or template, oldest first."""
    return list(
        session.exec(
            select(ChangeLog)
            .where(ChangeLog.object_type == object_type, ChangeLog.object_id == object_id)
            .order_by(ChangeLog.id)
        )
    )


# --- internals -------------------------------------------------------------------------------------------------


def _check_who(actor: str, reason: str) -> None:
    if not actor or not actor.strip():
        raise InvalidEntry(_("no actor given for a watchlist change"), _("Every change must say who made it"))
    if not reason or not reason.strip():
        raise InvalidEntry(_("no reason given for a watchlist change"), _("Every change must say why it was made"))


def _valid_subject(data: SubjectCreate, today: dt.date | None) -> SubjectCreate:
    try:
        data = SubjectCreate.model_validate(data.model_dump())
        if data.birth_date:
            data.birth_date = str(PartialDate.parse(data.birth_date))
    except ValueError as exc:
        raise InvalidEntry(
            _("subject %(ref)r: %(error)s") % {"ref": data.external_ref, "error": _first_error(exc)},
            _("Correct the entry"),
        ) from exc
    if data.sex is not None and data.sex.upper() not in ("F", "M", "X"):
        raise InvalidEntry(
            _("subject %(ref)r: sex %(sex)r is not F, M or X") % {"ref": data.external_ref, "sex": data.sex},
            _("Correct the entry"),
        )
    data.sex = data.sex.upper() if data.sex else None
    if data.nationality is not None:
        data.nationality = normalise_state(data.nationality)
        if not _STATE_CODE.match(data.nationality):
            raise InvalidEntry(
                _("subject %(ref)r: nationality %(nationality)r is not an ICAO 9303 code")
                % {"ref": data.external_ref, "nationality": data.nationality},
                _("Use the three-letter code, e.g. MLI, NER, BFA"),
            )
    data.aliases = [a.strip() for a in data.aliases if a and a.strip()]
    _check_review_date(data.review_by, today, _("subject %(ref)r") % {"ref": data.external_ref})
    return data


def _valid_document(data: DocumentCreate, today: dt.date | None) -> tuple[DocumentCreate, str]:
    try:
        data = DocumentCreate.model_validate(data.model_dump())
    except ValueError as exc:
        raise InvalidEntry(
            _("document %(number)r: %(error)s") % {"number": data.number, "error": _first_error(exc)},
            _("Correct the entry"),
        ) from exc
    data.issuing_state = normalise_state(data.issuing_state)
    if not _STATE_CODE.match(data.issuing_state):
        raise InvalidEntry(
            _("issuing state %(state)r is not an ICAO 9303 code") % {"state": data.issuing_state},
            _("Use e.g. MLI, NER, BFA, D"),
        )
    normalised = normalise_number(data.number)
    if not is_plausible_number(normalised):
        raise InvalidEntry(
            _("document number %(number)r holds characters other than letters, digits and separators")
            % {"number": data.number},
            _("Enter the number as printed in the document"),
        )
    if data.check_digit is not None and data.check_digit.strip():
        if not check_digit_fits(normalised, data.check_digit):
            raise InvalidEntry(
                _("document %(state)s %(number)s: check digit %(digit)r does not fit (ICAO 9303 gives %(icao)s)")
                % {
                    "state": data.issuing_state,
                    "number": normalised,
                    "digit": data.check_digit,
                    "icao": icao_check_digit(mrz_number_field(normalised)),
                },
                _("Check the number and its check digit against the report; nothing was stored"),
            )
    _check_review_date(
        data.review_by, today, _("document %(state)s %(number)s") % {"state": data.issuing_state, "number": normalised}
    )
    return data, normalised


def _check_review_date(review_by: dt.date, today: dt.date | None, what: str) -> None:
    today = today or dt.date.today()
    if review_by < today:
        raise InvalidEntry(
            _("%(what)s: review date %(date)s has passed") % {"what": what, "date": review_by},
            _("An entry needs a review date today or later"),
        )


def _update_subject(
    session: Session, subject: Subject, changes: dict, actor: str, reason: str, today: dt.date | None
) -> list[str]:
    _check_who(actor, reason)
    merged = _valid_subject(SubjectCreate(**{**_create_fields(subject, SubjectCreate), **changes}), today)
    changed = _apply(subject, merged)
    if changed:
        subject.updated_at = utc_now()
        session.add(subject)
        session.flush()
        _log(session, actor, reason, ChangeAction.update, "subject", subject.id, subject.watchlist_id, changed)
    return changed


def _subject_by_ref(session: Session, watchlist_id: int, external_ref: str) -> Subject | None:
    return session.exec(
        select(Subject).where(Subject.watchlist_id == watchlist_id, Subject.external_ref == external_ref)
    ).first()


def _transition(session: Session, entry, action: ChangeAction, actor: str, reason: str, kind: str, wl_id) -> None:
    if action not in _TRANSITIONS:
        raise ValueError(_("%(action)s is not a status change") % {"action": action.value})
    allowed_from, to_status = _TRANSITIONS[action]
    if entry.status not in allowed_from:
        raise ForbiddenTransition(
            _("%(kind)s %(id)s is %(status)s, so it cannot be given '%(action)s'")
            % {"kind": _ENTRY_KINDS[kind], "id": entry.id, "status": entry.status.value, "action": action.value},
            _("Check the entry's current status"),
        )
    before = entry.status
    entry.status = to_status
    entry.status_reason = reason
    entry.updated_at = utc_now()
    session.add(entry)
    session.flush()
    session.add(
        ChangeLog(
            actor=actor,
            reason=reason,
            action=action,
            object_type=kind,
            object_id=entry.id,
            watchlist_id=wl_id,
            fields=["status"],
            from_status=before,
            to_status=to_status,
        )
    )
    session.flush()


def _create_fields(row, create_model) -> dict:
    return {name: getattr(row, name) for name in create_model.model_fields}


def _apply(row, merged) -> list[str]:
    changed = []
    for name in type(merged).model_fields:
        new = getattr(merged, name)
        if getattr(row, name) != new:
            setattr(row, name, new)
            changed.append(name)
    return changed


def _fields(data) -> list[str]:
    return sorted(name for name, value in data.model_dump().items() if value not in (None, "", []))


def _log(session, actor, reason, action, kind, object_id, watchlist_id, fields=()) -> None:
    session.add(
        ChangeLog(
            actor=actor,
            reason=reason,
            action=action,
            object_type=kind,
            object_id=object_id,
            watchlist_id=watchlist_id,
            fields=list(fields),
        )
    )
    session.flush()


def _first_error(exc: ValueError) -> str:
    """The first thing wrong, in the reader's words: pydantic's errors through the catalog, our own as raised."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return sentence(errors()[0])
    return str(exc)
