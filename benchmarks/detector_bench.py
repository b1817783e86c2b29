"""`checkpoint bench detectors`: YuNet against dlib's HOG and MMOD CNN, to choose the default face detector.

Per detector: time per 640x480 frame (median over the timed frames, detector alone, OpenCV's and dlib's threads as
the kiosk runs them); failures to acquire (FTA) on LFW-dev faces framed as a kiosk sees them, rotated by +-30 deg,
small (face 40-60 px) and dark (gamma 2-3); YuNet's score threshold swept against false detections on face-free
photos; and, from `checkpoint bench verify` results run with each detector, accuracy on the LFW-dev pairs.

A frame counts as acquired only when the face the pipeline would screen (`choose_primary`) is the one we placed:
its box centre within half a face of where the LFW face is. A pipeline "X+cnn" runs the CNN only when X finds
nothing, exactly as FaceAnalyzer's fallback does.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from benchmarks.result_file import save_result
from checkpoint.i18n import _
from edge.face.analyzer import choose_primary
from edge.face.detect import Detection, make_detector
from edge.face.face import Face
from edge.face.yunet import SCORE_THRESHOLD, YuNetDetector
from edge.image import load_image

FRAME_SIZE = (640, 480)
# LFW images are 250 px crops around a Viola-Jones face box enlarged 2.2 times: the face is about 114 px, centred.
LFW_FACE_PX = 250 / 2.2
KIOSK_FACE_PX = 180.0  # a traveller at the desk fills a good part of the frame
BACKDROP = 128  # the kiosk's plain grey wall
SWEEP_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
MAIN_DETECTORS = ("hog", "yunet")
# The CNN is the fallback, run only on a miss, and takes seconds per 640x480 frame on a shared 2-core machine:
# this many frames show its order of magnitude.
CNN_TIMED_FRAMES = 20
PIPELINES = ("hog", "hog+cnn", "yunet", "yunet+cnn")
# The verify results each detector configuration writes (`CHECKPOINT_FACE_DETECTOR=... checkpoint bench verify`).
VERIFY_FILES = {
    "hog+cnn, dlib5": "verify-onnx-hog+cnn.json",
    "yunet+cnn, dlib5": "verify-onnx-yunet+cnn.json",
    "yunet+cnn, yunet5": "verify-onnx-yunet+cnn-yunet5.json",
}


@dataclass(frozen=True)
class Frame:
    """A generated frame and where its one true face is (centre, size in pixels)."""

    rgb: np.ndarray
    centre: tuple[float, float]
    face_px: float


def _place(face_img: np.ndarray, scale: float, rng: np.random.Generator, centred: bool) -> Frame:
    """The LFW image scaled by `scale` on a grey 640x480 backdrop, centred or anywhere it fits."""
    width, height = FRAME_SIZE
    small = cv2.resize(
        face_img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    )
    h, w = small.shape[:2]
    if centred:
        x, y = (width - w) // 2, (height - h) // 2
    else:
        x, y = int(rng.integers(0, width - w)), int(rng.integers(0, height - h))
    canvas = np.full((height, width, 3), BACKDROP, dtype=np.uint8)
    canvas[y : y + h, x : x + w] = small
    return Frame(canvas, (x + w / 2, y + h / 2), LFW_FACE_PX * scale)


def kiosk_frame(face_img: np.ndarray, rng: np.random.Generator) -> Frame:
    return _place(face_img, KIOSK_FACE_PX / LFW_FACE_PX, rng, centred=True)


def rotated_frame(face_img: np.ndarray, rng: np.random.Generator, degrees: float) -> Frame:
    """The kiosk frame turned by `degrees` about the face: a traveller tilting the head."""
    frame = kiosk_frame(face_img, rng)
    matrix = cv2.getRotationMatrix2D(frame.centre, degrees, 1.0)
    turned = cv2.warpAffine(frame.rgb, matrix, FRAME_SIZE, borderValue=(BACKDROP,) * 3)
    return Frame(turned, frame.centre, frame.face_px)


def small_frame(face_img: np.ndarray, rng: np.random.Generator) -> Frame:
    """A face 40-60 px across anywhere in the frame: a traveller standing back."""
    return _place(face_img, float(rng.uniform(40, 60)) / LFW_FACE_PX, rng, centred=False)


def dark_frame(face_img: np.ndarray, rng: np.random.Generator) -> Frame:
    """The kiosk frame under a gamma of 2-3: a badly lit desk (mid-grey 128 becomes 19-48)."""
    frame = kiosk_frame(face_img, rng)
    gamma = float(rng.uniform(2.0, 3.0))
    lut = np.clip(255.0 * (np.arange(256) / 255.0) ** gamma, 0, 255).astype(np.uint8)
    return Frame(cv2.LUT(frame.rgb, lut), frame.centre, frame.face_px)


CONDITIONS: dict[str, Callable[[np.ndarray, np.random.Generator, int], Frame]] = {
    "kiosk": lambda img, rng, i: kiosk_frame(img, rng),
    "rotated": lambda img, rng, i: rotated_frame(img, rng, 30.0 if i % 2 == 0 else -30.0),
    "small": lambda img, rng, i: small_frame(img, rng),
    "dark": lambda img, rng, i: dark_frame(img, rng),
}


def acquired(detections: list[Detection], frame: Frame) -> bool:
    """Whether the face a pipeline would screen among `detections` is the placed one."""
    if not detections:
        return False
    faces = [Face(bbox=d.bbox, det_score=d.score, kps=np.zeros((5, 2), np.float32)) for d in detections]
    chosen = choose_primary(faces, frame.rgb.shape[:2])
    centre = np.array([(chosen.bbox[0] + chosen.bbox[2]) / 2, (chosen.bbox[1] + chosen.bbox[3]) / 2])
    return bool(np.linalg.norm(centre - np.array(frame.centre)) <= frame.face_px / 2)


def _above(detections: list[Detection], threshold: float) -> list[Detection]:
    return [d for d in detections if d.score >= threshold]


def condition_fta(frames: list[Frame], detectors: dict, progress: Callable[[str], None]) -> dict:
    """FTA per pipeline on `frames`, and YuNet's FTA per score threshold."""
    found: dict[str, list[list[Detection]]] = {name: [] for name in MAIN_DETECTORS}
    cnn: list[list[Detection] | None] = []
    for frame in frames:
        yunet = detectors["yunet_sweep"].detect(frame.rgb)
        found["yunet"].append(yunet)
        found["hog"].append(detectors["hog"].detect(frame.rgb))
        needs_cnn = not found["hog"][-1] or not _above(yunet, SCORE_THRESHOLD)
        cnn.append(detectors["cnn"].detect(frame.rgb) if needs_cnn else None)
    progress(f"{len(frames)} frames")
    n = len(frames)

    def fta(main: str, fallback: bool) -> dict:
        misses = 0
        for i, frame in enumerate(frames):
            dets = found[main][i] if main == "hog" else _above(found[main][i], SCORE_THRESHOLD)
            if not dets and fallback:
                dets = cnn[i] or []
            misses += not acquired(dets, frame)
        return {"frames": n, "failures": misses, "fta": misses / n}

    pipelines = {
        "hog": fta("hog", False),
        "hog+cnn": fta("hog", True),
        "yunet": fta("yunet", False),
        "yunet+cnn": fta("yunet", True),
    }
    sweep = {
        f"{t:g}": sum(not acquired(_above(d, t), f) for d, f in zip(found["yunet"], frames, strict=True)) / n
        for t in SWEEP_THRESHOLDS
    }
    scores = [max((d.score for d in dets), default=0.0) for dets in found["yunet"]]
    return {
        "pipelines": pipelines,
        "yunet_fta_by_threshold": sweep,
        "yunet_best_score_median": statistics.median(scores),
    }


