"""`checkpoint watchlist ...`: create lists, import subjects with photos, delist, sign snapshots, install them."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path

import click

from checkpoint.cli.errors import PartlyRefused
from checkpoint.i18n import _

_ACTOR = click.option(
    "--actor", default=lambda: getpass.getuser(), show_default="your login name", help="who makes the change"
)
_REASON = click.option("--reason", required=True, help="why the change is made (kept in the change log)")


def enrolment_gate(settings):
    """The enrolment quality gate from the settings (stricter than screening's)."""
    from checkpoint.compare import quality_gate

    return quality_gate(settings, "enrolment")


def _engine():
    from checkpoint.settings import get_settings
    from watchlists.db import make_engine

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.watchlists_url)


def _chain(actor: str, action: str, obj: str, payload: dict) -> None:
    """Append a watchlist change made here to the central audit chain, right after the change committed.

    By default the lists live in the central database, so the chain is the same one `checkpoint serve` keeps;
    payloads carry counts and reasons, never names.
    """
    from sqlmodel import Session

    from api.audit.chain import Actor
    from api.audit.signing import load_or_create_private_key
    from api.audit.trail import AuditTrail
    from api.db import create_schema, is_sqlite, make_engine
    from checkpoint.settings import get_settings

    settings = get_settings()
    engine = make_engine(settings.database_url_or_default)
    if is_sqlite(engine):
        create_schema(engine)
    trail = AuditTrail(load_or_create_private_key(settings.audit_key_path), settings.tree_head_every_events)
    with Session(engine) as session:
        trail.record(session, Actor(actor, "watchlist_admin"), action, obj, payload)
        session.commit()
    engine.dispose()


@click.group()
def watchlist() -> None:
    """Watchlists: entries with legal basis and review dates, enrolment from photos, signed kiosk snapshots."""


@watchlist.command("create")
@click.argument("name")
@click.option(
    "--category",
    required=True,
    type=click.Choice(["wanted_person", "missing_person", "security_alert", "lost_stolen_documents"]),
)
@click.option("--authority", required=True, help="the owning authority")
@click.option("--legal-basis", required=True, help="the law or decision the list rests on")
@click.option(
    "--thumbnails/--no-thumbnails",
    default=False,
    show_default=True,
    help="kiosks may show officers a small face thumbnail of a hit",
)
@_ACTOR
@_REASON
def create(name: str, category: str, authority: str, legal_basis: str, thumbnails: bool, actor: str, reason: str):
    """Create a watchlist."""
    from sqlmodel import Session

    from watchlists.models import Category, WatchlistCreate
    from watchlists.store import create_watchlist

    with Session(_engine()) as session:
        data = WatchlistCreate(
            name=name,
            category=Category(category),
            owning_authority=authority,
            legal_basis=legal_basis,
            officer_thumbnail=thumbnails,
        )
        created = create_watchlist(session, data, actor, reason)
        session.commit()
        _chain(actor, "watchlist.create", f"watchlist:{created.id}", {**data.model_dump(mode="json"), "reason": reason})
        click.echo(f"created watchlist {created.name} ({created.category.value})")


@watchlist.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--manifest",
    "manifest_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV or JSON: one row per subject (reference = folder name)",
)
@click.option("--watchlist", "watchlist_name", required=True, help="the list to import into")
@click.option("--review-by", type=click.DateTime(["%Y-%m-%d"]), help="review date for rows that have none")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="write a JSON report")
@click.option("--quiet", is_flag=True, help="no progress bar")
@_ACTOR
@click.option("--reason", default="watchlist import", show_default=True, help="why (kept in the change log)")
def import_(folder: Path, manifest_path: Path, watchlist_name: str, review_by, report_path, quiet, actor, reason):
    """Import subjects from a manifest and enrol the photos in FOLDER/<reference>/ (re-running updates)."""
    from checkpoint.settings import get_settings
    from edge.face.factory import make_analyzer
    from watchlists.enrol import EnrolOptions, enrol_folder, read_manifest

    settings = get_settings()
    subjects = read_manifest(manifest_path, review_by.date() if review_by else None)
    analyzer = make_analyzer(
        settings.embedder,
        settings.face_detector,
        settings.face_upsample,
        enrolment_gate(settings),
        settings.fallback_detector,
        settings.face_alignment,
        **settings.embedder_options(),
    )
    options = EnrolOptions(
        actor=actor,
        reason=reason,
        keep_source_images=settings.watchlists_keep_source_images,
        thumbnail_px=settings.watchlists_thumbnail_px,
        progress=not quiet,
    )
    report = enrol_folder(_engine(), watchlist_name, folder, subjects, analyzer, options)
    counts = report.summary().splitlines()[:2]  # counts only: the lines after name people
    _chain(actor, "watchlist.import", f"watchlist:{watchlist_name}", {"reason": reason, "summary": counts})
    click.echo(report.summary())
    if report_path:
        report_path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _refusals_fail(len(report.refused), report.count("rejected"))


@watchlist.command("import-documents")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--watchlist", "watchlist_name", required=True, help="the list to import into")
@click.option("--review-by", type=click.DateTime(["%Y-%m-%d"]), help="review date for rows that have none")
@_ACTOR
@click.option("--reason", default="lost/stolen document import", show_default=True, help="why (change log)")
def import_documents_(csv_file: Path, watchlist_name: str, review_by, actor: str, reason: str) -> None:
    """Import lost/stolen documents from CSV (issuing_state, number, reported_on, check_digit, ...)."""
    from watchlists.document_import import import_documents

    report = import_documents(
        _engine(), watchlist_name, csv_file, actor, reason, review_by.date() if review_by else None
    )
    counts = report.summary().splitlines()[:1]
    _chain(actor, "watchlist.import_documents", f"watchlist:{watchlist_name}", {"reason": reason, "summary": counts})
    click.echo(report.summary())
    _refusals_fail(len(report.refused), 0)


