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


def test_flip_is_the_default_and_names_the_kiosks_model_id(tmp_path) -> None:
    from edge.face.factory import configured_model_id

    settings = Settings(data_dir=tmp_path)
    assert settings.face_flip
    plain = Settings(data_dir=tmp_path, face_flip=False)
    flipped_id = configured_model_id(settings.embedder, settings.face_alignment, **settings.embedder_options())
    plain_id = configured_model_id(plain.embedder, plain.face_alignment, **plain.embedder_options())
    assert flipped_id == f"{plain_id}-flip"
