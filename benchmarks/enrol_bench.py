"""Enrolment throughput: import N LFW-dev photos as a watchlist (folder per person + manifest), then re-import.

Prints one table and keeps JSON under benchmarks/results/: images per second through the face pipeline, how
many were enrolled or rejected (and the commonest reasons), and the idempotent re-import time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlmodel import Session

from edge.face.analyzer import FaceAnalyzer
from watchlists.db import make_engine, sqlite_url
from watchlists.enrol import EnrolOptions, enrol_folder, read_manifest
from watchlists.models import Category, WatchlistCreate
from watchlists.store import create_watchlist

RESULTS = Path(__file__).resolve().parent / "results"


def pick_photos(images: Path, count: int) -> list[Path]:
    """The first `count` photos in name order (people in alphabetical order, all of each person's photos)."""
    photos = sorted(images.glob("*/*.jpg"))
    if len(photos) < count:
        raise FileNotFoundError(f"only {len(photos)} photos under {images}, asked for {count}")
    return photos[:count]


def _layout(photos: list[Path], root: Path) -> Path:
    """Folder per person (symlinks, no copies) and a CSV manifest; returns the manifest path."""
    people = sorted({p.parent.name for p in photos})
    for photo in photos:
        folder = root / "photos" / photo.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / photo.name).symlink_to(photo)
    manifest = root / "manifest.csv"
    lines = ["reference,name_latin,reason"] + [f"{p},{p.replace('_', ' ')},benchmark subject" for p in people]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def run(
    images: Path, count: int, analyzer: FaceAnalyzer, progress: bool = True, results_dir: Path = RESULTS
) -> tuple[dict, Path]:
    """Enrol `count` photos with `analyzer` (its gate is the enrolment gate) into a fresh database, re-import
    them, and write the JSON report."""
    load_before = list(os.getloadavg())
    photos = pick_photos(images, count)
    with tempfile.TemporaryDirectory(prefix="enrol-bench-") as tmp:
        root = Path(tmp)
        manifest = _layout(photos, root)
        engine = make_engine(sqlite_url(root / "watchlists.sqlite"))
        with Session(engine) as session:
            create_watchlist(
                session,
                WatchlistCreate(
                    name="bench",
                    category=Category.wanted_person,
                    owning_authority="benchmark",
                    legal_basis="benchmark",
                    officer_thumbnail=True,
                ),  # fmt: skip
                "bench",
                "benchmark",
            )
            session.commit()
        subjects = read_manifest(manifest, dt.date.today() + dt.timedelta(days=365))
        options = EnrolOptions("bench", "benchmark", progress=progress)
        first = enrol_folder(engine, "bench", root / "photos", subjects, analyzer, options)
        again = enrol_folder(engine, "bench", root / "photos", subjects, analyzer, options)
        db_bytes = (root / "watchlists.sqlite").stat().st_size
        engine.dispose()
    reasons = Counter(
        re.sub(r"[-+]?\d+(\.\d+)?", "#", reason) for i in first.images if i.status == "rejected" for reason in i.reasons
    )
    report = {
        "benchmark": "enrol",
        "images": len(photos),
        "subjects": len(subjects),
        "enrolled": first.count("enrolled"),
        "rejected": first.count("rejected"),
        "seconds": round(first.seconds, 2),
        "images_per_second": round(first.images_per_second, 3),
        "reimport_seconds": round(again.seconds, 2),
        "reimport_unchanged": again.count("unchanged"),
        "reimport_processed": again.images_processed,
        "database_bytes": db_bytes,
        "rejection_reasons": dict(reasons.most_common(12)),
        "pipeline": {
            "model_id": analyzer.model_id,
            "detector": analyzer.detector_name,
            "upsample": analyzer.upsample,
            "gate": vars(analyzer.gate),
        },
        "machine": {
            "cpu_count": os.cpu_count(),
            "loadavg_before": load_before,
            "loadavg_after": list(os.getloadavg()),
            "nice": os.nice(0),
            "python": platform.python_version(),
        },  # fmt: skip
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"enrol-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report, path


def table(report: dict) -> str:
    """The same plain-text table every run."""
    m = report["machine"]
    lines = [
        f"{'images':>7} {'subjects':>8} {'enrolled':>8} {'rejected':>8} {'seconds':>8} {'images/s':>8} "
        f"{'re-import s':>11}",
        f"{report['images']:>7} {report['subjects']:>8} {report['enrolled']:>8} {report['rejected']:>8} "
        f"{report['seconds']:>8.1f} {report['images_per_second']:>8.2f} {report['reimport_seconds']:>11.1f}",
        f"cpus {m['cpu_count']}, load before {m['loadavg_before'][0]:.2f}, after {m['loadavg_after'][0]:.2f}, "
        f"nice {m['nice']}",
        "commonest rejection reasons:",
    ]
    lines += [f"  {n:>5}  {reason}" for reason, n in report["rejection_reasons"].items()]
    return "\n".join(lines)
