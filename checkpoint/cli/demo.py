"""`checkpoint demo`: the README's first command. Starts the centre and one kiosk on localhost with embedded
defaults (SQLite, a demo watchlist enrolled from photos on this machine, synthetic travellers), prints the demo
users once and the URLs."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import click

from checkpoint.cli import demo_services as services
from checkpoint.i18n import _

DEMO_USERS = {"officer": "officer", "supervisor": "supervisor", "auditor": "auditor", "admin": "admin"}
# The officer `--check` signs in as on the kiosk page; its password is kept in the demo's credentials file.
CHECK_OFFICER = "demo-check"
# What `--check` expects for each sample traveller (recommendation, a reason it must carry): anything else fails it.
CHECK_EXPECTS = {"listed": ("REFER", "WATCHLIST_FACE_HIT"), "not-listed": ("CLEAR", None)}


def provision_centre(settings, kiosk_id: str, post_id: str, users: dict[str, str]) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    """Create the centre's tables, register the kiosk and the users (username -> role) with fresh passwords.
    Returns (kiosk secret, username -> password). Users that already exist keep their password (not returned)."""
    from sqlmodel import Session, select

    from api.accounts import create_user, register_kiosk
    from api.app import auth_policy
    from api.audit.chain import SYSTEM
    from api.audit.signing import load_or_create_private_key
    from api.audit.trail import AuditTrail
    from api.db import create_schema, is_sqlite, make_engine
    from api.migrations_runner import upgrade_if_postgres
    from api.models import Kiosk, User
    from api.schemas import KioskCreate, Role, UserCreate

    upgrade_if_postgres(settings.database_url_or_default)
    engine = make_engine(settings.database_url_or_default)
    if is_sqlite(engine):
        create_schema(engine)
    trail = AuditTrail(load_or_create_private_key(settings.audit_key_path), settings.tree_head_every_events)
    policy = auth_policy(settings)
    passwords = {}
    with Session(engine, expire_on_commit=False) as session:
        secret = ""
        if session.exec(select(Kiosk).where(Kiosk.kiosk_id == kiosk_id)).first() is None:
            secret = register_kiosk(
                session, trail, policy, SYSTEM, KioskCreate(kiosk_id=kiosk_id, post_id=post_id)
            ).secret
        for username, role in users.items():
            if session.exec(select(User).where(User.username == username)).first() is None:
                password = secrets.token_urlsafe(12)
                create_user(
                    session, trail, policy, SYSTEM, UserCreate(username=username, password=password, role=Role(role))
                )
                passwords[username] = password
    engine.dispose()
    return secret, passwords


def enrol_demo_watchlist(settings, folder: Path, lfw_people: int = 20) -> list[str]:  # type: ignore[no-untyped-def]
    """A demo wanted-person list (thumbnails allowed): the astronaut, plus LFW-dev people when present.
    Returns the enrolled references; re-running enrols nothing twice."""
    import datetime as dt

    import cv2
    from sqlmodel import Session

    from benchmarks.travellers import astronaut_portrait
    from checkpoint.compare import quality_gate
    from edge.face.factory import make_analyzer
    from watchlists.db import make_engine
    from watchlists.enrol import EnrolOptions, enrol_folder
    from watchlists.errors import WatchlistError
    from watchlists.models import Category, SubjectCreate, WatchlistCreate
    from watchlists.store import create_watchlist

    photos = folder / "watchlist-photos"
    review_by = dt.date.today() + dt.timedelta(days=365)
    subjects = [
        SubjectCreate(
            external_ref="DEMO-1", name_latin="Demo Astronaut", reason="DEMO: wanted (fictional)", review_by=review_by
        )
    ]
    (photos / "DEMO-1").mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(photos / "DEMO-1" / "astronaut.jpg"), cv2.cvtColor(astronaut_portrait(), cv2.COLOR_RGB2BGR))
    for person in _lfw_people(settings)[:lfw_people]:
        target = photos / person.name
        target.mkdir(exist_ok=True)
        for shot in sorted(person.glob("*.jpg"))[:2]:  # two photos each keeps the first run to seconds
            if not (target / shot.name).exists():
                (target / shot.name).write_bytes(shot.read_bytes())
        subjects.append(
            SubjectCreate(
                external_ref=person.name,
                name_latin=person.name.replace("_", " "),
                reason="DEMO: LFW public figure on a fictional list",
                review_by=review_by,
            )
        )
    engine = make_engine(settings.watchlists_url)
    with Session(engine) as session:
        try:
            create_watchlist(
                session,
                WatchlistCreate(
                    name="demo-wanted",
                    category=Category.wanted_person,
                    owning_authority="Demo authority",
                    legal_basis="Demonstration only, no real person wanted",
                    officer_thumbnail=True,
                ),
                "demo",
                "demo set-up",
            )
            session.commit()
        except WatchlistError:
            session.rollback()  # it exists from an earlier run
    analyzer = make_analyzer(
        settings.embedder,
        settings.face_detector,
        settings.face_upsample,
        quality_gate(settings),
        settings.fallback_detector,
        settings.face_alignment,
        **settings.embedder_options(),
    )
    enrol_folder(
        engine,
        "demo-wanted",
        photos,
        subjects,
        analyzer,
        EnrolOptions("demo", "demo set-up", thumbnail_px=settings.watchlists_thumbnail_px, progress=False),
    )
    _list_demo_documents(engine, review_by)
    engine.dispose()
    return [s.external_ref for s in subjects]


# Fictional passports reported stolen: the kiosk's lost/stolen check has a list to check against (an empty list is
# a check that cannot run, and refers everyone); no sample traveller carries one of these numbers.
DEMO_STOLEN = (("MLI", "DM0000001"), ("NER", "DM0000002"))


def _list_demo_documents(engine, review_by) -> None:  # type: ignore[no-untyped-def]
    """A demo lost/stolen documents list; re-running adds nothing twice."""
    import datetime as dt

    from sqlmodel import Session

    from watchlists.errors import UnknownWatchlist
    from watchlists.models import Category, DocumentCreate, WatchlistCreate
    from watchlists.store import add_document, create_watchlist, get_watchlist

    with Session(engine) as session:
        try:
            get_watchlist(session, "demo-lost-stolen")
            return  # listed by an earlier run
        except UnknownWatchlist:
            pass
        stolen = create_watchlist(
            session,
            WatchlistCreate(
                name="demo-lost-stolen",
                category=Category.lost_stolen_documents,
                owning_authority="Demo authority",
                legal_basis="Demonstration only, fictional documents",
            ),
            "demo",
            "demo set-up",
        )
        for state, number in DEMO_STOLEN:
            data = DocumentCreate(issuing_state=state, number=number, reported_on=dt.date.today(), review_by=review_by)
            add_document(session, stolen, data, "demo", "demo set-up")
        session.commit()


def _lfw_people(settings) -> list[Path]:  # type: ignore[no-untyped-def]
    images = settings.lfw_dir / "images"
    if not images.is_dir():
        return []
    return sorted(p for p in images.iterdir() if p.is_dir() and len(list(p.glob("*.jpg"))) >= 2)


def publish_snapshot(settings) -> int:  # type: ignore[no-untyped-def]
    """Sign the next snapshot version and install it where the kiosk reads it; returns the version."""
    from sqlmodel import Session

    from edge.face.factory import configured_model_id
    from watchlists.db import make_engine
    from watchlists.signing import generate_keypair, load_private_key, load_public_key
    from watchlists.snapshot import SnapshotStore, build_snapshot

    model_id = configured_model_id(settings.embedder, settings.face_alignment, **settings.embedder_options())
    if not settings.snapshot_private_key_path.is_file():
        generate_keypair(settings.snapshot_private_key_path, settings.snapshot_public_key_path)
    engine = make_engine(settings.watchlists_url)
    out = settings.data_dir / "demo" / "watchlist.snapshot"
    with Session(engine) as session:
        info = build_snapshot(session, load_private_key(settings.snapshot_private_key_path), out, "demo", model_id)
        session.commit()
    engine.dispose()
    SnapshotStore(settings.snapshot_path, load_public_key(settings.snapshot_public_key_path)).install(out)
    return info.version


def write_travellers(settings, folder: Path) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    """Sample travellers (document + 5 frames): one on the demo list and one on no list — an LFW-dev person not
    enrolled when LFW-dev is present, else Grace Hopper's photo that ships with Matplotlib."""
    import cv2

    from benchmarks.travellers import astronaut_portrait, hopper_portrait, make_traveller

    out = {"listed": make_traveller(astronaut_portrait(), seed=1).write(folder / "listed")[0].parent}
    unlisted = _lfw_people(settings)[20:21]
    if unlisted:
        photo = cv2.cvtColor(cv2.imread(str(sorted(unlisted[0].glob("*.jpg"))[0])), cv2.COLOR_BGR2RGB)
    else:
        photo = hopper_portrait()
    out["not-listed"] = make_traveller(photo, seed=2).write(folder / "not-listed")[0].parent
    return out


