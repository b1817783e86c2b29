"""FaceAnalyzer: image in, `Face` objects out (detect, landmarks, quality, align, embed), models chosen by name.

The one place that knows the order of the stages; each stage is a small model wrapper loaded once.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from checkpoint.i18n import _
from edge.errors import NoFaceFound
from edge.face.align import arcface_chip, arcface_points, dlib_chip
from edge.face.detect import Detection, Detector, make_detector
from edge.face.embedder import Embedder
from edge.face.face import Face
from edge.face.landmarks import LandmarkModel, shape_to_array
from edge.face.quality import QualityGate, measure
from edge.face.yunet_align import aligned_model_id, dlib_chip_from_points5

# How a dlib-style chip is placed: "dlib5" by dlib's 5-point shape predictor run in the detector's box (the crop
# dlib's ResNet was trained on); "yunet5" by the detector's own five landmarks (YuNet only).
ALIGNMENTS = ("dlib5", "yunet5")


@dataclass
class StageTimes:
    """Seconds spent per stage for the last call, for the latency benchmarks."""

    detect: float = 0.0
    landmarks: float = 0.0
    quality: float = 0.0
    embed: float = 0.0
    faces: int = 0


@dataclass
class FaceAnalyzer:
    """Loads the models once; `get(rgb)` returns every face found, `primary(rgb)` the one to screen."""

    embedder: Embedder
    detector_name: str = "yunet"
    upsample: int = 1
    gate: QualityGate = field(default_factory=QualityGate)
    # When the main detector finds nothing, try this one (None: give up). HOG and YuNet miss some faces that are
    # turned, tilted or partly shadowed; the CNN finds some of them at a far higher cost, paid only on a miss.
    fallback_detector_name: str | None = "cnn"
    fallback_upsample: int = 0
    alignment: str = "dlib5"
    last_times: StageTimes = field(default_factory=StageTimes, init=False)

    def __post_init__(self) -> None:
        if self.alignment not in ALIGNMENTS:
            raise ValueError(f"unknown face alignment {self.alignment!r}: choose one of {', '.join(ALIGNMENTS)}")
        self._detector = make_detector(self.detector_name, self.upsample)
        self._fallback: Detector | None = None  # loaded on the first miss: most runs never need it
        self._shape5 = LandmarkModel(5)
        self._shape68 = LandmarkModel(68)
        self._chip: Callable[..., np.ndarray] = _chip_function(self.embedder, self.alignment)

    @property
    def model_id(self) -> str:
        return aligned_model_id(self.embedder.model_id, self.embedder.chip_spec.kind, self.alignment)

    def get(self, rgb: np.ndarray, embed: bool = True) -> list[Face]:
        """Every face in `rgb` (H, W, 3 uint8), biggest first, each with quality and (if asked) embedding."""
        times = StageTimes()
        t0 = time.perf_counter()
        detections = self._detector.detect(rgb)
        fell_back = False
        if not detections and self.fallback_detector_name:
            if self._fallback is None:
                self._fallback = make_detector(self.fallback_detector_name, self.fallback_upsample)
            detections = self._fallback.detect(rgb)
            fell_back = bool(detections)
        times.detect = time.perf_counter() - t0
        faces = [self._describe(rgb, d, len(detections), times) for d in detections]
        for face in faces:
            if fell_back:
                face.notes.append(
                    f"found by the {self.fallback_detector_name} detector after {self.detector_name} missed"
                )
        if embed and faces:
            t0 = time.perf_counter()
            vectors = self.embedder.embed([f.chip for f in faces])
            times.embed = time.perf_counter() - t0
            for face, vector in zip(faces, vectors, strict=True):
                face.embedding = vector
                face.model_id = self.model_id
        times.faces = len(faces)
        self.last_times = times
        faces.sort(key=lambda f: f.area, reverse=True)
        return faces

    def primary(self, rgb: np.ndarray, what: str | None = None) -> Face:
        """The face to screen: the largest, most central one; others present are noted on it.

        Raises NoFaceFound when there is none.
        """
        faces = self.get(rgb, embed=False)
        if not faces:
            raise NoFaceFound(
                _("no face found in %(what)s") % {"what": what or _("the image")},
                _("Make sure one face is fully visible, lit from the front and not too small"),
            )
        chosen = choose_primary(faces, rgb.shape[:2])
        if len(faces) > 1:
            chosen.notes.append(f"{len(faces) - 1} other face(s) in the frame; screened the largest central one")
        t0 = time.perf_counter()
        chosen.embedding = self.embedder.embed([chosen.chip])[0]
        chosen.model_id = self.model_id
        self.last_times.embed = time.perf_counter() - t0
        return chosen

    def _describe(self, rgb: np.ndarray, det: Detection, count: int, times: StageTimes) -> Face:
        t0 = time.perf_counter()
        shape5 = self._shape5.predict(rgb, det.rect)
        shape68 = self._shape68.predict(rgb, det.rect)
        lm68 = shape_to_array(shape68)
        chip = self._chip(rgb, det, shape5, lm68)
        times.landmarks += time.perf_counter() - t0
        kps = shape_to_array(shape5)
        t0 = time.perf_counter()
        quality = self.gate.apply(measure(rgb, kps, lm68, chip, count))
        times.quality += time.perf_counter() - t0
        return Face(
            bbox=det.bbox,
            det_score=det.score,
            kps=kps,
            landmarks68=lm68,
            chip=chip,
            quality=quality,
            faces_in_frame=count,
        )


def choose_primary(faces: list[Face], image_size: tuple[int, int]) -> Face:
    """Largest face, discounted by its distance from the image centre (a bystander at the edge loses)."""
    height, width = image_size
    centre = np.array([width / 2, height / 2], dtype=np.float32)
    half_diagonal = float(np.hypot(width, height) / 2)

    def weight(face: Face) -> float:
        box_centre = np.array([(face.bbox[0] + face.bbox[2]) / 2, (face.bbox[1] + face.bbox[3]) / 2])
        off = float(np.linalg.norm(box_centre - centre)) / half_diagonal
        return face.area * (1.0 - 0.5 * min(off, 1.0))

    return max(faces, key=weight)


def _chip_function(embedder: Embedder, alignment: str) -> Callable[..., np.ndarray]:
    """chip(rgb, detection, dlib 5-point shape, 68 landmarks) for the embedder's chip kind and the alignment."""
    spec = embedder.chip_spec
    if spec.kind == "dlib":
        if alignment == "yunet5":
            # A face only the fallback detector found has no YuNet points: dlib's own 5 points place its chip.
            return lambda rgb, det, shape5, lm68: (
                dlib_chip(rgb, shape5, spec) if det.points5 is None else dlib_chip_from_points5(rgb, det.points5, spec)
            )
        return lambda rgb, det, shape5, lm68: dlib_chip(rgb, shape5, spec)
    if spec.kind == "arcface":
        # ArcFace's template is eye centres, nose tip and mouth corners: YuNet gives them; for dlib's detectors
        # they come from the 68 landmarks (dlib's 5-point model has no mouth corners).
        return lambda rgb, det, shape5, lm68: arcface_chip(
            rgb, arcface_points(lm68) if det.points5 is None else det.points5, spec
        )
    raise ValueError(f"no aligner for chip kind {spec.kind!r}")
