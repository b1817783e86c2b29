"""Fixtures for the kiosk: one Screener per session, synthetic travellers, signed watchlist snapshots."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from benchmarks.travellers import Traveller, astronaut_portrait, make_traveller
from checkpoint.settings import Settings
from edge.face.dlib_embedder import dlib_resnet_model_id
from edge.face.flip import flip_model_id
from watchlists.db import make_engine, sqlite_url
from watchlists.errors import WatchlistError
from watchlists.models import Category, ChangeAction, DocumentCreate, SubjectCreate, WatchlistCreate
from watchlists.snapshot import SnapshotStore, build_snapshot
from watchlists.store import (
    add_document,
    add_subject,
    add_template,
    create_watchlist,
    get_watchlist,
    list_subjects,
    set_subject_status,
)

# The model id of the templates a kiosk with the default settings makes (flip augmentation on).
_DEFAULTS = Settings.model_fields
MODEL = (
    flip_model_id(dlib_resnet_model_id(), _DEFAULTS["face_jitter"].default)
    if _DEFAULTS["face_flip"].default
    else dlib_resnet_model_id()
)


@pytest.fixture(scope="session")
def kiosk_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("kiosk-data"))


@pytest.fixture(scope="session")
def screener_parts(kiosk_settings: Settings):
    """A real Screener (ONNX embedder, RapidOCR, default policy), loaded once per session."""
    from checkpoint.pipeline.assemble import make_screener

    return make_screener(kiosk_settings, lambda: None)


@pytest.fixture
def screener(screener_parts):
    """The session's Screener with no snapshot; a test may set `screener.snapshot`, it is reset afterwards."""
    screener = screener_parts
    screener.snapshot = lambda: None
    yield screener
    screener.snapshot = lambda: None


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A real centre process for a test module, so the officer can sign in on the kiosk page."""
    from tests.checkpoint.centre import provisioned_centre

    centre = provisioned_centre(tmp_path_factory.mktemp("centre"))
    centre.start()
    yield centre
    centre.stop()


@pytest.fixture(scope="session")
def traveller() -> Traveller:
    """Eileen Collins (scikit-image's astronaut) on a synthetic passport (fictional name), with 5 camera frames."""
    return make_traveller(astronaut_portrait(), seed=1, birth_date=dt.date(1956, 11, 19))


@pytest.fixture(scope="session")
def astronaut_template(screener_parts, traveller) -> np.ndarray:
    return screener_parts.analyzer.primary(traveller.frames[0]).embedding


def build_bundle(
    folder: Path,
    faces: dict[str, np.ndarray],
    names: dict[str, str] | None = None,
    documents: list[tuple[str, str]] = (),
    key: Ed25519PrivateKey | None = None,
    delist: tuple[str, ...] = (),
    model: str = MODEL,
) -> tuple[Path, Ed25519PrivateKey]:
    """A signed snapshot: one wanted-person list with a subject per face (reference -> template of `model`), named
    subjects without faces, and lost/stolen documents (state, number). Called again on the same folder, it signs
    the next version from the same database, after removing the `delist` references."""
    key = key or Ed25519PrivateKey.generate()
    today = dt.date.today()
    engine = make_engine(sqlite_url(folder / "watchlists.sqlite"))
    with Session(engine) as session:
        try:
            wanted = get_watchlist(session, "wanted-demo")  # a second bundle from the same database
        except WatchlistError:
            wanted = create_watchlist(
                session,
                WatchlistCreate(
                    name="wanted-demo",
                    category=Category.wanted_person,
                    owning_authority="Demo police",
                    legal_basis="Demo warrant 1/2026",
                    officer_thumbnail=True,
                ),
                "admin",
                "test list",
            )
        for ref in delist:
            subject = next(x for x in list_subjects(session, wanted) if x.external_ref == ref)
            set_subject_status(session, subject.id, ChangeAction.remove, "admin", "warrant withdrawn")
        for ref, vector in faces.items():
            subject = add_subject(session, wanted, _subject(ref, f"Listed {ref}"), "admin", "test", today)
            add_template(session, subject, model, vector, 90.0, ref * 8, "admin", "enrol", "a.jpg", _thumb())
        for ref, name in (names or {}).items():
            add_subject(session, wanted, _subject(ref, name), "admin", "test", today)
        for state, number in documents:
            add_document(
                session,
                wanted,
                DocumentCreate(
                    issuing_state=state, number=number, reported_on=today, review_by=today + dt.timedelta(days=30)
                ),
                "admin",
                "stolen",
                today,
            )
        session.commit()
        out = folder / f"bundle-{len(list(folder.glob('*.snapshot')))}.snapshot"
        build_snapshot(session, key, out, "admin", model, today)
        session.commit()
    engine.dispose()
    return out, key


def load_bundle(path: Path, key: Ed25519PrivateKey, directory: Path):
    store = SnapshotStore(directory, key.public_key())
    return store.install(path)


def random_templates(count: int, seed: int = 3, prefix: str = "R") -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(count, 128)).astype(np.float32)
    return {f"{prefix}{i}": v / np.linalg.norm(v) for i, v in enumerate(vectors)}


def _subject(ref: str, name: str) -> SubjectCreate:
    return SubjectCreate(
        external_ref=ref, name_latin=name, reason="test warrant", review_by=dt.date.today() + dt.timedelta(days=365)
    )


def _thumb() -> bytes:
    import cv2

    ok, jpeg = cv2.imencode(".jpg", np.full((96, 96, 3), 128, np.uint8))
    return jpeg.tobytes()


from tests.api.test_pages import browser  # noqa: E402, F401 - headless Debian Chromium, as the centre's page tests
