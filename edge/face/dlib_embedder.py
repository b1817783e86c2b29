"""dlib's ResNet-34 face embedder (128-d, 99.38% on LFW as published): the reference backend."""

from __future__ import annotations

import dlib
import numpy as np

from edge.face.align import DLIB_RESNET_CHIP
from edge.face.embedder import l2_normalise
from edge.face.model_files import RESNET, file_sha256, model_path

# Templates carry this family name plus a digest of the weights file, so two different weight files can
# never be compared by accident.
MODEL_FAMILY = "dlib-resnet-v1"


def dlib_resnet_model_id() -> str:
    return f"{MODEL_FAMILY}-{file_sha256(model_path(RESNET))[:12]}"


class DlibEmbedder:
    """Runs dlib's own inference on aligned chips; slow on a CPU (~0.15-0.2 s a face) but the ground truth."""

    dim = 128
    chip_spec = DLIB_RESNET_CHIP

    def __init__(self) -> None:
        self._net = dlib.face_recognition_model_v1(str(model_path(RESNET)))
        self.model_id = dlib_resnet_model_id()

    def embed(self, chips: list[np.ndarray]) -> np.ndarray:
        if len(chips) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        for chip in chips:
            if chip.shape != (self.chip_spec.size, self.chip_spec.size, 3) or chip.dtype != np.uint8:
                raise ValueError(f"dlib embedder needs 150x150x3 uint8 chips, got {chip.shape} {chip.dtype}")
        raw = self._net.compute_face_descriptor([np.ascontiguousarray(c) for c in chips])
        return l2_normalise(np.array([np.asarray(d) for d in raw], dtype=np.float32))
