"""ONNX vs dlib face embedder: equivalence (cosine between their templates) and speed, on real LFW faces.

Both backends see the very same chips (dlib.get_face_chip, 150 px, padding 0.25, from the 5-point landmarks
of the largest HOG detection per image), so any difference is the embedder's alone. Timings interleave the two
backends face by face, so machine load (shared, noisy) hits both alike; medians are reported. The ONNX backend
with flip augmentation (chip and mirror, edge/face/flip.py) is timed in the same interleaving.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from edge.face.embedder import Embedder


@dataclass
class EmbedderBenchResult:
    """Everything one run measured, as saved to JSON."""

    command: str
    faces: int
    timing_faces: int
    batch_size: int
    onnx_threads: int
    model_id_dlib: str
    model_id_onnx: str
    cosine_min: float
    cosine_median: float
    cosine_p001: float
    max_abs_diff: float
    single_ms_dlib_median: float
    single_ms_onnx_median: float
    speedup_single: float
    batch_faces_per_s_dlib: float
    batch_faces_per_s_onnx: float
    speedup_batch: float
    environment: dict = field(default_factory=dict)
    # Flip augmentation (edge/face/flip.py) on the ONNX backend: chip and mirror, timed in the same interleaving.
    single_ms_onnx_flip_median: float | None = None
    flip_cost_single: float | None = None
    # Flip with jittered chip views (CHECKPOINT_FACE_JITTER), when configured: timed in the same interleaving.
    jitter: str = ""
    single_ms_onnx_jitter_median: float | None = None
    jitter_cost_single: float | None = None


def lfw_image_paths(lfw_images: Path) -> list[Path]:
    """Every LFW dev image in a fixed order (people alphabetically, then image number)."""
    return sorted(lfw_images.glob("*/*.jpg"))


def extract_chips(paths: Iterable[Path], wanted: int) -> tuple[list[np.ndarray], list[str]]:
    """The 150x150 dlib chip of the largest face in each image, until `wanted` faces are found."""
    from edge.face.align import dlib_chip
    from edge.face.detect import make_detector
    from edge.face.landmarks import LandmarkModel
    from edge.image import load_image

    detector, shape5 = make_detector("hog", 1), LandmarkModel(5)
    chips, names = [], []
    for path in paths:
        rgb = load_image(path)
        detections = detector.detect(rgb)
        if not detections:
            continue
        biggest = max(detections, key=lambda d: d.rect.area())
        chips.append(dlib_chip(rgb, shape5.predict(rgb, biggest.rect)))
        names.append(path.name)
        if len(chips) >= wanted:
            break
    return chips, names


def embed_in_batches(embedder: Embedder, chips: list[np.ndarray], batch: int) -> tuple[np.ndarray, float]:
    """Templates of all chips, `batch` at a time, and the seconds it took."""
    t0 = time.perf_counter()
    out = np.concatenate([embedder.embed(chips[i : i + batch]) for i in range(0, len(chips), batch)])
    return out, time.perf_counter() - t0


def single_face_times(embedders: list[Embedder], chips: list[np.ndarray]) -> list[list[float]]:
    """Seconds per `embed([chip])` for each embedder, alternating embedders chip by chip."""
    times: list[list[float]] = [[] for _ in embedders]
    for chip in chips:
        for k, embedder in enumerate(embedders):
            t0 = time.perf_counter()
            embedder.embed([chip])
            times[k].append(time.perf_counter() - t0)
    return times


def environment() -> dict:
    """Machine facts a reader needs to compare two runs."""
    import dlib
    import onnxruntime

    return {
        "cpu_count": os.cpu_count(),
        "loadavg": [round(v, 2) for v in os.getloadavg()],
        "python": platform.python_version(),
        "machine": platform.machine(),
        "dlib": dlib.__version__,
        "onnxruntime": onnxruntime.__version__,
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def run(
    lfw_images: Path,
    dlib_embedder: Embedder,
    onnx_embedder: Embedder,
    faces: int = 500,
    timing_faces: int = 200,
    batch_size: int = 16,
    onnx_threads: int = 0,
    command: str = "",
    progress: Callable[[str], None] = lambda _: None,
    jitter: str = "",
) -> EmbedderBenchResult:
    """Measure equivalence on `faces` LFW faces and speed on `timing_faces` of them."""
    progress(f"finding {faces} faces in {lfw_images}")
    chips, _ = extract_chips(lfw_image_paths(lfw_images), faces)
    if len(chips) < faces:
        raise RuntimeError(f"only {len(chips)} faces found in {lfw_images}, {faces} asked for")
    load_before = os.getloadavg()
    progress(f"embedding {len(chips)} faces with both backends, batch {batch_size}")
    ref, dlib_seconds = embed_in_batches(dlib_embedder, chips, batch_size)
    got, onnx_seconds = embed_in_batches(onnx_embedder, chips, batch_size)
    cosines = np.sum(ref * got, axis=1)
    progress(f"timing single-face embedding on {timing_faces} faces")
    from edge.face.flip import FlipEmbedder

    timed = [dlib_embedder, onnx_embedder, FlipEmbedder(onnx_embedder)]
    if jitter:
        timed.append(FlipEmbedder(onnx_embedder, jitter))
    dlib_times, onnx_times, flip_times, *jitter_times = single_face_times(timed, chips[:timing_faces])
    env = environment()
    env["loadavg_before"] = [round(v, 2) for v in load_before]
    single_dlib = statistics.median(dlib_times) * 1000
    single_onnx = statistics.median(onnx_times) * 1000
    single_flip = statistics.median(flip_times) * 1000
    result = EmbedderBenchResult(
        command=command,
        faces=len(chips),
        timing_faces=len(dlib_times),
        batch_size=batch_size,
        onnx_threads=onnx_threads,
        model_id_dlib=dlib_embedder.model_id,
        model_id_onnx=onnx_embedder.model_id,
        cosine_min=float(cosines.min()),
        cosine_median=float(np.median(cosines)),
        cosine_p001=float(np.quantile(cosines, 0.001)),
        max_abs_diff=float(np.abs(ref - got).max()),
        single_ms_dlib_median=single_dlib,
        single_ms_onnx_median=single_onnx,
        speedup_single=single_dlib / single_onnx,
        batch_faces_per_s_dlib=len(chips) / dlib_seconds,
        batch_faces_per_s_onnx=len(chips) / onnx_seconds,
        speedup_batch=dlib_seconds / onnx_seconds,
        environment=env,
        single_ms_onnx_flip_median=single_flip,
        flip_cost_single=single_flip / single_onnx,
    )
    if jitter_times:
        result.jitter = timed[-1].model_id.removeprefix(onnx_embedder.model_id)
        result.single_ms_onnx_jitter_median = statistics.median(jitter_times[0]) * 1000
        result.jitter_cost_single = result.single_ms_onnx_jitter_median / single_onnx
    return result


def format_table(r: EmbedderBenchResult) -> str:
    """The table printed after every run, same lines every time so two runs compare line by line."""
    env = r.environment
    lines = [
        f"embedder benchmark: {r.faces} LFW faces, timing on {r.timing_faces}, batch {r.batch_size}, "
        f"onnx threads {r.onnx_threads or 'auto'}, cpus {env.get('cpu_count')}, load {env.get('loadavg')}",
        f"model ids: dlib {r.model_id_dlib} | onnx {r.model_id_onnx}",
        f"{'measure':<40}{'dlib':>12}{'onnx':>12}{'ratio':>10}",
        f"{'cosine onnx vs dlib: min':<40}{'':>12}{r.cosine_min:>12.7f}",
        f"{'cosine onnx vs dlib: median':<40}{'':>12}{r.cosine_median:>12.7f}",
        f"{'max |difference| of unit templates':<40}{'':>12}{r.max_abs_diff:>12.2e}",
        f"{'single face, median ms':<40}{r.single_ms_dlib_median:>12.1f}{r.single_ms_onnx_median:>12.1f}"
        f"{r.speedup_single:>9.1f}x",
        f"{'batch ' + str(r.batch_size) + ', faces per second':<40}{r.batch_faces_per_s_dlib:>12.1f}"
        f"{r.batch_faces_per_s_onnx:>12.1f}{r.speedup_batch:>9.1f}x",
    ]
    if r.single_ms_onnx_flip_median is not None and r.flip_cost_single is not None:
        lines.append(
            f"{'single face with flip (onnx), median ms':<40}{'':>12}{r.single_ms_onnx_flip_median:>12.1f}"
            f"{r.flip_cost_single:>9.1f}x"
        )
    if r.single_ms_onnx_jitter_median is not None and r.jitter_cost_single is not None:
        lines.append(
            f"{'single face with ' + r.jitter.lstrip('-') + ', median ms':<40}{'':>12}"
            f"{r.single_ms_onnx_jitter_median:>12.1f}{r.jitter_cost_single:>9.1f}x"
        )
    return "\n".join(lines)


def to_json_dict(r: EmbedderBenchResult) -> dict:
    return asdict(r)