def face_free_images() -> list[tuple[str, np.ndarray]]:
    """Photos with no human face shipped inside scikit-image (no download), as 640x480 RGB frames."""
    from skimage import data

    names = ("coffee", "chelsea", "rocket", "coins", "moon", "page", "text", "brick", "grass", "gravel")
    names += ("colorwheel", "retina", "hubble_deep_field", "immunohistochemistry", "logo", "horse", "clock")
    out = []
    for name in names:
        try:
            img = np.asarray(getattr(data, name)())
        except Exception:  # an image this scikit-image would download: skipped, the count says so
            continue
        if img.dtype != np.uint8:
            img = (255 * (img.astype(np.float64) / max(float(img.max()), 1.0))).astype(np.uint8)
        if img.ndim == 2:
            img = np.stack([img] * 3, axis=-1)
        out.append((name, cv2.resize(np.ascontiguousarray(img[:, :, :3]), FRAME_SIZE)))
    return out


def false_detections(detector: YuNetDetector) -> dict:
    """YuNet detections on face-free frames (as they are, turned +-30 deg, darkened) per score threshold."""
    frames = []
    for name, rgb in face_free_images():
        frames.append((name, rgb))
        for degrees in (30, -30):
            matrix = cv2.getRotationMatrix2D((320, 240), degrees, 1.0)
            frames.append((f"{name} {degrees:+d} deg", cv2.warpAffine(rgb, matrix, FRAME_SIZE)))
        frames.append((f"{name} dark", (255 * (rgb / 255.0) ** 2.5).astype(np.uint8)))
    scores = {name: [d.score for d in detector.detect(rgb)] for name, rgb in frames}
    return {
        "frames": len(frames),
        "images": sorted({name.split()[0] for name in scores}),
        "frames_with_a_detection_at_shipped_threshold": {
            name: round(max(found), 3) for name, found in scores.items() if found and max(found) >= SCORE_THRESHOLD
        },
        "frames_with_a_detection_by_threshold": {
            f"{t:g}": sum(any(s >= t for s in found) for found in scores.values()) for t in SWEEP_THRESHOLDS
        },
        "highest_score": round(max((s for found in scores.values() for s in found), default=0.0), 3),
    }