def _refusals_fail(rows: int, photos: int) -> None:
    """An import that refused rows or photos exits 3, so `checkpoint watchlist import ... && snapshot` stops: the
    rows it took are kept (re-running is idempotent), but a listed person left out is screened as nobody."""
    if rows or photos:
        raise PartlyRefused(
            _(
                "the import refused %(rows)d row(s) and %(photos)d photo(s), listed above; fix them and run the "
                "import again (rows already imported stay as they are)"
            )
            % {"rows": rows, "photos": photos}
        )


@watchlist.command("list")
@click.option("--watchlist", "watchlist_name", help="only this list")
def list_(watchlist_name: str | None) -> None:
    """Watchlists, or one list's subjects with their status and review date (no personal data beyond names)."""
    from sqlmodel import Session

    from watchlists.store import get_watchlist, list_subjects, list_watchlists, templates_of

    with Session(_engine()) as session:
        if watchlist_name is None:
            for w in list_watchlists(session):
                click.echo(f"{w.name}\t{w.category.value}\t{w.status.value}\t{w.owning_authority}\t{w.legal_basis}")
            return
        for s in list_subjects(session, get_watchlist(session, watchlist_name)):
            templates = len(templates_of(session, s.id))
            click.echo(f"{s.id}\t{s.external_ref}\t{s.status.value}\treview by {s.review_by}\t{templates} template(s)")


@watchlist.command("history")
@click.argument("kind", type=click.Choice(["watchlist", "subject", "document", "face_template"]))
@click.argument("object_id", type=int)
def history(kind: str, object_id: int) -> None:
    """Every change to one entry: when, who, what, why (field names, never their values)."""
    from sqlmodel import Session

    from watchlists.store import changes_of

    with Session(_engine()) as session:
        changes = changes_of(session, kind, object_id)
        if not changes:
            click.echo(f"no recorded change to {kind} {object_id}")
        for c in changes:
            status = f" {c.from_status.value}->{c.to_status.value}" if c.from_status and c.to_status else ""
            fields = f" [{', '.join(c.fields)}]" if c.fields else ""
            click.echo(f"{c.at:%Y-%m-%d %H:%M:%S}\t{c.actor}\t{c.action.value}{status}{fields}\t{c.reason}")


def _status_command(action_name: str, help_text: str):
    @click.argument("subject_id", type=int)
    @_ACTOR
    @_REASON
    def command(subject_id: int, actor: str, reason: str) -> None:
        from sqlmodel import Session

        from watchlists.models import ChangeAction
        from watchlists.store import set_subject_status

        with Session(_engine()) as session:
            subject = set_subject_status(session, subject_id, ChangeAction(action_name), actor, reason)
            session.commit()
            said = f"subject {subject.id} ({subject.external_ref}) is now {subject.status.value}"
        _chain(actor, f"watchlist.subject.{action_name}", f"subject:{subject_id}", {"reason": reason})
        click.echo(said)

    command.__doc__ = help_text
    return watchlist.command(action_name)(command)


_status_command("suspend", "Stop matching a subject for now (it can be reactivated).")
_status_command("reactivate", "Match a suspended subject again.")
_status_command("remove", "Delist a subject for good: its face templates are erased, it is never matched again.")


@watchlist.command("keygen")
def keygen() -> None:
    """Create the centre's Ed25519 snapshot signing key pair (refuses to overwrite one)."""
    from checkpoint.settings import get_settings
    from watchlists.signing import generate_keypair

    settings = get_settings()
    generate_keypair(settings.snapshot_private_key_path, settings.snapshot_public_key_path)
    click.echo(f"private key: {settings.snapshot_private_key_path} (keep it at the centre)")
    click.echo(f"public key:  {settings.snapshot_public_key_path} (install it on every kiosk)")


@watchlist.command("snapshot")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@_ACTOR
def snapshot(out: Path, actor: str) -> None:
    """Build and sign the next snapshot bundle of everything matchable today."""
    from sqlmodel import Session

    from checkpoint.settings import get_settings
    from edge.face.factory import configured_model_id
    from watchlists.signing import load_private_key
    from watchlists.snapshot import build_snapshot

    settings = get_settings()
    key = load_private_key(settings.snapshot_private_key_path)
    model_id = configured_model_id(settings.embedder, settings.face_alignment, **settings.embedder_options())
    with Session(_engine()) as session:
        info = build_snapshot(session, key, out, actor, model_id, dt.date.today())
        session.commit()
    _chain(actor, "snapshot.publish", f"snapshot:{info.version}", info.summary())
    click.echo(
        f"snapshot v{info.version}: {info.subjects} subjects, {info.templates} face templates, {info.names} names, "
        f"{info.documents} documents; {info.size_bytes} bytes, sha256 {info.sha256[:16]}... -> {info.path}"
    )


@watchlist.command("install")
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
def install(bundle: Path) -> None:
    """Kiosk side: verify a snapshot bundle and switch to it (the current one stays if it is refused)."""
    from checkpoint.settings import get_settings
    from watchlists.signing import load_public_key
    from watchlists.snapshot import SnapshotStore

    settings = get_settings()
    store = SnapshotStore(settings.snapshot_path, load_public_key(settings.snapshot_public_key_path))
    snapshot = store.install(bundle)
    counts = snapshot.manifest["counts"]
    click.echo(
        f"installed snapshot v{snapshot.version}: {counts['subjects']} subjects, {counts['documents']} documents"
    )
