"""Any ArcFace-style ONNX face model (112x112 RGB in, one vector out) given by file path: for licensed models
an operator configures. The model is a file, not code: its input layout (NCHW or NHWC) and output size are
read from the graph; how to align and normalise faces is declared by the operator.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from edge.errors import ModelUnavailable
from edge.face.align import ARCFACE_CHIP
from edge.face.embedder import ChipSpec, l2_normalise
from edge.face.model_files import file_sha256
from edge.face.onnx_session import make_cpu_session

# "arcface": the five points warped onto InsightFace's 112x112 template (what ArcFace models are trained on);
# "dlib": dlib's get_face_chip crop at 112 px, for models trained on dlib-style crops.
ALIGNMENTS = {"arcface": ARCFACE_CHIP, "dlib": ChipSpec(kind="dlib", size=112, padding=0.25)}


class UnsupportedFaceModel(ModelUnavailable):
    """The ONNX file is readable but does not look like a 112x112 RGB face embedder."""

    code = "unsupported_face_model"


def _unsupported(path: Path, what: str) -> UnsupportedFaceModel:
    return UnsupportedFaceModel(
        f"{path.name} is not an ArcFace-style model: {what}",
        "Configure an ONNX face embedder with one image input (1x3x112x112 or 1x112x112x3) and one vector output",
    )


class ArcFaceEmbedder:
    """An ArcFace-style ONNX model on onnxruntime; `model_id` names the alignment and the file's SHA-256."""

    def __init__(
        self,
        model_file: Path,
        alignment: str = "arcface",
        threads: int = 0,
        batch_size: int = 16,
        pixel_mean: float = 127.5,
        pixel_std: float = 127.5,
    ) -> None:
        path = Path(model_file)
        if not path.is_file():
            raise ModelUnavailable(
                f"the face model file {path} does not exist",
                "Set CHECKPOINT_ARCFACE_MODEL to the path of the ONNX file",
            )
        if alignment not in ALIGNMENTS:
            raise ValueError(f"unknown alignment {alignment!r}: choose one of {sorted(ALIGNMENTS)}")
        if batch_size < 1 or pixel_std == 0:
            raise ValueError("batch size must be at least 1 and pixel_std non-zero")
        self.chip_spec = ALIGNMENTS[alignment]
        self.batch_size = batch_size
        self._mean, self._std = np.float32(pixel_mean), np.float32(pixel_std)
        self._session = make_cpu_session(path, threads)
        inputs, outputs = self._session.get_inputs(), self._session.get_outputs()
        if len(inputs) != 1 or len(outputs) < 1:
            raise _unsupported(path, f"{len(inputs)} inputs and {len(outputs)} outputs")
        self._input = inputs[0].name
        shape = inputs[0].shape
        size = self.chip_spec.size
        if len(shape) != 4:
            raise _unsupported(path, f"input shape {shape} is not 4-D")
        # NCHW (most exports) or NHWC: whichever axis holds the 3 colour channels.
        self._channels_first = shape[1] == 3
        spatial = shape[2:] if self._channels_first else shape[1:3]
        channels = shape[1] if self._channels_first else shape[3]
        if channels != 3 or any(isinstance(d, int) and d != size for d in spatial):
            raise _unsupported(path, f"input shape {shape}, expected 3 channels of {size}x{size}")
        self.dim = self._probe_dim(path)
        self.model_id = f"arcface-{alignment}-{file_sha256(path)}"

    def _probe_dim(self, path: Path) -> int:
        probe = self._run(np.zeros((1, self.chip_spec.size, self.chip_spec.size, 3), dtype=np.uint8))
        if probe.ndim != 2 or probe.shape[0] != 1 or probe.shape[1] < 2:
            raise _unsupported(path, f"output shape {probe.shape} is not one vector per face")
        return int(probe.shape[1])

    def _run(self, batch: np.ndarray) -> np.ndarray:
        x = (batch.astype(np.float32) - self._mean) / self._std
        if self._channels_first:
            x = x.transpose(0, 3, 1, 2)
        out = self._session.run(None, {self._input: np.ascontiguousarray(x)})[0]
        return np.asarray(out, dtype=np.float32).reshape(len(batch), -1)

    def embed(self, chips: list[np.ndarray]) -> np.ndarray:
        """(n, dim) float32 unit rows for n aligned RGB uint8 chips of the declared size."""
        if len(chips) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        size = self.chip_spec.size
        for chip in chips:
            if chip.shape != (size, size, 3) or chip.dtype != np.uint8:
                raise ValueError(f"this face model needs {size}x{size}x3 uint8 chips, got {chip.shape} {chip.dtype}")
        rows = [self._run(np.stack(chips[i : i + self.batch_size])) for i in range(0, len(chips), self.batch_size)]
        return l2_normalise(np.concatenate(rows, axis=0))