def detect_times(frames: list[Frame], detectors: dict) -> dict:
    """Milliseconds per frame for each detector alone, one frame at a time: wall clock (what a traveller waits,
    inflated when other jobs share the cores) and this process's CPU time (all its threads; barely moved by them)."""
    out = {}
    for name in ("yunet", "hog", "cnn"):
        detector = detectors[name]
        detector.detect(frames[0].rgb)  # warm-up: first-call allocations are not a frame's cost
        wall, cpu = [], []
        for frame in frames[: CNN_TIMED_FRAMES if name == "cnn" else len(frames)]:
            started, started_cpu = time.perf_counter(), time.process_time()
            detector.detect(frame.rgb)
            wall.append(1000 * (time.perf_counter() - started))
            cpu.append(1000 * (time.process_time() - started_cpu))
        out[name] = {
            "frames": len(wall),
            "median_ms": round(statistics.median(wall), 2),
            "p95_ms": round(float(np.percentile(wall, 95)), 2),
            "median_cpu_ms": round(statistics.median(cpu), 2),
        }
    out["opencv_threads"] = cv2.getNumThreads()
    return out


def verification_figures(results_dir: Path) -> dict:
    """Accuracy, FNMR and FTA on the LFW-dev pairs from each detector's `bench verify` results, where present."""
    out = {}
    for label, name in VERIFY_FILES.items():
        path = results_dir / name
        if not path.is_file():
            out[label] = None
            continue
        body = json.loads(path.read_text())
        ours = body["ours"]
        out[label] = {
            "file": name,
            "accuracy_mean": ours["accuracy_mean"],
            "accuracy_std": ours["accuracy_std"],
            "fnmr_at_fmr_1e-3_mean": ours["fnmr_at_fmr_1e-3_mean"],
            "failure_to_acquire_images": body["failure_to_acquire"]["images"],
            "images": body["dataset"]["images"],
            "reference_accuracy_mean": body.get("reference", {}).get("accuracy_mean"),
        }
    return out


