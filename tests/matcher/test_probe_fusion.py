"""Live-frame fusion: agreeing frames are averaged into one probe; a frame that disagrees is left out."""

import numpy as np
import pytest

from matcher.probe_fusion import fuse_probe
from tests.matcher.conftest import near, unit


def test_agreeing_frames_are_averaged_and_normalised(rng):
    person = unit(rng, 1)[0]
    frames = near(rng, person, 3, noise=0.3)
    probe, used = fuse_probe(frames, agree_at=0.5)
    assert used == 3
    assert np.linalg.norm(probe) == pytest.approx(1.0, abs=1e-6)
    expected = frames.mean(axis=0) / np.linalg.norm(frames.mean(axis=0))
    assert probe == pytest.approx(expected, abs=1e-6)
    assert probe @ person > max(f @ person for f in frames)  # nearer the person than any single frame


def test_a_frame_of_someone_else_is_left_out_and_the_best_frame_always_stays(rng):
    person, stranger = unit(rng, 2)
    frames = np.vstack([near(rng, person, 1, noise=0.2), near(rng, stranger, 1, noise=0.2), near(rng, person, 1)])
    probe, used = fuse_probe(frames, agree_at=0.5)
    assert used == 2 and probe @ stranger < 0.3
    alone, used = fuse_probe(frames[:2], agree_at=0.5)
    assert used == 1 and alone == pytest.approx(frames[0], abs=1e-6)
