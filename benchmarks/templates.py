"""Extract face templates for many images once, in parallel, and cache them so interrupted or repeated
benchmark runs resume instead of starting again.

Two pipelines can run per image: ours (edge.face, the configured embedder) and, for comparison, dlib's
own reference pipeline (dlib detector -> 5-point shape -> `compute_face_descriptor(img, shape)`, raw
128-d descriptors compared by Euclidean distance, exactly as dlib's examples do).

The cache is a SQLite file keyed by (pipeline key, SHA-256 of the image bytes), so a renamed file still
hits and an edited file misses. Only the parent process writes to it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from tqdm import tqdm

from edge.errors import EdgeError
from edge.image import load_image

if TYPE_CHECKING:  # the analyzer loads dlib: imported only where one is made
    from checkpoint.settings import Settings
    from edge.face.analyzer import FaceAnalyzer


@dataclass(frozen=True)
class PipelineConfig:
    """What determines a template: the embedder backend, the detectors, the upsampling and the alignment."""

    embedder: str = "onnx"
    detector: str = "hog"
    upsample: int = 1
    fallback_detector: str | None = "cnn"
    alignment: str = "dlib5"
    # make_embedder keyword arguments (models_dir, threads, ...): mostly where a backend's files are. The one that
    # changes what it computes, flip, changes the model id, which every cache key holds.
    embedder_options: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def flip(self) -> bool:
        """Templates are the mean of each chip's and its mirror's (edge/face/flip.py)."""
        return bool(self.embedder_options.get("flip"))

    @property
    def augmentation(self) -> str:
        """The "-flip" and any jitter views ("-flip-zin4") the model id adds; "" without augmentation."""
        if not self.flip:
            return ""
        from edge.face.flip import flip_model_id

        return flip_model_id("", self.embedder_options.get("jitter") or ())

    @classmethod
    def from_settings(cls, settings: Settings, embedder: str | None = None) -> PipelineConfig:
        """The pipeline the settings configure: the one the kiosk runs and every benchmark measures."""
        return cls(
            embedder or settings.embedder,
            settings.face_detector,
            settings.face_upsample,
            settings.fallback_detector,
            settings.face_alignment,
            settings.embedder_options(),
        )

    def make_analyzer(self) -> FaceAnalyzer:
        """The analyzer this configuration describes, with no quality gate (benchmarks keep every face)."""
        from edge.face.factory import make_analyzer

        return make_analyzer(
            self.embedder,
            self.detector,
            self.upsample,
            None,
            self.fallback_detector,
            self.alignment,
            **self.embedder_options,
        )

    def describe(self) -> dict:
        """What a results file records of the pipeline its templates came from."""
        return {
            "embedder": self.embedder,
            "detector": self.detector,
            "upsample": self.upsample,
            "fallback_detector": self.fallback_detector,
            "alignment": self.alignment,
            "flip": self.flip,
            **({"jitter": self.embedder_options["jitter"]} if self.embedder_options.get("jitter") else {}),
        }

    def detectors(self) -> str:
        """The detector and its fallback, as calibration files name them (e.g. "yunet+cnn")."""
        return self.detector + (f"+{self.fallback_detector}" if self.fallback_detector else "")

    def key(self, model_id: str) -> str:
        # The backend is part of the key even when two backends share a model id (dlib and its ONNX
        # conversion), so a benchmark comparing them really computes both.
        key = f"{model_id}|{self.embedder}|{self.detector}|up{self.upsample}|fallback-{self.fallback_detector}"
        # dlib's 5 points placed every chip before alignments were selectable: those keys stay as they were.
        return key if self.alignment == "dlib5" else f"{key}|align-{self.alignment}"


REFERENCE_KEY = "dlib-reference|hog|up1"


@dataclass
class Extraction:
    """Templates for `paths` in order; rows of images with no face are zero and flagged in `ok`."""

    paths: list[Path]
    model_id: str
    templates: np.ndarray
    ok: np.ndarray
    reference: np.ndarray | None = None
    reference_ok: np.ndarray | None = None
    failures: dict[str, str] = field(default_factory=dict)
    cached: int = 0


class TemplateCache:
    """SQLite key-value store of templates: (pipeline, image hash) -> vector or NULL for "no face"."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS templates (pipeline TEXT, sha256 TEXT, vector BLOB, reason TEXT,"
            " PRIMARY KEY (pipeline, sha256))"
        )

    def get(self, pipeline: str, sha256: str) -> tuple[bool, np.ndarray | None, str]:
        """(hit, vector or None, reason for None)."""
        row = self._db.execute(
            "SELECT vector, reason FROM templates WHERE pipeline = ? AND sha256 = ?", (pipeline, sha256)
        ).fetchone()
        if row is None:
            return False, None, ""
        vector = None if row[0] is None else np.frombuffer(row[0], dtype=np.float32).copy()
        return True, vector, row[1] or ""

    def put(self, pipeline: str, sha256: str, vector: np.ndarray | None, reason: str = "") -> None:
        blob = None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()
        self._db.execute("INSERT OR REPLACE INTO templates VALUES (?, ?, ?, ?)", (pipeline, sha256, blob, reason))

    def commit(self) -> None:
        self._db.commit()

    def close(self) -> None:
        self._db.commit()
        self._db.close()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- worker side: models are loaded once per process -------------------------------------------------
