"""Every simulated attack species makes a camera frame from a photo, the same one for the same seed."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.pad_attacks import FRAME, SPECIES
from benchmarks.travellers import astronaut_portrait


@pytest.mark.parametrize("species", SPECIES)
def test_each_species_gives_a_kiosk_frame_reproducibly(species):
    photo = astronaut_portrait()
    frame = SPECIES[species](photo, np.random.default_rng(7))
    assert frame.shape == (*FRAME, 3) and frame.dtype == np.uint8
    assert np.array_equal(frame, SPECIES[species](photo, np.random.default_rng(7)))
    assert frame.std() > 10  # an image, not a blank
