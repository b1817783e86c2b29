"""dlib's ResNet face embedder run by onnxruntime on the CPU: same chips, same templates, several times faster."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from edge.errors import ModelUnavailable
from edge.face.align import DLIB_RESNET_CHIP
from edge.face.dlib_embedder import MODEL_FAMILY, dlib_resnet_model_id
from edge.face.embedder import l2_normalise
from edge.face.model_files import RESNET, file_sha256, model_path
from edge.face.onnx_convert import INPUT_NAME
from edge.face.onnx_model_cache import (
    EQUIVALENCE_MIN_COSINE,
    META_MIN_COSINE,
    META_SOURCE_SHA256,
    default_models_dir,
    ensure_converted,
)
from edge.face.onnx_session import make_cpu_session


class OnnxDlibEmbedder:
    """The converted dlib ResNet (128-d) on onnxruntime; consumes the same 150x150 chips as `DlibEmbedder`."""

    dim = 128
    chip_spec = DLIB_RESNET_CHIP

    def __init__(
        self,
        models_dir: Path | None = None,
        threads: int = 0,
        batch_size: int = 16,
        dat_path: Path | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch size must be at least 1, got {batch_size}")
        self.batch_size = batch_size
        dat = Path(dat_path) if dat_path else model_path(RESNET)
        self.onnx_path = ensure_converted(dat, Path(models_dir) if models_dir else default_models_dir())
        self._session = make_cpu_session(self.onnx_path, threads)
        meta = self._session.get_modelmeta().custom_metadata_map
        if meta.get(META_SOURCE_SHA256) != file_sha256(dat):
            raise ModelUnavailable(
                f"the converted model {self.onnx_path.name} was not made from {dat.name}",
                "Run `checkpoint models prepare --force` to rebuild it",
            )
        self.min_cosine_vs_dlib = float(meta.get(META_MIN_COSINE, "nan"))
        shared = dlib_resnet_model_id() if dat_path is None else f"{MODEL_FAMILY}-{file_sha256(dat)[:12]}"
        # Templates may mix with dlib's only when the self-check proved the outputs equivalent.
        self.model_id = shared if self.min_cosine_vs_dlib >= EQUIVALENCE_MIN_COSINE else f"{shared}-onnx"

    def embed(self, chips: list[np.ndarray]) -> np.ndarray:
        """(n, 128) float32 unit rows for n aligned 150x150x3 uint8 RGB chips, run in batches."""
        if len(chips) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        size = self.chip_spec.size
        for chip in chips:
            if chip.shape != (size, size, 3) or chip.dtype != np.uint8:
                raise ValueError(f"ONNX dlib embedder needs {size}x{size}x3 uint8 chips, got {chip.shape} {chip.dtype}")
        outputs = []
        for start in range(0, len(chips), self.batch_size):
            batch = np.stack(chips[start : start + self.batch_size])
            outputs.append(self._session.run(None, {INPUT_NAME: batch})[0])
        return l2_normalise(np.concatenate(outputs, axis=0))
