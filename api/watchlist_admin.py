"""Watchlist administration at the centre: the watchlists store and snapshot builder, with every change and
every read of watchlist personal data appended to the audit chain in the same database transaction.

The watchlist tables live in the central database (`CHECKPOINT_WATCHLISTS_DB_URL` defaults to the central
service's URL), so a change and its audit event commit together or not at all.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from api.audit.chain import Actor
from api.audit.trail import AuditTrail
from api.errors import NotFound
from checkpoint.i18n import _
from watchlists import snapshot, store
from watchlists.models import ChangeAction, WatchlistCreate
from watchlists.signing import load_private_key

STATUS_ACTIONS = {"suspend": ChangeAction.suspend, "reactivate": ChangeAction.reactivate, "remove": ChangeAction.remove}


def watchlist_summary(watchlist, subjects: int | None = None) -> dict:
    """What any permitted role may see of a list: its terms, never its entries."""
    out = {
        "name": watchlist.name,
        "category": str(watchlist.category),
        "owning_authority": watchlist.owning_authority,
        "legal_basis": watchlist.legal_basis,
        "officer_thumbnail": watchlist.officer_thumbnail,
        "status": str(watchlist.status),
    }
    if subjects is not None:
        out["active_subjects"] = subjects
    return out


def create(session: Session, trail: AuditTrail, actor: Actor, data: WatchlistCreate, reason: str) -> dict:
    watchlist = store.create_watchlist(session, data, actor.name, reason)
    trail.record(
        session, actor, "watchlist.create", f"watchlist:{watchlist.id}", {**data.model_dump(), "reason": reason}
    )
    session.commit()
    return watchlist_summary(watchlist)


def list_all(session: Session) -> list[dict]:
    return [watchlist_summary(w) for w in store.list_watchlists(session)]


def subjects(session: Session, trail: AuditTrail, actor: Actor, name: str) -> list[dict]:
    """A list's entries (names, dates of birth: personal data), so the read is audited."""
    watchlist = store.get_watchlist(session, name)
    rows = store.list_subjects(session, watchlist)
    trail.record(session, actor, "watchlist.read", f"watchlist:{watchlist.id}", {"subjects": len(rows)})
    session.commit()
    return [
        {
            "id": s.id,
            "external_ref": s.external_ref,
            "name_latin": s.name_latin,
            "birth_date": s.birth_date,
            "status": str(s.status),
            "review_by": s.review_by.isoformat() if s.review_by else None,
        }
        for s in rows
    ]


def set_subject_status(
    session: Session, trail: AuditTrail, actor: Actor, subject_id: int, action: str, reason: str
) -> dict:
    subject = store.set_subject_status(session, subject_id, STATUS_ACTIONS[action], actor.name, reason)
    trail.record(session, actor, f"watchlist.subject.{action}", f"subject:{subject.id}", {"reason": reason})
    session.commit()
    return {"id": subject.id, "status": str(subject.status)}


def publish_snapshot(
    session: Session, trail: AuditTrail, actor: Actor, key_path: Path, out_dir: Path, model_id: str
) -> dict:
    """Build, sign and record the next snapshot version of `model_id` templates (the kiosks' face model; the
    CLI builds with the same one); the bundle file is what kiosks download."""
    key = load_private_key(key_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    version = snapshot.next_version(session)
    info = snapshot.build_snapshot(session, key, out_dir / f"snapshot-v{version}.bundle", actor.name, model_id)
    published = info.summary()
    trail.record(session, actor, "snapshot.publish", f"snapshot:{info.version}", published)
    session.commit()
    return published


def latest_snapshot(
    session: Session, trail: AuditTrail, actor: Actor, out_dir: Path, newer_than: int = 0
) -> tuple[Path, dict] | None:
    """The newest published bundle, its download audited (it carries watchlist personal data); None when it
    is not newer than the version the kiosk already has (a kiosk on a poor link polls without downloading)."""
    bundles = sorted(out_dir.glob("snapshot-v*.bundle"), key=lambda p: int(p.stem.split("-v")[1]))
    if not bundles:
        raise NotFound(
            _("no watchlist snapshot has been published yet"), _("ask a watchlist administrator to publish one")
        )
    path = bundles[-1]
    version = int(path.stem.split("-v")[1])
    if version <= newer_than:
        return None
    trail.record(session, actor, "snapshot.download", f"snapshot:{version}", {"bytes": path.stat().st_size})
    session.commit()
    return path, {"version": version}
