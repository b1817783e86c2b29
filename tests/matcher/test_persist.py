"""Saving and loading galleries: exact round trips, and every damaged or foreign file is a clear error."""

import json

import numpy as np
import pytest

from matcher.errors import GalleryFileError, WrongModel
from matcher.gallery import Gallery
from matcher.persist import MANIFEST, load_gallery, save_gallery
from tests.matcher.conftest import DIM, MODEL, unit

SPECS = ["Flat", "HNSW16 efSearch=64", "IVF8,Flat nprobe=8"]


@pytest.fixture
def saved(people, tmp_path):
    subjects, ids, vectors, _ = people
    gallery = Gallery(MODEL, DIM, background_rebuild=False)
    gallery.add_many(subjects, ids, vectors, MODEL)
    gallery.remove_subject("s003")
    save_gallery(gallery, tmp_path / "g")
    return gallery, tmp_path / "g"


@pytest.mark.parametrize("spec", SPECS)
def test_round_trip_gives_the_same_answers(people, tmp_path, spec):
    subjects, ids, vectors, _ = people
    gallery = Gallery(MODEL, DIM, spec, background_rebuild=False, rebuild_dead_fraction=0.99)
    gallery.add_many(subjects, ids, vectors, MODEL)
    gallery.remove_subject("s003")
    save_gallery(gallery, tmp_path)
    loaded = load_gallery(tmp_path, MODEL)
    assert len(loaded) == len(gallery) == 597
    assert str(loaded.spec) == str(gallery.spec)
    probes = vectors[::37]
    assert loaded.search_batch(probes, MODEL, k=5) == gallery.search_batch(probes, MODEL, k=5)
    assert loaded.templates_of("s003") == []
    # the loaded gallery is fully usable: add, remove, search
    loaded.add("new", [99999], unit(np.random.default_rng(5), 1), MODEL)
    loaded.remove_subject("s004")
    assert all(c.subject_id != "s004" for c in loaded.search(vectors[12], MODEL, k=600))


def test_a_removed_templates_vector_is_not_in_the_saved_files(people, tmp_path):
    subjects, ids, vectors, _ = people
    gallery = Gallery(MODEL, DIM, "HNSW16", background_rebuild=False)
    gallery.add_many(subjects, ids, vectors, MODEL)
    gallery.remove([ids[7]])
    save_gallery(gallery, tmp_path)
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert vectors[7].astype(np.float32).tobytes() not in stored
    assert vectors[8].astype(np.float32).tobytes() in stored  # the check can find a vector that is there


def test_saving_again_replaces_the_old_files(saved):
    gallery, directory = saved
    gallery.remove_subject("s010")
    save_gallery(gallery, directory)
    assert sorted(p.suffix for p in directory.iterdir()) == [".faiss", ".json", ".npz"]
    assert len(load_gallery(directory, MODEL)) == 594


def test_missing_gallery_is_a_clear_error(tmp_path):
    with pytest.raises(GalleryFileError, match="no saved gallery"):
        load_gallery(tmp_path / "nowhere", MODEL)


def test_truncated_index_file_is_an_error_not_an_empty_gallery(saved):
    _, directory = saved
    index_file = next(directory.glob("index-*.faiss"))
    data = index_file.read_bytes()
    index_file.write_bytes(data[: len(data) // 2])
    with pytest.raises(GalleryFileError, match="truncated or altered"):
        load_gallery(directory, MODEL)


def test_missing_data_file_is_an_error(saved):
    _, directory = saved
    next(directory.glob("ids-*.npz")).unlink()
    with pytest.raises(GalleryFileError, match="missing"):
        load_gallery(directory, MODEL)


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01binary", b"[1, 2, 3]", json.dumps({"format": "someone-elses/3"}).encode()],
)
def test_foreign_manifest_is_a_clear_error(saved, content):
    _, directory = saved
    (directory / MANIFEST).write_bytes(content)
    with pytest.raises(GalleryFileError, match="unusable"):
        load_gallery(directory, MODEL)


def test_manifest_of_a_newer_format_version_is_refused(saved):
    _, directory = saved
    manifest = json.loads((directory / MANIFEST).read_text())
    manifest["format"] = "checkpoint-gallery/2"
    (directory / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(GalleryFileError, match="checkpoint-gallery/2"):
        load_gallery(directory, MODEL)


def test_a_gallery_of_another_model_is_refused(saved):
    _, directory = saved
    with pytest.raises(WrongModel):
        load_gallery(directory, "another-model")


def test_manifest_counts_that_disagree_with_the_files_are_refused(saved):
    _, directory = saved
    manifest = json.loads((directory / MANIFEST).read_text())
    manifest["templates"] += 1
    (directory / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(GalleryFileError, match="counts"):
        load_gallery(directory, MODEL)


def test_a_failed_save_leaves_the_previous_gallery_loadable(saved, monkeypatch):
    gallery, directory = saved
    gallery.remove_subject("s011")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(OSError):
        save_gallery(gallery, directory)
    monkeypatch.undo()
    assert len(load_gallery(directory, MODEL)) == 597  # the previous save, intact
    assert not [p for p in directory.iterdir() if p.name.startswith(".")]  # no temp files left behind