def run(
    images: Path,
    frames_per_condition: int,
    seed: int,
    results_dir: Path,
    progress: Callable[[str], None],
    cross_pipeline: Callable[[], dict],
) -> dict:
    """Every measure above (`cross_pipeline()`: cross_pipeline_verification); writes detector-compare.json."""
    paths = sorted(images.glob("*/*.jpg"))
    if len(paths) < frames_per_condition:
        raise ValueError(f"{images} holds {len(paths)} images, fewer than the {frames_per_condition} frames asked for")
    chosen = paths[:: len(paths) // frames_per_condition][:frames_per_condition]
    faces = [load_image(p) for p in chosen]
    detectors = {
        "yunet": YuNetDetector(),
        "yunet_sweep": YuNetDetector(score_threshold=min(SWEEP_THRESHOLDS)),
        "hog": make_detector("hog", 1),
        # As FaceAnalyzer's fallback runs it: no upsampling (a 640x480 frame upsampled costs seconds).
        "cnn": make_detector("cnn", 0),
    }
    results: dict = {
        "dataset": {"images_dir": str(images), "frames_per_condition": len(faces), "seed": seed},
        "frame_size": list(FRAME_SIZE),
        "yunet_score_threshold": SCORE_THRESHOLD,
        "conditions": {},
    }
    kiosk_frames = [kiosk_frame(img, np.random.default_rng(seed)) for img in faces]
    progress("timing")
    results["detect_time_640x480"] = detect_times(kiosk_frames, detectors)
    for name, make in CONDITIONS.items():
        rng = np.random.default_rng(seed)
        progress(f"condition {name}")
        frames = [make(img, rng, i) for i, img in enumerate(faces)]
        results["conditions"][name] = condition_fta(frames, detectors, progress)
    results["yunet_false_detections"] = false_detections(detectors["yunet_sweep"])
    results["lfw_dev_verification"] = verification_figures(results_dir)
    results["lfw_dev_cross_pipeline"] = cross_pipeline()
    results["results_file"] = str(save_result(results_dir, "detector-compare", results))
    return results


def cross_pipeline_verification(images: Path, pairs_file: Path, cache_path: Path, embedder_options: dict) -> dict:
    """LFW-dev pairs with the first image through HOG and the second through YuNet (both dlib5 chips), folds as
    `bench verify`: whether a face enrolled under the old default still matches a kiosk running the new one."""
    from dataclasses import replace

    from benchmarks.lfw import identity_of, read_pairs
    from benchmarks.scoring import Scorer
    from benchmarks.templates import PipelineConfig, extract_templates
    from benchmarks.verify_bench import cross_validate

    pairs = read_pairs(pairs_file, images)
    paths = sorted({p for pair in pairs for p in (pair.a, pair.b)})
    hog = PipelineConfig("onnx", "hog", 1, "cnn", "dlib5", embedder_options)
    by_detector = {
        name: extract_templates(paths, replace(hog, detector=name), cache_path, progress=False)
        for name in ("hog", "yunet")
    }
    # Rows 0..n-1 are HOG templates, n..2n-1 YuNet's; each pair's second image is read from YuNet's half.
    rows = {p: i for i, p in enumerate(paths)} | {Path(f"{p}#yunet"): len(paths) + i for i, p in enumerate(paths)}
    mixed = [replace(pair, b=Path(f"{pair.b}#yunet")) for pair in pairs]
    scorer = Scorer(
        "HOG-enrolled vs YuNet probe",
        np.concatenate([by_detector["hog"].templates, by_detector["yunet"].templates]),
        np.concatenate([by_detector["hog"].ok, by_detector["yunet"].ok]),
        False,
    )
    identities = np.array([identity_of(p) for p in paths] * 2)
    result = cross_validate(scorer, mixed, rows, identities)
    return {k: result[k] for k in ("pipeline", "accuracy_mean", "accuracy_std", "fnmr_at_fmr_1e-3_mean")}


def refresh_verification(results_dir: Path, cross_pipeline: Callable[[], dict]) -> dict:
    """detector-compare.json as last measured, its LFW-dev section re-read from the verify results (which take far
    longer to run, and may be re-run apart) and `cross_pipeline()` (cross_pipeline_verification), written back."""
    path = results_dir / "detector-compare.json"
    if not path.is_file():
        raise FileNotFoundError(
            _("%(path)s does not exist: run `checkpoint bench detectors` without --verify-only first") % {"path": path}
        )
    results = json.loads(path.read_text())
    # The machine and command stay those of the frame measurements.
    results["lfw_dev_verification"] = verification_figures(results_dir)
    results["lfw_dev_cross_pipeline"] = cross_pipeline()
    path.write_text(json.dumps(results, indent=2) + "\n")
    return results


def format_table(results: dict) -> str:
    """One table, the same every run."""
    t = results["detect_time_640x480"]
    lines = [
        f"detect ms per 640x480 frame, median wall / p95 wall / median CPU (OpenCV threads {t['opencv_threads']}):",
        *(
            f"  {name:6} {t[name]['median_ms']:9.1f} {t[name]['p95_ms']:9.1f} {t[name]['median_cpu_ms']:9.1f}"
            f"   ({t[name]['frames']} frames)"
            for name in ("yunet", "hog", "cnn")
        ),
        f"{'FTA %':12}" + "".join(f"{c:>10}" for c in CONDITIONS),
    ]
    for pipeline in PIPELINES:
        row = "".join(f"{100 * results['conditions'][c]['pipelines'][pipeline]['fta']:10.1f}" for c in CONDITIONS)
        lines.append(f"{pipeline:12}{row}")
    lines.append(f"YuNet FTA % by score threshold (shipped {results['yunet_score_threshold']:g}):")
    for threshold in results["conditions"]["kiosk"]["yunet_fta_by_threshold"]:
        row = "".join(
            f"{100 * results['conditions'][c]['yunet_fta_by_threshold'][threshold]:10.1f}" for c in CONDITIONS
        )
        fp = results["yunet_false_detections"]["frames_with_a_detection_by_threshold"][threshold]
        lines.append(f"  >= {threshold:6}{row}   face-free frames with a detection: {fp}")
    lines.append(f"  (face-free frames: {results['yunet_false_detections']['frames']})")
    lines.append("LFW-dev pairs (checkpoint bench verify):")
    for label, v in results["lfw_dev_verification"].items():
        if v is None:
            lines.append(f"  {label:20} not run (CHECKPOINT_FACE_DETECTOR=... checkpoint bench verify)")
            continue
        lines.append(
            f"  {label:20} accuracy {100 * v['accuracy_mean']:.2f} ± {100 * v['accuracy_std']:.2f} %,"
            f" FNMR@FMR1e-3 {100 * v['fnmr_at_fmr_1e-3_mean']:.2f} %, FTA {v['failure_to_acquire_images']}"
            f" of {v['images']} images"
        )
    cross = results.get("lfw_dev_cross_pipeline")
    if cross:
        lines.append(
            f"  {'HOG enrolled, YuNet probe':20} accuracy {100 * cross['accuracy_mean']:.2f} ± "
            f"{100 * cross['accuracy_std']:.2f} %, FNMR@FMR1e-3 {100 * cross['fnmr_at_fmr_1e-3_mean']:.2f} %"
        )
    return "\n".join(lines)
