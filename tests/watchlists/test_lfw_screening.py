"""Real faces end to end: enrol LFW identities from photo folders, build and install a signed snapshot, screen
other photos of the same people (hits) and of other people (no hits); expiry and removal really stop matching.

The face threshold is the model's calibrated threshold at the configured FMR (matcher/calibrations/).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from checkpoint.cli.watchlist import enrolment_gate
from checkpoint.settings import Settings
from edge.face.analyzer import FaceAnalyzer
from edge.image import load_image
from matcher.calibration import load_calibration
from watchlists.db import make_engine, sqlite_url
from watchlists.enrol import EnrolOptions, enrol_folder
from watchlists.models import Category, ChangeAction, SubjectCreate, WatchlistCreate
from watchlists.snapshot import SnapshotStore, build_snapshot
from watchlists.store import create_watchlist, list_subjects, set_subject_status, update_subject

pytestmark = [pytest.mark.lfw, pytest.mark.slow]

TODAY = dt.date(2026, 11, 22)
ENROLLED_PEOPLE = 6
PHOTOS_ENROLLED = 3  # per person; the rest of their photos are probes
STRANGERS = 40  # never enrolled: their photos must not hit


@pytest.fixture(scope="module")
def world(tmp_path_factory, lfw_dir, analyzer):
    """Enrol six LFW people, sign a snapshot, and embed the probes and the strangers' photos once."""
    people = sorted(p for p in (lfw_dir / "images").iterdir() if p.is_dir())
    many = [p for p in people if len(list(p.glob("*.jpg"))) >= PHOTOS_ENROLLED + 2][:ENROLLED_PEOPLE]
    strangers = [p for p in people if p not in many][:STRANGERS]
    tmp = tmp_path_factory.mktemp("lfw-watchlist")
    photos = tmp / "photos"
    for person in many:
        (photos / person.name).mkdir(parents=True)
        for image in sorted(person.glob("*.jpg"))[:PHOTOS_ENROLLED]:
            (photos / person.name / image.name).symlink_to(image)
    engine = make_engine(sqlite_url(tmp / "watchlists.sqlite"))
    with Session(engine) as session:
        create_watchlist(
            session,
            WatchlistCreate(
                name="wanted",
                category=Category.wanted_person,
                owning_authority="test authority",
                legal_basis="test warrant",
                officer_thumbnail=True,
            ),  # fmt: skip
            "admin",
            "test list",
        )
        session.commit()
    subjects = [
        SubjectCreate(
            external_ref=p.name,
            name_latin=p.name.replace("_", " "),
            reason="test",
            review_by=TODAY + dt.timedelta(days=30),
        )  # fmt: skip
        for p in many
    ]
    settings = Settings()
    # The default pipeline's embedder (shared with the other tests) behind the enrolment quality gate.
    analyzer = FaceAnalyzer(analyzer.embedder, settings.face_detector, settings.face_upsample, enrolment_gate(settings))
    report = enrol_folder(engine, "wanted", photos, subjects, analyzer, EnrolOptions("admin", "test", progress=False))
    key = Ed25519PrivateKey.generate()
    with Session(engine) as session:
        info = build_snapshot(session, key, tmp / "v1.snapshot", "admin", analyzer.model_id, TODAY)
        session.commit()
    store = SnapshotStore(tmp / "kiosk", key.public_key())
    store.install(info.path)

    def embed(path: Path) -> np.ndarray | None:
        faces = analyzer.get(load_image(path))
        return faces[0].embedding if faces else None

    probes = {p.name: [embed(i) for i in sorted(p.glob("*.jpg"))[PHOTOS_ENROLLED : PHOTOS_ENROLLED + 2]] for p in many}
    stranger_vectors = [embed(sorted(p.glob("*.jpg"))[0]) for p in strangers]
    threshold = load_calibration(analyzer.model_id).threshold_at(Settings().target_fmr)
    return {
        "engine": engine, "key": key, "store": store, "report": report, "model_id": analyzer.model_id,
        "probes": probes, "strangers": [v for v in stranger_vectors if v is not None], "threshold": threshold,
        "tmp": tmp,
    }  # fmt: skip


def _top(world, vector, today=TODAY):
    hits = world["store"].current.screen_face(vector, world["model_id"], world["threshold"], k=1, today=today)
    return hits[0].subject.name_latin.replace(" ", "_") if hits else None


def test_enrolment_reports_every_photo_and_enrols_most(world):
    report = world["report"]
    assert len(report.images) == ENROLLED_PEOPLE * PHOTOS_ENROLLED
    assert report.count("enrolled") >= ENROLLED_PEOPLE  # LFW is unconstrained: some photos fail the strict gate
    for outcome in report.images:
        if outcome.status == "rejected":
            assert outcome.reasons, outcome  # each rejection says why


def test_other_photos_of_enrolled_people_hit_the_right_subject(world):
    enrolled = {ref for ref, status in world["report"].subjects.items() if status == "created"}
    with Session(world["engine"]) as session:
        with_faces = {
            s.external_ref for s in list_subjects(session) if world["store"].current.gallery.templates_of(f"s{s.id}")
        }
    results = [
        (person, _top(world, v)) for person in with_faces & enrolled for v in world["probes"][person] if v is not None
    ]
    correct = sum(person == found for person, found in results)
    wrong = [(person, found) for person, found in results if found not in (None, person)]
    assert wrong == []
    assert correct >= 0.6 * len(results), results


def test_people_never_enrolled_do_not_hit(world):
    hits = [_top(world, v) for v in world["strangers"]]
    # 40 strangers x 6 subjects = 240 comparisons at FMR 1e-3: a false hit is possible but should be rare.
    assert sum(h is not None for h in hits) <= 1, hits


def _install(world, name: str) -> None:
    with Session(world["engine"]) as session:
        info = build_snapshot(session, world["key"], world["tmp"] / name, "admin", world["model_id"], TODAY)
        session.commit()
    world["store"].install(info.path)


def test_expiry_and_removal_stop_matching(world):
    found = [(p, v) for p, vectors in world["probes"].items() for v in vectors if v is not None and _top(world, v) == p]
    assert found, "no probe photo hit its subject"
    person, vector = found[0]
    with Session(world["engine"]) as session:
        subject_id = next(s.id for s in list_subjects(session) if s.external_ref == person)
        update_subject(session, subject_id, {"review_by": TODAY}, "admin", "review brought forward", today=TODAY)
        session.commit()
    _install(world, "v2.snapshot")
    assert _top(world, vector) == person
    assert _top(world, vector, today=TODAY + dt.timedelta(days=1)) is None  # expired, even on an offline kiosk
    with Session(world["engine"]) as session:
        set_subject_status(session, subject_id, ChangeAction.remove, "admin", "warrant withdrawn")
        session.commit()
    _install(world, "v3.snapshot")
    assert world["store"].version == 3
    assert _top(world, vector) is None
