"""Enrolment from folders + manifest: manifest errors name the row, import is idempotent, rejections say why."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session

from tests.watchlists.conftest import TODAY
from watchlists.enrol import EnrolOptions, enrol_folder, read_manifest
from watchlists.errors import ManifestError
from watchlists.store import list_subjects, templates_of

REVIEW = TODAY + dt.timedelta(days=100)


def _csv(tmp_path, text):
    path = tmp_path / "manifest.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_manifest_reads_aliases_and_default_review_date(tmp_path):
    path = _csv(
        tmp_path,
        "reference,name_latin,name_original,aliases,birth_date,reason\n"
        "ML-1,Mohamed Traoré,محمد تراوري,Hamma;Le Grand,1978-04,armed robbery\n",
    )
    (subject,) = read_manifest(path, REVIEW)
    assert subject.aliases == ["Hamma", "Le Grand"]
    assert subject.review_by == REVIEW
    assert subject.name_original == "محمد تراوري"


def test_json_manifest_is_accepted(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"subjects": [{"reference": "A", "name_latin": "Awa Sow", "reason": "r",
                                              "review_by": "2027-01-01"}]}))  # fmt: skip
    assert read_manifest(path)[0].review_by == dt.date(2027, 1, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reference,name_latin,reason\nA,Awa Sow,r\n", "line 2: subject 'A' has no review_by date"),
        ("reference,name_latin,reason,review_by\nA,Awa Sow,,2027-01-01\n", "line 2: reason"),
        ("reference,name_latin,reason,review_by\nA,Awa,r,2027-01-01\nA,Awa,r,2027-01-01\n", "appears twice"),
        ("reference,name,reason,review_by\nA,Awa,r,2027-01-01\n", "unknown column"),
        ("reference,name_latin,reason,review_by\nA,Awa,r,next year\n", "line 2: review_by"),
        ("reference,name_latin,reason,review_by\n../etc,Awa,r,2027-01-01\n", "not a plain folder name"),
    ],
)
def test_bad_manifest_rows_are_named(tmp_path, text, message):
    with pytest.raises(ManifestError, match=message):
        read_manifest(_csv(tmp_path, text))


def test_manifest_of_unknown_type_or_broken_json_is_refused(tmp_path):
    with pytest.raises(ManifestError, match="neither .csv nor .json"):
        read_manifest(_csv(tmp_path, "x").rename(tmp_path / "m.txt"))
    broken = tmp_path / "m.json"
    broken.write_text("[{")
    with pytest.raises(ManifestError, match="not valid JSON"):
        read_manifest(broken)


@pytest.fixture
def photos(tmp_path, astronaut):
    """One subject's folder: the same real face cropped, mirrored and shifted (three different files), and a
    file that is not an image."""
    from PIL import Image

    folder = tmp_path / "photos" / "P-1"
    folder.mkdir(parents=True)
    image = Image.fromarray(astronaut).crop((0, 0, 400, 400))  # the full picture also holds a badge "face"
    image.save(folder / "front.png")
    image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(folder / "mirrored.png")
    Image.fromarray(astronaut).crop((30, 10, 430, 410)).save(folder / "shifted.png")
    (folder / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    return folder


def test_reimport_updates_never_duplicates_and_drops_withdrawn_photos(engine, wanted, tmp_path, photos, analyzer):
    folder = photos
    manifest = _csv(tmp_path, "reference,name_latin,reason\nP-1,Eileen Collins,test\n")
    subjects = read_manifest(manifest, REVIEW)
    options = EnrolOptions("admin", "test import", progress=False, today=TODAY)

    first = enrol_folder(engine, "wanted-ml", tmp_path / "photos", subjects, analyzer, options)
    assert first.subjects == {"P-1": "created"}
    broken = next(i for i in first.images if i.file == "broken.jpg")
    assert broken.status == "rejected" and broken.reasons
    enrolled = first.count("enrolled")
    assert enrolled == 3, first.summary()

    second = enrol_folder(engine, "wanted-ml", tmp_path / "photos", subjects, analyzer, options)
    assert second.subjects == {"P-1": "unchanged"}
    assert second.count("enrolled") == 0 and second.count("unchanged") == enrolled
    with Session(engine) as session:
        (subject,) = list_subjects(session)
        assert len(templates_of(session, subject.id)) == enrolled
        assert all(t.thumbnail_jpeg for t in templates_of(session, subject.id))  # the list allows thumbnails
        assert all(t.source_image is None for t in templates_of(session, subject.id))  # not configured to keep

    enrolled_files = [i.file for i in first.images if i.status == "enrolled"]
    (folder / enrolled_files[0]).unlink()
    third = enrol_folder(engine, "wanted-ml", tmp_path / "photos", subjects, analyzer, options)
    assert third.templates_removed == 1 and third.subjects == {"P-1": "updated"}
    with Session(engine) as session:
        assert len(templates_of(session, list_subjects(session)[0].id)) == enrolled - 1