_WORKER: dict = {}


def _init_worker(config: PipelineConfig, reference: bool) -> None:
    _WORKER["analyzer"] = config.make_analyzer()
    if reference:
        import dlib

        from edge.face.model_files import RESNET, SHAPE_5, model_path

        _WORKER["ref"] = (
            dlib.get_frontal_face_detector(),
            dlib.shape_predictor(str(model_path(SHAPE_5))),
            dlib.face_recognition_model_v1(str(model_path(RESNET))),
        )


def _work(task: tuple[int, str, bool, bool]) -> tuple[int, np.ndarray | None, str, np.ndarray | None, str]:
    index, path, want_ours, want_ref = task
    try:
        rgb = load_image(path)
    except EdgeError as exc:
        return index, None, exc.code, None, exc.code
    ours, reason = None, ""
    if want_ours:
        analyzer = _WORKER["analyzer"]
        try:
            ours = analyzer.primary(rgb).embedding
        except EdgeError as exc:
            reason = exc.code
    ref, ref_reason = None, ""
    if want_ref:
        detector, shape_predictor, net = _WORKER["ref"]
        rects, scores, _ = detector.run(rgb, 1, 0.0)
        if len(rects) == 0:
            ref_reason = "no_face"
        else:
            best = rects[int(np.argmax(scores))]
            shape = shape_predictor(rgb, best)
            ref = np.asarray(net.compute_face_descriptor(rgb, shape), dtype=np.float32)
    return index, ours, reason, ref, ref_reason


def pipeline_model_id(config: PipelineConfig) -> str:
    """The model id of the templates `config` makes (what galleries and calibrations are keyed by)."""
    from edge.face.factory import configured_model_id

    return configured_model_id(config.embedder, config.alignment, **config.embedder_options)


def extract_templates(
    paths: list[Path],
    config: PipelineConfig,
    cache_path: Path,
    workers: int = 1,
    reference: bool = False,
    progress: bool = True,
) -> Extraction:
    """Templates for every path (ours, and dlib's reference if asked), using and filling the cache."""
    from edge.face.factory import make_embedder
    from edge.face.yunet_align import aligned_model_id

    if workers > 1:
        # One inference thread per worker process: more would only fight over the same cores.
        config = replace(config, embedder_options={**config.embedder_options, "threads": 1})
    embedder = make_embedder(config.embedder, **config.embedder_options)
    model_id = aligned_model_id(embedder.model_id, embedder.chip_spec.kind, config.alignment)
    key = config.key(model_id)
    cache = TemplateCache(cache_path)
    hashes = [file_sha256(p) for p in paths]
    n = len(paths)
    ours: list[np.ndarray | None] = [None] * n
    refs: list[np.ndarray | None] = [None] * n
    failures: dict[str, str] = {}
    todo = []
    cached = 0
    for i, sha in enumerate(hashes):
        hit, vec, reason = cache.get(key, sha)
        ref_hit, ref_vec, ref_reason = cache.get(REFERENCE_KEY, sha) if reference else (True, None, "")
        if hit:
            ours[i] = vec
            if vec is None:
                failures[str(paths[i])] = reason
        if ref_hit:
            refs[i] = ref_vec
        if hit and ref_hit:
            cached += 1
        else:
            todo.append((i, str(paths[i]), not hit, reference and not ref_hit))

    wanted = {task[0]: task for task in todo}
    for done, (index, vec, reason, ref_vec, ref_reason) in enumerate(_run(todo, config, reference, workers, progress)):
        _, _, want_ours, want_ref = wanted[index]
        if want_ours:
            ours[index] = vec
            cache.put(key, hashes[index], vec, reason)
            if vec is None:
                failures[str(paths[index])] = reason
        if want_ref:
            refs[index] = ref_vec
            cache.put(REFERENCE_KEY, hashes[index], ref_vec, ref_reason)
        if done % 100 == 99:
            cache.commit()  # an interrupted run keeps what it has done
    cache.close()

    dim = next((v.shape[0] for v in ours if v is not None), 128)
    templates = np.zeros((n, dim), dtype=np.float32)
    ok = np.zeros(n, dtype=bool)
    for i, vec in enumerate(ours):
        if vec is not None:
            templates[i], ok[i] = vec, True
    extraction = Extraction(list(paths), model_id, templates, ok, failures=failures, cached=cached)
    if reference:
        extraction.reference = np.zeros((n, 128), dtype=np.float32)
        extraction.reference_ok = np.zeros(n, dtype=bool)
        for i, vec in enumerate(refs):
            if vec is not None:
                extraction.reference[i], extraction.reference_ok[i] = vec, True
    return extraction


def _run(todo: list, config: PipelineConfig, reference: bool, workers: int, progress: bool) -> Iterator[tuple]:
    if not todo:
        return
    bar = tqdm(total=len(todo), desc="templates", unit="img", disable=not progress)
    if workers <= 1:
        _init_worker(config, reference)
        for task in todo:
            yield _work(task)
            bar.update()
    else:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(config, reference)) as pool:
            for result in pool.map(_work, todo, chunksize=8):
                yield result
                bar.update()
    bar.close()
