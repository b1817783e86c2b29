"""The converted dlib ResNet in the data directory: built on first use, keyed by the `.dat` file's SHA-256.

Conversion writes to a temporary file in the same directory and renames it into place (atomic on POSIX), so
two processes converting at once both end up with a complete file and a reader never sees half of one.
Each conversion checks itself against dlib's own inference before it is kept; the smallest cosine found is
stored in the model's metadata and decides whether ONNX templates may share dlib's model id.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import onnx

from edge.errors import ModelUnavailable
from edge.face.dlib_dat import DlibDatFormatError, read_network_file
from edge.face.embedder import l2_normalise
from edge.face.model_files import file_sha256
from edge.face.onnx_convert import CONVERTER_VERSION, INPUT_NAME, build_onnx
from edge.face.onnx_session import make_cpu_session

# Templates from the two backends may share a model id only if they agree this closely (issue 3).
EQUIVALENCE_MIN_COSINE = 0.9999
SELF_CHECK_CHIPS = 4
META_SOURCE_SHA256 = "source_sha256"
META_MIN_COSINE = "dlib_equivalence_min_cosine"


class ModelConversionFailed(ModelUnavailable):
    """The dlib model could not be converted or the converted file could not be written."""

    code = "model_conversion_failed"


def default_models_dir() -> Path:
    """Fallback for library callers that pass no directory: `<data dir>/models`, the default Settings uses."""
    data_dir = os.environ.get("CHECKPOINT_DATA_DIR")
    if data_dir:
        return Path(data_dir) / "models"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "checkpoint" / "models"


def converted_model_path(models_dir: Path, dat_path: Path) -> Path:
    """Where the ONNX conversion of `dat_path` lives (file name carries the source hash and converter version)."""
    return Path(models_dir) / f"{dat_path.stem}-{file_sha256(dat_path)}-onnx{CONVERTER_VERSION}.onnx"


def self_check_chips(count: int = SELF_CHECK_CHIPS, size: int = 150) -> list[np.ndarray]:
    """Deterministic test chips (smooth colour gradients plus noise) exercising every input channel and value."""
    rng = np.random.default_rng(20260101)
    ramp = np.linspace(0.0, 1.0, size, dtype=np.float32)
    chips = []
    for i in range(count):
        base = np.stack([np.outer(ramp, 1 - ramp), np.outer(1 - ramp, ramp), np.outer(ramp, ramp)], axis=-1)
        noise = rng.normal(0.0, 0.15 + 0.1 * i, size=(size, size, 3))
        chips.append(np.clip((base + noise) * 255.0, 0, 255).astype(np.uint8))
    return chips


def dlib_equivalence(onnx_path: Path, dat_path: Path, chips: list[np.ndarray]) -> float:
    """Smallest cosine between dlib's own descriptors and the ONNX model's on `chips`."""
    import dlib

    reference = dlib.face_recognition_model_v1(str(dat_path)).compute_face_descriptor(
        [np.ascontiguousarray(c) for c in chips]
    )
    expected = l2_normalise(np.array([np.asarray(d) for d in reference], dtype=np.float32))
    session = make_cpu_session(onnx_path, threads=1)
    got = l2_normalise(session.run(None, {INPUT_NAME: np.stack(chips)})[0])
    return float(np.min(np.sum(expected * got, axis=1)))


def convert(dat_path: Path, target: Path) -> Path:
    """Parse `dat_path`, build the ONNX graph, check it against dlib and write it to `target` atomically."""
    try:
        network = read_network_file(dat_path)
        model = build_onnx(network, {META_SOURCE_SHA256: file_sha256(dat_path)})
    except DlibDatFormatError:
        raise
    except Exception as exc:
        raise ModelConversionFailed(
            f"converting {dat_path.name} to ONNX failed: {type(exc).__name__}: {exc}",
            "Report this with the file's SHA-256; meanwhile set CHECKPOINT_EMBEDDER=dlib",
        ) from exc
    temp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
        temp = Path(temp_name)
        with os.fdopen(handle, "wb") as fh:
            fh.write(model.SerializeToString())
        min_cosine = dlib_equivalence(temp, dat_path, self_check_chips())
        model.metadata_props.append(onnx.StringStringEntryProto(key=META_MIN_COSINE, value=repr(min_cosine)))
        with open(temp, "wb") as fh:
            fh.write(model.SerializeToString())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except OSError as exc:
        raise ModelConversionFailed(
            f"cannot write the converted model to {target.parent}: {exc.strerror or exc}",
            "Make the data directory writable (CHECKPOINT_DATA_DIR) or run `checkpoint models prepare` as its owner",
        ) from exc
    except ModelUnavailable:
        raise
    except Exception as exc:  # dlib or onnxruntime failing during the self-check
        raise ModelConversionFailed(
            f"checking the converted {dat_path.name} against dlib failed: {type(exc).__name__}: {exc}",
            "Report this with the file's SHA-256; meanwhile set CHECKPOINT_EMBEDDER=dlib",
        ) from exc
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
    return target


def ensure_converted(dat_path: Path, models_dir: Path, force: bool = False) -> Path:
    """The converted model for `dat_path`, converting it first if it is not in `models_dir` yet (or `force`)."""
    target = converted_model_path(models_dir, dat_path)
    if target.is_file() and not force:
        return target
    return convert(dat_path, target)
