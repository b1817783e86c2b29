"""End-to-end screening latency: document image + 5 frames -> recommendation, per stage, on a 100k watchlist.

The watchlist is a signed bundle of synthetic templates (padding drawn around real LFW-dev templates, see face_like)
plus the astronaut, so some travellers hit;
models are warmed before timing. Prints one table and keeps JSON under benchmarks/results/screening.json.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from benchmarks.result_file import save_result
from benchmarks.snapshot_bench import synthetic_content
from benchmarks.travellers import Traveller, astronaut_portrait, make_traveller

COHORT_PEOPLE = 200  # LFW-dev people (not travellers) whose templates shape the padding

STAGES = (
    "document",
    "capture",
    "presentation_attack",
    "face_vs_document",
    "watchlist_face",
    "lost_stolen",
    "watchlist_names",
    "total",
)


def travellers(lfw_images: Path | None, count: int, frames: int) -> list[Traveller]:
    """The astronaut plus up to `count - 1` LFW-dev people (if present), each on a synthetic passport."""
    portraits = [astronaut_portrait(), *first_photos(lfw_images, 0, count - 1)]
    return [make_traveller(p, seed=i + 1, frames=frames) for i, p in enumerate(portraits)]


def first_photos(lfw_images: Path | None, skip: int, count: int) -> Iterator[np.ndarray]:
    """The first photo (RGB) of each of `count` LFW-dev people after the first `skip`; none without LFW-dev."""
    if lfw_images is None or not lfw_images.is_dir():
        return
    for person in sorted(p for p in lfw_images.iterdir() if p.is_dir())[skip : skip + count]:
        shot = sorted(person.glob("*.jpg"))[0]
        yield cv2.cvtColor(cv2.imread(str(shot)), cv2.COLOR_BGR2RGB)


def face_like(count: int, faces: np.ndarray, seed: int = 0) -> np.ndarray:
    """`count` unit vectors drawn around real templates `faces` (their mean, their per-dimension spread).

    Real face templates sit in a narrow cone (strangers' cosine ~0.75-0.90); random unit vectors are nowhere near
    it (~0.35 to any face). Cohort normalisation reads the probe's best other subjects as its impostor level, so
    a watchlist padded with random vectors lifts every stranger over the threshold: padding must look like faces
    for the screening outcomes to mean anything.
    """
    rng = np.random.default_rng(seed)
    vectors = faces.mean(axis=0) + rng.normal(size=(count, faces.shape[1])) * faces.std(axis=0)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def cohort_faces(lfw_images: Path | None, skip: int, count: int, analyzer) -> np.ndarray | None:  # type: ignore[no-untyped-def]
    """Templates of `count` LFW-dev people after the first `skip` (the travellers), or None without LFW-dev."""
    out = []
    for photo in first_photos(lfw_images, skip, 3 * count):
        face = analyzer.primary(photo)
        if face is not None:
            out.append(face.embedding)
        if len(out) == count:
            break
    return np.array(out, dtype=np.float32) if len(out) >= 2 else None


def watchlist(templates: int, model_id: str, listed: dict[str, np.ndarray], faces: np.ndarray | None = None):  # type: ignore[no-untyped-def]
    """A verified in-memory Snapshot: `templates` synthetic subjects (drawn around `faces`, else random) plus the
    `listed` ones."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from watchlists.snapshot import SubjectCard, read_bundle, write_bundle

    content = synthetic_content(templates - len(listed), 128, 10_000, model_id)
    if faces is not None:
        content.vectors = face_like(len(content.vectors), faces)
    review = (dt.date.today() + dt.timedelta(days=365)).isoformat()
    for key, vector in listed.items():
        content.subjects.append(
            SubjectCard(
                key, "bench", "wanted_person", "Listed Person", "", [], None, None, None, "benchmark entry", review
            )
        )
        content.template_subjects.append(key)
        content.template_ids = np.append(content.template_ids, content.template_ids.max() + 1)
        content.vectors = np.vstack([content.vectors, vector[None, :]])
    key = Ed25519PrivateKey.generate()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.snapshot"
        write_bundle(content, 1, key, path, "bench")
        return read_bundle(path.read_bytes(), key.public_key())


def run(
    settings, screenings: int = 100, templates: int = 100_000, frames: int = 5, people: int = 10
) -> tuple[dict, Path]:  # type: ignore[no-untyped-def]
    """Time `screenings` screenings cycling over the travellers; medians and p95 per stage."""
    from checkpoint.pipeline.assemble import make_screener

    holder: dict = {"snapshot": None}
    screener = make_screener(settings, lambda: holder["snapshot"])
    crowd = travellers(settings.lfw_dir / "images", people, frames)
    listed = {"s-astronaut": screener.analyzer.primary(crowd[0].frames[0]).embedding}
    faces = cohort_faces(settings.lfw_dir / "images", people, COHORT_PEOPLE, screener.analyzer)
    started = time.perf_counter()
    holder["snapshot"] = watchlist(templates, screener.analyzer.model_id, listed, faces)
    load_s = time.perf_counter() - started
    documents = [
        cv2.cvtColor(cv2.imdecode(np.frombuffer(t.document_jpeg, np.uint8), 1), cv2.COLOR_BGR2RGB) for t in crowd
    ]
    screener.screen(documents[0], crowd[0].frames)  # warm-up: OCR and face models, FAISS pages
    rows = []
    outcomes: dict[str, int] = {}
    for i in range(screenings):
        t = i % len(crowd)
        result = screener.screen(documents[t], crowd[t].frames)
        rows.append([result.timings_ms.get(s, 0.0) for s in STAGES])
        key = result.recommendation.value + ":" + ",".join(result.reason_codes)
        outcomes[key] = outcomes.get(key, 0) + 1
    times = np.array(rows)
    stages = {
        s: {
            "median_ms": round(float(np.median(times[:, j])), 1),
            "p95_ms": round(float(np.percentile(times[:, j], 95)), 1),
        }
        for j, s in enumerate(STAGES)
    }
    body = {
        "screenings": screenings,
        "frames_per_screening": frames,
        "travellers": len(crowd),
        "watchlist_templates": len(holder["snapshot"].gallery),
        "watchlist_index": str(holder["snapshot"].gallery.spec),
        "padding": f"face-like, around {len(faces)} LFW-dev people" if faces is not None else "random unit vectors",
        "snapshot_load_s": round(load_s, 2),
        "policy_sha256": screener.policy.sha256,
        "faiss_omp_threads": 1,
        "onnx_threads": settings.onnx_threads,
        "ocr_threads": settings.document_ocr_threads,
        "stages": stages,
        "outcomes": outcomes,
        "target_p95_ms": 1500,
        "cpu_count": os.cpu_count(),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    return body, save_result(settings.benchmark_results_dir, "screening", body)


def table(report: dict) -> str:
    """One line per stage: median and p95 in milliseconds."""
    lines = [
        f"screening latency: {report['screenings']} screenings, {report['frames_per_screening']} frames each, "
        f"{report['watchlist_templates']} templates ({report['watchlist_index']}), load {report['load_average_after']}",
        f"{'stage':<18}{'median ms':>12}{'p95 ms':>12}",
    ]
    for stage, v in report["stages"].items():
        lines.append(f"{stage:<18}{v['median_ms']:>12.1f}{v['p95_ms']:>12.1f}")
    lines.append(f"target p95 total <= {report['target_p95_ms']} ms; outcomes {report['outcomes']}")
    return "\n".join(lines)
