"""Signed snapshots: what a kiosk accepts, what it refuses (and keeps screening meanwhile), what a bundle holds."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import tarfile

import numpy as np
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.watchlists.conftest import TODAY, subject_data
from watchlists.errors import SnapshotIncomplete, SnapshotRejected
from watchlists.models import Category, ChangeAction, DocumentCreate, WatchlistCreate
from watchlists.snapshot import SnapshotStore, build_snapshot, next_version, subject_key
from watchlists.store import add_document, add_subject, add_template, create_watchlist, set_subject_status

MODEL = "test-model-128"
NAME_CUTOFF = 0.88


@pytest.fixture
def key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def populated(session, wanted):
    """Two subjects with templates on a list allowing thumbnails, one on a list that does not, one document."""
    rng = np.random.default_rng(7)
    missing = create_watchlist(
        session,
        WatchlistCreate(
            name="missing-ne", category=Category.missing_person, owning_authority="Police NE", legal_basis="Art. 5"
        ),
        "admin",
        "new list",
    )
    people = {
        "traore": add_subject(session, wanted, subject_data("ML-1", "Mohamed Ag Traoré"), "admin", "x", TODAY),
        "keita": add_subject(session, wanted, subject_data("ML-2", "Fatoumata Keïta", sex="F"), "admin", "x", TODAY),
        "diallo": add_subject(
            session,
            missing,
            subject_data("NE-1", "Aminata Diallo", review_by=TODAY + dt.timedelta(days=2)),
            "admin",
            "x",
            TODAY,
        ),
    }
    vectors = {}
    for name, subject in people.items():
        vectors[name] = rng.normal(size=128).astype(np.float32)
        add_template(
            session, subject, MODEL, vectors[name], 90.0, name * 4, "admin", "enrol", "a.jpg", b"\xff\xd8thumb"
        )
    add_document(
        session,
        wanted,
        DocumentCreate(issuing_state="MLI", number="AA0012345", reported_on=TODAY, review_by=TODAY),
        "admin",
        "reported stolen",
        TODAY,
    )
    session.commit()
    return people, vectors


def _build(session, key, tmp_path, name="bundle.snapshot", today=TODAY, model=MODEL):
    """A bundle of names, documents and the `model` face templates."""
    info = build_snapshot(session, key, tmp_path / name, "admin", model, today)
    session.commit()
    return info


def test_names_and_documents_are_screened_from_an_installed_bundle(session, populated, key, tmp_path):
    info = _build(session, key, tmp_path)
    store = SnapshotStore(tmp_path / "kiosk", key.public_key())
    snapshot = store.install(info.path)
    assert (store.version, info.subjects, info.documents) == (1, 3, 1)
    names = snapshot.screen_name("Mahamadou Traore", "1978", NAME_CUTOFF, today=TODAY)
    assert [m.subject.name_latin for m in names] == ["Mohamed Ag Traoré"]
    assert names[0].subject.reason.startswith("International arrest warrant")
    assert snapshot.screen_document("MLI", "AA 001 2345", today=TODAY).listed
    assert not snapshot.screen_document("MLI", "AA0012346", today=TODAY).listed


def test_bundle_holds_no_source_photo_and_thumbnails_only_where_the_list_allows(session, populated, key, tmp_path):
    people, _ = populated
    info = _build(session, key, tmp_path)
    names = tarfile.open(info.path).getnames()
    assert f"thumbnails/{subject_key(people['traore'].id)}.jpg" in names
    assert f"thumbnails/{subject_key(people['diallo'].id)}.jpg" not in names  # missing-ne does not allow them
    assert not any(n.endswith((".png", ".jpeg")) or "source" in n for n in names)
    subjects = gzip.decompress(tarfile.open(info.path).extractfile("subjects.json.gz").read()).decode()
    assert "ML-1" not in subjects  # the authority's own reference stays at the centre


def test_older_or_same_version_is_refused_and_current_kept(session, populated, key, tmp_path):
    first = _build(session, key, tmp_path, "v1.snapshot")
    second = _build(session, key, tmp_path, "v2.snapshot")
    store = SnapshotStore(tmp_path / "kiosk", key.public_key())
    store.install(second.path)
    with pytest.raises(SnapshotRejected, match="version 1 is not newer than the version in use \\(2\\)"):
        store.install(first.path)
    with pytest.raises(SnapshotRejected, match="not newer"):
        store.install(second.path)
    assert store.version == 2
    # A restarted kiosk comes back on the bundle it had accepted.
    assert SnapshotStore(tmp_path / "kiosk", key.public_key()).version == 2
    # Losing the current bundle does not let an older one in.
    (tmp_path / "kiosk" / "current.snapshot").unlink()
    with pytest.raises(SnapshotRejected, match="not newer"):
        SnapshotStore(tmp_path / "kiosk", key.public_key()).install(first.path)


def _corrupt(path, how):
    data = bytearray(path.read_bytes())
    if how == "truncated":
        data = data[: len(data) // 2]
    elif how == "member":
        with tarfile.open(path) as tar:
            position = tar.getmember("subjects.json.gz").offset_data + 20
        data[position] ^= 0x01
    out = path.with_name(f"{how}.snapshot")
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize(("how", "message"), [("truncated", "refused"), ("member", "does not match its signed hash")])
def test_tampered_or_truncated_bundle_is_refused_and_kiosk_keeps_screening(
    session, populated, key, tmp_path, how, message
):
    good = _build(session, key, tmp_path, "v1.snapshot")
    newer = _build(session, key, tmp_path, "v2.snapshot")
    store = SnapshotStore(tmp_path / "kiosk", key.public_key())
    store.install(good.path)
    with pytest.raises(SnapshotRejected, match=message):
        store.install(_corrupt(newer.path, how))
    assert store.version == 1
    assert store.current.screen_name("Fatoumata Keita", None, NAME_CUTOFF, today=TODAY)


def test_bundle_signed_by_another_key_is_refused(session, populated, key, tmp_path):
    info = _build(session, key, tmp_path)
    store = SnapshotStore(tmp_path / "kiosk", Ed25519PrivateKey.generate().public_key())
    with pytest.raises(SnapshotRejected, match="signature does not verify"):
        store.install(info.path)
    assert store.current is None


def test_manifest_edited_after_signing_is_refused(session, populated, key, tmp_path):
    info = _build(session, key, tmp_path)
    with tarfile.open(info.path) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar}
    members["manifest.json"] = members["manifest.json"].replace(b'"version":1', b'"version":9')
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in members.items():
            entry = tarfile.TarInfo(name)
            entry.size = len(data)
            tar.addfile(entry, io.BytesIO(data))
    forged = tmp_path / "forged.snapshot"
    forged.write_bytes(out.getvalue())
    with pytest.raises(SnapshotRejected, match="signature"):
        SnapshotStore(tmp_path / "kiosk", key.public_key()).install(forged)


def test_entry_expiring_after_the_bundle_was_built_is_not_matched(session, populated, key, tmp_path):
    info = _build(session, key, tmp_path)
    snapshot = SnapshotStore(tmp_path / "kiosk", key.public_key()).install(info.path)
    assert snapshot.screen_name("Aminata Diallo", None, NAME_CUTOFF, today=TODAY)
    three_days_later = TODAY + dt.timedelta(days=3)  # Diallo's review date has passed, the kiosk is offline
    assert snapshot.screen_name("Aminata Diallo", None, NAME_CUTOFF, today=three_days_later) == []
    assert not snapshot.screen_document("MLI", "AA0012345", today=three_days_later).listed


def test_faces_are_searched_and_removed_subjects_leave_the_next_bundle(session, populated, key, tmp_path):
    people, vectors = populated
    store = SnapshotStore(tmp_path / "kiosk", key.public_key())
    snapshot = store.install(_build(session, key, tmp_path, "v1.snapshot").path)
    probe = vectors["keita"] + np.random.default_rng(3).normal(scale=0.05, size=128).astype(np.float32)
    threshold = 0.9  # synthetic vectors: a near copy scores ~1, an unrelated random vector ~0
    hits = snapshot.screen_face(probe, MODEL, threshold, today=TODAY)
    assert [h.subject.name_latin for h in hits] == ["Fatoumata Keïta"]
    set_subject_status(session, people["keita"].id, ChangeAction.remove, "admin", "warrant withdrawn")
    session.commit()
    snapshot = store.install(_build(session, key, tmp_path, "v2.snapshot").path)
    assert snapshot.screen_face(probe, MODEL, threshold, today=TODAY) == []
    assert snapshot.screen_name("Fatoumata Keita", None, NAME_CUTOFF, today=TODAY) == []


def test_a_bundle_for_a_model_the_listed_faces_lack_is_refused_at_build_time(session, populated, key, tmp_path):
    """Kiosks running another face model would load a bundle with no faces and never alarm: refuse to build it."""
    with pytest.raises(SnapshotIncomplete, match="3 subject\\(s\\) with only test-model-128 templates") as refused:
        _build(session, key, tmp_path, model="arcface-arcface-0123456789ab")
    assert "CHECKPOINT_EMBEDDER" in refused.value.remedy
    assert not (tmp_path / "bundle.snapshot").exists()
    assert next_version(session) == 1  # nothing was issued


def test_a_bundle_carries_every_listed_face_of_the_kiosks_model(session, populated, key, tmp_path):
    info = _build(session, key, tmp_path)
    snapshot = SnapshotStore(tmp_path / "kiosk", key.public_key()).install(info.path)
    assert info.templates == 3 and snapshot.model_id == MODEL
    assert snapshot.in_force(TODAY).faces == 3 and snapshot.in_force(TODAY).documents == 1