@click.command("demo")
@click.option("--centre-port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--kiosk-port", type=click.IntRange(1, 65535), default=8100, show_default=True)
@click.option("--check", is_flag=True, help="screen the sample travellers once through the kiosk, then stop")
def demo(centre_port: int, kiosk_port: int, check: bool) -> None:
    """Start the centre and one kiosk on localhost with a demo watchlist and sample travellers."""
    import json

    import httpx

    from checkpoint.settings import get_settings

    settings = get_settings()
    folder = settings.data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    click.echo(_("Enrolling the demo watchlist (the astronaut photo, plus LFW-dev people if present)..."))
    enrolled = enrol_demo_watchlist(settings, folder)
    version = publish_snapshot(settings)
    travellers = write_travellers(settings, folder / "travellers")
    credentials = folder / "kiosk-credentials.json"
    users = {**DEMO_USERS, CHECK_OFFICER: "officer"}
    secret, passwords = provision_centre(settings, settings.kiosk_id, settings.kiosk_post_id, users)
    stored = json.loads(credentials.read_text()) if credentials.is_file() else {}
    if secret:
        stored["secret"] = secret
    if CHECK_OFFICER in passwords:
        stored["check_password"] = passwords[CHECK_OFFICER]
    credentials.write_text(json.dumps(stored))
    credentials.chmod(0o600)
    if "secret" not in stored:
        raise click.ClickException(
            f"kiosk {settings.kiosk_id} is registered at the demo centre but {credentials} lost its secret: "
            f"delete {settings.data_dir / 'central.sqlite3'} and run the demo again"
        )
    centre_url = f"http://127.0.0.1:{centre_port}"
    kiosk_url = f"http://127.0.0.1:{kiosk_port}"
    env = {
        "CHECKPOINT_DATA_DIR": str(settings.data_dir),
        "CHECKPOINT_CENTRE_URL": centre_url,
        "CHECKPOINT_KIOSK_SECRET": stored["secret"],
    }
    import os

    env = {**os.environ, **env}
    centre = services.start(_("centre"), ["serve", "--port", str(centre_port)], env)
    kiosk = services.start(_("kiosk"), ["kiosk", "--port", str(kiosk_port)], env)
    try:
        _wait_for(f"{centre_url}/health", centre)
        _wait_for(f"{kiosk_url}/health", kiosk)
        summary = _("Watchlist snapshot v%(version)s: %(subjects)d subjects on demo-wanted.")
        click.echo("\n" + summary % {"version": version, "subjects": len(enrolled)})
        shown = {u: p for u, p in passwords.items() if u in DEMO_USERS}
        if shown:
            click.echo(_("Demo users (passwords shown once, only their hashes are kept: note them now):"))
            for username, password in shown.items():
                click.echo(f"  {username:<11} {password}   ({DEMO_USERS[username]})")
        if shown:
            kiosk_line = _("Kiosk (officer page): %(url)s  (sign in as officer with the officer password above)")
        else:
            kiosk_line = _(
                "Kiosk (officer page): %(url)s  (sign in as officer with the officer password printed when the demo "
                "first ran)"
            )
        click.echo("\n" + kiosk_line % {"url": kiosk_url})
        click.echo(_("Centre (supervisor/auditor pages): %(url)s") % {"url": f"{centre_url}/ui/login"})
        click.echo(_("Sample travellers to screen on the kiosk page (document + frames folder):"))
        for label, path in travellers.items():
            click.echo(f"  {label:<11} {path / 'document.jpg'}  {path / 'frames'}")
        if check:
            page = httpx.Client(base_url=kiosk_url, timeout=120)
            if "check_password" not in stored:
                raise click.ClickException(f"{credentials} has no password for {CHECK_OFFICER}: --check cannot sign in")
            signed_in = page.post("/signin", data={"username": CHECK_OFFICER, "password": stored["check_password"]})
            if signed_in.status_code != 303:
                raise click.ClickException(
                    f"the kiosk refused the sign-in of {CHECK_OFFICER} ({signed_in.status_code})"
                )
            click.echo(f"signed in on the kiosk as {CHECK_OFFICER}")
            unexpected = []
            for label, path in travellers.items():
                r = page.post(
                    "/api/screen",
                    json={"document": str(path / "document.jpg"), "frames": str(path / "frames")},
                )
                r.raise_for_status()
                body = r.json()
                codes = [reason["code"] for reason in body["reasons"]]
                click.echo(f"screened {label}: {body['recommendation']} {' '.join(codes)}")
                recommendation, reason = CHECK_EXPECTS[label]
                if body["recommendation"] != recommendation or (reason and reason not in codes):
                    expected = " ".join(filter(None, (recommendation, reason)))
                    unexpected.append(f"{label} was {' '.join([body['recommendation'], *codes])}, not {expected}")
            if unexpected:
                raise click.ClickException(f"the demo check failed: {'; '.join(unexpected)}")
            return
        click.echo("\n" + _("Press Ctrl-C to stop both."))
        stopped = services.first_to_stop([centre, kiosk])
        raise click.ClickException(_("%(report)s. The demo stopped the other one") % {"report": stopped.report()})
    finally:
        services.stop([kiosk, centre])


def _wait_for(url: str, service: services.Service, seconds: float = 120) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while True:
        if service.stopped():
            services.first_to_stop([service])  # its last words
            raise click.ClickException(_("%(report)s, before it answered") % {"report": service.report()})
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise click.ClickException(f"{url} did not answer within {seconds:.0f} s")
        time.sleep(0.2)
