"""Presentation-attack detection at run time: the patches upstream's models expect, and models that cannot load."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from edge.errors import ModelUnavailable
from edge.face.pad import MODELS, MODELS_DIR, PresentationAttackDetector
from edge.face.pad_crop import model_input, patch, scaled_box


def test_a_patch_is_the_box_widened_about_its_centre():
    # A 100x100 box centred at (300, 240) in a 640x480 frame, 2x: 200x200 about the same centre.
    assert scaled_box((480, 640), (250, 190, 100, 100), 2.0) == (200, 140, 400, 340)


def test_a_patch_that_would_leave_the_frame_is_shifted_back_inside():
    left, top, right, bottom = scaled_box((480, 640), (0, 0, 100, 100), 2.7)
    assert (left, top) == (0, 0) and (right, bottom) == (270, 270)


def test_the_scale_is_capped_so_the_patch_fits_the_image():
    # LFW's 250x250 images: a 4x patch of a 100-pixel face cannot fit, so it covers the whole image.
    assert scaled_box((250, 250), (75, 75, 100, 100), 4.0) == (0, 0, 249, 249)


def test_model_input_is_bgr_0_to_255_channels_first():
    bgr = np.zeros((80, 80, 3), np.uint8)
    bgr[..., 0] = 255  # blue, OpenCV's first channel
    batch = model_input([patch(bgr, (10, 10, 40, 40), 2.7, (80, 80))])
    assert batch.shape == (1, 3, 80, 80) and batch.dtype == np.float32
    assert batch[0, 0].min() == 255 and batch[0, 1:].max() == 0


def test_a_face_gets_a_live_score_between_0_and_1_from_both_models():
    rgb = np.ascontiguousarray(data.astronaut())
    result = PresentationAttackDetector().score(rgb, np.array([170, 40, 290, 170], np.float32))
    assert set(result.per_model) == set(MODELS)
    assert 0 <= result.live <= 1 and result.live == pytest.approx(np.mean(list(result.per_model.values())))


def test_a_box_outside_the_frame_is_refused():
    with pytest.raises(ValueError, match="outside"):
        PresentationAttackDetector().score(np.zeros((480, 640, 3), np.uint8), np.array([700, 10, 800, 100]))


def test_missing_models_name_the_file_and_what_to_do(tmp_path):
    with pytest.raises(ModelUnavailable, match="2.7_80x80_MiniFASNetV2.onnx is missing") as caught:
        PresentationAttackDetector(tmp_path)
    assert "Reinstall" in caught.value.remedy


def test_a_corrupt_model_file_is_a_named_error_not_a_crash(tmp_path):
    for name in MODELS:
        (tmp_path / name).write_bytes((MODELS_DIR / name).read_bytes()[:1000])
    with pytest.raises(ModelUnavailable, match="cannot load"):
        PresentationAttackDetector(tmp_path)
