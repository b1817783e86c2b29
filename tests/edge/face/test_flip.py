"""Flip augmentation: a face's template is the mean of its chip's and its mirror's, under its own model id, so
flipped and plain templates are never compared, enrolled together or calibrated as one another."""

from __future__ import annotations

import numpy as np
import pytest

from checkpoint.settings import Settings
from edge.face.analyzer import FaceAnalyzer
from edge.face.factory import make_analyzer
from matcher.calibration import load_calibration
from matcher.errors import WrongModel
from matcher.gallery import Gallery


@pytest.fixture(scope="module")
def flipped(analyzer: FaceAnalyzer) -> FaceAnalyzer:
    """The default pipeline with flip on, reusing the session's converted model."""
    return make_analyzer("onnx", flip=True, models_dir=analyzer.embedder.onnx_path.parent)


def test_a_face_and_its_mirror_image_give_the_same_flipped_template(flipped, analyzer, astronaut) -> None:
    mirror = np.ascontiguousarray(astronaut[:, ::-1])
    plain = float(analyzer.primary(astronaut).embedding @ analyzer.primary(mirror).embedding)
    both = float(flipped.primary(astronaut).embedding @ flipped.primary(mirror).embedding)
    # A selfie camera's mirrored frame is the same face: with flip its template barely moves.
    assert both > 0.99 and both > plain, (both, plain)


def test_flipped_templates_carry_their_own_model_id_and_calibration(flipped, analyzer, astronaut) -> None:
    face = flipped.primary(astronaut)
    assert face.model_id == f"{analyzer.model_id}-flip" == flipped.model_id
    assert abs(float(np.linalg.norm(face.embedding)) - 1.0) < 1e-5
    assert float(face.embedding @ analyzer.primary(astronaut).embedding) < 0.9999  # not the plain template
    ours, plain = load_calibration(flipped.model_id), load_calibration(analyzer.model_id)
    assert ours.model_id == flipped.model_id and ours.points != plain.points
    assert (ours.detector, ours.alignment) == ("yunet+cnn", "dlib5") and ours.identification is not None


def test_a_gallery_of_plain_templates_refuses_a_flipped_probe(flipped, analyzer, astronaut) -> None:
    gallery = Gallery(analyzer.model_id, 128)
    gallery.add("collins", [1], analyzer.primary(astronaut).embedding[None, :], analyzer.model_id)
    probe = flipped.primary(astronaut)
    with pytest.raises(WrongModel):
        gallery.search(probe.embedding, probe.model_id, k=1)


def test_flip_with_zout8_is_the_default_and_names_the_kiosks_model_id(tmp_path) -> None:
    from edge.face.factory import configured_model_id

    settings = Settings(data_dir=tmp_path)
    assert settings.face_flip and settings.face_jitter == "zout8"
    plain = Settings(data_dir=tmp_path, face_flip=False)  # jitter goes with flip: off too
    flip_only = Settings(data_dir=tmp_path, face_jitter="")
    default_id = configured_model_id(settings.embedder, settings.face_alignment, **settings.embedder_options())
    plain_id = configured_model_id(plain.embedder, plain.face_alignment, **plain.embedder_options())
    flip_id = configured_model_id(flip_only.embedder, flip_only.face_alignment, **flip_only.embedder_options())
    assert default_id == f"{plain_id}-flip-zout8" and flip_id == f"{plain_id}-flip"
    calibration = load_calibration(default_id)  # shipped, with its own 1:N block
    assert calibration.model_id == default_id and calibration.identification is not None


def test_jittered_views_make_their_own_templates_under_their_own_model_id(flipped, analyzer, astronaut) -> None:
    from edge.face.flip import FlipEmbedder, flip_model_id, jitter_chip

    jittered = FlipEmbedder(analyzer.embedder, "zout4, zin4")  # any order or spacing: one canonical id
    assert jittered.jitter == ("zin4", "zout4") and jittered.passes == 6
    assert jittered.model_id == flip_model_id(analyzer.embedder.model_id, ("zout4", "zin4"))
    assert jittered.model_id == f"{analyzer.embedder.model_id}-flip-zin4-zout4" != flipped.embedder.model_id
    chip = flipped.primary(astronaut).chip
    assert jitter_chip(chip, "zin4").shape == chip.shape and not np.array_equal(jitter_chip(chip, "zin4"), chip)
    ours, flip_only = jittered.embed([chip])[0], flipped.embedder.embed([chip])[0]
    assert abs(float(np.linalg.norm(ours)) - 1.0) < 1e-5
    assert 0.98 < float(ours @ flip_only) < 0.99999  # close to flip's template, yet not it
    gallery = Gallery(flipped.embedder.model_id, 128)
    gallery.add("collins", [1], flip_only[None, :], flipped.embedder.model_id)
    with pytest.raises(WrongModel):
        gallery.search(ours, jittered.model_id, k=1)


def test_unknown_jitter_views_and_jitter_without_flip_are_refused(tmp_path) -> None:
    from edge.face.flip import parse_jitter

    with pytest.raises(ValueError, match="unknown jitter"):
        parse_jitter("zin4,tilt9")
    with pytest.raises(ValueError, match="flip"):
        make_analyzer("onnx", flip=False, jitter="zin4", models_dir=tmp_path)
